/* sigprocmask_pending.c - blocking defers delivery, sigpending shows it, unblock delivers once. */
/* syscalls: rt_sigprocmask rt_sigpending kill */
#include "tap.h"
#include <signal.h>
#include <sys/syscall.h>

static volatile sig_atomic_t hits;

static void on_usr2(int sig)
{
	hits++;
}

int main(void)
{
	sigset_t set, old, pend;

	TAP_PLAN(7);
	signal(SIGUSR2, on_usr2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	TAP_OK(sigprocmask(SIG_BLOCK, &set, &old) == 0 && !sigismember(&old, SIGUSR2), "block SIGUSR2");
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR2);
	TAP_OK(hits == 0, "not delivered while blocked");
	TAP_OK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR2), "pending");
	TAP_OK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0 && hits == 1, "standard signal coalesced: one delivery");
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	sigprocmask(SIG_SETMASK, NULL, &old);
	TAP_OK(!sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP), "SIGKILL/SIGSTOP cannot be blocked");
	TAP_ERRNO(sigprocmask(42, &set, NULL), EINVAL, "bad how -> EINVAL");
	TAP_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL, "bad sigsetsize -> EINVAL");
	return TAP_DONE();
}
