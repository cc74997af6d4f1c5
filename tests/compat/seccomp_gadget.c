/* seccomp_gadget.c - under cvisor, a syscall made from the Sentry's injection gadget (the
 * `syscall; int3` at 0x7e0000000000, platform/stub_layout.h) by the app itself is still
 * subject to the app's filter: trapped (getppid) and native (sched_yield) calls get the
 * filter's errno, an allowed one (getuid) runs. Natively there is no gadget: skipped. */
/* syscalls: seccomp prctl getppid sched_yield getuid rt_sigaction */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>

#define GADGET 0x7e0000000000UL
#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))

static sigjmp_buf back;
static volatile long gadget_rax;

/* the gadget's int3 right after its syscall brings us here with the result in rax */
static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	gadget_rax = uc->uc_mcontext.gregs[REG_RAX];
	siglongjmp(back, 1);
}

static long via_gadget(long nr)
{
	if (sigsetjmp(back, 1) == 0) {
		__asm__ volatile("mov %0, %%rax\n\tjmp *%1"
				 :
				 : "r"(nr), "r"(GADGET)
				 : "rax", "memory");
		__builtin_unreachable();
	}
	return gadget_rax;
}

/* Whether the gadget bytes (0f 05 cc) are mapped here (write() reads them or EFAULTs). */
static bool has_gadget(void)
{
	unsigned char b[3];
	int fds[2];
	bool ok = false;
	if (pipe(fds) < 0)
		return false;
	if (write(fds[1], (void *)GADGET, 3) == 3 && read(fds[0], b, 3) == 3)
		ok = b[0] == 0x0f && b[1] == 0x05 && b[2] == 0xcc;
	close(fds[0]);
	close(fds[1]);
	return ok;
}

static int child(void)
{
	struct sock_filter f[] = {
	    LD_NR,
	    ON(SYS_getppid, SECCOMP_RET_ERRNO | EPERM),
	    ON(SYS_sched_yield, SECCOMP_RET_ERRNO | EACCES),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	struct sigaction sa;
	long uid = getuid();
	int fails = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	if (sigaction(SIGTRAP, &sa, NULL) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0)
		return 255;
	if (via_gadget(SYS_getppid) != -EPERM)
		fails |= 1;
	if (via_gadget(SYS_sched_yield) != -EACCES)
		fails |= 2;
	if (via_gadget(SYS_getuid) != uid)
		fails |= 4;
	return fails;
}

int main(void)
{
	static const char *names[] = {
	    "getppid from the gadget: the filter's EPERM",
	    "sched_yield from the gadget: the filter's EACCES",
	    "getuid from the gadget: allowed, runs",
	};
	pid_t pid;
	int st;

	TAP_PLAN(3);
	if (!has_gadget()) {
		for (int i = 0; i < 3; i++)
			TAP_SKIP("no cvisor injection gadget in this address space");
		return TAP_DONE();
	}
	pid = fork();
	if (pid == 0)
		_exit(child());
	st = tap_wait(pid);
	for (int i = 0; i < 3; i++)
		TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 255 && !(WEXITSTATUS(st) & (1 << i)),
		       "%s", names[i]);
	return TAP_DONE();
}
