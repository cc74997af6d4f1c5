/* eventfd_basic.c - eventfd counter: add, read resets, EAGAIN, EINVAL on short buffer. */
/* syscalls: eventfd2 eventfd read write */
#include "tap.h"
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

int main(void)
{
	uint64_t v = 3;
	int fd, legacy;

	TAP_PLAN(7);
	fd = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
	TAP_OK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "eventfd2 with flags");
	TAP_OK(write(fd, &v, 8) == 8, "add 3");
	TAP_OK(read(fd, &v, 8) == 8 && v == 8, "read returns 8 and resets");
	TAP_ERRNO(read(fd, &v, 8), EAGAIN, "empty -> EAGAIN");
	TAP_ERRNO(read(fd, &v, 4), EINVAL, "4-byte buffer -> EINVAL");
	v = UINT64_MAX;
	TAP_ERRNO(write(fd, &v, 8), EINVAL, "write 2^64-1 -> EINVAL");
	legacy = syscall(SYS_eventfd, 2);
	TAP_OK(legacy >= 0 && read(legacy, &v, 8) == 8 && v == 2, "legacy eventfd");
	return TAP_DONE();
}
