/* mount_bind.c - MS_BIND and MS_BIND|MS_REC: the same files through a second path, a
 * single file bound on a file, submounts copied only by rbind, unbindable sources, and
 * the errors of a bind. In its own mount namespace (mount_isolate.h). */
/* syscalls: mount umount2 unshare */
#include "mount_isolate.h"

int main(void)
{
	char buf[64];
	TAP_PLAN(10);
	mnt_isolate();
	mkdir(tap_path("src"), 0755);
	mkdir(tap_path("src/sub"), 0755);
	mkdir(tap_path("dst"), 0755);
	mkdir(tap_path("rdst"), 0755);
	tap_write_file(tap_path("src/f"), "one");
	tap_write_file(tap_path("file"), "single");
	tap_write_file(tap_path("target"), "");
	TAP_OK(mount("t", tap_path("src/sub"), "tmpfs", 0, NULL) == 0 &&
		   tap_write_file(tap_path("src/sub/inner"), "in") == 0,
	       "a submount under the source");
	TAP_OK(mount(tap_path("src"), tap_path("dst"), NULL, MS_BIND, NULL) == 0, "bind mount");
	TAP_OK(tap_read_file(tap_path("dst/f"), buf, sizeof(buf)) == 3 && !strcmp(buf, "one") &&
		   tap_write_file(tap_path("dst/g"), "two") == 0 &&
		   access(tap_path("src/g"), F_OK) == 0,
	       "both paths show the same files");
	TAP_OK(access(tap_path("dst/sub/inner"), F_OK) < 0 && errno == ENOENT,
	       "a plain bind leaves the submount out");
	TAP_OK(mount(tap_path("src"), tap_path("rdst"), NULL, MS_BIND | MS_REC, NULL) == 0 &&
		   access(tap_path("rdst/sub/inner"), F_OK) == 0,
	       "rbind copies the submount");
	TAP_OK(mount(tap_path("file"), tap_path("target"), NULL, MS_BIND, NULL) == 0 &&
		   tap_read_file(tap_path("target"), buf, sizeof(buf)) == 6 &&
		   !strcmp(buf, "single"),
	       "a file bound on a file");
	TAP_ERRNO(mount(tap_path("src"), tap_path("file"), NULL, MS_BIND, NULL), ENOTDIR,
		  "a directory on a file is ENOTDIR");
	TAP_ERRNO(mount(tap_path("nothing"), tap_path("dst"), NULL, MS_BIND, NULL), ENOENT,
		  "missing source is ENOENT");
	TAP_OK(mount(NULL, tap_path("src/sub"), NULL, MS_UNBINDABLE, NULL) == 0, "make unbindable");
	TAP_ERRNO(mount(tap_path("src/sub"), tap_path("dst"), NULL, MS_BIND, NULL), EINVAL,
		  "binding an unbindable mount is EINVAL");
	return TAP_DONE();
}
