/* open_append.c - O_APPEND: every write goes to the end, even after lseek. */
/* syscalls: openat write lseek read close */
#include "tap.h"

int main(void)
{
	const char *p = tap_path("f");
	char buf[32];
	int fd;

	TAP_PLAN(4);
	TAP_OK(tap_write_file(p, "abc") == 0, "seed file");
	fd = open(p, O_WRONLY | O_APPEND);
	TAP_OK(fd >= 0, "open O_APPEND");
	lseek(fd, 0, SEEK_SET);
	TAP_OK(write(fd, "de", 2) == 2 && lseek(fd, 0, SEEK_CUR) == 5, "write appends, offset is 5");
	close(fd);
	TAP_OK(tap_read_file(p, buf, sizeof(buf)) == 5 && !strcmp(buf, "abcde"), "content is abcde");
	return TAP_DONE();
}
