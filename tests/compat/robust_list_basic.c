/* robust_list_basic.c - a robust mutex held by a dead thread reports EOWNERDEAD. */
/* syscalls: set_robust_list get_robust_list futex exit */
#include "tap.h"
#include <pthread.h>
#include <sys/syscall.h>

static pthread_mutex_t mu;

static void *die_holding(void *arg)
{
	pthread_mutex_lock(&mu);
	return NULL; /* thread exits with the lock held */
}

int main(void)
{
	pthread_mutexattr_t at;
	pthread_t t;
	void *head;
	size_t len;

	TAP_PLAN(4);
	TAP_OK(syscall(SYS_get_robust_list, 0, &head, &len) == 0 && head && len > 0,
	       "glibc registered a robust list");
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&mu, &at);
	pthread_create(&t, NULL, die_holding, NULL);
	pthread_join(t, NULL);
	TAP_OK(pthread_mutex_lock(&mu) == EOWNERDEAD, "lock after owner died -> EOWNERDEAD");
	TAP_OK(pthread_mutex_consistent(&mu) == 0 && pthread_mutex_unlock(&mu) == 0, "made consistent");
	TAP_ERRNO(syscall(SYS_set_robust_list, head, len + 1), EINVAL, "bad len -> EINVAL");
	return TAP_DONE();
}
