/* pread_pwrite.c - pread64/pwrite64 use explicit offsets and leave the file offset alone. */
/* syscalls: pread64 pwrite64 lseek openat */
#include "tap.h"

int main(void)
{
	char buf[8] = { 0 };
	int fd, p[2];

	TAP_PLAN(6);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	TAP_OK(pwrite(fd, "abcdef", 6, 100) == 6, "pwrite at 100");
	TAP_OK(lseek(fd, 0, SEEK_CUR) == 0, "offset unchanged");
	TAP_OK(pread(fd, buf, 3, 102) == 3 && !memcmp(buf, "cde", 3), "pread at 102");
	TAP_OK(pread(fd, buf, 1, 50) == 1 && buf[0] == 0, "hole reads as zero");
	TAP_ERRNO(pread(fd, buf, 1, -1), EINVAL, "negative offset -> EINVAL");
	pipe(p);
	TAP_ERRNO(pread(p[0], buf, 1, 0), ESPIPE, "pread on pipe -> ESPIPE");
	close(fd);
	return TAP_DONE();
}
