/* signal_default_actions.c - default actions seen in wait status: term, core, ignore, stop/cont. */
/* syscalls: kill wait4 fork */
#include "tap.h"
#include <signal.h>
#include <sys/resource.h>

static int run_with(int sig)
{
	int p[2], st;
	char c;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 0, 0 };

		setrlimit(RLIMIT_CORE, &rl);
		write(p[1], "r", 1);
		for (int i = 0; i < 200; i++)
			usleep(1000);
		_exit(7);
	}
	read(p[0], &c, 1);
	kill(pid, sig);
	st = tap_wait(pid);
	close(p[0]);
	close(p[1]);
	return st;
}

int main(void)
{
	int st;
	pid_t pid;

	TAP_PLAN(6);
	st = run_with(SIGTERM);
	TAP_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !WCOREDUMP(st), "SIGTERM terminates");
	st = run_with(SIGKILL);
	TAP_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL terminates");
	st = run_with(SIGQUIT);
	TAP_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT, "SIGQUIT terminates (core action)");
	st = run_with(SIGCHLD);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "SIGCHLD ignored by default");
	st = run_with(SIGWINCH);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "SIGWINCH ignored by default");
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(3);
	}
	waitpid(pid, &st, WUNTRACED);
	kill(pid, SIGCONT);
	int st2 = tap_wait(pid);
	TAP_OK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP && tap_exited(st2, 3), "SIGSTOP stops, SIGCONT resumes");
	return TAP_DONE();
}
