/* copy_file_range_basic.c - copy_file_range(2) with offsets; EBADF, EINVAL on flags. */
/* syscalls: copy_file_range */
#include "tap.h"

int main(void)
{
	char buf[16] = { 0 };
	loff_t oi = 1, oo = 0;
	int in, out;

	TAP_PLAN(5);
	tap_write_file(tap_path("in"), "0123456789");
	in = open(tap_path("in"), O_RDONLY);
	out = open(tap_path("out"), O_RDWR | O_CREAT, 0600);
	TAP_OK(copy_file_range(in, &oi, out, &oo, 4, 0) == 4 && oi == 5 && oo == 4, "copies 4, offsets move");
	TAP_OK(pread(out, buf, 16, 0) == 4 && !strcmp(buf, "1234"), "data copied");
	TAP_OK(copy_file_range(in, NULL, out, NULL, 3, 0) == 3 && lseek(in, 0, SEEK_CUR) == 3,
	       "NULL offsets use file offsets");
	TAP_ERRNO(copy_file_range(in, NULL, out, NULL, 1, 1), EINVAL, "flags != 0 -> EINVAL");
	TAP_ERRNO(copy_file_range(in, NULL, in, NULL, 1, 0), EBADF, "O_RDONLY target -> EBADF");
	return TAP_DONE();
}
