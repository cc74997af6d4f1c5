/* dev_urandom.c - /dev/urandom and /dev/random give nonrepeating bytes. */
/* syscalls: openat read */
#include "tap.h"

int main(void)
{
	unsigned char a[32], b[32];
	int fd;

	TAP_PLAN(3);
	fd = open("/dev/urandom", O_RDONLY);
	TAP_OK(read(fd, a, 32) == 32 && read(fd, b, 32) == 32, "two reads");
	TAP_OK(memcmp(a, b, 32) != 0, "different bytes");
	close(fd);
	fd = open("/dev/random", O_RDONLY | O_NONBLOCK);
	TAP_OK(fd >= 0 && read(fd, a, 16) == 16, "/dev/random readable");
	return TAP_DONE();
}
