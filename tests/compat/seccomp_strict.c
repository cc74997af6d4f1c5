/* seccomp_strict.c - strict mode (seccomp and prctl): read, write and exit still work; any
 * other call, trapped (getpid) or native (sched_yield, exit_group), kills with SIGKILL. */
/* syscalls: seccomp prctl read write exit getpid sched_yield exit_group */
#include "tap.h"
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* Child: enter strict mode (by prctl when @use_prctl), echo one byte through a pipe, then
 * make call @nr (exit(7) when @nr is SYS_exit). Returns its wait status. */
static int run(bool use_prctl, long nr)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char c = 0;
		long r = use_prctl ? prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0)
				   : syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL);
		if (r != 0)
			syscall(SYS_exit, 3);
		if (syscall(SYS_write, fds[1], "s", 1) != 1 ||
		    syscall(SYS_read, fds[0], &c, 1) != 1 || c != 's')
			syscall(SYS_exit, 4);
		syscall(nr, 7);
		syscall(SYS_exit, 0);
	}
	close(fds[0]);
	close(fds[1]);
	return tap_wait(pid);
}

static bool killed(int st)
{
	return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

int main(void)
{
	TAP_PLAN(5);
	TAP_OK(tap_exited(run(false, SYS_exit), 7), "read, write and exit(7) work in strict mode");
	TAP_OK(tap_exited(run(true, SYS_exit), 7), "the same after prctl(PR_SET_SECCOMP, 1)");
	TAP_OK(killed(run(false, SYS_getpid)), "getpid (trapped): SIGKILL");
	TAP_OK(killed(run(true, SYS_sched_yield)), "sched_yield (native): SIGKILL");
	TAP_OK(killed(run(false, SYS_exit_group)), "exit_group: SIGKILL");
	return TAP_DONE();
}
