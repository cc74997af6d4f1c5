/* symlink_loop.c - path resolution: ELOOP on cycles, symlinks to dirs, relative targets. */
/* syscalls: symlink openat newfstatat */
#include "tap.h"

int main(void)
{
	struct stat st;
	int fd;

	TAP_PLAN(4);
	symlink("b", tap_path("a"));
	symlink("a", tap_path("b"));
	TAP_ERRNO(open(tap_path("a"), O_RDONLY), ELOOP, "a -> b -> a -> ELOOP");
	mkdir(tap_path("d"), 0700);
	tap_write_file(tap_path("d/f"), "1");
	symlink("d", tap_path("dl"));
	fd = open(tap_path("dl/f"), O_RDONLY);
	TAP_OK(fd >= 0, "symlink as middle component");
	close(fd);
	symlink("../d/f", tap_path("d/up"));
	TAP_OK(stat(tap_path("dl/up"), &st) == 0 && st.st_size == 1, "relative target resolves from link dir");
	TAP_ERRNO(stat(tap_path("a/x"), &st), ELOOP, "loop in middle component -> ELOOP");
	return TAP_DONE();
}
