/* read_write_basic.c - read(2)/write(2): counts, offsets advance, EOF, EBADF, EFAULT. */
/* syscalls: read write openat close lseek */
#include "tap.h"

int main(void)
{
	char buf[16] = { 0 };
	int fd, ro;

	TAP_PLAN(8);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	TAP_OK(write(fd, "0123456789", 10) == 10, "write 10 bytes");
	TAP_OK(lseek(fd, 0, SEEK_CUR) == 10, "offset advanced to 10");
	lseek(fd, 2, SEEK_SET);
	TAP_OK(read(fd, buf, 4) == 4 && !memcmp(buf, "2345", 4), "read 4 bytes from 2");
	TAP_OK(read(fd, buf, 16) == 4, "short read at end");
	TAP_OK(read(fd, buf, 16) == 0, "read at EOF returns 0");
	lseek(fd, 0, SEEK_SET);
	TAP_ERRNO(read(fd, tap_badptr(), 4), EFAULT, "read into bad pointer -> EFAULT");
	TAP_ERRNO(write(1000, "x", 1), EBADF, "write to bad fd -> EBADF");
	ro = open(tap_path("f"), O_RDONLY);
	TAP_ERRNO(write(ro, "x", 1), EBADF, "write to O_RDONLY fd -> EBADF");
	close(ro);
	close(fd);
	return TAP_DONE();
}
