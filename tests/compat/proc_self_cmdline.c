/* proc_self_cmdline.c - /proc/self/cmdline is argv, NUL-separated (checked via re-exec). */
/* syscalls: openat read execve */
#include "tap.h"

int main(int argc, char **argv)
{
	char buf[256];
	ssize_t n;
	pid_t pid;

	if (argc == 3) {
		n = tap_read_file("/proc/self/cmdline", buf, sizeof(buf));
		return n == (ssize_t)(strlen(argv[0]) + 1 + 10) && !memcmp(buf + strlen(argv[0]) + 1, "one 1\0two\0", 10)
			       ? 0 : 1;
	}
	TAP_PLAN(2);
	n = tap_read_file("/proc/self/cmdline", buf, sizeof(buf));
	TAP_OK(n == (ssize_t)strlen(argv[0]) + 1 && !strcmp(buf, argv[0]), "own cmdline is argv[0]\\0");
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "one 1", "two", (char *)NULL);
		_exit(127);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "re-exec with 2 args sees them NUL-separated");
	return TAP_DONE();
}
