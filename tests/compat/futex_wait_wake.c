/* futex_wait_wake.c - raw futex: EAGAIN on value mismatch, timeout, wake count, bitset. */
/* syscalls: futex */
#include "tap.h"
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

static _Atomic int word;
static _Atomic int waiting;

static long futex(_Atomic int *uaddr, int op, int val, const struct timespec *ts, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

static void *waiter(void *arg)
{
	atomic_fetch_add(&waiting, 1);
	while (atomic_load(&word) == 0)
		futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, 0);
	return NULL;
}

int main(void)
{
	struct timespec ts = { 0, 10000000 };
	pthread_t t[2];
	long woken = 0;

	TAP_PLAN(6);
	TAP_ERRNO(futex(&word, FUTEX_WAIT_PRIVATE, 1, NULL, 0), EAGAIN, "value mismatch -> EAGAIN");
	TAP_ERRNO(futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts, 0), ETIMEDOUT, "timeout -> ETIMEDOUT");
	TAP_OK(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, 0) == 0, "wake with no waiters -> 0");
	pthread_create(&t[0], NULL, waiter, NULL);
	pthread_create(&t[1], NULL, waiter, NULL);
	while (atomic_load(&waiting) < 2)
		usleep(1000);
	usleep(20000);
	atomic_store(&word, 1);
	for (int i = 0; i < 100 && woken < 2; i++) {
		woken += futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, 0);
		usleep(1000);
	}
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	TAP_OK(woken >= 1 && woken <= 2, "woke the sleeping waiters (%ld)", woken);
	TAP_ERRNO(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL, 0), EINVAL, "bitset 0 -> EINVAL");
	TAP_ERRNO(futex(&word, 99, 0, NULL, 0), ENOSYS, "unknown op -> ENOSYS");
	return TAP_DONE();
}
