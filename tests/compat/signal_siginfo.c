/* signal_siginfo.c - SA_SIGINFO handler gets si_signo, si_pid, si_uid, si_code; ucontext set. */
/* syscalls: rt_sigaction kill getpid rt_sigreturn */
#include "tap.h"
#include <signal.h>
#include <ucontext.h>

static siginfo_t got;
static int ctx_ok;

static void handler(int sig, siginfo_t *si, void *uc)
{
	got = *si;
	ctx_ok = uc != NULL && ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP] != 0;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO }, old;
	pid_t pid;

	TAP_PLAN(6);
	TAP_OK(sigaction(SIGUSR1, &sa, NULL) == 0, "install SA_SIGINFO handler");
	kill(getpid(), SIGUSR1);
	TAP_OK(got.si_signo == SIGUSR1 && got.si_code == SI_USER && got.si_pid == getpid() &&
		       got.si_uid == getuid(), "self kill: SI_USER, si_pid, si_uid");
	TAP_OK(ctx_ok, "ucontext with RIP");
	pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	tap_wait(pid);
	TAP_OK(got.si_pid == pid, "si_pid is the child's pid");
	TAP_OK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_sigaction == handler && (old.sa_flags & SA_SIGINFO),
	       "sigaction reads back handler and flags");
	TAP_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL, "SIGKILL handler -> EINVAL");
	return TAP_DONE();
}
