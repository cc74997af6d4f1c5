/*
 * floor_sigsys.c - the floor of the seccomp-trap platform: a trapped getpid costs at least
 * one SIGSYS (SECCOMP_RET_TRAP) delivered and returned in-process plus a round trip to a
 * second process through shared memory. The child installs a filter trapping getpid; its
 * SIGSYS handler posts the call in a shared word and waits for a server process to answer
 * (spin, then futex: the same adaptive wait as platform/seccomp_trap/), writes the answer
 * into the signal frame and returns.
 *
 *	floor_sigsys [ITERS [MODE]]     MODE: spin (default), futex (sleep at once), local
 *
 * `local` answers in the handler (no second process): the signal's own cost. Prints
 * `ns_per_op X iters N` like bench/micro/. Changes nothing outside its own processes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

enum { IDLE, REQ, REQ_ASLEEP, REPLY, QUIT };
struct shm {
	volatile uint32_t state;
	volatile uint32_t server_asleep;
	volatile int64_t nr, ret;
};

static struct shm *shm;
static int mode_spin = 1, mode_local;
static const unsigned spin_iters = 4000;

static long futex(volatile uint32_t *w, int op, uint32_t v)
{
	return syscall(SYS_futex, w, op, v, NULL, NULL, 0);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Waits until *@w != @v: spins (when allowed), then futex-waits with *@w set to @sleep. */
static uint32_t wait_change(volatile uint32_t *w, uint32_t v, uint32_t sleep)
{
	for (unsigned i = 0; mode_spin && i < spin_iters; i++) {
		uint32_t s = __atomic_load_n(w, __ATOMIC_ACQUIRE);
		if (s != v)
			return s;
		__builtin_ia32_pause();
		if ((i & 63) == 63)
			sched_yield(); /* a peer on the same core gets to run */
	}
	for (;;) {
		uint32_t s = v;
		if (!__atomic_compare_exchange_n(w, &s, sleep, false, __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST) &&
		    s != sleep)
			return s;
		futex(w, FUTEX_WAIT, sleep);
	}
}

static void handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	if (mode_local) {
		uc->uc_mcontext.gregs[REG_RAX] = 42;
		return;
	}
	shm->nr = si->si_syscall;
	__atomic_store_n(&shm->state, REQ, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&shm->server_asleep, __ATOMIC_SEQ_CST))
		futex(&shm->state, FUTEX_WAKE, 1);
	wait_change(&shm->state, REQ, REQ_ASLEEP);
	uc->uc_mcontext.gregs[REG_RAX] = shm->ret;
	__atomic_store_n(&shm->state, IDLE, __ATOMIC_RELEASE);
}

static void server(void)
{
	for (;;) {
		uint32_t s;
		for (;;) {
			s = __atomic_load_n(&shm->state, __ATOMIC_ACQUIRE);
			if (s == REQ || s == REQ_ASLEEP || s == QUIT)
				break;
			unsigned i;
			for (i = 0; mode_spin && i < spin_iters; i++) {
				s = __atomic_load_n(&shm->state, __ATOMIC_ACQUIRE);
				if (s == REQ || s == REQ_ASLEEP || s == QUIT)
					break;
				__builtin_ia32_pause();
				if ((i & 63) == 63)
					sched_yield();
			}
			if (s == REQ || s == REQ_ASLEEP || s == QUIT)
				break;
			__atomic_store_n(&shm->server_asleep, 1, __ATOMIC_SEQ_CST);
			s = __atomic_load_n(&shm->state, __ATOMIC_SEQ_CST);
			if (s != REQ && s != REQ_ASLEEP && s != QUIT)
				futex(&shm->state, FUTEX_WAIT, s);
			__atomic_store_n(&shm->server_asleep, 0, __ATOMIC_SEQ_CST);
		}
		if (s == QUIT)
			_exit(0);
		shm->ret = 4242;
		if (__atomic_exchange_n(&shm->state, REPLY, __ATOMIC_SEQ_CST) == REQ_ASLEEP)
			futex(&shm->state, FUTEX_WAKE, 1);
	}
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	const char *mode = argc > 2 ? argv[2] : "spin";
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	struct sigaction sa;
	pid_t srv = -1;

	if (iters <= 0)
		return 2;
	mode_spin = strcmp(mode, "futex") != 0;
	mode_local = strcmp(mode, "local") == 0;
	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return perror("mmap"), 1;
	if (!mode_local) {
		srv = fork();
		if (srv == 0)
			server();
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return perror("seccomp"), 1;
	long warm = iters / 10 > 1000 ? 1000 : iters / 10;
	for (long i = 0; i < warm; i++)
		syscall(SYS_getpid);
	double t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (syscall(SYS_getpid) != (mode_local ? 42 : 4242))
			return fprintf(stderr, "bad reply\n"), 1;
	double t1 = now_ns();
	printf("ns_per_op %.1f iters %ld\n", (t1 - t0) / iters, iters);
	fflush(stdout);
	if (srv > 0) {
		__atomic_store_n(&shm->state, QUIT, __ATOMIC_SEQ_CST);
		futex(&shm->state, FUTEX_WAKE, 1);
		waitpid(srv, NULL, 0);
	}
	return 0;
}
