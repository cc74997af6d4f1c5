/* mprotect_segv.c - PROT_NONE / read-only faults are caught by a SIGSEGV handler (si_addr). */
/* syscalls: mprotect mmap rt_sigaction rt_sigreturn */
#include "tap.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static void *fault_addr;
static int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	volatile char *m;
	volatile int faulted;

	TAP_PLAN(5);
	sigaction(SIGSEGV, &sa, NULL);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m[10] = 1;
	TAP_OK(mprotect((void *)m, 4096, PROT_NONE) == 0, "mprotect PROT_NONE");
	faulted = 0;
	if (sigsetjmp(jb, 1) == 0)
		(void)m[10];
	else
		faulted = 1;
	TAP_OK(faulted && fault_addr == m + 10 && fault_code == SEGV_ACCERR, "read faults at the address, SEGV_ACCERR");
	mprotect((void *)m, 4096, PROT_READ);
	faulted = 0;
	if (sigsetjmp(jb, 1) == 0)
		m[20] = 2;
	else
		faulted = 1;
	TAP_OK(faulted && m[10] == 1, "write to read-only faults; data kept");
	TAP_ERRNO(mprotect((void *)(m + 1), 4096, PROT_READ), EINVAL, "unaligned -> EINVAL");
	TAP_ERRNO(mprotect((void *)m, 4096, 0x1000), EINVAL, "bad prot -> EINVAL");
	return TAP_DONE();
}
