/* timerfd_interval.c - periodic timerfd accumulates expirations; absolute time; disarm. */
/* syscalls: timerfd_create timerfd_settime clock_gettime read nanosleep */
#include "tap.h"
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

int main(void)
{
	struct itimerspec its = { .it_interval = { 0, 10000000 }, .it_value = { 0, 10000000 } }, cur;
	struct timespec now, d = { 0, 100000000 };
	uint64_t n = 0;
	int fd;

	TAP_PLAN(4);
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	timerfd_settime(fd, 0, &its, NULL);
	nanosleep(&d, NULL);
	TAP_OK(read(fd, &n, 8) == 8 && n >= 3, "several expirations accumulated (%llu)", (unsigned long long)n);
	clock_gettime(CLOCK_MONOTONIC, &now);
	its = (struct itimerspec){ .it_value = now };
	its.it_value.tv_nsec += 5000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	TAP_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0 && read(fd, &n, 8) == 8 && n == 1,
	       "TFD_TIMER_ABSTIME fires");
	its = (struct itimerspec){ 0 };
	TAP_OK(timerfd_settime(fd, 0, &its, &cur) == 0, "disarm");
	TAP_OK(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
	       "disarmed reads zero");
	return TAP_DONE();
}
