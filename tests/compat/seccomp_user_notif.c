/* seccomp_user_notif.c - SECCOMP_RET_USER_NOTIF from a filter installed without a listener
 * (no SECCOMP_FILTER_FLAG_NEW_LISTENER): the call fails with ENOSYS, for a trapped call
 * (getgid) and a natively run one (getcpu), also as a verdict in A with data bits set;
 * calls the filter allows run, and the process lives on. */
/* syscalls: seccomp prctl getgid getcpu getegid getppid */
#include "tap.h"
#include "seccomp_util.h"

static const char *names[] = {
    "RET_USER_NOTIF for getgid (trapped), no listener: ENOSYS",
    "RET_USER_NOTIF for getcpu (native), no listener: ENOSYS",
    "RET A holding USER_NOTIF with data bits for getegid: ENOSYS",
    "getppid (allowed) runs",
    "the process lives on after the refused calls",
};

static int child(void)
{
	struct sock_filter f[] = {
	    LD_NR,
	    ON(SYS_getgid, SECCOMP_RET_USER_NOTIF),
	    ON(SYS_getcpu, SECCOMP_RET_USER_NOTIF),
	    ON_A(SYS_getegid, SECCOMP_RET_USER_NOTIF | 0x1234),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	long ppid = getppid();
	unsigned cpu;
	int fails = 0;

	if (seccomp_install(f, sizeof(f) / sizeof(f[0])) < 0)
		return 255;
	fails |= !SC_FAILS(syscall(SYS_getgid), ENOSYS) << 0;
	fails |= !SC_FAILS(syscall(SYS_getcpu, &cpu, NULL, NULL), ENOSYS) << 1;
	fails |= !SC_FAILS(syscall(SYS_getegid), ENOSYS) << 2;
	fails |= (syscall(SYS_getppid) != ppid) << 3;
	return fails; /* bit 4 stays clear: the process lived to here */
}

int main(void)
{
	TAP_PLAN(5);
	sc_report_child(child, names, 5);
	return TAP_DONE();
}
