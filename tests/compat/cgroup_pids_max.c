/* cgroup_pids_max.c - cgroup v2 pids controller: pids.current counts the tasks of a
 * cgroup, fork fails with EAGAIN once pids.max is reached (the tasks already there
 * survive), pids.events counts the refusals, "max" lifts the limit; bad values EINVAL. */
/* syscalls: mount mkdir openat write read fork clone */
#include "cgroup_setup.h"

#define LIMIT 4

int main(void)
{
	const char *t = cg_setup();
	char buf[128];
	bool have = cg_delegate("pids");
	TAP_PLAN(9);
	if (!have) {
		for (int i = 0; i < 9; i++)
			TAP_SKIP("the pids controller is not available to the test's cgroup");
		return TAP_DONE();
	}
	TAP_OK(cg_write(t, "cgroup.subtree_control", "+pids") == 0, "enabling pids");
	const char *a = cg_mkdir(t, "a");
	TAP_OK(a && cg_read(a, "pids.max", buf, sizeof(buf)) > 0 && !strcmp(buf, "max\n"),
	       "pids.max starts at max");
	TAP_ERRNO(cg_write(a, "pids.max", "-1"), EINVAL, "a negative pids.max is EINVAL");
	TAP_OK(cg_write(a, "pids.max", "4") == 0, "pids.max = %d", LIMIT);

	/* The child moves itself in, then forks until refused; its children wait on a pipe. */
	int res[2], hold[2], go[2];
	if (pipe(res) < 0 || pipe(hold) < 0 || pipe(go) < 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		char c;
		int forked = 0, err = 0;
		close(res[0]);
		close(hold[1]);
		close(go[1]);
		if (cg_move(a, getpid()) < 0)
			_exit(2);
		for (int i = 0; i < 10; i++) {
			pid_t p = fork();
			if (p == 0) {
				(void)!read(hold[0], &c, 1);
				_exit(0);
			}
			if (p < 0) {
				err = errno;
				break;
			}
			forked++;
		}
		int msg[2] = {forked, err};
		(void)!write(res[1], msg, sizeof(msg));
		(void)!read(go[0], &c, 1); /* the parent looks at the counters meanwhile */
		close(hold[0]);
		while (wait(NULL) > 0)
			;
		_exit(0);
	}
	close(res[1]);
	close(hold[0]);
	close(go[0]);
	int msg[2] = {-1, 0};
	(void)!read(res[0], msg, sizeof(msg));
	TAP_OK(msg[0] == LIMIT - 1, "%d forks succeed (the child itself is the %dth task)",
	       LIMIT - 1, LIMIT);
	TAP_OK(msg[1] == EAGAIN, "the next fork fails with EAGAIN");
	TAP_OK(cg_read(a, "pids.current", buf, sizeof(buf)) > 0 && atoi(buf) == LIMIT,
	       "pids.current is %d", LIMIT);
	TAP_OK(cg_key(a, "pids.events", "max") == 1, "pids.events: max 1");
	close(hold[1]);
	close(go[1]);
	int st = tap_wait(child);
	TAP_OK(tap_exited(st, 0) && cg_write(a, "pids.max", "max") == 0,
	       "the processes at the limit ran to their end");
	return TAP_DONE();
}
