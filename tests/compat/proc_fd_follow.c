/* proc_fd_follow.c - stat(2) through /proc/self/fd/N lands on the object itself: a pipe is
 * a FIFO (not the magic link), an eventfd is not a symlink, a regular file is itself. */
/* syscalls: stat lstat pipe eventfd2 openat */
#include "tap.h"
#include <sys/eventfd.h>
#include <sys/stat.h>

int main(void)
{
	char path[64];
	struct stat st, fst;
	int p[2];

	TAP_PLAN(5);
	TAP_OK(pipe(p) == 0, "pipe");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	TAP_OK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode), "lstat of fd/N is the link");
	TAP_OK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode) && fstat(p[0], &fst) == 0 &&
		       st.st_ino == fst.st_ino,
	       "stat follows fd/N of a pipe to the pipe (same inode as fstat)");
	int fd = open("/proc/self/exe", O_RDONLY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	TAP_OK(fd >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode), "regular file");
	int efd = eventfd(0, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", efd);
	TAP_OK(efd >= 0 && stat(path, &st) == 0 && !S_ISLNK(st.st_mode), "eventfd is not a link");
	return TAP_DONE();
}
