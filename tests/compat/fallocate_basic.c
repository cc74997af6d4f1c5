/* fallocate_basic.c - fallocate(2): extend, KEEP_SIZE, PUNCH_HOLE zeroes; EINVAL, EBADF. */
/* syscalls: fallocate */
#include "tap.h"
#include <linux/falloc.h>

int main(void)
{
	char buf[8];
	struct stat st;
	int fd;

	TAP_PLAN(5);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	if (fallocate(fd, 0, 0, 4096) < 0 && errno == EOPNOTSUPP)
		TAP_SKIP_ALL("fallocate unsupported on /tmp");
	TAP_OK(fstat(fd, &st) == 0 && st.st_size == 4096, "mode 0 extends to 4096");
	TAP_OK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 4096, 4096) == 0 && fstat(fd, &st) == 0 &&
		       st.st_size == 4096, "KEEP_SIZE keeps size");
	pwrite(fd, "abcdefgh", 8, 100);
	TAP_OK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096) == 0 &&
		       pread(fd, buf, 8, 100) == 8 && !memcmp(buf, "\0\0\0\0\0\0\0\0", 8),
	       "PUNCH_HOLE zeroes the range");
	TAP_ERRNO(fallocate(fd, 0, 0, 0), EINVAL, "zero length -> EINVAL");
	TAP_ERRNO(fallocate(999, 0, 0, 1), EBADF, "bad fd -> EBADF");
	close(fd);
	return TAP_DONE();
}
