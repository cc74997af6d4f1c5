/* open_tmpfile.c - O_TMPFILE: unnamed file, usable, linkable via /proc/self/fd. */
/* syscalls: openat write linkat read close */
#include "tap.h"

int main(void)
{
	char proc[64], buf[8] = { 0 };
	int fd, fd2;

	TAP_PLAN(4);
	fd = open(tap_tmpdir(), O_TMPFILE | O_RDWR, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR))
		TAP_SKIP_ALL("O_TMPFILE not supported by this filesystem");
	TAP_OK(fd >= 0, "open O_TMPFILE");
	TAP_OK(write(fd, "tmp", 3) == 3, "write to tmpfile");
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	TAP_OK(linkat(AT_FDCWD, proc, AT_FDCWD, tap_path("named"), AT_SYMLINK_FOLLOW) == 0,
	       "linkat gives it a name");
	fd2 = open(tap_path("named"), O_RDONLY);
	TAP_OK(fd2 >= 0 && read(fd2, buf, 3) == 3 && !strcmp(buf, "tmp"), "content via name");
	close(fd);
	close(fd2);
	return TAP_DONE();
}
