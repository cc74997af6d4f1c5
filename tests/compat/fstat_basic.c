/* fstat_basic.c - fstat(2) (raw syscall) on files, pipes, /dev/null; EBADF. */
/* syscalls: fstat */
#include "tap.h"
#include <sys/syscall.h>
#include <sys/sysmacros.h>

int main(void)
{
	struct stat st;
	int fd, p[2];

	TAP_PLAN(5);
	tap_write_file(tap_path("f"), "abc");
	fd = open(tap_path("f"), O_RDONLY);
	TAP_OK(syscall(SYS_fstat, fd, &st) == 0 && st.st_size == 3 && S_ISREG(st.st_mode), "regular file");
	pipe(p);
	TAP_OK(syscall(SYS_fstat, p[0], &st) == 0 && S_ISFIFO(st.st_mode), "pipe is S_IFIFO");
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	TAP_OK(syscall(SYS_fstat, fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	       "/dev/null is char 1:3");
	TAP_ERRNO(syscall(SYS_fstat, 999, &st), EBADF, "bad fd -> EBADF");
	TAP_ERRNO(syscall(SYS_fstat, fd, tap_badptr()), EFAULT, "bad buffer -> EFAULT");
	return TAP_DONE();
}
