/* wait_wnohang.c - WNOHANG returns 0 while the child runs, its pid once it exited. */
/* syscalls: wait4 fork */
#include "tap.h"

int main(void)
{
	int p[2], st;
	pid_t pid;
	char c;

	TAP_PLAN(3);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		read(p[0], &c, 1);
		_exit(2);
	}
	TAP_OK(waitpid(pid, &st, WNOHANG) == 0, "running child -> 0");
	write(p[1], "x", 1);
	TAP_OK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 2, "blocking wait after release");
	TAP_ERRNO(waitpid(pid, &st, WNOHANG), ECHILD, "reaped -> ECHILD");
	return TAP_DONE();
}
