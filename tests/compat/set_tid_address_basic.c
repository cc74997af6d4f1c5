/* set_tid_address_basic.c - CLONE_CHILD_CLEARTID: the tid word is zeroed and woken at exit. */
/* syscalls: set_tid_address clone futex exit */
#include "tap.h"
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>

static _Atomic pid_t ctid = -1;

static int child(void *arg)
{
	return 0;
}

int main(void)
{
	static char stack[1 << 16] __attribute__((aligned(16)));
	pid_t pid, v;

	TAP_PLAN(3);
	TAP_OK(syscall(SYS_set_tid_address, &ctid) == gettid(), "set_tid_address returns the tid");
	pid = clone(child, stack + sizeof(stack),
		    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
			    CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
		    NULL, NULL, NULL, &ctid);
	TAP_OK(pid > 0, "thread created");
	while ((v = atomic_load(&ctid)) != 0)
		syscall(SYS_futex, &ctid, FUTEX_WAIT, v, NULL, NULL, 0);
	TAP_OK(atomic_load(&ctid) == 0, "tid word cleared and futex woken on exit");
	return TAP_DONE();
}
