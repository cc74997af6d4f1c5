/* execveat_basic.c - execveat with a dirfd-relative path and with AT_EMPTY_PATH on an fd. */
/* syscalls: execveat fork wait4 */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL };
	int dfd, fd;
	pid_t pid;

	TAP_PLAN(2);
	dfd = open("/bin", O_RDONLY | O_DIRECTORY);
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, dfd, "true", argv, envp, 0);
		_exit(127);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "execveat(dirfd, \"true\")");
	fd = open("/bin/true", O_RDONLY);
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "execveat(fd, \"\", AT_EMPTY_PATH)");
	return TAP_DONE();
}
