/* statx_basic.c - statx(2): mask, size, mode, AT_EMPTY_PATH, btime optional. */
/* syscalls: statx */
#include "tap.h"

int main(void)
{
	struct statx sx;
	int fd;

	TAP_PLAN(5);
	tap_write_file(tap_path("f"), "0123456");
	TAP_OK(statx(AT_FDCWD, tap_path("f"), 0, STATX_BASIC_STATS, &sx) == 0, "statx");
	TAP_OK((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS && sx.stx_size == 7 &&
		       S_ISREG(sx.stx_mode), "basic stats filled, size 7");
	fd = open(tap_path("f"), O_RDONLY);
	TAP_OK(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx) == 0 && sx.stx_size == 7, "AT_EMPTY_PATH");
	TAP_ERRNO(statx(AT_FDCWD, tap_path("none"), 0, STATX_BASIC_STATS, &sx), ENOENT, "missing -> ENOENT");
	TAP_ERRNO(statx(AT_FDCWD, tap_path("f"), 0, 0x80000000U, &sx), EINVAL, "reserved mask bit -> EINVAL");
	close(fd);
	return TAP_DONE();
}
