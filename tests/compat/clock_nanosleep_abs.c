/* clock_nanosleep_abs.c - TIMER_ABSTIME sleep until a deadline; past deadline returns at once. */
/* syscalls: clock_nanosleep clock_gettime */
#include "tap.h"
#include <time.h>

int main(void)
{
	struct timespec now, dl, after;

	TAP_PLAN(4);
	clock_gettime(CLOCK_MONOTONIC, &now);
	dl = now;
	dl.tv_nsec += 30000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	TAP_OK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL) == 0, "absolute sleep returns 0");
	clock_gettime(CLOCK_MONOTONIC, &after);
	TAP_OK(after.tv_sec > dl.tv_sec || (after.tv_sec == dl.tv_sec && after.tv_nsec >= dl.tv_nsec),
	       "woke at or after the deadline");
	TAP_OK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL) == 0, "past deadline returns at once");
	TAP_OK(clock_nanosleep(12345, 0, &now, NULL) == EINVAL, "bad clock -> returns EINVAL");
	return TAP_DONE();
}
