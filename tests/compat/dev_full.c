/* dev_full.c - /dev/full: writes fail with ENOSPC, reads return zeros. */
/* syscalls: openat read write */
#include "tap.h"

int main(void)
{
	char buf[8] = "xxxxxxx";
	int fd;

	TAP_PLAN(2);
	fd = open("/dev/full", O_RDWR);
	TAP_ERRNO(write(fd, "a", 1), ENOSPC, "write -> ENOSPC");
	TAP_OK(read(fd, buf, 8) == 8 && buf[0] == 0 && buf[7] == 0, "read zeros");
	return TAP_DONE();
}
