/* renameat2_exchange.c - renameat2(RENAME_EXCHANGE) swaps two names atomically. */
/* syscalls: renameat2 */
#include "tap.h"

int main(void)
{
	char buf[8];
	struct stat st;

	TAP_PLAN(4);
	tap_write_file(tap_path("a"), "A");
	mkdir(tap_path("d"), 0700);
	TAP_OK(renameat2(AT_FDCWD, tap_path("a"), AT_FDCWD, tap_path("d"), RENAME_EXCHANGE) == 0,
	       "exchange file and dir");
	TAP_OK(stat(tap_path("a"), &st) == 0 && S_ISDIR(st.st_mode), "a is now the dir");
	TAP_OK(tap_read_file(tap_path("d"), buf, 8) == 1 && buf[0] == 'A', "d is now the file");
	TAP_ERRNO(renameat2(AT_FDCWD, tap_path("a"), AT_FDCWD, tap_path("none"), RENAME_EXCHANGE), ENOENT,
		  "exchange with missing -> ENOENT");
	return TAP_DONE();
}
