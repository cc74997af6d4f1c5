/* exec_cloexec.c - FD_CLOEXEC fds are closed across execve, others stay open. */
/* syscalls: execve fcntl dup3 */
#include "tap.h"

int main(int argc, char **argv)
{
	int keep, drop;
	pid_t pid;

	if (argc == 2 && !strcmp(argv[1], "--child"))
		return (fcntl(70, F_GETFD) >= 0 && fcntl(71, F_GETFD) < 0 && errno == EBADF) ? 0 : 1;
	TAP_PLAN(2);
	keep = open("/dev/null", O_RDONLY);
	drop = open("/dev/null", O_RDONLY);
	dup3(keep, 70, 0);
	dup3(drop, 71, O_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "--child", (char *)NULL);
		_exit(127);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "fd 70 kept, fd 71 (cloexec) closed in the new image");
	TAP_OK(fcntl(71, F_GETFD) == FD_CLOEXEC, "parent still has fd 71");
	return TAP_DONE();
}
