/* kill_basic.c - kill(2): signal 0 probes, ESRCH, EINVAL, EPERM from an unprivileged child. */
/* syscalls: kill fork setresuid */
#include "tap.h"
#include <signal.h>

int main(void)
{
	pid_t pid, dead;

	TAP_PLAN(5);
	TAP_OK(kill(getpid(), 0) == 0, "kill(self, 0) probes");
	dead = fork();
	if (dead == 0)
		_exit(0);
	tap_wait(dead);
	TAP_ERRNO(kill(dead, 0), ESRCH, "reaped pid -> ESRCH");
	TAP_ERRNO(kill(getpid(), 12345), EINVAL, "bad signal -> EINVAL");
	pid = fork();
	if (pid == 0) {
		setresuid(65534, 65534, 65534);
		_exit(kill(1, 0) == -1 && errno == EPERM ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "unprivileged kill of pid 1 -> EPERM");
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	kill(pid, SIGTERM);
	TAP_OK(WIFSIGNALED(tap_wait(pid)) , "SIGTERM kills a pausing child");
	return TAP_DONE();
}
