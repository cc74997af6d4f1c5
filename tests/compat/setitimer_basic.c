/* setitimer_basic.c - ITIMER_REAL periodic SIGALRMs; getitimer; disarm; EINVAL on bad which. */
/* syscalls: setitimer getitimer rt_sigaction */
#include "tap.h"
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t ticks;

static void on_alrm(int sig)
{
	ticks++;
}

int main(void)
{
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } }, cur;

	TAP_PLAN(5);
	signal(SIGALRM, on_alrm);
	TAP_OK(setitimer(ITIMER_REAL, &it, NULL) == 0, "arm 10ms periodic");
	TAP_OK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_interval.tv_usec == 10000, "getitimer interval");
	while (ticks < 3)
		pause();
	TAP_OK(ticks >= 3, "three ticks");
	it = (struct itimerval){ 0 };
	setitimer(ITIMER_REAL, &it, NULL);
	TAP_OK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0,
	       "disarmed");
	TAP_ERRNO(setitimer(42, &it, NULL), EINVAL, "bad which -> EINVAL");
	return TAP_DONE();
}
