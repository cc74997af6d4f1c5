/* sigchld_on_exit.c - SIGCHLD is sent on child exit with CLD_EXITED and the status. */
/* syscalls: rt_sigaction rt_sigtimedwait fork exit_group wait4 */
#include "tap.h"
#include <signal.h>
#include <time.h>

int main(void)
{
	struct timespec ts = { 5, 0 };
	sigset_t set;
	siginfo_t si;
	pid_t pid;

	TAP_PLAN(3);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid = fork();
	if (pid == 0)
		_exit(9);
	TAP_OK(sigtimedwait(&set, &si, &ts) == SIGCHLD, "SIGCHLD arrives");
	TAP_OK(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 9, "si_pid, CLD_EXITED, status 9");
	TAP_OK(tap_exited(tap_wait(pid), 9), "wait gets exit 9");
	return TAP_DONE();
}
