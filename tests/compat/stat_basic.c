/* stat_basic.c - stat(2) via the legacy stat syscall and newfstatat: size, mode, nlink, ino. */
/* syscalls: stat newfstatat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	struct stat a, b;

	TAP_PLAN(7);
	tap_write_file(tap_path("f"), "12345");
	TAP_OK(syscall(SYS_stat, tap_path("f"), &a) == 0, "stat syscall");
	TAP_OK(a.st_size == 5 && S_ISREG(a.st_mode) && a.st_nlink == 1, "size 5, regular, nlink 1");
	TAP_OK(a.st_uid == getuid() && a.st_gid == getgid(), "owner is caller");
	TAP_OK(stat(tap_path("f"), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev,
	       "newfstatat agrees on dev/ino");
	TAP_OK(stat(tap_tmpdir(), &b) == 0 && S_ISDIR(b.st_mode) && b.st_nlink >= 2, "dir: S_ISDIR, nlink>=2");
	TAP_ERRNO(syscall(SYS_stat, tap_path("none"), &a), ENOENT, "missing -> ENOENT");
	TAP_ERRNO(syscall(SYS_stat, tap_path("f"), tap_badptr()), EFAULT, "bad buffer -> EFAULT");
	return TAP_DONE();
}
