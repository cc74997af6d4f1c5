/* preadv2_pwritev2.c - preadv/pwritev and the v2 forms (offset -1 = current offset). */
/* syscalls: preadv pwritev preadv2 pwritev2 lseek */
#include "tap.h"
#include <sys/uio.h>

int main(void)
{
	char buf[8] = { 0 };
	struct iovec w = { "xyz", 3 }, r = { buf, 3 };
	int fd;

	TAP_PLAN(6);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	TAP_OK(pwritev(fd, &w, 1, 10) == 3 && lseek(fd, 0, SEEK_CUR) == 0, "pwritev at 10");
	TAP_OK(preadv(fd, &r, 1, 10) == 3 && !memcmp(buf, "xyz", 3), "preadv at 10");
	TAP_OK(pwritev2(fd, &w, 1, -1, 0) == 3 && lseek(fd, 0, SEEK_CUR) == 3,
	       "pwritev2 offset -1 advances file offset");
	memset(buf, 0, sizeof(buf));
	lseek(fd, 0, SEEK_SET);
	TAP_OK(preadv2(fd, &r, 1, -1, 0) == 3 && !memcmp(buf, "xyz", 3) &&
		       lseek(fd, 0, SEEK_CUR) == 3, "preadv2 offset -1 reads at current offset");
	TAP_OK(preadv2(fd, &r, 1, 10, RWF_HIPRI) >= 0 || errno == EOPNOTSUPP, "RWF_HIPRI accepted");
	TAP_ERRNO(preadv2(fd, &r, 1, 0, 0x80000000), EOPNOTSUPP, "unknown RWF flag -> EOPNOTSUPP");
	close(fd);
	return TAP_DONE();
}
