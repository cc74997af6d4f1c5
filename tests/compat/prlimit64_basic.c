/* prlimit64_basic.c - prlimit on self and on a child; EINVAL when soft > hard; ESRCH. */
/* syscalls: prlimit64 fork */
#include "tap.h"
#include <sys/resource.h>

int main(void)
{
	struct rlimit nl = { 1 << 20, 1 << 20 }, old, got;
	int p[2];
	pid_t pid;

	TAP_PLAN(4);
	TAP_OK(prlimit(0, RLIMIT_STACK, NULL, &old) == 0 && old.rlim_cur > 0, "read own RLIMIT_STACK");
	pipe(p);
	pid = fork();
	if (pid == 0) {
		read(p[0], &old, 1);
		_exit(0);
	}
	TAP_OK(prlimit(pid, RLIMIT_CORE, &nl, NULL) == 0 && prlimit(pid, RLIMIT_CORE, NULL, &got) == 0 &&
		       got.rlim_cur == 1 << 20, "set and read a child's limit");
	write(p[1], "x", 1);
	tap_wait(pid);
	nl.rlim_cur = nl.rlim_max + 1;
	TAP_ERRNO(prlimit(0, RLIMIT_CORE, &nl, NULL), EINVAL, "soft > hard -> EINVAL");
	TAP_ERRNO(prlimit(pid, RLIMIT_CORE, NULL, &got), ESRCH, "dead pid -> ESRCH");
	return TAP_DONE();
}
