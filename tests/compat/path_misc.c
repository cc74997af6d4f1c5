/* path_misc.c - chroot confines a child, openat2 RESOLVE_BENEATH refuses escapes,
 * futimesat sets times, setfsgid returns the previous fsgid. */
/* syscalls: chroot openat2 futimesat setfsgid */
#include "tap.h"
#include <linux/openat2.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/time.h>

int main(void)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_BENEATH};
	struct timeval tv[2] = {{1000000, 0}, {2000000, 0}};
	struct stat st;

	TAP_PLAN(7);
	const char *d = tap_tmpdir();
	mkdir(tap_path("sub"), 0755);
	tap_write_file(tap_path("sub/f"), "x");
	pid_t pid = fork();
	if (pid == 0) {
		if (chroot(tap_path("sub")) || chdir("/"))
			_exit(2);
		struct stat s;
		_exit(stat("/f", &s) == 0 && stat("/sub", &s) != 0 ? 0 : 3);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "chroot confines the child to the new root");
	TAP_ERRNO(chroot("/nonexistent-cvisor"), ENOENT, "chroot missing dir -> ENOENT");
	int dfd = open(d, O_RDONLY | O_DIRECTORY);
	long fd = syscall(SYS_openat2, dfd, "sub/f", &how, sizeof(how));
	TAP_OK(fd >= 0, "openat2 beneath: inside path opens");
	if (fd >= 0)
		close((int)fd);
	TAP_ERRNO(syscall(SYS_openat2, dfd, "../etc", &how, sizeof(how)), EXDEV,
		  "openat2 beneath: .. escape -> EXDEV");
	TAP_OK(syscall(SYS_futimesat, dfd, "sub/f", tv) == 0 && stat(tap_path("sub/f"), &st) == 0 &&
		       st.st_mtime == 2000000,
	       "futimesat sets mtime");
	int old = setfsgid(-1);
	TAP_OK(old == (int)getegid(), "setfsgid(-1) reports the fsgid");
	TAP_OK(setfsgid(old) == old, "setfsgid returns the previous value");
	close(dfd);
	return TAP_DONE();
}
