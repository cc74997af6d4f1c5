/* orphan_reparent.c - a grandchild whose parent exits is reparented (getppid changes). */
/* syscalls: fork getppid wait4 exit_group */
#include "tap.h"

int main(void)
{
	int p[2], q[2], st;
	pid_t mid, old = 0, now = 0;

	TAP_PLAN(2);
	pipe(p);
	pipe(q);
	mid = fork();
	if (mid == 0) {
		if (fork() == 0) {
			pid_t before = getppid(), after;

			write(q[1], "k", 1); /* the middle process waits for this before exiting */
			for (int i = 0; i < 400 && getppid() == before; i++)
				usleep(5000);
			after = getppid();
			write(p[1], &before, sizeof(before));
			write(p[1], &after, sizeof(after));
			_exit(0);
		}
		read(q[0], (char[1]){ 0 }, 1);
		_exit(0);
	}
	st = tap_wait(mid);
	read(p[0], &old, sizeof(old));
	read(p[0], &now, sizeof(now));
	TAP_OK(tap_exited(st, 0) && old == mid, "grandchild's first parent is the middle process");
	TAP_OK(now != mid && now > 0, "reparented after the parent exited (now %d)", now);
	return TAP_DONE();
}
