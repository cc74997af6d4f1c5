/* pipe_epipe.c - writing to a pipe without readers: SIGPIPE kills by default; EPIPE if ignored. */
/* syscalls: pipe2 write rt_sigaction fork wait4 */
#include "tap.h"
#include <signal.h>

int main(void)
{
	int p[2], st;
	pid_t pid;

	TAP_PLAN(3);
	pipe2(p, 0);
	close(p[0]);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		_exit(0);
	}
	st = tap_wait(pid);
	TAP_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "default action: killed by SIGPIPE");
	signal(SIGPIPE, SIG_IGN);
	TAP_ERRNO(write(p[1], "x", 1), EPIPE, "ignored SIGPIPE -> EPIPE");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	write(p[1], "x", 1);
	sigpending(&set);
	TAP_OK(sigismember(&set, SIGPIPE), "blocked SIGPIPE becomes pending");
	return TAP_DONE();
}
