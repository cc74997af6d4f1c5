/* pthread_join_many.c - thousands of short threads created and joined: the tid word
 * (CLONE_PARENT_SETTID/CHILD_CLEARTID) must reach 0 even when a thread exits before its
 * creator's clone returns, or pthread_join waits forever. */
/* syscalls: clone futex exit set_tid_address */
#include "tap.h"
#include <pthread.h>

static void *quick(void *arg)
{
	return arg;
}

int main(void)
{
	int ok = 0;
	TAP_PLAN(1);
	for (long i = 0; i < 3000; i++) {
		pthread_t t;
		void *r = NULL;
		if (pthread_create(&t, NULL, quick, (void *)i) == 0 && pthread_join(t, &r) == 0 &&
		    r == (void *)i)
			ok++;
	}
	TAP_OK(ok == 3000, "3000 threads created and joined (%d)", ok);
	return TAP_DONE();
}
