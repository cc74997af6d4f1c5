/* seccomp_errno.c - SECCOMP_RET_ERRNO for a trapped call (getpid) and a natively run one
 * (clock_gettime, sched_yield), errno capped at 4095, RET_LOG and RET_ALLOW let calls run. */
/* syscalls: seccomp prctl getpid clock_gettime getuid sched_yield geteuid getcpu getppid */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))
#define RET_ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static const char *names[] = {
    "ERRNO(EPERM) for getpid (a call the Sentry traps)",
    "ERRNO(EACCES) for clock_gettime (a call the host runs)",
    "ERRNO(5000) for getuid is capped at 4095",
    "ERRNO(5000) for sched_yield is capped at 4095",
    "RET_LOG lets geteuid run",
    "RET_LOG lets getcpu run",
    "RET_ALLOW lets getppid run",
    "the filter does not touch write",
};

static int child(void)
{
	struct sock_filter f[] = {
	    LD_NR,
	    ON(SYS_getpid, SECCOMP_RET_ERRNO | EPERM),
	    ON(SYS_clock_gettime, SECCOMP_RET_ERRNO | EACCES),
	    ON(SYS_getuid, SECCOMP_RET_ERRNO | 5000),
	    ON(SYS_sched_yield, SECCOMP_RET_ERRNO | 5000),
	    ON(SYS_geteuid, SECCOMP_RET_LOG),
	    ON(SYS_getcpu, SECCOMP_RET_LOG),
	    RET_ALLOW,
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	long euid = geteuid(), ppid = getppid();
	struct timespec ts;
	unsigned cpu;
	int fails = 0, fds[2];

	if (pipe(fds) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0)
		return 255;
	errno = 0;
	if (!(syscall(SYS_getpid) == -1 && errno == EPERM))
		fails |= 1;
	errno = 0;
	if (!(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) == -1 && errno == EACCES))
		fails |= 2;
	errno = 0;
	if (!(syscall(SYS_getuid) == -1 && errno == 4095))
		fails |= 4;
	errno = 0;
	if (!(syscall(SYS_sched_yield) == -1 && errno == 4095))
		fails |= 8;
	if (syscall(SYS_geteuid) != euid)
		fails |= 16;
	if (syscall(SYS_getcpu, &cpu, NULL, NULL) != 0)
		fails |= 32;
	if (syscall(SYS_getppid) != ppid)
		fails |= 64;
	if (write(fds[1], "x", 1) != 1)
		fails |= 128;
	return fails;
}

int main(void)
{
	pid_t pid;
	int st;

	TAP_PLAN(8);
	pid = fork();
	if (pid == 0)
		_exit(child());
	st = tap_wait(pid);
	for (int i = 0; i < 8; i++)
		TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 255 && !(WEXITSTATUS(st) & (1 << i)),
		       "%s", names[i]);
	return TAP_DONE();
}
