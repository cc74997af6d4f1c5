/* seccomp_kill_thread.c - with other threads alive, SECCOMP_RET_KILL_THREAD ends only the
 * calling thread, for a trapped call (getpid) and a native one (sched_yield); so does a
 * strict-mode violation of a thread that entered strict mode alone; the process goes on. */
/* syscalls: seccomp prctl getpid sched_yield clone futex exit */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))

static volatile int reached_after;

/* Thread body: @arg is the call that kills it; -1 / -2: enter strict mode, then getpid /
 * sched_yield. */
static void *victim(void *arg)
{
	long nr = (long)arg;
	if (nr < 0) {
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL) != 0)
			return NULL;
		nr = nr == -1 ? SYS_getpid : SYS_sched_yield;
	}
	syscall(nr);
	reached_after = 1; /* never: the call ended the thread */
	return NULL;
}

/* In a child: a second thread makes call @nr (filtered with KILL_THREAD unless strict);
 * exit 0 when only that thread died and the process carried on. */
static int child(long nr)
{
	struct sock_filter f[] = {
	    LD_NR,
	    ON(SYS_getpid, SECCOMP_RET_KILL_THREAD),
	    ON(SYS_sched_yield, SECCOMP_RET_KILL_THREAD),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	pthread_t th;

	if (nr >= 0 && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
			syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0))
		return 2;
	if (pthread_create(&th, NULL, victim, (void *)nr) || pthread_join(th, NULL))
		return 3;
	if (reached_after)
		return 4;
	if (syscall(SYS_getppid) <= 0)
		return 5;
	return 0;
}

static int run(long nr)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(child(nr));
	return tap_wait(pid);
}

int main(void)
{
	int st;

	TAP_PLAN(4);
	st = run(SYS_getpid);
	TAP_OK(tap_exited(st, 0), "KILL_THREAD on getpid (trapped) ends only that thread (st 0x%x)",
	       st);
	st = run(SYS_sched_yield);
	TAP_OK(tap_exited(st, 0),
	       "KILL_THREAD on sched_yield (native) ends only that thread (st 0x%x)", st);
	st = run(-1);
	TAP_OK(tap_exited(st, 0), "a strict-mode thread's getpid ends only that thread (st 0x%x)",
	       st);
	st = run(-2);
	TAP_OK(tap_exited(st, 0),
	       "a strict-mode thread's sched_yield ends only that thread (st 0x%x)", st);
	return TAP_DONE();
}
