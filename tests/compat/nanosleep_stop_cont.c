/* nanosleep_stop_cont.c - a sleep stopped by SIGSTOP and continued by SIGCONT completes
 * (the kernel resumes it through restart_syscall) and wait reports stop and continue. */
/* syscalls: restart_syscall nanosleep kill wait4 */
#include "tap.h"
#include <signal.h>
#include <time.h>

int main(void)
{
	int st;
	TAP_PLAN(4);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = {0, 300000000};
		_exit(nanosleep(&ts, NULL) == 0 ? 0 : 1);
	}
	usleep(50000);
	kill(pid, SIGSTOP);
	TAP_OK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
	       "wait(WUNTRACED) sees the stop");
	kill(pid, SIGCONT);
	TAP_OK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st),
	       "wait(WCONTINUED) sees the continue");
	TAP_OK(waitpid(pid, &st, 0) == pid, "child finishes");
	TAP_OK(tap_exited(st, 0), "the interrupted nanosleep completed (restarted)");
	return TAP_DONE();
}
