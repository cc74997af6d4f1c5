/* seccomp_tsync.c - SECCOMP_FILTER_FLAG_TSYNC gives the caller's filter to every thread;
 * without it other threads are untouched; a thread whose filters diverged makes TSYNC fail
 * with its tid (ESRCH with TSYNC_ESRCH). */
/* syscalls: seccomp prctl clone futex getuid sched_yield gettid */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))

static int to_thread[2], from_thread[2];
static volatile long thread_tid;

static long load(long nr, int err, unsigned flags)
{
	struct sock_filter f[] = {
	    LD_NR,
	    ON(nr, SECCOMP_RET_ERRNO | err),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p);
}

/* Runs commands from the main thread: 'u' probe getuid, 'y' probe sched_yield, 'f' load a
 * filter of its own (getgid -> EPERM); answers one byte (errno of the call, or 0). */
static void *thread_main(void *arg)
{
	char cmd, ans;
	thread_tid = syscall(SYS_gettid);
	while (read(to_thread[0], &cmd, 1) == 1) {
		errno = 0;
		if (cmd == 'u')
			ans = syscall(SYS_getuid) == -1 ? errno : 0;
		else if (cmd == 'y')
			ans = syscall(SYS_sched_yield) == -1 ? errno : 0;
		else if (cmd == 'f')
			ans = load(SYS_getgid, EPERM, 0) == 0 ? 0 : errno;
		else
			break;
		if (write(from_thread[1], &ans, 1) != 1)
			break;
	}
	return NULL;
}

static int ask(char cmd)
{
	char ans = -1;
	if (write(to_thread[1], &cmd, 1) != 1 || read(from_thread[0], &ans, 1) != 1)
		return -1;
	return ans;
}

static int child(void)
{
	pthread_t th;
	int fails = 0;
	long r;

	if (pipe(to_thread) < 0 || pipe(from_thread) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    pthread_create(&th, NULL, thread_main, NULL))
		return 255;
	if (ask('u') != 0)
		return 254;
	if (load(SYS_getuid, EPERM, 0) != 0 || ask('u') != 0)
		fails |= 1; /* no TSYNC: the other thread keeps running unfiltered */
	if (load(SYS_sched_yield, EACCES, SECCOMP_FILTER_FLAG_TSYNC) != 0 || ask('u') != EPERM ||
	    ask('y') != EACCES)
		fails |= 2; /* TSYNC: the thread gets the whole chain (getuid too) */
	if (ask('f') != 0)
		return 253;
	r = load(SYS_getppid, EPERM, SECCOMP_FILTER_FLAG_TSYNC);
	if (r != thread_tid)
		fails |= 4; /* diverged: TSYNC answers the thread's tid */
	errno = 0;
	r = load(SYS_getppid, EPERM, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
	if (!(r == -1 && errno == ESRCH))
		fails |= 8;
	if (syscall(SYS_getppid) == -1)
		fails |= 16; /* a failed TSYNC installs nothing */
	return fails;
}

int main(void)
{
	static const char *names[] = {
	    "without TSYNC another thread is not filtered",
	    "with TSYNC the other thread gets the caller's filters",
	    "TSYNC with a diverged thread returns its tid",
	    "TSYNC_ESRCH turns that into ESRCH",
	    "a failed TSYNC installs nothing",
	};
	pid_t pid;
	int st;

	TAP_PLAN(5);
	pid = fork();
	if (pid == 0)
		_exit(child());
	st = tap_wait(pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 253)
		TAP_DIAG("set-up failed: %d", WEXITSTATUS(st));
	for (int i = 0; i < 5; i++)
		TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) < 253 && !(WEXITSTATUS(st) & (1 << i)),
		       "%s", names[i]);
	return TAP_DONE();
}
