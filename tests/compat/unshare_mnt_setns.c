/* unshare_mnt_setns.c - setns(2) with /proc/<pid>/ns/mnt joins another process's mount
 * namespace (its mounts become visible, root and cwd move to it); a wrong nstype, a file
 * that is no namespace and a bad fd are refused. The test first isolates itself. */
/* syscalls: setns unshare mount openat */
#include "mount_isolate.h"

int main(void)
{
	char path[64], c;
	int ready[2], done[2];
	TAP_PLAN(6);
	mnt_isolate();
	const char *x = strdup(tap_path("x")), *marker = strdup(tap_path("x/marker"));
	mkdir(x, 0755);
	pipe(ready);
	pipe(done);
	pid_t a = fork();
	if (a == 0) { /* A: a namespace of its own with a mount in it, kept until told */
		close(ready[0]);
		close(done[1]);
		if (unshare(CLONE_NEWNS) == 0 && mount("t", x, "tmpfs", 0, NULL) == 0 &&
		    tap_write_file(marker, "a") == 0)
			write(ready[1], "r", 1);
		read(done[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	TAP_OK(read(ready[0], &c, 1) == 1 && access(marker, F_OK) == -1,
	       "the other process has a mount we do not see");
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", a);
	int nsfd = open(path, O_RDONLY);
	pid_t b = fork();
	if (b == 0)
		_exit(setns(nsfd, CLONE_NEWNS) == 0 && access(marker, F_OK) == 0 ? 0 : 1);
	TAP_OK(nsfd >= 0 && tap_exited(tap_wait(b), 0), "after setns the mount is visible");
	TAP_ERRNO(setns(nsfd, CLONE_NEWNET), EINVAL, "a wrong nstype is EINVAL");
	int plain = open(tap_path("x"), O_RDONLY);
	TAP_ERRNO(setns(plain, 0), EINVAL, "a file that is no namespace is EINVAL");
	TAP_ERRNO(setns(-1, CLONE_NEWNS), EBADF, "a bad fd is EBADF");
	TAP_OK(access(marker, F_OK) == -1, "this process's namespace is unchanged");
	write(done[1], "d", 1);
	tap_wait(a);
	return TAP_DONE();
}
