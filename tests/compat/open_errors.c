/* open_errors.c - openat(2) path errors: ENOENT, ENOTDIR, ENAMETOOLONG, EFAULT, EINVAL. */
/* syscalls: openat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char longname[5000];

	TAP_PLAN(6);
	tap_write_file(tap_path("f"), "x");
	TAP_ERRNO(open(tap_path("missing"), O_RDONLY), ENOENT, "missing file -> ENOENT");
	TAP_ERRNO(open(tap_path("nodir/x"), O_RDONLY | O_CREAT, 0600), ENOENT,
		  "O_CREAT in missing dir -> ENOENT");
	TAP_ERRNO(open(tap_path("f/x"), O_RDONLY), ENOTDIR, "file as dir component -> ENOTDIR");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	TAP_ERRNO(open(longname, O_RDONLY), ENAMETOOLONG, "path > PATH_MAX -> ENAMETOOLONG");
	TAP_ERRNO(syscall(SYS_openat, AT_FDCWD, (void *)1, O_RDONLY), EFAULT, "bad pointer -> EFAULT");
	TAP_ERRNO(open(tap_path("f"), O_RDONLY | O_TMPFILE), EINVAL, "O_TMPFILE without write -> EINVAL");
	return TAP_DONE();
}
