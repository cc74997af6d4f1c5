/* setsid_getsid.c - setsid makes a new session and group; group leader gets EPERM. */
/* syscalls: setsid getsid getpgid fork */
#include "tap.h"

int main(void)
{
	int p[2];
	pid_t pid, r[3];

	TAP_PLAN(4);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		r[0] = setsid();
		r[1] = getsid(0);
		r[2] = getpgid(0);
		write(p[1], r, sizeof(r));
		_exit(setsid() == -1 && errno == EPERM ? 0 : 1);
	}
	read(p[0], r, sizeof(r));
	TAP_OK(r[0] == pid && r[1] == pid && r[2] == pid, "setsid returns pid; sid == pgid == pid");
	TAP_OK(tap_exited(tap_wait(pid), 0), "second setsid as leader -> EPERM");
	TAP_OK(getsid(0) > 0 && getsid(getpid()) == getsid(0), "getsid(0) == getsid(self)");
	TAP_ERRNO(getsid(pid), ESRCH, "dead pid -> ESRCH");
	return TAP_DONE();
}
