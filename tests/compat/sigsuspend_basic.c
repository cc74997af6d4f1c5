/* sigsuspend_basic.c - sigsuspend waits with a temporary mask, returns EINTR, restores mask. */
/* syscalls: rt_sigsuspend rt_sigprocmask fork kill */
#include "tap.h"
#include <signal.h>

static volatile sig_atomic_t hits;

static void on_usr1(int sig)
{
	hits++;
}

int main(void)
{
	sigset_t block, empty, cur;
	pid_t pid;

	TAP_PLAN(3);
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = fork();
	if (pid == 0) {
		usleep(20000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigemptyset(&empty);
	TAP_ERRNO(sigsuspend(&empty), EINTR, "sigsuspend -> EINTR");
	TAP_OK(hits == 1, "handler ran");
	sigprocmask(SIG_SETMASK, NULL, &cur);
	TAP_OK(sigismember(&cur, SIGUSR1), "original mask restored");
	tap_wait(pid);
	return TAP_DONE();
}
