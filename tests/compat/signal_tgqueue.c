/* signal_tgqueue.c - rt_tgsigqueueinfo queues a value to a thread of the caller;
 * epoll_pwait2 waits with a timespec timeout. */
/* syscalls: rt_tgsigqueueinfo epoll_pwait2 rt_sigtimedwait */
#include "tap.h"
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

int main(void)
{
	sigset_t set;
	siginfo_t si, got;
	struct timespec ts = {2, 0}, short_ts = {0, 20000000};
	struct epoll_event ev;

	TAP_PLAN(5);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_value.sival_int = 99;
	si.si_pid = getpid();
	si.si_uid = getuid();
	TAP_OK(syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), SIGRTMIN, &si) == 0,
	       "rt_tgsigqueueinfo to self");
	TAP_OK(sigtimedwait(&set, &got, &ts) == SIGRTMIN && got.si_value.sival_int == 99 &&
		       got.si_code == SI_QUEUE,
	       "the value arrives with SI_QUEUE");
	TAP_ERRNO(syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGRTMIN, &si), EINVAL,
		  "tid 0 -> EINVAL");
	int ep = epoll_create1(0);
	TAP_OK(syscall(SYS_epoll_pwait2, ep, &ev, 1, &short_ts, NULL, 8) == 0,
	       "epoll_pwait2 times out with 0 events");
	TAP_ERRNO(syscall(SYS_epoll_pwait2, ep, &ev, 0, &short_ts, NULL, 8), EINVAL,
		  "maxevents 0 -> EINVAL");
	close(ep);
	return TAP_DONE();
}
