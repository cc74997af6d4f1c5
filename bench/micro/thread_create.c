/*
 * thread_create.c - pthread_create() of a thread that returns at once, then
 * pthread_join(): clone(CLONE_THREAD), stack mmap, futex-based join.
 */
#include <pthread.h>
#include "micro.h"

static void *thread_body(void *arg)
{
	return arg;
}

static void thread_create_join(void)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, thread_body, NULL);

	if (err) {
		errno = err;
		micro_die("pthread_create");
	}
	pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 10000);

	MICRO_LOOP(iters, thread_create_join());
	return 0;
}
