/* vfork_basic.c - vfork: parent suspended until the child execs or exits; memory shared. */
/* syscalls: vfork execve wait4 */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	volatile int shared = 0;
	int st;
	pid_t pid;

	TAP_PLAN(3);
	pid = vfork();
	if (pid == 0) {
		shared = 1;
		_exit(4);
	}
	st = tap_wait(pid);
	TAP_OK(tap_exited(st, 4), "child exited 4");
	TAP_OK(shared == 1, "child's write visible: address space shared");
	pid = vfork();
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(99);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "vfork + exec /bin/true");
	return TAP_DONE();
}
