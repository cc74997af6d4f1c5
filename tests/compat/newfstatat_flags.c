/* newfstatat_flags.c - fstatat: dirfd-relative, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, EINVAL. */
/* syscalls: newfstatat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	struct stat st;
	int dfd, fd;

	TAP_PLAN(6);
	tap_write_file(tap_path("f"), "abcd");
	symlink("f", tap_path("l"));
	dfd = open(tap_tmpdir(), O_RDONLY | O_DIRECTORY);
	TAP_OK(syscall(SYS_newfstatat, dfd, "f", &st, 0) == 0 && st.st_size == 4, "relative to dirfd");
	TAP_OK(syscall(SYS_newfstatat, dfd, "l", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode),
	       "AT_SYMLINK_NOFOLLOW");
	fd = open(tap_path("f"), O_RDONLY);
	TAP_OK(syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH) == 0 && st.st_size == 4, "AT_EMPTY_PATH");
	TAP_ERRNO(syscall(SYS_newfstatat, fd, "", &st, 0), ENOENT, "empty path without flag -> ENOENT");
	TAP_ERRNO(syscall(SYS_newfstatat, dfd, "f", &st, 0x40000000), EINVAL, "bad flag -> EINVAL");
	TAP_ERRNO(syscall(SYS_newfstatat, fd, "x", &st, 0), ENOTDIR, "file as dirfd -> ENOTDIR");
	return TAP_DONE();
}
