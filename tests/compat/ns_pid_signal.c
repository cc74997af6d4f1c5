/* ns_pid_signal.c - signals to the pid 1 of a pid namespace: from inside, a signal it has
 * no handler for is dropped (SIGKILL and SIGTERM included: kill() still returns 0) while
 * one it handles is delivered; from the parent namespace SIGKILL kills it; a signal it
 * blocks is never dropped, handler or not (tini's way: SIGTERM blocked, taken with
 * sigtimedwait). */
/* syscalls: kill unshare rt_sigaction rt_sigprocmask rt_sigpending rt_sigtimedwait */
#include "ns_util.h"

static void on_usr1(int sig)
{
}

static int in_ns(void *arg)
{
	if (unshare(CLONE_NEWPID) < 0)
		return 0;
	fflush(stdout);
	pid_t init = fork();
	if (init == 0) { /* pid 1: handles SIGUSR1 (blocked), a child signals it */
		int bits = 0;
		sigset_t set, pend;
		struct sigaction sa = {.sa_handler = on_usr1};
		sigaction(SIGUSR1, &sa, NULL);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		pid_t k = fork();
		if (k == 0) {
			int r = 0;
			r |= (kill(1, SIGKILL) == 0) << 0;
			r |= (kill(1, SIGTERM) == 0) << 1;
			r |= (kill(1, SIGUSR1) == 0) << 2;
			_exit(r);
		}
		int st = tap_wait(k);
		bits |= tap_exited(st, 7) << 0;	 /* every kill() returned 0 */
		for (int i = 0; i < 1000; i++) { /* SIGUSR1 arrives asynchronously */
			sigpending(&pend);
			if (sigismember(&pend, SIGUSR1))
				break;
			usleep(1000);
		}
		bits |= sigismember(&pend, SIGUSR1) << 1;
		bits |= 1 << 2; /* still alive after SIGKILL and SIGTERM from inside */
		_exit(bits);
	}
	int st = tap_wait(init);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 0;
}

/* Forks pid 1 of a new pid namespace: in it (0 returned) @ready() runs first and then
 * says so on the pipe; the caller gets its pid once it did (-1: no namespace). */
static pid_t ready_pid1(void (*ready)(void))
{
	int p[2];
	if (pipe(p) < 0 || unshare(CLONE_NEWPID) < 0)
		return -1;
	fflush(stdout);
	pid_t init = fork();
	if (init == 0) {
		if (ready)
			ready();
		write(p[1], "x", 1);
		return 0;
	}
	char c;
	read(p[0], &c, 1);
	close(p[0]);
	close(p[1]);
	return init;
}

static int from_outside(void *arg)
{
	pid_t init = ready_pid1(NULL);
	if (init < 0)
		return 0;
	if (init == 0)
		for (;;)
			pause();
	int bits = (kill(init, SIGTERM) == 0) << 0; /* no handler: dropped, even from outside */
	usleep(50000);
	bits |= (waitpid(init, NULL, WNOHANG) == 0) << 1;
	kill(init, SIGKILL);
	int st = tap_wait(init);
	bits |= (st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << 2;
	return bits;
}

/* pid 1 blocks SIGTERM and SIGUSR2 without handlers and waits for them: SIGTERM from the
 * parent namespace, SIGUSR2 from a child inside. Bits 0 SIGTERM taken, 1 SIGUSR2 taken. */
static void block_term_usr2(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int blocked_waited(void *arg)
{
	pid_t init = ready_pid1(block_term_usr2);
	if (init < 0)
		return 0;
	if (init == 0) {
		sigset_t set;
		siginfo_t si;
		struct timespec ts = {5, 0};
		int bits = 0;
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		bits |= (sigtimedwait(&set, &si, &ts) == SIGTERM) << 0;
		pid_t k = fork();
		if (k == 0)
			_exit(kill(1, SIGUSR2) == 0 ? 0 : 1);
		tap_wait(k);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		bits |= (sigtimedwait(&set, &si, &ts) == SIGUSR2) << 1;
		_exit(bits);
	}
	kill(init, SIGTERM);
	int st = tap_wait(init);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 0;
}

int main(void)
{
	TAP_PLAN(8);
	int bits = ns_bits(in_ns, NULL);
	TAP_OK(ns_bit(bits, 0), "kill() of pid 1 from inside returns 0");
	TAP_OK(ns_bit(bits, 1), "a signal pid 1 handles is delivered");
	TAP_OK(ns_bit(bits, 2), "SIGKILL and SIGTERM from inside are ignored");
	bits = ns_bits(from_outside, NULL);
	TAP_OK(ns_bit(bits, 0), "kill(SIGTERM) from the parent namespace returns 0");
	TAP_OK(ns_bit(bits, 1), "without a handler pid 1 ignores SIGTERM even from outside");
	TAP_OK(ns_bit(bits, 2), "SIGKILL from the parent namespace kills it");
	bits = ns_bits(blocked_waited, NULL);
	TAP_OK(ns_bit(bits, 0), "SIGTERM from outside, blocked by pid 1 (no handler): sigtimedwait takes it");
	TAP_OK(ns_bit(bits, 1), "SIGUSR2 from inside, blocked by pid 1 (no handler): sigtimedwait takes it");
	return TAP_DONE();
}
