/* seccomp_inherit.c - a filter is inherited by a fork child and kept across execve, for
 * a trapped call (getuid) and a native one (sched_yield); PR_GET_SECCOMP reports 2. */
/* syscalls: seccomp prctl fork execve getuid sched_yield */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))

/* 0 when the filter is in force in this process, else bits of what is wrong */
static int filtered(void)
{
	int fails = 0;
	errno = 0;
	if (!(syscall(SYS_getuid) == -1 && errno == EPERM))
		fails |= 1;
	errno = 0;
	if (!(syscall(SYS_sched_yield) == -1 && errno == EACCES))
		fails |= 2;
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		fails |= 4;
	return fails;
}

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
	    LD_NR,
	    ON(SYS_getuid, SECCOMP_RET_ERRNO | EPERM),
	    ON(SYS_sched_yield, SECCOMP_RET_ERRNO | EACCES),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	pid_t pid;
	int st;

	if (argc == 2 && !strcmp(argv[1], "--child"))
		return filtered();
	TAP_PLAN(4);
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0)
			_exit(100);
		pid_t grandchild = fork();
		if (grandchild == 0)
			_exit(filtered());
		int gst = tap_wait(grandchild);
		if (!WIFEXITED(gst) || WEXITSTATUS(gst))
			_exit(101);
		execl("/proc/self/exe", argv[0], "--child", (char *)NULL);
		_exit(102);
	}
	st = tap_wait(pid);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 100, "filter installed");
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 101, "fork child inherits the filter");
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) < 100, "execve succeeds under the filter");
	TAP_OK(tap_exited(st, 0), "the new image keeps the filter (and PR_GET_SECCOMP is 2)");
	return TAP_DONE();
}
