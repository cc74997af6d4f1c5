/* seccomp_ret_trace.c - SECCOMP_RET_TRACE with no tracer answers ENOSYS, for a trapped
 * call (getgid) and a natively run one (getcpu); verdicts returned from A (RET A). */
/* syscalls: seccomp prctl getgid getcpu getegid munlockall getppid */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))
/* if nr matches: A = @ret, RET A */
#define ON_A(nr, ret)                                                                              \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 2), BPF_STMT(BPF_LD | BPF_IMM, (ret)),        \
	    BPF_STMT(BPF_RET | BPF_A, 0)

static const char *names[] = {
    "RET_TRACE for getgid (trapped): ENOSYS",  "RET_TRACE for getcpu (native): ENOSYS",
    "RET A holding TRACE for getegid: ENOSYS", "RET A holding ERRNO(EXDEV) for munlockall: EXDEV",
    "RET A holding ALLOW for getppid: runs",
};

static int child(void)
{
	struct sock_filter f[] = {
	    LD_NR,
	    ON(SYS_getgid, SECCOMP_RET_TRACE | 7),
	    ON(SYS_getcpu, SECCOMP_RET_TRACE),
	    ON_A(SYS_getegid, SECCOMP_RET_TRACE | 1),
	    ON_A(SYS_munlockall, SECCOMP_RET_ERRNO | EXDEV),
	    BPF_STMT(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	long ppid = getppid();
	unsigned cpu;
	int fails = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0)
		return 255;
	errno = 0;
	if (!(syscall(SYS_getgid) == -1 && errno == ENOSYS))
		fails |= 1;
	errno = 0;
	if (!(syscall(SYS_getcpu, &cpu, NULL, NULL) == -1 && errno == ENOSYS))
		fails |= 2;
	errno = 0;
	if (!(syscall(SYS_getegid) == -1 && errno == ENOSYS))
		fails |= 4;
	errno = 0;
	if (!(syscall(SYS_munlockall) == -1 && errno == EXDEV))
		fails |= 8;
	if (syscall(SYS_getppid) != ppid)
		fails |= 16;
	return fails;
}

int main(void)
{
	pid_t pid;
	int st;

	TAP_PLAN(5);
	pid = fork();
	if (pid == 0)
		_exit(child());
	st = tap_wait(pid);
	for (int i = 0; i < 5; i++)
		TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 255 && !(WEXITSTATUS(st) & (1 << i)),
		       "%s", names[i]);
	return TAP_DONE();
}
