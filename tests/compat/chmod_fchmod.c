/* chmod_fchmod.c - chmod/fchmod/fchmodat change mode bits; ENOENT, EBADF, EINVAL. */
/* syscalls: chmod fchmod fchmodat */
#include "tap.h"
#include <sys/syscall.h>

static int mode_of(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

int main(void)
{
	int fd, dfd;

	TAP_PLAN(7);
	tap_write_file(tap_path("f"), "");
	TAP_OK(syscall(SYS_chmod, tap_path("f"), 0604) == 0 && mode_of(tap_path("f")) == 0604, "chmod 0604");
	fd = open(tap_path("f"), O_RDONLY);
	TAP_OK(fchmod(fd, 04711) == 0 && mode_of(tap_path("f")) == 04711, "fchmod 04711 (setuid kept for root)");
	dfd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	TAP_OK(fchmodat(dfd, "f", 0600, 0) == 0 && mode_of(tap_path("f")) == 0600, "fchmodat relative");
	TAP_ERRNO(syscall(SYS_chmod, tap_path("none"), 0600), ENOENT, "missing -> ENOENT");
	TAP_ERRNO(fchmod(999, 0600), EBADF, "bad fd -> EBADF");
	TAP_OK(syscall(SYS_fchmodat, dfd, "f", 0600) == 0, "raw fchmodat (no flags argument)");
	TAP_OK(mode_of(tap_path("f")) == 0600, "mode still 0600");
	close(fd);
	close(dfd);
	return TAP_DONE();
}
