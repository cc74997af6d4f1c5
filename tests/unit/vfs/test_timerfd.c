/* Unit tests for vfs/timerfd.c on a fake CLOCK_MONOTONIC: relative and absolute
 * arming, intervals with missed expirations, gettime, disarm, read rules, poll bits. */
/* wrap: vfs_file_new_anon vfs_file_get vfs_file_put stimer_now_ns */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include "common/timer.h"
#include "vfs/epoll.h"
#include "vfs/file.h"
#include "vfs/timerfd.h"

#include "fake_file.h"


static int64_t fake_now;
int64_t __wrap_stimer_now_ns(void)
{
	return fake_now;
}

static int check_leaks(void **state)
{
	assert_int_equal(vfs_live_timerfds, 0);
	assert_int_equal(live_files, 0);
	assert_int_equal(stimer_next_deadline(), -1);
	return 0;
}

static void advance(int64_t to)
{
	fake_now = to;
	stimer_run_expired(to);
}

static uint64_t ticks(struct vfs_file *f, ssize_t *r)
{
	uint64_t v = 0;
	*r = f->ops->read(f, &v, sizeof(v), NULL);
	return v;
}

static struct itimerspec its(long v_s, long v_ns, long i_s, long i_ns)
{
	return (struct itimerspec){ { i_s, i_ns }, { v_s, v_ns } };
}

static int wakes;
static void on_wake(struct waiter *w, uint32_t ev)
{
	wakes++;
}

static void test_relative_interval(void **state)
{
	struct vfs_file *f;
	struct itimerspec cur, old, nv = its(0, 100, 0, 50);
	ssize_t r;
	fake_now = 1000;
	assert_int_equal(vfs_timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK, false, &f), 0);
	ticks(f, &r);
	assert_int_equal(r, -EAGAIN);
	char small[4];
	assert_int_equal(f->ops->read(f, small, sizeof(small), NULL), -EINVAL);
	assert_int_equal(vfs_timerfd_settime(f, 0, &nv, &old), 0);
	assert_int_equal(old.it_value.tv_nsec, 0);
	struct waiter w;
	waiter_init(&w, on_wake, NULL);
	waiter_add(f->ops->waitq(f), &w, EPOLLIN);
	advance(1050);
	assert_int_equal(vfs_timerfd_gettime(f, &cur), 0);
	assert_int_equal(cur.it_value.tv_nsec, 50);
	assert_int_equal(cur.it_interval.tv_nsec, 50);
	assert_int_equal(f->ops->poll(f), 0);
	advance(1100);
	assert_int_equal(wakes, 1);
	assert_int_equal(f->ops->poll(f), EPOLLIN | EPOLLRDNORM);
	assert_int_equal(ticks(f, &r), 1);
	assert_int_equal(r, 8);
	/* Late by 2.2 intervals: expirations at 1150, 1200, 1250 count at once. */
	advance(1260);
	assert_int_equal(ticks(f, &r), 3);
	assert_int_equal(stimer_next_deadline(), 1300);
	/* Disarm. */
	nv = its(0, 0, 0, 0);
	assert_int_equal(vfs_timerfd_settime(f, 0, &nv, &old), 0);
	assert_int_equal(old.it_value.tv_nsec, 40);
	assert_int_equal(vfs_timerfd_gettime(f, &cur), 0);
	assert_int_equal(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);
	waiter_remove(&w);
	vfs_file_put(f);
}

static void test_absolute_and_errors(void **state)
{
	struct vfs_file *f;
	struct itimerspec nv = its(0, 5000, 0, 0);
	ssize_t r;
	fake_now = 2000;
	assert_int_equal(vfs_timerfd_create(CLOCK_MONOTONIC, 0, false, &f), 0);
	assert_int_equal(vfs_timerfd_settime(f, TFD_TIMER_ABSTIME, &nv, NULL), 0);
	advance(4999);
	ticks(f, &r);
	assert_int_equal(r, -EAGAIN);
	advance(5000);
	assert_int_equal(ticks(f, &r), 1);
	advance(100000);
	ticks(f, &r);
	assert_int_equal(r, -EAGAIN); /* one-shot */
	/* Absolute time in the past fires at the next run. */
	nv = its(0, 10, 0, 0);
	assert_int_equal(vfs_timerfd_settime(f, TFD_TIMER_ABSTIME, &nv, NULL), 0);
	advance(100001);
	assert_int_equal(ticks(f, &r), 1);
	/* Re-arming resets the count. */
	nv = its(0, 10, 0, 0);
	assert_int_equal(vfs_timerfd_settime(f, 0, &nv, NULL), 0);
	advance(100020);
	assert_int_equal(vfs_timerfd_settime(f, 0, &nv, NULL), 0);
	ticks(f, &r);
	assert_int_equal(r, -EAGAIN);
	nv = its(0, 1000000000, 0, 0);
	assert_int_equal(vfs_timerfd_settime(f, 0, &nv, NULL), -EINVAL);
	nv = its(-1, 0, 0, 0);
	assert_int_equal(vfs_timerfd_settime(f, 0, &nv, NULL), -EINVAL);
	nv = its(0, 1, 0, 0);
	assert_int_equal(vfs_timerfd_settime(f, 0x100, &nv, NULL), -EINVAL);
	vfs_file_put(f); /* cancels the armed timer */
	assert_int_equal(vfs_timerfd_create(CLOCK_MONOTONIC, 0x1, false, &f), -EINVAL);
	assert_int_equal(vfs_timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0, false, &f), -EINVAL);
	assert_int_equal(vfs_timerfd_create(9 /* CLOCK_BOOTTIME_ALARM */, 0, false, &f), -EPERM);
	assert_int_equal(vfs_timerfd_create(8 /* CLOCK_REALTIME_ALARM */, 0, true, &f), 0);
	vfs_file_put(f);
}

static void test_realtime(void **state)
{
	struct vfs_file *f;
	struct timespec rt;
	struct itimerspec nv, cur;
	fake_now = 0;
	clock_gettime(CLOCK_REALTIME, &rt);
	assert_int_equal(vfs_timerfd_create(CLOCK_REALTIME, 0, false, &f), 0);
	/* 10 s from now on the realtime clock is about 10 s from now on ours. */
	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	fake_now = mono.tv_sec * 1000000000LL + mono.tv_nsec;
	nv = its(rt.tv_sec + 10, rt.tv_nsec, 0, 0);
	assert_int_equal(vfs_timerfd_settime(f, TFD_TIMER_ABSTIME, &nv, NULL), 0);
	assert_int_equal(vfs_timerfd_gettime(f, &cur), 0);
	assert_true(cur.it_value.tv_sec >= 9 && cur.it_value.tv_sec <= 10);
	vfs_file_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_relative_interval, check_leaks),
		cmocka_unit_test_teardown(test_absolute_and_errors, check_leaks),
		cmocka_unit_test_teardown(test_realtime, check_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
