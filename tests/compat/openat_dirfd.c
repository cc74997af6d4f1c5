/* openat_dirfd.c - openat(2) relative to a dirfd, AT_FDCWD, and EBADF/ENOTDIR dirfds. */
/* syscalls: openat close read */
#include "tap.h"

int main(void)
{
	char c = 0;
	int dfd, fd, ffd;

	TAP_PLAN(5);
	tap_write_file(tap_path("f"), "q");
	dfd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "f", O_RDONLY);
	TAP_OK(fd >= 0 && read(fd, &c, 1) == 1 && c == 'q', "openat relative to dirfd");
	close(fd);
	TAP_ERRNO(openat(999, "f", O_RDONLY), EBADF, "bad dirfd -> EBADF");
	ffd = open(tap_path("f"), O_RDONLY);
	TAP_ERRNO(openat(ffd, "f", O_RDONLY), ENOTDIR, "file as dirfd -> ENOTDIR");
	fd = openat(999, tap_path("f"), O_RDONLY);
	TAP_OK(fd >= 0, "absolute path ignores dirfd");
	close(fd);
	chdir(tap_tmpdir());
	fd = openat(AT_FDCWD, "f", O_RDONLY);
	TAP_OK(fd >= 0, "AT_FDCWD uses cwd");
	chdir("/");
	close(fd);
	close(ffd);
	close(dfd);
	return TAP_DONE();
}
