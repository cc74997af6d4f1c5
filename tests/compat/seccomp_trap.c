/* seccomp_trap.c - SECCOMP_RET_TRAP delivers SIGSYS (si_code SYS_SECCOMP, si_syscall,
 * si_call_addr just after the syscall instruction, si_errno = the verdict's data, si_arch)
 * for a trapped call (getppid) and a native one (sched_yield); the call returns its own
 * number; with SIGSYS blocked the process is killed by SIGSYS. */
/* syscalls: seccomp prctl getppid sched_yield rt_sigaction rt_sigprocmask */
#include "tap.h"
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif
#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))

static volatile int got_code, got_syscall, got_errno, got_count;
static volatile unsigned got_arch;
static void *volatile got_addr;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	got_count++;
	got_code = si->si_code;
	got_syscall = si->si_syscall;
	got_errno = si->si_errno;
	got_arch = si->si_arch;
	got_addr = si->si_call_addr;
}

static int install(void)
{
	struct sock_filter f[] = {
	    LD_NR,
	    ON(SYS_getppid, SECCOMP_RET_TRAP | 0x42),
	    ON(SYS_sched_yield, SECCOMP_RET_TRAP | 0x43),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p);
}

static bool after_syscall_insn(void *addr)
{
	const unsigned char *p = addr;
	return p && p[-2] == 0x0f && p[-1] == 0x05;
}

/* In a child: one trapped call of @nr; exit bits say what was wrong. */
static int trap_child(long nr, int data)
{
	struct sigaction sa;
	int fails = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) < 0 || install() < 0)
		return 255;
	long r = syscall(nr);
	if (got_count != 1 || got_code != SYS_SECCOMP)
		fails |= 1;
	if (got_syscall != nr || got_errno != data || got_arch != AUDIT_ARCH_X86_64)
		fails |= 2;
	if (!after_syscall_insn(got_addr))
		fails |= 4;
	if (r != nr)
		fails |= 8;
	return fails;
}

static int status_of(int (*fn)(long, int), long nr, int data)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(nr, data));
	return tap_wait(pid);
}

static void check(int st, const char *what)
{
	static const char *parts[] = {
	    "one SIGSYS with si_code SYS_SECCOMP", "si_syscall, si_errno (data) and si_arch",
	    "si_call_addr just after the syscall instruction", "the call returns its number"};
	for (int i = 0; i < 4; i++)
		TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 255 && !(WEXITSTATUS(st) & (1 << i)),
		       "%s: %s", what, parts[i]);
}

static int blocked_child(long nr, int data)
{
	struct rlimit no_core = {0, 0};
	struct sigaction sa;
	sigset_t set;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	setrlimit(RLIMIT_CORE, &no_core);
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	if (sigaction(SIGSYS, &sa, NULL) < 0 || sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    install() < 0)
		return 255;
	syscall(nr);
	return 0;
}

int main(void)
{
	int st;

	TAP_PLAN(10);
	check(status_of(trap_child, SYS_getppid, 0x42), "getppid (trapped)");
	check(status_of(trap_child, SYS_sched_yield, 0x43), "sched_yield (native)");
	st = status_of(blocked_child, SYS_getppid, 0);
	TAP_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "SIGSYS blocked: getppid kills");
	st = status_of(blocked_child, SYS_sched_yield, 0);
	TAP_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "SIGSYS blocked: sched_yield kills");
	return TAP_DONE();
}
