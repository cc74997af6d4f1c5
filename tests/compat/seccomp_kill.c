/* seccomp_kill.c - SECCOMP_RET_KILL_PROCESS / KILL_THREAD kill with SIGSYS, for a trapped
 * call (getpid) and a natively run one (sched_yield); other calls are untouched. */
/* syscalls: seccomp prctl getpid sched_yield getppid */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))

/* Forks a child that installs "@nr -> @action", calls getppid, then @nr; returns its
 * wait status. */
static int run(long nr, unsigned action)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit no_core = {0, 0};
		struct sock_filter f[] = {
		    LD_NR,
		    ON(nr, action),
		    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
		setrlimit(RLIMIT_CORE, &no_core);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0)
			_exit(2);
		if (syscall(SYS_getppid) <= 0)
			_exit(3);
		syscall(nr);
		_exit(0);
	}
	return tap_wait(pid);
}

static bool by_sigsys(int st)
{
	return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

int main(void)
{
	TAP_PLAN(4);
	TAP_OK(by_sigsys(run(SYS_getpid, SECCOMP_RET_KILL_PROCESS)),
	       "KILL_PROCESS on getpid (trapped): killed by SIGSYS");
	TAP_OK(by_sigsys(run(SYS_sched_yield, SECCOMP_RET_KILL_PROCESS)),
	       "KILL_PROCESS on sched_yield (native): killed by SIGSYS");
	TAP_OK(by_sigsys(run(SYS_getpid, SECCOMP_RET_KILL_THREAD)),
	       "KILL_THREAD of the only thread on getpid: killed by SIGSYS");
	TAP_OK(by_sigsys(run(SYS_sched_yield, SECCOMP_RET_KILL_THREAD)),
	       "KILL_THREAD of the only thread on sched_yield: killed by SIGSYS");
	return TAP_DONE();
}
