/* clock_gettime_basic.c - clocks: monotonic never goes back, realtime ~ time(), cputime grows. */
/* syscalls: clock_gettime time gettimeofday */
#include "tap.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

int main(void)
{
	struct timespec a, b, r, c1, c2;
	struct timeval tv;
	time_t t;
	volatile unsigned long spin = 0;

	TAP_PLAN(6);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 1000; i++)
		clock_gettime(CLOCK_MONOTONIC, &b);
	TAP_OK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec), "monotonic non-decreasing");
	TAP_OK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &r) == 0 && r.tv_sec > 1600000000, "realtime is after 2020");
	t = syscall(SYS_time, NULL);
	TAP_OK(t >= r.tv_sec && t - r.tv_sec < 5, "time() agrees with CLOCK_REALTIME");
	TAP_OK(syscall(SYS_gettimeofday, &tv, NULL) == 0 && tv.tv_sec - r.tv_sec < 5 && tv.tv_usec < 1000000,
	       "gettimeofday agrees");
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	for (int i = 0; i < 20000000; i++)
		spin += i;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
	TAP_OK(c2.tv_sec * 1000000000L + c2.tv_nsec > c1.tv_sec * 1000000000L + c1.tv_nsec, "process cputime advances");
	TAP_ERRNO(syscall(SYS_clock_gettime, 12345, &r), EINVAL, "bad clock -> EINVAL");
	return TAP_DONE();
}
