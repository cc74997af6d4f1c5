/* seccomp_ret_trace.c - SECCOMP_RET_TRACE with no tracer answers ENOSYS, for a trapped
 * call (getgid) and a natively run one (getcpu); verdicts returned from A (RET A). */
/* syscalls: seccomp prctl getgid getcpu getegid munlockall getppid */
#include "tap.h"
#include "seccomp_util.h"
#include <sys/mman.h>

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
	long ppid = getppid();
	unsigned cpu;
	int fails = 0;

	if (seccomp_install(f, sizeof(f) / sizeof(f[0])) < 0)
		return 255;
	fails |= !SC_FAILS(syscall(SYS_getgid), ENOSYS) << 0;
	fails |= !SC_FAILS(syscall(SYS_getcpu, &cpu, NULL, NULL), ENOSYS) << 1;
	fails |= !SC_FAILS(syscall(SYS_getegid), ENOSYS) << 2;
	fails |= !SC_FAILS(syscall(SYS_munlockall), EXDEV) << 3;
	fails |= (syscall(SYS_getppid) != ppid) << 4;
	return fails;
}

int main(void)
{
	TAP_PLAN(5);
	sc_report_child(child, names, 5);
	return TAP_DONE();
}
