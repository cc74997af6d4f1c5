/* personality_basic.c - personality(2): 0xffffffff queries, a set returns the old persona,
 * the persona is inherited over fork and kept over execve. */
/* syscalls: personality fork execve */
#include "tap.h"
#include <sys/personality.h>

int main(int argc, char **argv)
{
	if (argc == 2)
		return personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE) ? 0 : 1;
	TAP_PLAN(4);
	int old = personality(0xffffffff);
	TAP_OK(old == PER_LINUX, "a new process is PER_LINUX (%#x)", old);
	TAP_OK(personality(PER_LINUX | ADDR_NO_RANDOMIZE) == old &&
		       personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE),
	       "setting returns the old persona; a query sees the new one");
	pid_t pid = fork();
	if (pid == 0)
		_exit(personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE) ? 0 : 1);
	TAP_OK(tap_exited(tap_wait(pid), 0), "a child inherits it");
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
		_exit(2);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "execve keeps it");
	personality(old);
	return TAP_DONE();
}
