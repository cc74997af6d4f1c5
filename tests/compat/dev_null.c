/* dev_null.c - /dev/null: reads EOF, writes swallow everything. */
/* syscalls: openat read write */
#include "tap.h"

int main(void)
{
	char buf[16];
	int fd;

	TAP_PLAN(3);
	fd = open("/dev/null", O_RDWR);
	TAP_OK(fd >= 0, "open O_RDWR");
	TAP_OK(read(fd, buf, sizeof(buf)) == 0, "read returns 0");
	TAP_OK(write(fd, "abcdefgh", 8) == 8, "write returns full count");
	return TAP_DONE();
}
