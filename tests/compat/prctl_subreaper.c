/* prctl_subreaper.c - PR_SET_CHILD_SUBREAPER: orphaned grandchildren reparent to us. */
/* syscalls: prctl fork wait4 getppid */
#include "tap.h"
#include <sys/prctl.h>

int main(void)
{
	int p[2], flag = 0;
	pid_t mid, gc = 0, ppid = 0;

	TAP_PLAN(4);
	TAP_OK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 && prctl(PR_GET_CHILD_SUBREAPER, &flag) == 0 && flag == 1,
	       "set/get subreaper");
	pipe(p);
	mid = fork();
	if (mid == 0) {
		pid_t g = fork();

		if (g == 0) {
			pid_t orig = getppid(), now;

			for (int i = 0; i < 400 && (now = getppid()) == orig; i++)
				usleep(5000);
			write(p[1], &now, sizeof(now));
			_exit(5);
		}
		write(p[1], &g, sizeof(g));
		_exit(0);
	}
	read(p[0], &gc, sizeof(gc));
	tap_wait(mid);
	read(p[0], &ppid, sizeof(ppid));
	TAP_OK(ppid == getpid(), "grandchild reparented to the subreaper");
	TAP_OK(tap_exited(tap_wait(gc), 5), "subreaper can wait for the grandchild");
	TAP_ERRNO(prctl(PR_GET_CHILD_SUBREAPER, tap_badptr()), EFAULT, "bad pointer -> EFAULT");
	return TAP_DONE();
}
