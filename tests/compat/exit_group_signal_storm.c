/* exit_group_signal_storm.c - a process whose threads (the leader too) are delivered a
 * storm of caught signals while one of them calls exit_group: its parent sees it die,
 * every time. A Sentry that lost the death (a thread killed while the platform ran a call
 * in it for a signal's delivery) left the parent waiting forever, or itself waited
 * forever for a leader whose siblings waited at their exit stops for it. */
/* syscalls: exit_group tgkill rt_sigaction wait4 clone */
#include "tap.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#define ROUNDS 40
#define THREADS 3

static pid_t tids[THREADS + 1];
static volatile int ready;

static void on_usr1(int sig)
{
	(void)syscall(SYS_getppid); /* a trapped call inside the handler */
}

/* Signals every thread of the process, the leader included, until the process dies. */
static void storm(void)
{
	pid_t pid = getpid();
	for (;;)
		for (int i = 0; i <= THREADS; i++)
			if (tids[i])
				syscall(SYS_tgkill, pid, tids[i], SIGUSR1);
}

static void *thread_main(void *arg)
{
	long i = (long)arg;
	tids[i] = (pid_t)syscall(SYS_gettid);
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	if (i == THREADS) { /* the last one ends the process, amid the storm */
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
		syscall(SYS_exit_group, 7);
	}
	storm();
	return NULL;
}

static void child(void)
{
	struct sigaction sa;
	pthread_t th;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	tids[0] = (pid_t)syscall(SYS_gettid);
	for (long i = 1; i <= THREADS; i++)
		if (pthread_create(&th, NULL, thread_main, (void *)i) != 0)
			_exit(2);
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < THREADS)
		sched_yield();
	storm();
}

int main(void)
{
	int died = 0, bad = 0;

	TAP_PLAN(1);
	alarm(120); /* a lost death: the test dies instead of hanging (its runner's timeout too) */
	for (int r = 0; r < ROUNDS; r++) {
		int st = 0;
		pid_t p = fork();
		if (p == 0) {
			child();
			_exit(3);
		}
		if (p < 0 || waitpid(p, &st, 0) != p) {
			bad++;
			continue;
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 7)
			died++;
		else
			bad++;
	}
	TAP_OK(died == ROUNDS && !bad, "%d of %d processes died by exit_group(7) amid a signal storm",
	       died, ROUNDS);
	return TAP_DONE();
}
