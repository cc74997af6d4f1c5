/*
 * fork_exec.c - fork(), the child execs /bin/true, the parent waitpid()s: the cost of
 * running a (dynamically linked) program, ELF loading and ld.so included.
 */
#include <sys/wait.h>
#include <unistd.h>
#include "micro.h"

static void fork_exec_wait(void)
{
	static char *const args[] = {"true", NULL};
	int status;
	pid_t pid = fork();

	if (pid < 0)
		micro_die("fork");
	if (pid == 0) {
		execv("/bin/true", args);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		micro_die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "fork_exec: /bin/true failed (status %#x)\n", status);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 1000);

	MICRO_LOOP(iters, fork_exec_wait());
	return 0;
}
