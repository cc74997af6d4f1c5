/* alarm_basic.c - alarm(2) delivers SIGALRM, returns remaining seconds, alarm(0) cancels. */
/* syscalls: alarm pause rt_sigaction */
#include "tap.h"
#include <signal.h>

static volatile sig_atomic_t rang;

static void on_alrm(int sig)
{
	rang++;
}

int main(void)
{
	TAP_PLAN(4);
	signal(SIGALRM, on_alrm);
	alarm(100);
	TAP_OK(alarm(1) >= 99, "alarm returns remaining seconds of the old alarm");
	pause();
	TAP_OK(rang == 1, "SIGALRM delivered, pause returned");
	alarm(10);
	TAP_OK(alarm(0) > 0, "alarm(0) returns remaining");
	usleep(10000);
	TAP_OK(rang == 1, "cancelled alarm does not fire");
	return TAP_DONE();
}
