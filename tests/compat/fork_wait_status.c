/* fork_wait_status.c - fork + wait4 status decoding: exit codes, signals, rusage, ECHILD. */
/* syscalls: fork clone wait4 exit_group kill getppid */
#include "tap.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>

int main(void)
{
	struct rusage ru;
	int st;
	pid_t pid, me = getpid();

	TAP_PLAN(7);
	pid = syscall(SYS_fork);
	if (pid == 0)
		_exit(getppid() == me ? 42 : 1);
	TAP_OK(pid > 0, "fork returns child pid in parent");
	TAP_OK(wait4(pid, &st, 0, &ru) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	       "child sees parent via getppid, exits 42");
	TAP_OK(ru.ru_utime.tv_sec >= 0 && ru.ru_maxrss >= 0, "rusage filled");
	pid = fork();
	if (pid == 0) {
		raise(SIGABRT);
		_exit(0);
	}
	TAP_OK(wait4(pid, &st, 0, NULL) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "WTERMSIG SIGABRT");
	pid = fork();
	if (pid == 0)
		_exit(256 + 5);
	TAP_OK(wait4(-1, &st, 0, NULL) == pid && WEXITSTATUS(st) == 5, "wait4(-1), status masked to 8 bits");
	TAP_ERRNO(wait4(-1, &st, 0, NULL), ECHILD, "no children -> ECHILD");
	TAP_ERRNO(wait4(-1, &st, 0x12345678, NULL), EINVAL, "bad options -> EINVAL");
	return TAP_DONE();
}
