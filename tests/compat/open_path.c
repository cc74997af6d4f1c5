/* open_path.c - O_PATH descriptors: fstat works, read is EBADF, usable as dirfd. */
/* syscalls: openat read fstat newfstatat close */
#include "tap.h"

int main(void)
{
	struct stat st;
	char c;
	int fd, dfd, f2;

	TAP_PLAN(5);
	tap_write_file(tap_path("f"), "data");
	fd = open(tap_path("f"), O_PATH);
	TAP_OK(fd >= 0, "open O_PATH");
	TAP_OK(fstat(fd, &st) == 0 && st.st_size == 4, "fstat on O_PATH fd");
	TAP_ERRNO(read(fd, &c, 1), EBADF, "read on O_PATH fd -> EBADF");
	dfd = open(tap_tmpdir(), O_PATH | O_DIRECTORY);
	f2 = openat(dfd, "f", O_RDONLY);
	TAP_OK(f2 >= 0 && read(f2, &c, 1) == 1 && c == 'd', "O_PATH dir as dirfd");
	TAP_OK((fcntl(fd, F_GETFL) & O_PATH) == O_PATH, "F_GETFL reports O_PATH");
	close(fd);
	close(dfd);
	close(f2);
	return TAP_DONE();
}
