/* chdir_getcwd.c - chdir/getcwd: relative paths follow cwd; ENOTDIR, ENOENT, ERANGE. */
/* syscalls: chdir getcwd */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char buf[512], small[4];
	struct stat st;
	long n;

	TAP_PLAN(7);
	mkdir(tap_path("d"), 0700);
	tap_write_file(tap_path("d/f"), "");
	TAP_OK(chdir(tap_path("d")) == 0, "chdir");
	n = syscall(SYS_getcwd, buf, sizeof(buf));
	TAP_OK(n == (long)strlen(tap_path("d")) + 1 && !strcmp(buf, tap_path("d")),
	       "getcwd returns path and length incl. NUL");
	TAP_OK(stat("f", &st) == 0, "relative lookup uses cwd");
	TAP_OK(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, tap_tmpdir()), "chdir ..");
	TAP_ERRNO(chdir(tap_path("d/f")), ENOTDIR, "chdir to file -> ENOTDIR");
	TAP_ERRNO(chdir(tap_path("nope")), ENOENT, "chdir missing -> ENOENT");
	TAP_ERRNO(syscall(SYS_getcwd, small, sizeof(small)), ERANGE, "small buffer -> ERANGE");
	chdir("/");
	return TAP_DONE();
}
