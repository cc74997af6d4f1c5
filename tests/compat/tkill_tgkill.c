/* tkill_tgkill.c - tgkill/tkill target one thread; wrong tgid -> ESRCH; handler sees gettid. */
/* syscalls: tgkill tkill gettid rt_sigaction */
#include "tap.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

static volatile pid_t handled_in;
static pid_t worker_tid;
static int go[2], done[2];

static void handler(int sig)
{
	handled_in = gettid();
}

static void *worker(void *arg)
{
	char c;

	worker_tid = gettid();
	write(go[1], "g", 1);
	read(done[0], &c, 1);
	return NULL;
}

int main(void)
{
	pthread_t t;
	char c;

	TAP_PLAN(4);
	signal(SIGUSR1, handler);
	pipe(go);
	pipe(done);
	pthread_create(&t, NULL, worker, NULL);
	read(go[0], &c, 1);
	TAP_OK(syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1) == 0, "tgkill worker");
	for (int i = 0; i < 200 && !handled_in; i++)
		usleep(5000);
	TAP_OK(handled_in == worker_tid, "handler ran in the worker thread");
	TAP_ERRNO(syscall(SYS_tgkill, getpid() + 100000, worker_tid, SIGUSR1), ESRCH, "wrong tgid -> ESRCH");
	handled_in = 0;
	syscall(SYS_tkill, gettid(), SIGUSR1);
	TAP_OK(handled_in == gettid(), "tkill self delivers to the calling thread");
	write(done[1], "d", 1);
	pthread_join(t, NULL);
	return TAP_DONE();
}
