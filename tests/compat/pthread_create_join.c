/* pthread_create_join.c - threads share memory, return values via join, distinct gettid. */
/* syscalls: clone clone3 futex gettid set_robust_list rseq mmap mprotect */
#include "tap.h"
#include <pthread.h>
#include <stdint.h>

#define N 4
static int counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return (void *)(intptr_t)gettid();
}

int main(void)
{
	pthread_t t[N];
	pid_t tids[N];
	int distinct = 1;

	TAP_PLAN(4);
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < N; i++) {
		void *r;

		pthread_join(t[i], &r);
		tids[i] = (pid_t)(intptr_t)r;
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < i; j++)
			if (tids[i] == tids[j] || tids[i] == getpid())
				distinct = 0;
	TAP_OK(counter == N * 10000, "mutex-protected counter is exact (%d)", counter);
	TAP_OK(distinct, "every thread has its own tid, none equals the pid");
	TAP_OK(gettid() == getpid(), "main thread tid == pid");
	TAP_OK(pthread_join(t[0], NULL) != 0 || 1, "join of a joined thread does not crash");
	return TAP_DONE();
}
