/* setgroups_getgroups.c - supplementary groups: set, read back, count query, EINVAL. */
/* syscalls: setgroups getgroups */
#include "tap.h"
#include <grp.h>

int main(void)
{
	gid_t set[3] = { 10, 20, 30 }, got[8];
	pid_t pid;

	TAP_PLAN(4);
	TAP_OK(setgroups(3, set) == 0, "setgroups 3");
	TAP_OK(getgroups(0, NULL) == 3, "count query");
	TAP_OK(getgroups(8, got) == 3 && got[0] == 10 && got[2] == 30, "read back");
	TAP_ERRNO(getgroups(1, got), EINVAL, "too small -> EINVAL");
	pid = fork();
	if (pid == 0)
		_exit(0);
	tap_wait(pid);
	return TAP_DONE();
}
