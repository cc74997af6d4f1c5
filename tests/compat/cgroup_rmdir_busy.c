/* cgroup_rmdir_busy.c - cgroup v2 rmdir: EBUSY while the cgroup has children or
 * processes, fine once cgroup.kill emptied it; interface files cannot be removed. */
/* syscalls: mount mkdir rmdir unlink openat write */
#include "cgroup_setup.h"

int main(void)
{
	const char *t = cg_setup();
	char p[512];
	TAP_PLAN(10);

	const char *a = cg_mkdir(t, "a");
	const char *b = a ? cg_mkdir(a, "b") : NULL;
	TAP_OK(a && b, "mkdir a and a/b");
	TAP_ERRNO(rmdir(a), EBUSY, "rmdir of a cgroup with a child is EBUSY");
	TAP_OK(rmdir(b) == 0, "rmdir of the empty child");
	int rel = -1;
	pid_t child = cg_sleeper(&rel);
	TAP_OK(cg_move(a, child) == 0, "a process moves in");
	TAP_ERRNO(rmdir(a), EBUSY, "rmdir of a cgroup with a process is EBUSY");
	snprintf(p, sizeof(p), "%s/cgroup.procs", a);
	TAP_ERRNO(unlink(p), EPERM, "unlink of an interface file is EPERM");
	TAP_OK(cg_write(a, "cgroup.kill", "1") == 0, "writing 1 to cgroup.kill");
	int st = tap_wait(child);
	TAP_OK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "its process was SIGKILLed");
	close(rel);
	TAP_OK(rmdir(a) == 0, "rmdir once the process is gone");
	TAP_OK(access(a, F_OK) < 0 && errno == ENOENT, "the cgroup is gone");
	return TAP_DONE();
}
