/*
 * fork_exit.c - fork(), the child _exit(0)s at once, the parent waitpid()s: task creation
 * and teardown with a copy of a small address space.
 */
#include <sys/wait.h>
#include <unistd.h>
#include "micro.h"

static void fork_exit_wait(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		micro_die("fork");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) < 0)
		micro_die("waitpid");
}

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 5000);

	MICRO_LOOP(iters, fork_exit_wait());
	return 0;
}
