/* seccomp_user_notif.c - SECCOMP_RET_USER_NOTIF from a filter installed without a listener
 * (no SECCOMP_FILTER_FLAG_NEW_LISTENER): the call fails with ENOSYS, for a trapped call
 * (getgid) and a natively run one (getcpu), also as a verdict in A with data bits set;
 * calls the filter allows run, and the process lives on. */
/* syscalls: seccomp prctl getgid getcpu getegid getppid */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
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
	if (syscall(SYS_getppid) != ppid)
		fails |= 8;
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
	for (int i = 0; i < 4; i++)
		TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 255 && !(WEXITSTATUS(st) & (1 << i)),
		       "%s", names[i]);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 255, "%s", names[4]);
	return TAP_DONE();
}
