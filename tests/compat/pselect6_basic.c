/* pselect6_basic.c - pselect: timespec timeout, atomic sigmask swap gives EINTR. */
/* syscalls: pselect6 rt_sigprocmask kill */
#include "tap.h"
#include <signal.h>
#include <sys/select.h>

static volatile sig_atomic_t hits;

static void on_usr2(int sig)
{
	hits++;
}

int main(void)
{
	struct timespec ts = { 0, 10000000 };
	sigset_t block, empty;
	fd_set r;
	int p[2];

	TAP_PLAN(3);
	pipe(p);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	TAP_OK(pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL) == 0, "timeout");
	signal(SIGUSR2, on_usr2);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(getpid(), SIGUSR2);
	sigemptyset(&empty);
	ts.tv_sec = 5;
	FD_SET(p[0], &r);
	TAP_ERRNO(pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty), EINTR, "pending signal unmasked -> EINTR");
	TAP_OK(hits == 1, "handler ran");
	return TAP_DONE();
}
