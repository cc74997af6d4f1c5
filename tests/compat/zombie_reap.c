/* zombie_reap.c - an exited child is a zombie (state Z in /proc) until waited for. */
/* syscalls: fork wait4 openat read */
#include "tap.h"
#include <signal.h>

static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (tap_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

int main(void)
{
	siginfo_t si;
	pid_t pid;
	char path[64];

	TAP_PLAN(4);
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	TAP_OK(state_of(pid) == 'Z', "state Z before reaping");
	TAP_OK(kill(pid, 0) == 0, "zombie pid still exists for kill(0)");
	TAP_OK(tap_exited(tap_wait(pid), 0), "reaped");
	snprintf(path, sizeof(path), "/proc/%d", pid);
	TAP_OK(access(path, F_OK) < 0, "/proc entry gone");
	return TAP_DONE();
}
