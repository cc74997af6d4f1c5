/* execve_errors.c - execve errors: ENOENT, EACCES (no x bit, dir), ENOEXEC, EFAULT. */
/* syscalls: execve execveat */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char *argv[] = { "x", NULL }, *envp[] = { NULL };

	TAP_PLAN(6);
	TAP_ERRNO(execve(tap_path("none"), argv, envp), ENOENT, "missing -> ENOENT");
	tap_write_file(tap_path("noexec"), "#!/bin/sh\n");
	chmod(tap_path("noexec"), 0644);
	TAP_ERRNO(execve(tap_path("noexec"), argv, envp), EACCES, "no x bit -> EACCES");
	TAP_ERRNO(execve(tap_tmpdir(), argv, envp), EACCES, "directory -> EACCES");
	tap_write_file(tap_path("garbage"), "\x01\x02\x03\x04garbage");
	chmod(tap_path("garbage"), 0755);
	TAP_ERRNO(execve(tap_path("garbage"), argv, envp), ENOEXEC, "unknown format -> ENOEXEC");
	TAP_ERRNO(syscall(SYS_execve, tap_badptr(), argv, envp), EFAULT, "bad path pointer -> EFAULT");
	TAP_ERRNO(syscall(SYS_execveat, 999, "x", argv, envp, 0), EBADF, "execveat bad dirfd -> EBADF");
	return TAP_DONE();
}
