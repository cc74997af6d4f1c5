/* mount_move.c - MS_MOVE moves a mount (with its submounts) to another place; moving a
 * path that is not a mount root is EINVAL, into itself ELOOP. In its own mount namespace. */
/* syscalls: mount umount2 unshare */
#include "mount_isolate.h"

int main(void)
{
	TAP_PLAN(7);
	mnt_isolate();
	const char *a = strdup(tap_path("a")), *b = strdup(tap_path("b"));
	mkdir(a, 0755);
	mkdir(b, 0755);
	TAP_OK(mount("t", a, "tmpfs", 0, NULL) == 0 && tap_write_file(tap_path("a/f"), "x") == 0 &&
		   mkdir(tap_path("a/sub"), 0755) == 0 &&
		   mount("t2", tap_path("a/sub"), "tmpfs", 0, NULL) == 0 &&
		   tap_write_file(tap_path("a/sub/g"), "y") == 0,
	       "a mount with a submount");
	TAP_OK(mount(a, b, NULL, MS_MOVE, NULL) == 0, "MS_MOVE");
	TAP_OK(access(tap_path("b/f"), F_OK) == 0 && access(tap_path("b/sub/g"), F_OK) == 0,
	       "the mount and its submount are at the new place");
	TAP_OK(access(tap_path("a/f"), F_OK) < 0 && errno == ENOENT, "and gone from the old one");
	mkdir(tap_path("b/plain"), 0755);
	TAP_ERRNO(mount(tap_path("b/plain"), a, NULL, MS_MOVE, NULL), EINVAL,
		  "moving what is not a mount root is EINVAL");
	mkdir(tap_path("b/inside"), 0755);
	TAP_ERRNO(mount(b, tap_path("b/inside"), NULL, MS_MOVE, NULL), ELOOP,
		  "moving a mount below itself is ELOOP");
	TAP_OK(umount2(tap_path("b/sub"), 0) == 0 && umount2(b, 0) == 0, "both unmount");
	return TAP_DONE();
}
