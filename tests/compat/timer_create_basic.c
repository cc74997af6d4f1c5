/* timer_create_basic.c - POSIX timers: SIGEV_SIGNAL with value, gettime, overrun, delete. */
/* syscalls: timer_create timer_settime timer_gettime timer_getoverrun timer_delete rt_sigtimedwait */
#include "tap.h"
#include <signal.h>
#include <time.h>

int main(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN,
				.sigev_value.sival_int = 1234 };
	struct itimerspec its = { .it_value = { 0, 20000000 } }, cur;
	struct timespec ts = { 5, 0 };
	sigset_t set;
	siginfo_t si;
	timer_t t;

	TAP_PLAN(6);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	TAP_OK(timer_create(CLOCK_MONOTONIC, &sev, &t) == 0, "timer_create");
	TAP_OK(timer_settime(t, 0, &its, NULL) == 0 && timer_gettime(t, &cur) == 0 && cur.it_value.tv_nsec > 0,
	       "armed, gettime shows remaining");
	TAP_OK(sigtimedwait(&set, &si, &ts) == SIGRTMIN && si.si_code == SI_TIMER && si.si_value.sival_int == 1234,
	       "SI_TIMER with sigev_value");
	TAP_OK(timer_getoverrun(t) == 0, "no overrun");
	TAP_OK(timer_delete(t) == 0, "timer_delete");
	TAP_ERRNO(timer_create(12345, &sev, &t), EINVAL, "bad clock -> EINVAL");
	return TAP_DONE();
}
