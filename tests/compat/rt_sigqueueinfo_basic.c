/* rt_sigqueueinfo_basic.c - sigqueue carries si_value; real-time signals queue, not coalesce. */
/* syscalls: rt_sigqueueinfo rt_sigtimedwait rt_sigprocmask */
#include "tap.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

int main(void)
{
	struct timespec ts = { 1, 0 };
	union sigval v = { .sival_int = 77 };
	sigset_t set;
	siginfo_t si;

	TAP_PLAN(5);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	TAP_OK(sigqueue(getpid(), SIGRTMIN, v) == 0, "sigqueue");
	v.sival_int = 78;
	sigqueue(getpid(), SIGRTMIN, v);
	TAP_OK(sigtimedwait(&set, &si, &ts) == SIGRTMIN && si.si_code == SI_QUEUE && si.si_value.sival_int == 77,
	       "first: SI_QUEUE value 77");
	TAP_OK(sigtimedwait(&set, &si, &ts) == SIGRTMIN && si.si_value.sival_int == 78, "second queued: 78");
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000;
	TAP_ERRNO(sigtimedwait(&set, &si, &ts), EAGAIN, "queue empty: timeout -> EAGAIN");
	si.si_code = SI_QUEUE;
	TAP_ERRNO(syscall(SYS_rt_sigqueueinfo, getpid(), 1000, &si), EINVAL, "bad signal number -> EINVAL");
	return TAP_DONE();
}
