/* setpgid_getpgid.c - process groups: setpgid on self and child, getpgrp, kill(-pgid). */
/* syscalls: setpgid getpgid getpgrp kill fork */
#include "tap.h"
#include <signal.h>
#include <sys/syscall.h>

int main(void)
{
	int st;
	pid_t pid;

	TAP_PLAN(6);
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	TAP_OK(setpgid(pid, pid) == 0, "put child in its own group");
	TAP_OK(getpgid(pid) == pid, "getpgid(child) == child");
	TAP_OK(getpgid(0) == syscall(SYS_getpgrp) && getpgid(0) != pid, "getpgid(0) == getpgrp, different");
	TAP_OK(kill(-pid, SIGTERM) == 0 && WIFSIGNALED(st = tap_wait(pid)) && WTERMSIG(st) == SIGTERM,
	       "kill(-pgid) reaches the group");
	TAP_ERRNO(setpgid(0, -1), EINVAL, "negative pgid -> EINVAL");
	TAP_ERRNO(getpgid(pid), ESRCH, "dead pid -> ESRCH");
	return TAP_DONE();
}
