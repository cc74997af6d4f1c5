/* open_nofollow.c - O_NOFOLLOW: ELOOP on a final symlink, fine through a dir symlink. */
/* syscalls: openat symlinkat close */
#include "tap.h"

int main(void)
{
	int fd;

	TAP_PLAN(4);
	tap_write_file(tap_path("f"), "x");
	TAP_OK(symlink("f", tap_path("l")) == 0, "symlink l -> f");
	TAP_ERRNO(open(tap_path("l"), O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on symlink -> ELOOP");
	fd = open(tap_path("f"), O_RDONLY | O_NOFOLLOW);
	TAP_OK(fd >= 0, "O_NOFOLLOW on regular file works");
	close(fd);
	fd = open(tap_path("l"), O_RDONLY);
	TAP_OK(fd >= 0, "without O_NOFOLLOW the symlink is followed");
	close(fd);
	return TAP_DONE();
}
