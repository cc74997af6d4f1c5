/* signal_restart_pending.c - a signal sent just before a blocking call (racing it both
 * ways: handled before the call starts, pending as it starts, or arriving while it waits)
 * restarts read(2) and wait4(2) under SA_RESTART, never EINTR; without SA_RESTART the call
 * ends with EINTR or, when the handler ran before it, completes. */
/* syscalls: rt_sigaction read write wait4 tgkill gettid */
#include "tap.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#define ROUNDS 60
#define WAIT_ROUNDS 20

static atomic_int hits;
static atomic_int go;
static pid_t main_tid;
static int data_pipe[2];

static void on_usr1(int sig)
{
	atomic_fetch_add(&hits, 1);
}

static void set_handler(int flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* The sender: at each go, signals the main thread at once, then (for reads) writes the
 * byte that ends the read a little later. */
static void *sender(void *arg)
{
	bool feed = (long)arg > 0;
	long rounds = feed ? (long)arg : -(long)arg;
	for (int i = 0; i < rounds; i++) {
		while (atomic_load(&go) != i + 1)
			;
		syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
		if (feed) {
			usleep(1000);
			if (write(data_pipe[1], "d", 1) != 1)
				return NULL;
		}
	}
	return NULL;
}

/* Rounds of read(2) racing the signal: counts reads that returned the byte and EINTRs. */
static void read_rounds(int flags, int *ok, int *eintr, int *other)
{
	pthread_t th;
	char c;
	set_handler(flags);
	atomic_store(&go, 0);
	atomic_store(&hits, 0);
	pthread_create(&th, NULL, sender, (void *)(long)ROUNDS);
	*ok = *eintr = *other = 0;
	for (int i = 0; i < ROUNDS; i++) {
		atomic_store(&go, i + 1);
		ssize_t n = read(data_pipe[0], &c, 1);
		if (n == 1) {
			(*ok)++;
			continue;
		}
		if (n < 0 && errno == EINTR) {
			(*eintr)++;
			n = read(data_pipe[0], &c, 1); /* the byte still comes */
			if (n == 1)
				continue;
		}
		(*other)++;
	}
	pthread_join(th, NULL);
}

/* Rounds of wait4(2) for a child exiting 2 ms later, racing the signal. */
static void wait_rounds(int flags, int *ok, int *eintr, int *other)
{
	pthread_t th;
	set_handler(flags);
	atomic_store(&go, 0);
	atomic_store(&hits, 0);
	pthread_create(&th, NULL, sender, (void *)(long)-WAIT_ROUNDS);
	*ok = *eintr = *other = 0;
	for (int i = 0; i < WAIT_ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			usleep(2000);
			_exit(7);
		}
		atomic_store(&go, i + 1);
		int st = 0;
		pid_t r = wait4(pid, &st, 0, NULL);
		int err = errno;
		/* the next round starts once this round's signal was handled */
		while (atomic_load(&hits) < i + 1)
			;
		if (r == pid && tap_exited(st, 7)) {
			(*ok)++;
			continue;
		}
		if (r < 0 && err == EINTR) {
			(*eintr)++;
			if (wait4(pid, &st, 0, NULL) == pid && tap_exited(st, 7))
				continue;
		}
		(*other)++;
	}
	pthread_join(th, NULL);
}

int main(void)
{
	int ok, eintr, other;

	TAP_PLAN(8);
	main_tid = (pid_t)syscall(SYS_gettid);
	if (pipe(data_pipe) < 0)
		return 1;

	read_rounds(SA_RESTART, &ok, &eintr, &other);
	TAP_OK(ok == ROUNDS && eintr == 0 && other == 0,
	       "SA_RESTART: every read returned the byte (%d ok, %d EINTR, %d other)", ok, eintr,
	       other);
	TAP_OK(atomic_load(&hits) == ROUNDS, "the handler ran every round (%d)",
	       atomic_load(&hits));

	read_rounds(0, &ok, &eintr, &other);
	TAP_OK(ok + eintr == ROUNDS && other == 0,
	       "no SA_RESTART: each read returned the byte or EINTR (%d ok, %d EINTR)", ok, eintr);
	TAP_OK(atomic_load(&hits) == ROUNDS, "the handler ran every round (%d)",
	       atomic_load(&hits));

	wait_rounds(SA_RESTART, &ok, &eintr, &other);
	TAP_OK(ok == WAIT_ROUNDS && eintr == 0 && other == 0,
	       "SA_RESTART: every wait4 reaped its child (%d ok, %d EINTR, %d other)", ok, eintr,
	       other);
	TAP_OK(atomic_load(&hits) == WAIT_ROUNDS, "the handler ran every round (%d)",
	       atomic_load(&hits));

	wait_rounds(0, &ok, &eintr, &other);
	TAP_OK(ok + eintr == WAIT_ROUNDS && other == 0,
	       "no SA_RESTART: each wait4 reaped its child or failed with EINTR (%d ok, %d EINTR)",
	       ok, eintr);
	TAP_OK(atomic_load(&hits) == WAIT_ROUNDS, "the handler ran every round (%d)",
	       atomic_load(&hits));
	return TAP_DONE();
}
