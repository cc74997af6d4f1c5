/* dup_basic.c - dup(2) shares the file offset and status flags; clears FD_CLOEXEC. */
/* syscalls: dup lseek fcntl */
#include "tap.h"

int main(void)
{
	int fd, d;

	TAP_PLAN(5);
	tap_write_file(tap_path("f"), "0123456789");
	fd = open(tap_path("f"), O_RDONLY | O_CLOEXEC);
	d = dup(fd);
	TAP_OK(d > fd, "dup returns a new fd");
	lseek(fd, 4, SEEK_SET);
	TAP_OK(lseek(d, 0, SEEK_CUR) == 4, "offset shared");
	TAP_OK(fcntl(d, F_GETFD) == 0, "FD_CLOEXEC not copied");
	close(fd);
	TAP_OK(lseek(d, 0, SEEK_CUR) == 4, "dup survives close of original");
	TAP_ERRNO(dup(999), EBADF, "dup bad fd -> EBADF");
	close(d);
	return TAP_DONE();
}
