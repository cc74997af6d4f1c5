/* chown_fchown.c - chown/fchown/fchownat/lchown as root; -1 keeps a field; lchown on link. */
/* syscalls: chown fchown fchownat lchown */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	struct stat st;
	int fd;

	TAP_PLAN(7);
	tap_write_file(tap_path("f"), "");
	TAP_OK(syscall(SYS_chown, tap_path("f"), 1234, 5678) == 0, "chown 1234:5678");
	TAP_OK(stat(tap_path("f"), &st) == 0 && st.st_uid == 1234 && st.st_gid == 5678, "owner changed");
	fd = open(tap_path("f"), O_RDONLY);
	TAP_OK(fchown(fd, -1, 42) == 0 && fstat(fd, &st) == 0 && st.st_uid == 1234 && st.st_gid == 42,
	       "fchown -1 keeps uid");
	symlink("f", tap_path("l"));
	TAP_OK(syscall(SYS_lchown, tap_path("l"), 7, 7) == 0 && lstat(tap_path("l"), &st) == 0 &&
		       st.st_uid == 7, "lchown changes the link");
	TAP_OK(stat(tap_path("f"), &st) == 0 && st.st_uid == 1234, "target untouched by lchown");
	TAP_OK(fchownat(AT_FDCWD, tap_path("l"), 9, 9, AT_SYMLINK_NOFOLLOW) == 0 &&
		       lstat(tap_path("l"), &st) == 0 && st.st_uid == 9, "fchownat AT_SYMLINK_NOFOLLOW");
	TAP_ERRNO(fchown(999, 0, 0), EBADF, "bad fd -> EBADF");
	close(fd);
	return TAP_DONE();
}
