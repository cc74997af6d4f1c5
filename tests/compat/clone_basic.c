/* clone_basic.c - clone(2) with CLONE_VM|CLONE_FILES and a new stack; clone3 plain fork. */
/* syscalls: clone clone3 wait4 */
#include "tap.h"
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

static volatile int touched;
static int child_fd = -1;

static int child_fn(void *arg)
{
	touched = 1;
	child_fd = open("/dev/null", O_RDONLY);
	return 5;
}

int main(void)
{
	static char stack[1 << 16] __attribute__((aligned(16)));
	struct clone_args ca = { .exit_signal = SIGCHLD };
	pid_t pid;

	TAP_PLAN(5);
	pid = clone(child_fn, stack + sizeof(stack), CLONE_VM | CLONE_FILES | SIGCHLD, NULL);
	TAP_OK(pid > 0 && tap_exited(tap_wait(pid), 5), "clone child returns 5");
	TAP_OK(touched == 1, "CLONE_VM: write visible");
	TAP_OK(child_fd >= 0 && fcntl(child_fd, F_GETFD) >= 0, "CLONE_FILES: child's fd usable in parent");
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(6);
	TAP_OK(pid > 0 && tap_exited(tap_wait(pid), 6), "clone3 as fork");
	TAP_ERRNO(syscall(SYS_clone3, &ca, 8), EINVAL, "clone3 tiny size -> EINVAL");
	return TAP_DONE();
}
