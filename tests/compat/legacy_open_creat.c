/* legacy_open_creat.c - the pre-openat entry points open(2) and creat(2) as raw syscalls. */
/* syscalls: open creat close read write */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char buf[8] = { 0 };
	int fd;

	TAP_PLAN(5);
	fd = syscall(SYS_creat, tap_path("c"), 0600);
	TAP_OK(fd >= 0 && write(fd, "cr", 2) == 2, "creat + write");
	TAP_ERRNO(read(fd, buf, 1), EBADF, "creat fd is write-only");
	close(fd);
	fd = syscall(SYS_open, tap_path("c"), O_RDONLY);
	TAP_OK(fd >= 0 && read(fd, buf, 8) == 2 && !strcmp(buf, "cr"), "open + read");
	close(fd);
	TAP_ERRNO(syscall(SYS_open, tap_path("none"), O_RDONLY), ENOENT, "open missing -> ENOENT");
	TAP_ERRNO(syscall(SYS_open, (void *)1, O_RDONLY), EFAULT, "open bad ptr -> EFAULT");
	return TAP_DONE();
}
