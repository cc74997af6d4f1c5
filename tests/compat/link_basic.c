/* link_basic.c - hard links: shared inode, nlink counts, EEXIST, EPERM on dirs, linkat. */
/* syscalls: link linkat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	struct stat a, b;

	TAP_PLAN(6);
	tap_write_file(tap_path("f"), "x");
	TAP_OK(syscall(SYS_link, tap_path("f"), tap_path("g")) == 0, "link f g");
	TAP_OK(stat(tap_path("f"), &a) == 0 && stat(tap_path("g"), &b) == 0 && a.st_ino == b.st_ino &&
		       a.st_nlink == 2, "same inode, nlink 2");
	TAP_ERRNO(syscall(SYS_link, tap_path("f"), tap_path("g")), EEXIST, "existing target -> EEXIST");
	mkdir(tap_path("d"), 0700);
	TAP_ERRNO(syscall(SYS_link, tap_path("d"), tap_path("e")), EPERM, "link a dir -> EPERM");
	TAP_OK(linkat(AT_FDCWD, tap_path("f"), AT_FDCWD, tap_path("h"), 0) == 0 &&
		       stat(tap_path("f"), &a) == 0 && a.st_nlink == 3, "linkat, nlink 3");
	unlink(tap_path("f"));
	TAP_OK(stat(tap_path("g"), &a) == 0 && a.st_nlink == 2, "unlink drops nlink");
	return TAP_DONE();
}
