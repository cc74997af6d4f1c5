/* pthread_condvar.c - condvar ping-pong between two threads: strict alternation. */
/* syscalls: futex clone3 */
#include "tap.h"
#include <pthread.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, bad, rounds = 2000;

static void *player(void *arg)
{
	int me = (int)(long)arg;

	for (int i = 0; i < rounds; i++) {
		pthread_mutex_lock(&mu);
		while (turn != me)
			pthread_cond_wait(&cv, &mu);
		if (turn != me)
			bad++;
		turn = !me;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	struct timespec ts;

	TAP_PLAN(3);
	pthread_create(&a, NULL, player, (void *)0L);
	pthread_create(&b, NULL, player, (void *)1L);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	TAP_OK(bad == 0 && turn == 0, "2000 alternating rounds each");
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&mu);
	TAP_OK(pthread_cond_timedwait(&cv, &mu, &ts) == ETIMEDOUT, "timedwait with no signal -> ETIMEDOUT");
	pthread_mutex_unlock(&mu);
	TAP_OK(pthread_mutex_trylock(&mu) == 0 && pthread_mutex_trylock(&mu) == EBUSY, "trylock EBUSY");
	return TAP_DONE();
}
