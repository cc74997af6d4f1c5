/* clock_getres_basic.c - clock_getres reports a sane resolution; NULL res ok; EINVAL. */
/* syscalls: clock_getres */
#include "tap.h"
#include <sys/syscall.h>
#include <time.h>

int main(void)
{
	struct timespec r;

	TAP_PLAN(4);
	TAP_OK(clock_getres(CLOCK_MONOTONIC, &r) == 0 && r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000,
	       "monotonic resolution in (0, 10ms]");
	TAP_OK(clock_getres(CLOCK_REALTIME, &r) == 0 && r.tv_sec == 0, "realtime resolution");
	TAP_OK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL) == 0, "NULL res pointer allowed");
	TAP_ERRNO(syscall(SYS_clock_getres, 12345, &r), EINVAL, "bad clock -> EINVAL");
	return TAP_DONE();
}
