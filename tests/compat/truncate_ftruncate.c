/* truncate_ftruncate.c - grow and shrink files; zero fill; EINVAL, EISDIR, EBADF. */
/* syscalls: truncate ftruncate */
#include "tap.h"

int main(void)
{
	char buf[16];
	struct stat st;
	int fd;

	TAP_PLAN(7);
	tap_write_file(tap_path("f"), "0123456789");
	TAP_OK(truncate(tap_path("f"), 4) == 0 && stat(tap_path("f"), &st) == 0 && st.st_size == 4, "shrink to 4");
	fd = open(tap_path("f"), O_RDWR);
	TAP_OK(ftruncate(fd, 8) == 0 && fstat(fd, &st) == 0 && st.st_size == 8, "grow to 8");
	TAP_OK(pread(fd, buf, 8, 0) == 8 && !memcmp(buf, "0123\0\0\0\0", 8), "grown part reads zero");
	TAP_ERRNO(ftruncate(fd, -1), EINVAL, "negative -> EINVAL");
	TAP_ERRNO(truncate(tap_tmpdir(), 0), EISDIR, "truncate dir -> EISDIR");
	close(fd);
	fd = open(tap_path("f"), O_RDONLY);
	TAP_ERRNO(ftruncate(fd, 0), EINVAL, "ftruncate read-only fd -> EINVAL");
	TAP_ERRNO(ftruncate(999, 0), EBADF, "bad fd -> EBADF");
	close(fd);
	return TAP_DONE();
}
