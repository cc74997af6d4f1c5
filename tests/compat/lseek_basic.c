/* lseek_basic.c - lseek(2) SEEK_SET/CUR/END, past EOF, EINVAL, ESPIPE. */
/* syscalls: lseek openat write read */
#include "tap.h"

int main(void)
{
	char c = 1;
	int fd, p[2];

	TAP_PLAN(7);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	write(fd, "0123456789", 10);
	TAP_OK(lseek(fd, 3, SEEK_SET) == 3, "SEEK_SET 3");
	TAP_OK(lseek(fd, 2, SEEK_CUR) == 5, "SEEK_CUR +2");
	TAP_OK(lseek(fd, -1, SEEK_END) == 9 && read(fd, &c, 1) == 1 && c == '9', "SEEK_END -1");
	TAP_OK(lseek(fd, 100, SEEK_SET) == 100 && read(fd, &c, 1) == 0, "seek past EOF, read 0");
	TAP_ERRNO(lseek(fd, -20, SEEK_SET), EINVAL, "negative result -> EINVAL");
	TAP_ERRNO(lseek(fd, 0, 42), EINVAL, "bad whence -> EINVAL");
	pipe(p);
	TAP_ERRNO(lseek(p[0], 0, SEEK_CUR), ESPIPE, "pipe -> ESPIPE");
	return TAP_DONE();
}
