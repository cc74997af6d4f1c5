/* lstat_symlink.c - lstat(2) reports the link itself; stat follows it. */
/* syscalls: lstat stat symlink */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	struct stat st;

	TAP_PLAN(4);
	tap_write_file(tap_path("f"), "abcdef");
	TAP_OK(syscall(SYS_symlink, "f", tap_path("l")) == 0, "symlink syscall");
	TAP_OK(syscall(SYS_lstat, tap_path("l"), &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 1,
	       "lstat: S_IFLNK, size = strlen(target)");
	TAP_OK(syscall(SYS_stat, tap_path("l"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6,
	       "stat follows to the file");
	TAP_ERRNO(syscall(SYS_lstat, tap_path("nope"), &st), ENOENT, "lstat missing -> ENOENT");
	return TAP_DONE();
}
