/* sigtimedwait_basic.c - sigwaitinfo/sigtimedwait take a pending signal synchronously. */
/* syscalls: rt_sigtimedwait rt_sigprocmask kill */
#include "tap.h"
#include <signal.h>
#include <time.h>

int main(void)
{
	struct timespec ts = { 0, 10000000 };
	sigset_t set, pend;
	siginfo_t si;

	TAP_PLAN(4);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	TAP_ERRNO(sigtimedwait(&set, &si, &ts), EAGAIN, "nothing pending: times out");
	kill(getpid(), SIGUSR1);
	TAP_OK(sigwaitinfo(&set, &si) == SIGUSR1 && si.si_pid == getpid(), "sigwaitinfo takes it");
	sigpending(&pend);
	TAP_OK(!sigismember(&pend, SIGUSR1), "no longer pending");
	ts.tv_nsec = -1;
	TAP_ERRNO(sigtimedwait(&set, &si, &ts), EINVAL, "bad timespec -> EINVAL");
	return TAP_DONE();
}
