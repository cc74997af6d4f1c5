/* mount_eperm.c - without CAP_SYS_ADMIN (dropped with capset) mount, umount2, pivot_root
 * and unshare(CLONE_NEWNS) are EPERM; a missing target is still ENOENT first (the path
 * is looked up before the capability check, as Linux). In its own mount namespace. */
/* syscalls: mount umount2 pivot_root unshare capset capget */
#include "mount_isolate.h"
#include <linux/capability.h>
#include <sys/syscall.h>

static int drop_sys_admin(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	return syscall(SYS_capset, &h, d);
}

static bool is_eperm(long r)
{
	return r == -1 && errno == EPERM;
}

int main(void)
{
	TAP_PLAN(6);
	const char *base = mnt_isolate();
	const char *m = strdup(tap_path("m"));
	mkdir(m, 0755);
	TAP_OK(mount("t", m, "tmpfs", 0, NULL) == 0, "mount with the capability");
	pid_t pid = fork();
	if (pid == 0) {
		int bits = 0;
		if (drop_sys_admin() < 0)
			_exit(100);
		bits |= is_eperm(mount("t", base, "tmpfs", 0, NULL)) << 0;
		bits |= is_eperm(umount2(m, 0)) << 1;
		bits |= is_eperm(syscall(SYS_pivot_root, m, m)) << 2;
		bits |= is_eperm(unshare(CLONE_NEWNS)) << 3;
		bits |= (mount("t", "/nonexistent-cvisor-dir", "tmpfs", 0, NULL) == -1 &&
			 errno == ENOENT)
			<< 4;
		_exit(bits);
	}
	int st = tap_wait(pid), bits = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	TAP_OK(bits >= 0 && bits < 100 && (bits & 1), "mount is EPERM");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 2), "umount2 is EPERM");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 4), "pivot_root is EPERM");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 8), "unshare(CLONE_NEWNS) is EPERM");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 16), "a missing target is ENOENT first");
	return TAP_DONE();
}
