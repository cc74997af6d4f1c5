/* ppoll_sigmask.c - ppoll: timespec timeout, and a signal unblocked only during ppoll -> EINTR. */
/* syscalls: ppoll rt_sigprocmask rt_sigaction kill */
#include "tap.h"
#include <poll.h>
#include <signal.h>

static volatile sig_atomic_t hits;

static void on_usr1(int sig)
{
	hits++;
}

int main(void)
{
	struct timespec ts = { 0, 10000000 };
	struct pollfd f;
	sigset_t block, empty;
	int p[2];

	TAP_PLAN(4);
	pipe(p);
	f = (struct pollfd){ .fd = p[0], .events = POLLIN };
	TAP_OK(ppoll(&f, 1, &ts, NULL) == 0, "times out after 10ms");
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(getpid(), SIGUSR1);
	TAP_OK(hits == 0, "blocked signal not delivered");
	sigemptyset(&empty);
	ts.tv_sec = 5;
	TAP_ERRNO(ppoll(&f, 1, &ts, &empty), EINTR, "ppoll with empty mask -> EINTR");
	TAP_OK(hits == 1, "handler ran once during ppoll");
	return TAP_DONE();
}
