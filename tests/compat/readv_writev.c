/* readv_writev.c - scatter/gather I/O fills iovecs in order; EINVAL on bad iovcnt. */
/* syscalls: readv writev openat lseek */
#include "tap.h"
#include <sys/uio.h>

int main(void)
{
	char a[3], b[5], c[4];
	struct iovec w[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	struct iovec r[3] = { { a, 3 }, { b, 5 }, { c, 4 } };
	int fd;

	TAP_PLAN(5);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	TAP_OK(writev(fd, w, 3) == 8, "writev 8 bytes incl. empty iovec");
	lseek(fd, 0, SEEK_SET);
	TAP_OK(readv(fd, r, 3) == 8, "readv returns 8");
	TAP_OK(!memcmp(a, "abc", 3) && !memcmp(b, "defgh", 5), "data split across iovecs");
	TAP_ERRNO(writev(fd, w, tap_opaque(-1)), EINVAL, "negative iovcnt -> EINVAL");
	TAP_ERRNO(readv(fd, tap_badptr(), 1), EFAULT, "bad iovec pointer -> EFAULT");
	close(fd);
	return TAP_DONE();
}
