/* Unit tests for vfs/eventfd.c: counter and semaphore reads, 8-byte rule, overflow,
 * poll bits and wakeups. */
/* wrap: vfs_file_new_anon vfs_file_get vfs_file_put */
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
#include <sys/eventfd.h>
#include "vfs/epoll.h"
#include "vfs/eventfd.h"
#include "vfs/file.h"

#include "fake_file.h"

static int check_leaks(void **state)
{
	assert_int_equal(vfs_live_eventfds, 0);
	assert_int_equal(live_files, 0);
	return 0;
}

static uint64_t rd(struct vfs_file *f, ssize_t *ret)
{
	uint64_t v = 0;
	*ret = f->ops->read(f, &v, sizeof(v), NULL);
	return v;
}

static ssize_t wr(struct vfs_file *f, uint64_t v)
{
	return f->ops->write(f, &v, sizeof(v), NULL);
}

static int wakes;
static uint32_t wake_bits;
static void on_wake(struct waiter *w, uint32_t ev)
{
	wakes++;
	wake_bits |= ev;
}

static void test_counter(void **state)
{
	struct vfs_file *f;
	ssize_t r;
	char small[4];
	assert_int_equal(vfs_eventfd_create(3, EFD_NONBLOCK | EFD_CLOEXEC, &f), 0);
	assert_true(vfs_file_is_eventfd(f));
	assert_true(f->flags & O_NONBLOCK);
	assert_int_equal(f->ops->poll(f), EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM);
	assert_int_equal(f->ops->read(f, small, sizeof(small), NULL), -EINVAL);
	assert_int_equal(f->ops->write(f, small, sizeof(small), NULL), -EINVAL);
	assert_int_equal(rd(f, &r), 3);
	assert_int_equal(r, 8);
	rd(f, &r);
	assert_int_equal(r, -EAGAIN);
	assert_int_equal(f->ops->poll(f), EPOLLOUT | EPOLLWRNORM);
	struct waiter w;
	waiter_init(&w, on_wake, NULL);
	waiter_add(f->ops->waitq(f), &w, EPOLLIN);
	assert_int_equal(wr(f, 5), 8);
	assert_int_equal(wr(f, 6), 8);
	assert_int_equal(wakes, 2);
	assert_true(wake_bits & EPOLLIN);
	assert_int_equal(rd(f, &r), 11);
	waiter_remove(&w);
	vfs_file_put(f);
	assert_int_equal(vfs_eventfd_create(0, 0x100, &f), -EINVAL);
}

static void test_semaphore(void **state)
{
	struct vfs_file *f;
	ssize_t r;
	assert_int_equal(vfs_eventfd_create(2, EFD_SEMAPHORE, &f), 0);
	assert_int_equal(rd(f, &r), 1);
	assert_int_equal(rd(f, &r), 1);
	rd(f, &r);
	assert_int_equal(r, -EAGAIN);
	vfs_file_put(f);
}

static void test_overflow(void **state)
{
	struct vfs_file *f;
	ssize_t r;
	assert_int_equal(vfs_eventfd_create(0, 0, &f), 0);
	assert_int_equal(wr(f, UINT64_MAX), -EINVAL);
	assert_int_equal(wr(f, UINT64_MAX - 1), 8); /* the largest value a counter may hold */
	assert_int_equal(f->ops->poll(f), EPOLLIN | EPOLLRDNORM);
	assert_int_equal(wr(f, 1), -EAGAIN); /* would block until a read */
	assert_int_equal(wr(f, 0), 8);
	struct waiter w;
	wakes = 0;
	waiter_init(&w, on_wake, NULL);
	waiter_add(f->ops->waitq(f), &w, EPOLLOUT);
	assert_int_equal(rd(f, &r), UINT64_MAX - 1);
	assert_int_equal(wakes, 1);
	waiter_remove(&w);
	assert_int_equal(wr(f, 1), 8);
	vfs_eventfd_signal(f, UINT64_MAX);
	assert_int_equal(rd(f, &r), UINT64_MAX - 1); /* saturated */
	vfs_file_put(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_counter, check_leaks),
		cmocka_unit_test_teardown(test_semaphore, check_leaks),
		cmocka_unit_test_teardown(test_overflow, check_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
