/* renameat2_noreplace.c - renameat2(RENAME_NOREPLACE): EEXIST on target, else moves. */
/* syscalls: renameat2 */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char buf[8];

	TAP_PLAN(4);
	tap_write_file(tap_path("a"), "A");
	tap_write_file(tap_path("b"), "B");
	TAP_ERRNO(renameat2(AT_FDCWD, tap_path("a"), AT_FDCWD, tap_path("b"), RENAME_NOREPLACE), EEXIST,
		  "target exists -> EEXIST");
	TAP_OK(tap_read_file(tap_path("b"), buf, 8) == 1 && buf[0] == 'B', "target untouched");
	TAP_OK(renameat2(AT_FDCWD, tap_path("a"), AT_FDCWD, tap_path("c"), RENAME_NOREPLACE) == 0,
	       "new target -> moved");
	TAP_ERRNO(renameat2(AT_FDCWD, tap_path("c"), AT_FDCWD, tap_path("d"),
			    RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL, "NOREPLACE|EXCHANGE -> EINVAL");
	return TAP_DONE();
}
