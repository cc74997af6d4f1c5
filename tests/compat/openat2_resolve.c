/* openat2_resolve.c - openat2(2)'s RESOLVE_* flags as runc and its securejoin use them
 * (cgroup files with BENEATH|NO_MAGICLINKS, rootfs paths with IN_ROOT), and its errors. */
/* syscalls: openat2 symlinkat mkdirat */
#include "tap.h"
#include <stdint.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

static long o2(int dfd, const char *p, uint64_t flags, uint64_t mode, uint64_t res)
{
	struct open_how h = { .flags = flags, .mode = mode, .resolve = res };
	return syscall(SYS_openat2, dfd, p, &h, sizeof(h));
}

static bool same_file(int a, const char *path)
{
	struct stat x, y;
	return a >= 0 && fstat(a, &x) == 0 && stat(path, &y) == 0 && x.st_ino == y.st_ino &&
	       x.st_dev == y.st_dev;
}

int main(void)
{
	TAP_PLAN(12);
	const char *d = tap_tmpdir();
	char p[256];
	snprintf(p, sizeof(p), "%s/root", d);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/root/etc", d);
	mkdir(p, 0755);
	tap_write_file(tap_path("root/etc/hosts"), "inner\n");
	tap_write_file(tap_path("outside"), "outer\n");
	symlink("/etc/hosts", tap_path("root/abs"));
	symlink("../outside", tap_path("root/up"));
	int root = open(tap_path("root"), O_PATH | O_DIRECTORY);

	long fd = o2(root, "etc/hosts", O_RDONLY, 0, RESOLVE_BENEATH);
	TAP_OK(same_file(fd, tap_path("root/etc/hosts")), "BENEATH: a path inside the dir");
	TAP_ERRNO(o2(root, "../outside", O_RDONLY, 0, RESOLVE_BENEATH), EXDEV,
		  "BENEATH: .. out of it is EXDEV");
	TAP_ERRNO(o2(root, "/etc/hosts", O_RDONLY, 0, RESOLVE_BENEATH), EXDEV,
		  "BENEATH: an absolute path is EXDEV");
	TAP_ERRNO(o2(root, "up", O_RDONLY, 0, RESOLVE_BENEATH), EXDEV,
		  "BENEATH: a symlink leading out is EXDEV");
	fd = o2(root, "abs", O_RDONLY, 0, RESOLVE_IN_ROOT);
	TAP_OK(same_file(fd, tap_path("root/etc/hosts")),
	       "IN_ROOT: an absolute symlink resolves inside the root");
	fd = o2(root, "../../../etc/hosts", O_RDONLY, 0, RESOLVE_IN_ROOT);
	TAP_OK(same_file(fd, tap_path("root/etc/hosts")), "IN_ROOT: .. stops at the root");
	TAP_ERRNO(o2(root, "abs", O_RDONLY, 0, RESOLVE_NO_SYMLINKS), ELOOP,
		  "NO_SYMLINKS: ELOOP on a symlink");
	int f = open(tap_path("outside"), O_RDONLY);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", f);
	TAP_ERRNO(o2(AT_FDCWD, p, O_RDONLY, 0, RESOLVE_NO_MAGICLINKS), ELOOP,
		  "NO_MAGICLINKS: ELOOP on /proc/self/fd/N");
	TAP_ERRNO(o2(AT_FDCWD, "/proc/self/status", O_RDONLY, 0, RESOLVE_NO_XDEV), EXDEV,
		  "NO_XDEV: EXDEV crossing into /proc");
	TAP_ERRNO(o2(root, "etc/hosts", O_RDONLY, 0, 1ULL << 40), EINVAL,
		  "an unknown RESOLVE_ flag is EINVAL");
	TAP_ERRNO(o2(root, "etc/hosts", O_RDONLY, 0644, 0), EINVAL,
		  "a mode without O_CREAT is EINVAL");
	struct open_how h = { 0 };
	TAP_ERRNO(syscall(SYS_openat2, root, "etc/hosts", &h, 8), EINVAL,
		  "a size below OPEN_HOW_SIZE_VER0 is EINVAL");
	return TAP_DONE();
}
