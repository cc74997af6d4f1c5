/* Unit tests for vfs/poll.c: poll(2) revents (POLLNVAL, masks, ignored fds), select(2)
 * result sets and EBADF, and the wait-queue hand-off of the waiting pass. */
/* wrap: vfs_file_new_anon vfs_file_get vfs_file_put vfs_fdtable_lookup */
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
#include "vfs/epoll.h"
#include "vfs/eventfd.h"
#include "vfs/file.h"
#include "vfs/pipe.h"
#include "vfs/poll.h"

#include "fake_file.h"


/* A fake fd table: fd -> file. */
static struct vfs_file *table[8];
struct vfs_file *__wrap_vfs_fdtable_lookup(struct vfs_fdtable *fdt, int fd)
{
	if (fd < 0 || fd >= 8 || !table[fd])
		return NULL;
	vfs_file_get(table[fd]);
	return table[fd];
}

static int check_leaks(void **state)
{
	for (int i = 0; i < 8; i++) {
		vfs_file_put(table[i]);
		table[i] = NULL;
	}
	assert_int_equal(vfs_live_pipes, 0);
	assert_int_equal(vfs_live_eventfds, 0);
	assert_int_equal(live_files, 0);
	return 0;
}

static struct waiter qw[8];
static int nq;
static uint32_t qmask[8];
static void noop(struct waiter *w, uint32_t ev)
{
}

static void queue(void *arg, struct waitq *wq, uint32_t events)
{
	waiter_init(&qw[nq], noop, NULL);
	waiter_add(wq, &qw[nq], events);
	qmask[nq++] = events;
}

static void unqueue(void)
{
	for (int i = 0; i < nq; i++)
		waiter_remove(&qw[i]);
	nq = 0;
}

static void test_poll_scan(void **state)
{
	struct vfs_file *p[2];
	assert_int_equal(vfs_pipe_create(O_NONBLOCK, 0, 0, p), 0);
	table[3] = p[0];
	table[4] = p[1];
	struct pollfd fds[] = {
		{ .fd = 3, .events = POLLIN },
		{ .fd = 4, .events = POLLOUT },
		{ .fd = 5, .events = POLLIN },  /* not open */
		{ .fd = -1, .events = POLLIN }, /* ignored */
		{ .fd = 4, .events = POLLIN },  /* write end never readable */
	};
	assert_int_equal(vfs_poll_scan(NULL, fds, 5, NULL, NULL), 2);
	assert_int_equal(fds[0].revents, 0);
	assert_int_equal(fds[1].revents, POLLOUT);
	assert_int_equal(fds[2].revents, POLLNVAL);
	assert_int_equal(fds[3].revents, 0);
	assert_int_equal(fds[4].revents, 0);
	/* The waiting pass queues on each open file, with POLLERR|POLLHUP added. */
	assert_int_equal(vfs_poll_scan(NULL, fds, 1, queue, NULL), 0);
	assert_int_equal(nq, 1);
	assert_int_equal(qmask[0], POLLIN | POLLERR | POLLHUP);
	unqueue();
	assert_int_equal(p[1]->ops->write(p[1], "z", 1, NULL), 1);
	assert_int_equal(vfs_poll_scan(NULL, fds, 1, NULL, NULL), 1);
	assert_int_equal(fds[0].revents, POLLIN);
	/* POLLHUP is reported even when not asked for. */
	table[4] = NULL;
	vfs_file_put(p[1]);
	fds[0].events = 0;
	assert_int_equal(vfs_poll_scan(NULL, fds, 1, NULL, NULL), 1);
	assert_int_equal(fds[0].revents, POLLHUP);
}

static void test_select_scan(void **state)
{
	struct vfs_file *p[2], *efd;
	unsigned long in[1] = { 0 }, out[1] = { 0 }, ex[1] = { 0 }, rin[1], rout[1], rex[1];
	assert_int_equal(vfs_pipe_create(O_NONBLOCK, 0, 0, p), 0);
	assert_int_equal(vfs_eventfd_create(1, 0, &efd), 0);
	table[3] = p[0];
	table[4] = p[1];
	table[6] = efd;
	in[0] = 1UL << 3 | 1UL << 6;
	out[0] = 1UL << 4 | 1UL << 3;
	ex[0] = 1UL << 3;
	assert_int_equal(vfs_select_scan(NULL, 7, in, out, ex, rin, rout, rex, NULL, NULL), 2);
	assert_int_equal(rin[0], 1UL << 6);
	assert_int_equal(rout[0], 1UL << 4);
	assert_int_equal(rex[0], 0);
	/* nfds bounds the scan: fd 6 is not looked at. */
	assert_int_equal(vfs_select_scan(NULL, 6, in, out, NULL, rin, rout, NULL, NULL, NULL), 1);
	assert_int_equal(rin[0], 0);
	/* The waiting pass queues once per file. */
	assert_int_equal(vfs_select_scan(NULL, 5, in, out, ex, rin, rout, rex, queue, NULL), 1);
	assert_int_equal(nq, 2);
	unqueue();
	/* A closed fd in a set is EBADF. */
	in[0] |= 1UL << 5;
	assert_int_equal(vfs_select_scan(NULL, 7, in, NULL, NULL, rin, NULL, NULL, NULL, NULL),
			 -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_poll_scan, check_leaks),
		cmocka_unit_test_teardown(test_select_scan, check_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
