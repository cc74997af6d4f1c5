/* fchdir_basic.c - fchdir(2) to a dir fd; ENOTDIR on a file fd, EBADF. */
/* syscalls: fchdir getcwd */
#include "tap.h"

int main(void)
{
	char buf[512];
	int dfd, ffd;

	TAP_PLAN(4);
	tap_write_file(tap_path("f"), "");
	dfd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	chdir("/");
	TAP_OK(fchdir(dfd) == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, tap_tmpdir()), "fchdir");
	TAP_OK(access("f", F_OK) == 0, "relative path resolves");
	ffd = open(tap_path("f"), O_RDONLY);
	TAP_ERRNO(fchdir(ffd), ENOTDIR, "file fd -> ENOTDIR");
	TAP_ERRNO(fchdir(999), EBADF, "bad fd -> EBADF");
	chdir("/");
	return TAP_DONE();
}
