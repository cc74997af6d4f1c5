/* pivot_root_dot.c - pivot_root(2) as runc does it: chdir(new root); pivot_root(".", ".");
 * umount2(".", MNT_DETACH) leaves only the new root; and Linux's EINVAL/EBUSY checks.
 * The pivot happens in a child with a mount namespace of its own, inside this test's
 * private one (mount_isolate.h). */
/* syscalls: pivot_root umount2 mount unshare chdir getcwd */
#include "mount_isolate.h"
#include <sys/syscall.h>

static long pivot(const char *n, const char *o)
{
	return syscall(SYS_pivot_root, n, o);
}

int main(void)
{
	TAP_PLAN(7);
	mnt_isolate();
	const char *root = strdup(tap_path("root")), *plain = strdup(tap_path("plain"));
	mkdir(root, 0755);
	mkdir(plain, 0755);
	TAP_OK(mount("newroot", root, "tmpfs", 0, NULL) == 0 &&
		   tap_write_file(tap_path("root/marker"), "m") == 0 &&
		   mkdir(tap_path("root/sub"), 0755) == 0,
	       "a tmpfs for the new root");
	pid_t pid = fork();
	if (pid == 0) {
		int bits = 0;
		char cwd[64];
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(100);
		bits |= (pivot(plain, plain) == -1 && errno == EINVAL) << 0;
		bits |= (pivot(root, plain) == -1 && errno == EINVAL) << 1;
		bits |= (pivot("/", "/") == -1 && errno == EBUSY) << 2;
		if (chdir(root) < 0 || pivot(".", ".") < 0)
			_exit(bits | 64);
		if (umount2(".", MNT_DETACH) < 0)
			_exit(bits | 64);
		bits |= (chdir("/") == 0 && access("/marker", F_OK) == 0 &&
			 access("/sub", F_OK) == 0 && getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"))
			<< 3;
		bits |=
		    (access("/tmp", F_OK) == -1 && errno == ENOENT && access("/proc", F_OK) == -1)
		    << 4;
		_exit(bits);
	}
	int st = tap_wait(pid), bits = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	TAP_OK(bits >= 0 && bits < 100 && (bits & 1), "new root not a mount point: EINVAL");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 2), "put_old not under the new root: EINVAL");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 4), "the current root again: EBUSY");
	TAP_OK(bits >= 0 && bits < 64 && (bits & 8), "pivot_root(\".\", \".\") + umount2(\".\", "
						     "MNT_DETACH): the new root is /");
	TAP_OK(bits >= 0 && bits < 64 && (bits & 16), "nothing of the old root is left");
	TAP_OK(access(tap_path("root/marker"), F_OK) == 0 && access("/tmp", F_OK) == 0,
	       "the parent's namespace is unchanged");
	return TAP_DONE();
}
