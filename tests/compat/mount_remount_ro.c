/* mount_remount_ro.c - MS_REMOUNT|MS_BIND|MS_RDONLY makes one mount read-only (EROFS on
 * writes there, the other path stays writable); MS_REMOUNT|MS_RDONLY makes the filesystem
 * read-only everywhere, and back; mountinfo shows it. In its own mount namespace. */
/* syscalls: mount umount2 unshare openat mkdirat */
#include "mount_isolate.h"

int main(void)
{
	char line[4096], buf[16];
	TAP_PLAN(10);
	mnt_isolate();
	const char *a = strdup(tap_path("a")), *b = strdup(tap_path("b"));
	mkdir(a, 0755);
	mkdir(b, 0755);
	TAP_OK(mount("t", a, "tmpfs", 0, NULL) == 0 && tap_write_file(tap_path("a/f"), "x") == 0 &&
		   mount(a, b, NULL, MS_BIND, NULL) == 0,
	       "a tmpfs and a bind of it");
	TAP_OK(mount(NULL, b, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0,
	       "remount,bind,ro");
	TAP_ERRNO(open(tap_path("b/new"), O_WRONLY | O_CREAT, 0644), EROFS, "create is EROFS");
	TAP_ERRNO(open(tap_path("b/f"), O_WRONLY), EROFS, "open for writing is EROFS");
	TAP_ERRNO(mkdir(tap_path("b/d"), 0755), EROFS, "mkdir is EROFS");
	TAP_OK(tap_read_file(tap_path("b/f"), buf, sizeof(buf)) == 1 &&
		   tap_write_file(tap_path("a/g"), "y") == 0,
	       "reads work; the other mount stays writable");
	TAP_OK(mnt_info_line(b, line, sizeof(line)) && strstr(line, " ro,") &&
		   mnt_info_line(a, line, sizeof(line)) && strstr(line, " rw,"),
	       "mountinfo shows ro on one, rw on the other");
	TAP_OK(mount(NULL, a, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0 &&
		   open(tap_path("a/h"), O_WRONLY | O_CREAT, 0644) < 0 && errno == EROFS,
	       "remount,ro makes the filesystem read-only");
	TAP_OK(mount(NULL, a, NULL, MS_REMOUNT, NULL) == 0 &&
		   tap_write_file(tap_path("a/h"), "z") == 0,
	       "remount,rw makes it writable again");
	TAP_ERRNO(mount(NULL, tap_path("a/f"), NULL, MS_REMOUNT | MS_RDONLY, NULL), EINVAL,
		  "remount of a path that is not a mount root is EINVAL");
	return TAP_DONE();
}
