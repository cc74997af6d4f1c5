/* timerfd_basic.c - timerfd: one-shot expiry count, gettime, interval, EAGAIN, EINVAL. */
/* syscalls: timerfd_create timerfd_settime timerfd_gettime read */
#include "tap.h"
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>

int main(void)
{
	struct itimerspec its = { .it_value = { 0, 20 * 1000 * 1000 } }, cur;
	struct pollfd pfd;
	uint64_t n;
	int fd;

	TAP_PLAN(7);
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	TAP_OK(fd >= 0, "timerfd_create");
	TAP_ERRNO(read(fd, &n, 8), EAGAIN, "unarmed -> EAGAIN");
	TAP_OK(timerfd_settime(fd, 0, &its, NULL) == 0, "arm 20ms");
	TAP_OK(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
		       cur.it_value.tv_nsec <= 20 * 1000 * 1000, "gettime shows remaining");
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	TAP_OK(poll(&pfd, 1, 5000) == 1 && read(fd, &n, 8) == 8 && n == 1, "fires once");
	its.it_value.tv_nsec = 2000000000;
	TAP_ERRNO(timerfd_settime(fd, 0, &its, NULL), EINVAL, "bad tv_nsec -> EINVAL");
	TAP_ERRNO(timerfd_create(12345, 0), EINVAL, "bad clock -> EINVAL");
	return TAP_DONE();
}
