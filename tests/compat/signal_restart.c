/* signal_restart.c - SA_RESTART restarts a blocking pipe read; without it read gets EINTR. */
/* syscalls: rt_sigaction read fork kill wait4 */
#include "tap.h"
#include <signal.h>

static volatile sig_atomic_t hits;

static void on_usr1(int sig)
{
	hits++;
}

/* Child: waits for "r" (parent ready to read), sends SIGUSR1, then later writes data. */
static ssize_t blocked_read(int flags, int *err)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };
	int data[2], ready[2];
	char c = 0, buf[4];
	ssize_t n;
	pid_t pid, parent = getpid();

	sigaction(SIGUSR1, &sa, NULL);
	pipe(data);
	pipe(ready);
	pid = fork();
	if (pid == 0) {
		read(ready[0], &c, 1);
		usleep(50000);
		kill(parent, SIGUSR1);
		usleep(50000);
		write(data[1], "d", 1);
		_exit(0);
	}
	write(ready[1], "r", 1);
	n = read(data[0], buf, sizeof(buf));
	*err = errno;
	tap_wait(pid);
	close(data[0]);
	close(data[1]);
	close(ready[0]);
	close(ready[1]);
	return n;
}

int main(void)
{
	int err;
	ssize_t n;

	TAP_PLAN(4);
	n = blocked_read(SA_RESTART, &err);
	TAP_OK(n == 1, "SA_RESTART: read restarted and returned data");
	TAP_OK(hits == 1, "handler ran once");
	n = blocked_read(0, &err);
	TAP_OK(n == -1 && err == EINTR, "no SA_RESTART: read -> EINTR");
	TAP_OK(hits == 2, "handler ran again");
	return TAP_DONE();
}
