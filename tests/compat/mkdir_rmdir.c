/* mkdir_rmdir.c - mkdir/rmdir and mkdirat: EEXIST, ENOTEMPTY, ENOENT, ENOTDIR, EINVAL. */
/* syscalls: mkdir rmdir mkdirat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	struct stat st;
	int dfd;

	TAP_PLAN(9);
	TAP_OK(syscall(SYS_mkdir, tap_path("d"), 0750) == 0, "mkdir");
	TAP_OK(stat(tap_path("d"), &st) == 0 && S_ISDIR(st.st_mode), "is a dir");
	TAP_ERRNO(syscall(SYS_mkdir, tap_path("d"), 0750), EEXIST, "mkdir existing -> EEXIST");
	dfd = open(tap_path("d"), O_RDONLY | O_DIRECTORY);
	TAP_OK(mkdirat(dfd, "sub", 0700) == 0, "mkdirat relative");
	TAP_ERRNO(syscall(SYS_rmdir, tap_path("d")), ENOTEMPTY, "rmdir non-empty -> ENOTEMPTY");
	TAP_OK(syscall(SYS_rmdir, tap_path("d/sub")) == 0, "rmdir empty");
	TAP_ERRNO(syscall(SYS_rmdir, tap_path("d/sub")), ENOENT, "rmdir missing -> ENOENT");
	tap_write_file(tap_path("f"), "");
	TAP_ERRNO(syscall(SYS_rmdir, tap_path("f")), ENOTDIR, "rmdir file -> ENOTDIR");
	TAP_ERRNO(syscall(SYS_rmdir, tap_path("d/.")), EINVAL, "rmdir . -> EINVAL");
	close(dfd);
	return TAP_DONE();
}
