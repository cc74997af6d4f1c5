/* fcntl_flags.c - F_GETFL/F_SETFL (O_NONBLOCK, O_APPEND; access mode fixed), F_GETFD/F_SETFD. */
/* syscalls: fcntl */
#include "tap.h"

int main(void)
{
	int fd, fl;

	TAP_PLAN(6);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	fl = fcntl(fd, F_GETFL);
	TAP_OK((fl & O_ACCMODE) == O_RDWR && !(fl & O_NONBLOCK), "F_GETFL O_RDWR");
	TAP_OK(fcntl(fd, F_SETFL, fl | O_NONBLOCK | O_APPEND) == 0 &&
		       (fcntl(fd, F_GETFL) & (O_NONBLOCK | O_APPEND)) == (O_NONBLOCK | O_APPEND),
	       "F_SETFL sets O_NONBLOCK|O_APPEND");
	TAP_OK(fcntl(fd, F_SETFL, O_RDONLY) == 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
	       "F_SETFL cannot change access mode");
	TAP_OK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "F_SETFD");
	TAP_ERRNO(fcntl(fd, 9999), EINVAL, "unknown cmd -> EINVAL");
	TAP_ERRNO(fcntl(999, F_GETFL), EBADF, "bad fd -> EBADF");
	close(fd);
	return TAP_DONE();
}
