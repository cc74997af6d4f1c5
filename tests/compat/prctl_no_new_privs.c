/* prctl_no_new_privs.c - PR_SET_NO_NEW_PRIVS is sticky, inherited, and cannot be unset. */
/* syscalls: prctl fork execve */
#include "tap.h"
#include <sys/prctl.h>

int main(void)
{
	pid_t pid;

	TAP_PLAN(4);
	TAP_OK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, "initially 0");
	TAP_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "set to 1");
	TAP_ERRNO(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL, "unset -> EINVAL");
	pid = fork();
	if (pid == 0)
		_exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
	TAP_OK(tap_exited(tap_wait(pid), 0), "inherited by fork");
	return TAP_DONE();
}
