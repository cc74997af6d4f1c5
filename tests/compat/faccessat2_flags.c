/* faccessat2_flags.c - faccessat2: AT_SYMLINK_NOFOLLOW on dangling link, AT_EACCESS, EINVAL. */
/* syscalls: faccessat2 */
#include "tap.h"
#include <sys/syscall.h>

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

int main(void)
{
	TAP_PLAN(4);
	symlink("nowhere", tap_path("l"));
	TAP_ERRNO(syscall(SYS_faccessat2, AT_FDCWD, tap_path("l"), F_OK, 0), ENOENT,
		  "following dangling link -> ENOENT");
	TAP_OK(syscall(SYS_faccessat2, AT_FDCWD, tap_path("l"), F_OK, AT_SYMLINK_NOFOLLOW) == 0,
	       "AT_SYMLINK_NOFOLLOW sees the link");
	TAP_OK(syscall(SYS_faccessat2, AT_FDCWD, tap_tmpdir(), R_OK | X_OK, AT_EACCESS) == 0, "AT_EACCESS");
	TAP_ERRNO(syscall(SYS_faccessat2, AT_FDCWD, tap_tmpdir(), F_OK, 0x1), EINVAL, "bad flag -> EINVAL");
	return TAP_DONE();
}
