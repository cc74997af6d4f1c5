/* open_trunc.c - openat(2) O_TRUNC empties an existing file; without it data stays. */
/* syscalls: openat write fstat close */
#include "tap.h"

int main(void)
{
	const char *p = tap_path("f");
	struct stat st;
	int fd;

	TAP_PLAN(4);
	TAP_OK(tap_write_file(p, "hello world") == 0, "write 11 bytes");
	fd = open(p, O_RDWR);
	TAP_OK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 11, "open without O_TRUNC keeps size");
	close(fd);
	fd = open(p, O_RDWR | O_TRUNC);
	TAP_OK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC truncates to 0");
	close(fd);
	fd = open(p, O_RDONLY | O_TRUNC);
	TAP_OK(fd >= 0, "O_RDONLY|O_TRUNC is accepted");
	close(fd);
	return TAP_DONE();
}
