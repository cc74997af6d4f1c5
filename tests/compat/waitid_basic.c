/* waitid_basic.c - waitid(2): P_PID/P_ALL, CLD_EXITED/CLD_KILLED, WNOWAIT leaves the zombie. */
/* syscalls: waitid fork kill */
#include "tap.h"
#include <signal.h>

int main(void)
{
	siginfo_t si;
	pid_t pid;

	TAP_PLAN(5);
	pid = fork();
	if (pid == 0)
		_exit(3);
	memset(&si, 0, sizeof(si));
	TAP_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid && si.si_code == CLD_EXITED &&
		       si.si_status == 3, "WNOWAIT: CLD_EXITED status 3");
	TAP_OK(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == pid, "still waitable, then reaped");
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	kill(pid, SIGKILL);
	TAP_OK(waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_KILLED && si.si_status == SIGKILL,
	       "CLD_KILLED SIGKILL");
	TAP_ERRNO(waitid(P_ALL, 0, &si, WEXITED), ECHILD, "no children -> ECHILD");
	TAP_ERRNO(waitid(P_ALL, 0, &si, 0), EINVAL, "no state flags -> EINVAL");
	return TAP_DONE();
}
