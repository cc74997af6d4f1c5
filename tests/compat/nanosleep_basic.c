/* nanosleep_basic.c - nanosleep sleeps at least as long as asked; EINVAL; EINTR with rem. */
/* syscalls: nanosleep clock_gettime rt_sigaction */
#include "tap.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static void on_alrm(int sig)
{
}

int main(void)
{
	struct timespec req = { 0, 50000000 }, rem, a, b;
	struct sigaction sa = { .sa_handler = on_alrm };
	long ns;

	TAP_PLAN(3);
	clock_gettime(CLOCK_MONOTONIC, &a);
	syscall(SYS_nanosleep, &req, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
	TAP_OK(ns >= 50000000 && ns < 1500000000, "slept >= 50ms (%ld ns)", ns);
	req.tv_nsec = 1000000000;
	TAP_ERRNO(syscall(SYS_nanosleep, &req, NULL), EINVAL, "tv_nsec 1e9 -> EINVAL");
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	req = (struct timespec){ 10, 0 };
	errno = 0;
	long r = syscall(SYS_nanosleep, &req, &rem);
	TAP_OK(r == -1 && errno == EINTR && rem.tv_sec >= 7 && rem.tv_sec <= 9, "EINTR with remaining time (%ld s)",
	       (long)rem.tv_sec);
	return TAP_DONE();
}
