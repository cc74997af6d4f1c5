/* open_directory.c - O_DIRECTORY: opens dirs, ENOTDIR on files; EISDIR writing a dir. */
/* syscalls: openat close */
#include "tap.h"

int main(void)
{
	const char *f = tap_path("f");
	int fd;

	TAP_PLAN(4);
	tap_write_file(f, "x");
	fd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	TAP_OK(fd >= 0, "O_DIRECTORY on a dir");
	close(fd);
	TAP_ERRNO(open(f, O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file -> ENOTDIR");
	TAP_ERRNO(open(tap_tmpdir(), O_WRONLY), EISDIR, "O_WRONLY on a dir -> EISDIR");
	TAP_ERRNO(open(tap_tmpdir(), O_RDWR), EISDIR, "O_RDWR on a dir -> EISDIR");
	return TAP_DONE();
}
