/* unshare_mnt.c - unshare(CLONE_NEWNS) and clone(CLONE_NEWNS): the child's mounts stay in
 * its copy of the namespace, the cwd moves into the copy (same files), /proc/self/ns/mnt
 * differs; flag errors. The test first isolates itself (mount_isolate.h). */
/* syscalls: unshare clone mount readlinkat fcntl */
#include "mount_isolate.h"
#include <sys/syscall.h>

static void ns_link(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/ns/mnt", buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
}

/* The child: its own namespace, a mount in it, a file through its (moved) cwd. */
static int child_work(bool do_unshare)
{
	char before[64], after[64];
	ns_link(before, sizeof(before));
	if (chdir(tap_path("d")) < 0)
		return 100;
	if (do_unshare && unshare(CLONE_NEWNS) < 0)
		return 101;
	ns_link(after, sizeof(after));
	int bits = 0;
	bits |= (mount("t", tap_path("x"), "tmpfs", 0, NULL) == 0 &&
		 tap_write_file(tap_path("x/only-child"), "c") == 0)
		<< 0;
	bits |= (tap_write_file("through-cwd", "w") == 0) << 1;
	bits |= (do_unshare ? strcmp(before, after) != 0 : true) << 2;
	return bits;
}

int main(void)
{
	char mine[64];
	TAP_PLAN(11);
	mnt_isolate();
	mkdir(tap_path("d"), 0755);
	mkdir(tap_path("x"), 0755);
	ns_link(mine, sizeof(mine));
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_work(true));
	int st = tap_wait(pid), bits = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	TAP_OK(bits >= 0 && bits < 100 && (bits & 1), "unshare: the child mounts in its copy");
	TAP_OK(access(tap_path("x/only-child"), F_OK) == -1 && errno == ENOENT,
	       "the parent does not see the child's mount");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 2) &&
		   access(tap_path("d/through-cwd"), F_OK) == 0,
	       "the child's cwd moved into the copy: same files");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 4), "/proc/self/ns/mnt changes");
	unlink(tap_path("d/through-cwd"));
	pid = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(child_work(false));
	st = tap_wait(pid);
	bits = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	TAP_OK(bits >= 0 && bits < 100 && (bits & 1) &&
		   access(tap_path("x/only-child"), F_OK) == -1,
	       "clone(CLONE_NEWNS): the child's mount stays in its copy");
	TAP_OK(bits >= 0 && bits < 100 && (bits & 2), "clone(CLONE_NEWNS): cwd usable");
	TAP_ERRNO(syscall(SYS_clone, CLONE_NEWNS | CLONE_FS | SIGCHLD, 0, 0, 0, 0), EINVAL,
		  "CLONE_NEWNS with CLONE_FS is EINVAL");
	TAP_ERRNO(unshare(0x1), EINVAL, "unknown unshare flags are EINVAL");
	TAP_OK(unshare(CLONE_FS) == 0, "unshare(CLONE_FS)");
	int fd = open("/proc/self/status", O_RDONLY);
	TAP_OK(unshare(CLONE_FILES | CLONE_SYSVSEM) == 0 && fcntl(fd, F_GETFD) >= 0,
	       "unshare(CLONE_FILES|CLONE_SYSVSEM) keeps the fds");
	pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) /* shares our fd table until it unshares it */
		_exit(unshare(CLONE_FILES) == 0 && close(fd) == 0 ? 0 : 1);
	TAP_OK(tap_exited(tap_wait(pid), 0) && fcntl(fd, F_GETFD) >= 0,
	       "after unshare(CLONE_FILES) a child sharing our table closes only its copy");
	return TAP_DONE();
}
