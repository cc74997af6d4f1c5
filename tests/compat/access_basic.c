/* access_basic.c - access(2): F_OK/R_OK/W_OK/X_OK as root and EACCES as uid 65534. */
/* syscalls: access faccessat setresuid */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	pid_t pid;

	TAP_PLAN(6);
	tap_write_file(tap_path("f"), "");
	chmod(tap_path("f"), 0600);
	chmod(tap_tmpdir(), 0755);
	TAP_OK(syscall(SYS_access, tap_path("f"), F_OK) == 0, "F_OK exists");
	TAP_OK(syscall(SYS_access, tap_path("f"), R_OK | W_OK) == 0, "root R_OK|W_OK");
	TAP_ERRNO(syscall(SYS_access, tap_path("f"), X_OK), EACCES, "root X_OK on 0600 -> EACCES");
	TAP_ERRNO(syscall(SYS_access, tap_path("none"), F_OK), ENOENT, "missing -> ENOENT");
	TAP_ERRNO(syscall(SYS_faccessat, AT_FDCWD, tap_path("f"), 0x10), EINVAL, "bad mode -> EINVAL");
	pid = fork();
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		_exit(syscall(SYS_access, tap_path("f"), R_OK) == -1 && errno == EACCES ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "uid 65534 R_OK on 0600 root file -> EACCES");
	return TAP_DONE();
}
