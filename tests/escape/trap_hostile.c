/* trap_hostile.c - an app that attacks the seccomp-trap platform's stub runtime (issue 12):
 * each case runs in a child process; the child must get an errno or die alone, and the
 * parent (same sandbox, same Sentry) must carry on making trapped syscalls afterwards.
 *   cvisor --platform=seccomp-trap do -- build/escape/trap_hostile     (TAP)
 * The addresses are platform/stub_layout.h's; natively (no stub runtime) it skips. */
#include "platform/stub_layout.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int n, fails;

static void ok(int cond, const char *what, const char *detail)
{
	printf("%sok %d - %s%s%s\n", cond ? "" : "not ", ++n, what, detail ? " # " : "",
	       detail ? detail : "");
	fails += !cond;
}

/* Runs @fn in a child bounded by alarm(); returns its wait status. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t p = fork();
	if (p == 0) {
		alarm(5);
		_exit(fn());
	}
	if (p < 0 || waitpid(p, &st, 0) < 0)
		return -1;
	return st;
}

static void describe(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "status 0x%x", st);
}

static volatile int got_sigsys;
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	got_sigsys = si->si_code == SI_TKILL ? 1 : 2;
}

/* 1. Its own SIGSYS handler: runs for a SIGSYS it sends itself; trapped calls go on. */
static int own_sigsys_handler(void)
{
	struct sigaction sa = {0}, old;
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) < 0 || sigaction(SIGSYS, NULL, &old) < 0)
		return 10;
	if (old.sa_sigaction != on_sigsys)
		return 11; /* the app sees its own action */
	raise(SIGSYS);
	if (got_sigsys != 1)
		return 12;
	if (syscall(SYS_getppid) <= 0 || getpid() <= 0)
		return 13;
	return 0;
}

/* 2. SIGSYS blocked: the mask says so, trapped calls still work. */
static int block_sigsys(void)
{
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGSYS);
	if (sigprocmask(SIG_BLOCK, &s, NULL) < 0 || sigprocmask(SIG_BLOCK, NULL, &old) < 0)
		return 10;
	if (!sigismember(&old, SIGSYS))
		return 11;
	for (int i = 0; i < 100; i++)
		if (getppid() <= 0)
			return 12;
	int fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || write(fd, "x", 1) != 1)
		return 13;
	close(fd);
	return 0;
}

static long raw6(uint64_t ip, long nr, long a0, long a1, long a2)
{
	long ret;
	register long r10 __asm__("r10") = 0;
	/* call the address as if it were a function ending in `syscall; ret`, or trap */
	__asm__ volatile("lea 1f(%%rip), %%r11\n\t"
			 "push %%r11\n\t"
			 "jmp *%[ip]\n"
			 "1:"
			 : "=a"(ret)
			 : [ip] "r"(ip), "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

/* 3. The runtime's own syscall site (write to the wake fd) from the app's code path. */
static int call_wake_site(void)
{
	uint64_t one = 1;
	long r = raw6(STUB_RT_WAKE, SYS_write, STUB_WAKE_FD, (long)&one, 8);
	/* 8: a spurious wake-up of the Sentry; anything else: refused. Both harmless. */
	if (r != 8 && r >= 0)
		return 10;
	/* and the same write from our own code: the fd is not the app's */
	if (write(STUB_WAKE_FD, &one, 8) != -1 || errno != EBADF)
		return 11;
	return getppid() > 0 ? 0 : 12;
}

/* 4. The retrace site (`syscall; int3`): a call from there is filtered like any other
 * (traced: the Sentry emulates it; untraced: ENOSYS); the int3 after it is a SIGTRAP. */
static int call_retrace_site(void)
{
	long r = raw6(STUB_RT_RETRACE, SYS_getppid, 0, 0, 0);
	return r == 0 ? 10 : 0; /* never reached: the int3 kills (SIGTRAP) */
}

/* 5. Garbage over the whole shared region (header, every slot, our signal stacks). */
static int scribble_shared(void)
{
	unsigned char *p = (unsigned char *)(uintptr_t)STUB_SLOTS_ADDR;
	for (size_t i = 0; i < STUB_SLOTS_SIZE; i += 64)
		memset(p + i, (int)(i * 131 + 7), 64);
	for (int i = 0; i < 100; i++)
		if (getppid() <= 0)
			return 10;
	return 0;
}

static volatile int spin_stop;
static void *spinner(void *arg)
{
	while (!spin_stop)
		__asm__ volatile("pause");
	return NULL;
}

/* 6. A forged request in the slot of a sibling thread that is busy in user code. */
static int forge_sibling(void)
{
	pthread_t th;
	if (pthread_create(&th, NULL, spinner, NULL))
		return 10;
	getppid(); /* the sibling now has its slot */
	unsigned char *p = (unsigned char *)(uintptr_t)STUB_SLOTS_ADDR;
	for (int slot = 1; slot < 8; slot++) {
		unsigned char *s = p + (size_t)slot * STUB_SLOT_SIZE;
		*(uint64_t *)(s + SLOT_NR) = SYS_getpid;
		__atomic_store_n((uint32_t *)(s + SLOT_STATE), 1, __ATOMIC_SEQ_CST);
	}
	for (int i = 0; i < 100; i++)
		getppid();
	spin_stop = 1;
	pthread_join(th, NULL);
	return 0;
}

/* 7. A jump into the middle of the SIGSYS handler, with registers of our choosing. */
static int jump_mid_handler(void)
{
	raw6(STUB_RT_HANDLER + 0x40, SYS_getpid, 0, 0, 0);
	return 10;
}

static int sentry_alive(void)
{
	int fd = open("/proc/self/status", O_RDONLY);
	char b[64];
	int ok = fd >= 0 && read(fd, b, sizeof(b)) > 0 && getppid() >= 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

int main(void)
{
	char buf[64];
	int fds[2], st;
	struct {
		const char *what;
		int (*fn)(void);
		int must_exit0; /* else: any end of its own (errno, exit, signal) */
	} cases[] = {
		{"own SIGSYS handler: its SIGSYS, trapped calls go on", own_sigsys_handler, 1},
		{"SIGSYS blocked: reported blocked, trapped calls go on", block_sigsys, 1},
		{"the runtime's write site called from app code: harmless", call_wake_site, 1},
		{"the retrace site called from app code: filtered, dies alone", call_retrace_site, 0},
		{"garbage over the shared slot region: errno or dies alone", scribble_shared, 0},
		{"a forged request in a busy sibling's slot: dies alone or goes on", forge_sibling, 0},
		{"a jump into the middle of the SIGSYS handler: dies alone", jump_mid_handler, 0},
	};
	int ncases = sizeof(cases) / sizeof(cases[0]);

	printf("1..%d\n", ncases * 2);
	/* the stub runtime is mapped (readable through write()) only on seccomp-trap */
	if (pipe(fds) < 0 || write(fds[1], (void *)(uintptr_t)STUB_RT_HANDLER, 1) != 1) {
		for (int i = 0; i < ncases * 2; i++)
			printf("ok %d # SKIP not on the seccomp-trap platform\n", i + 1);
		return 0;
	}
	for (int i = 0; i < ncases; i++) {
		fflush(stdout);
		st = in_child(cases[i].fn);
		describe(st, buf, sizeof(buf));
		if (cases[i].must_exit0)
			ok(st == 0, cases[i].what, buf);
		else
			ok(st != -1 && !(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM), cases[i].what,
			   buf);
		ok(sentry_alive(), "the Sentry carries on (a trapped call in the parent)", NULL);
	}
	return fails != 0;
}
