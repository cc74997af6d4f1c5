/* sigaction_full_mask.c - a handler whose sa_mask blocks every signal (Go's do) makes
 * system calls: they work, the process goes on afterwards, and the mask is restored. */
/* syscalls: rt_sigaction kill getppid rt_sigprocmask */
#include "tap.h"
#include <signal.h>
#include <sys/syscall.h>

static volatile long in_handler_ppid = -2;
static volatile int hits;

static void on_usr1(int sig)
{
	in_handler_ppid = syscall(SYS_getppid);
	hits++;
}

int main(void)
{
	struct sigaction sa;
	sigset_t cur;

	TAP_PLAN(4);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigfillset(&sa.sa_mask);
	TAP_OK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction with a full sa_mask");
	for (int i = 0; i < 3; i++)
		kill(getpid(), SIGUSR1);
	TAP_OK(hits == 3 && in_handler_ppid == syscall(SYS_getppid),
	       "the handler ran three times and its getppid answered (%ld)", (long)in_handler_ppid);
	TAP_OK(syscall(SYS_getppid) >= 0 && getpid() > 0, "trapped calls still work afterwards");
	sigprocmask(SIG_SETMASK, NULL, &cur);
	TAP_OK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGSYS), "the mask is restored");
	return TAP_DONE();
}
