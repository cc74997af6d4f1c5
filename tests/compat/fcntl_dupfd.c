/* fcntl_dupfd.c - F_DUPFD / F_DUPFD_CLOEXEC pick the lowest fd >= arg; EINVAL beyond limit. */
/* syscalls: fcntl */
#include "tap.h"

int main(void)
{
	int fd, d;

	TAP_PLAN(5);
	fd = open("/dev/null", O_RDONLY);
	d = fcntl(fd, F_DUPFD, 20);
	TAP_OK(d == 20 && fcntl(d, F_GETFD) == 0, "F_DUPFD 20 -> 20, no cloexec");
	TAP_OK(fcntl(fd, F_DUPFD, 20) == 21, "next F_DUPFD 20 -> 21");
	d = fcntl(fd, F_DUPFD_CLOEXEC, 30);
	TAP_OK(d == 30 && fcntl(d, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC");
	TAP_ERRNO(fcntl(fd, F_DUPFD, 1 << 30), EINVAL, "arg above RLIMIT_NOFILE -> EINVAL");
	TAP_ERRNO(fcntl(999, F_DUPFD, 0), EBADF, "bad fd -> EBADF");
	return TAP_DONE();
}
