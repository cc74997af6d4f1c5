/* stress_threads.c - 50 threads ping-pong through condition variables (futexes) and the
 * process forks 200 short children; prints "done <rounds> <children>" on success. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define NT 50
#define ROUNDS 200

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, total;

static void *worker(void *arg)
{
	int me = (int)(long)arg;
	for (int r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&mu);
		while (turn % NT != me)
			pthread_cond_wait(&cv, &mu);
		turn++;
		total++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[NT];
	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	int ok = 0;
	for (int i = 0; i < 200; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(i & 0x7f);
		int st;
		if (waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == (i & 0x7f))
			ok++;
	}
	printf("done %d %d\n", total, ok);
	return total == NT * ROUNDS && ok == 200 ? 0 : 1;
}
