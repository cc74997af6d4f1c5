/*
 * floor_ptrace.c - the floor of the ptrace platform: a trapped getpid costs at least one
 * seccomp RET_TRACE stop that a tracer answers by reading and writing the registers. The
 * child traces itself to its parent, installs a filter tracing getpid and times the calls;
 * the parent answers each stop (orig_rax = -1, rax = 4242) and nothing else.
 *
 *	floor_ptrace [ITERS]
 *
 * Prints `ns_per_op X iters N` like bench/micro/. Changes nothing outside its processes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int child(long iters)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};

	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 || raise(SIGSTOP) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return perror("floor_ptrace: set-up"), 1;
	long warm = iters / 10 > 1000 ? 1000 : iters / 10;
	for (long i = 0; i < warm; i++)
		syscall(SYS_getpid);
	double t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (syscall(SYS_getpid) != 4242)
			return fprintf(stderr, "floor_ptrace: bad reply\n"), 1;
	double t1 = now_ns();
	printf("ns_per_op %.1f iters %ld\n", (t1 - t0) / iters, iters);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 100000;
	int status;
	pid_t pid;

	if (iters <= 0)
		return 2;
	pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0)
		_exit(child(iters));
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) < 0 ||
	    ptrace(PTRACE_CONT, pid, 0, 0) < 0)
		return perror("floor_ptrace: attach"), 1;
	for (;;) {
		struct user_regs_struct r;
		if (waitpid(pid, &status, 0) < 0)
			return perror("waitpid"), 1;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		int sig = 0;
		if ((status >> 8) == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			ptrace(PTRACE_GETREGS, pid, 0, &r);
			r.orig_rax = (unsigned long long)-1;
			r.rax = 4242;
			ptrace(PTRACE_SETREGS, pid, 0, &r);
		} else if (WIFSTOPPED(status)) {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_CONT, pid, 0, sig);
	}
}
