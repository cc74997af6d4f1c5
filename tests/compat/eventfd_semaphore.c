/* eventfd_semaphore.c - EFD_SEMAPHORE: each read returns 1 and decrements. */
/* syscalls: eventfd2 read write */
#include "tap.h"
#include <stdint.h>
#include <sys/eventfd.h>

int main(void)
{
	uint64_t v;
	int fd;

	TAP_PLAN(4);
	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	TAP_OK(read(fd, &v, 8) == 8 && v == 1, "first read 1");
	TAP_OK(read(fd, &v, 8) == 8 && v == 1, "second read 1");
	TAP_ERRNO(read(fd, &v, 8), EAGAIN, "third -> EAGAIN");
	TAP_ERRNO(eventfd(0, 0x2), EINVAL, "bad flags -> EINVAL");
	return TAP_DONE();
}
