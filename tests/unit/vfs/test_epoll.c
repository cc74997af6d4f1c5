/* Unit tests for vfs/epoll.c: level- and edge-triggered reports, EPOLLONESHOT, nesting
 * and ELOOP, errors, removal of items when the watched file is released. */
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
#include "vfs/pipe.h"

#include "fake_file.h"

static int check_leaks(void **state)
{
	assert_int_equal(vfs_live_epolls, 0);
	assert_int_equal(vfs_live_epitems, 0);
	assert_int_equal(vfs_live_pipes, 0);
	assert_int_equal(vfs_live_eventfds, 0);
	assert_int_equal(live_files, 0);
	return 0;
}

static int ctl(struct vfs_file *ep, int op, int fd, struct vfs_file *tf, uint32_t events,
	       uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return vfs_epoll_ctl(ep, op, fd, tf, &ev, false);
}

static int harvest(struct vfs_file *ep, struct epoll_event *out, int max)
{
	return vfs_epoll_harvest(ep, out, max);
}

static void test_level_triggered(void **state)
{
	struct vfs_file *ep, *p[2];
	struct epoll_event ev[4];
	char buf[8];
	assert_int_equal(vfs_epoll_create(0, &ep), 0);
	assert_int_equal(vfs_pipe_create(O_NONBLOCK, 0, 0, p), 0);
	assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 3, p[0], EPOLLIN, 42), 0);
	assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 4, p[1], EPOLLOUT, 43), 0);
	assert_int_equal(harvest(ep, ev, 4), 1); /* the write end is writable */
	assert_int_equal(ev[0].data.u64, 43);
	assert_int_equal(ev[0].events, EPOLLOUT);
	assert_int_equal(ctl(ep, EPOLL_CTL_DEL, 4, p[1], 0, 0), 0);
	assert_int_equal(harvest(ep, ev, 4), 0);
	assert_int_equal(p[1]->ops->write(p[1], "ab", 2, NULL), 2);
	assert_int_equal(ep->ops->poll(ep), EPOLLIN | EPOLLRDNORM);
	assert_int_equal(harvest(ep, ev, 4), 1);
	assert_int_equal(ev[0].data.u64, 42);
	assert_int_equal(ev[0].events, EPOLLIN);
	assert_int_equal(harvest(ep, ev, 4), 1); /* level: still readable */
	assert_int_equal(p[0]->ops->read(p[0], buf, sizeof(buf), NULL), 2);
	assert_int_equal(harvest(ep, ev, 4), 0);
	assert_int_equal(ep->ops->poll(ep), 0);
	/* Hang-up is always reported. */
	vfs_file_put(p[1]);
	assert_int_equal(harvest(ep, ev, 4), 1);
	assert_int_equal(ev[0].events, EPOLLHUP);
	vfs_file_put(p[0]); /* releasing the file removes the item */
	assert_int_equal(vfs_epoll_nitems(ep), 0);
	vfs_file_put(ep);
}

static int ep_wakes;
static void on_ep_wake(struct waiter *w, uint32_t ev)
{
	ep_wakes++;
}

static void test_edge_triggered(void **state)
{
	struct vfs_file *ep, *efd;
	struct epoll_event ev[4];
	uint64_t one = 1;
	assert_int_equal(vfs_epoll_create(EPOLL_CLOEXEC, &ep), 0);
	assert_int_equal(vfs_eventfd_create(0, EFD_NONBLOCK, &efd), 0);
	assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 5, efd, EPOLLIN | EPOLLET, 7), 0);
	assert_int_equal(harvest(ep, ev, 4), 0);
	struct waiter w;
	waiter_init(&w, on_ep_wake, NULL);
	waiter_add(ep->ops->waitq(ep), &w, EPOLLIN);
	assert_int_equal(efd->ops->write(efd, &one, 8, NULL), 8);
	assert_int_equal(ep_wakes, 1);
	assert_int_equal(harvest(ep, ev, 4), 1);
	assert_int_equal(harvest(ep, ev, 4), 0); /* no new edge */
	assert_int_equal(efd->ops->write(efd, &one, 8, NULL), 8); /* new edge, still readable */
	assert_int_equal(ep_wakes, 2);
	assert_int_equal(harvest(ep, ev, 4), 1);
	assert_int_equal(harvest(ep, ev, 4), 0);
	waiter_remove(&w);
	/* EPOLLONESHOT: one report, then disarmed until MOD. */
	assert_int_equal(ctl(ep, EPOLL_CTL_MOD, 5, efd, EPOLLIN | EPOLLONESHOT, 8), 0);
	assert_int_equal(harvest(ep, ev, 4), 1);
	assert_int_equal(ev[0].data.u64, 8);
	assert_int_equal(harvest(ep, ev, 4), 0);
	assert_int_equal(efd->ops->write(efd, &one, 8, NULL), 8);
	assert_int_equal(harvest(ep, ev, 4), 0);
	assert_int_equal(ctl(ep, EPOLL_CTL_MOD, 5, efd, EPOLLIN, 9), 0);
	assert_int_equal(harvest(ep, ev, 4), 1);
	assert_int_equal(ev[0].data.u64, 9);
	vfs_file_put(ep); /* the epoll goes first: its items unhook from efd */
	assert_true(list_empty(&efd->epoll_links));
	vfs_file_put(efd);
}

static void test_maxevents_order(void **state)
{
	struct vfs_file *ep, *e[3];
	struct epoll_event ev[4];
	assert_int_equal(vfs_epoll_create(0, &ep), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(vfs_eventfd_create(1, 0, &e[i]), 0);
		assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 10 + i, e[i], EPOLLIN, (uint64_t)i), 0);
	}
	assert_int_equal(harvest(ep, ev, 2), 2);
	assert_int_equal(ev[0].data.u64, 0);
	assert_int_equal(ev[1].data.u64, 1);
	assert_int_equal(harvest(ep, ev, 1), 1); /* the one left over comes first */
	assert_int_equal(ev[0].data.u64, 2);
	for (int i = 0; i < 3; i++)
		vfs_file_put(e[i]);
	assert_int_equal(vfs_epoll_nitems(ep), 0);
	vfs_file_put(ep);
}

static void test_errors(void **state)
{
	struct vfs_file *ep, *efd, *ep2;
	static const struct vfs_file_ops no_poll_ops = { 0 };
	struct vfs_file *reg = __wrap_vfs_file_new_anon(&no_poll_ops, NULL, O_RDONLY, "reg");
	assert_int_equal(vfs_epoll_create(0, &ep), 0);
	assert_int_equal(vfs_epoll_create(0, &ep2), 0);
	assert_int_equal(vfs_epoll_create(1, &ep2) == -EINVAL, 1);
	assert_int_equal(vfs_eventfd_create(0, 0, &efd), 0);
	assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 3, reg, EPOLLIN, 0), -EPERM);
	assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 3, ep, EPOLLIN, 0), -EINVAL);
	assert_int_equal(ctl(efd, EPOLL_CTL_ADD, 3, ep, EPOLLIN, 0), -EINVAL);
	assert_int_equal(ctl(ep, EPOLL_CTL_MOD, 3, efd, EPOLLIN, 0), -ENOENT);
	assert_int_equal(ctl(ep, EPOLL_CTL_DEL, 3, efd, 0, 0), -ENOENT);
	assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 3, efd, EPOLLIN, 0), 0);
	assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 3, efd, EPOLLIN, 0), -EEXIST);
	assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 4, efd, EPOLLIN, 0), 0); /* dup: other fd */
	assert_int_equal(ctl(ep, 99, 3, efd, EPOLLIN, 0), -EINVAL);
	assert_int_equal(ctl(ep, EPOLL_CTL_MOD, 3, efd, EPOLLIN | EPOLLEXCLUSIVE, 0), -EINVAL);
	assert_int_equal(ctl(ep2, EPOLL_CTL_ADD, 3, efd, EPOLLIN | EPOLLEXCLUSIVE, 0), 0);
	assert_int_equal(ctl(ep2, EPOLL_CTL_MOD, 3, efd, EPOLLIN, 0), -EINVAL);
	assert_int_equal(ctl(ep2, EPOLL_CTL_ADD, 5, ep, EPOLLIN | EPOLLEXCLUSIVE, 0), -EINVAL);
	assert_int_equal(ctl(ep2, EPOLL_CTL_ADD, 6, efd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLPRI, 0),
			 -EINVAL);
	assert_int_equal(vfs_epoll_ctl(ep, EPOLL_CTL_DEL, 3, efd, NULL, false), 0);
	vfs_file_put(efd);
	assert_int_equal(vfs_epoll_nitems(ep), 0);
	assert_int_equal(vfs_epoll_nitems(ep2), 0);
	vfs_file_put(reg);
	vfs_file_put(ep);
	vfs_file_put(ep2);
}

static void test_nested(void **state)
{
	struct vfs_file *outer, *inner, *p[2], *chain[6];
	struct epoll_event ev[4];
	assert_int_equal(vfs_epoll_create(0, &outer), 0);
	assert_int_equal(vfs_epoll_create(0, &inner), 0);
	assert_int_equal(vfs_pipe_create(O_NONBLOCK, 0, 0, p), 0);
	assert_int_equal(ctl(inner, EPOLL_CTL_ADD, 3, p[0], EPOLLIN, 1), 0);
	assert_int_equal(ctl(outer, EPOLL_CTL_ADD, 4, inner, EPOLLIN, 2), 0);
	assert_int_equal(harvest(outer, ev, 4), 0);
	assert_int_equal(p[1]->ops->write(p[1], "x", 1, NULL), 1);
	assert_int_equal(harvest(outer, ev, 4), 1);
	assert_int_equal(ev[0].data.u64, 2);
	assert_int_equal(ev[0].events, EPOLLIN);
	assert_int_equal(harvest(inner, ev, 4), 1);
	assert_int_equal(ev[0].data.u64, 1);
	/* Cycles are refused. */
	assert_int_equal(ctl(inner, EPOLL_CTL_ADD, 5, outer, EPOLLIN, 0), -ELOOP);
	/* Closing the inner epoll removes it from the outer one. */
	vfs_file_put(inner);
	assert_int_equal(vfs_epoll_nitems(outer), 0);
	vfs_file_put(outer);
	vfs_file_put(p[0]);
	vfs_file_put(p[1]);
	/* Depth: a chain of 5 epolls (4 links) is the most Linux allows. */
	for (int i = 0; i < 6; i++)
		assert_int_equal(vfs_epoll_create(0, &chain[i]), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ctl(chain[i], EPOLL_CTL_ADD, 10 + i, chain[i + 1], EPOLLIN, 0), 0);
	assert_int_equal(ctl(chain[4], EPOLL_CTL_ADD, 20, chain[5], EPOLLIN, 0), -ELOOP);
	assert_int_equal(ctl(chain[5], EPOLL_CTL_ADD, 21, chain[0], EPOLLIN, 0), -ELOOP);
	assert_int_equal(ctl(chain[4], EPOLL_CTL_ADD, 22, chain[0], EPOLLIN, 0), -ELOOP);
	for (int i = 0; i < 6; i++)
		vfs_file_put(chain[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_level_triggered, check_leaks),
		cmocka_unit_test_teardown(test_edge_triggered, check_leaks),
		cmocka_unit_test_teardown(test_maxevents_order, check_leaks),
		cmocka_unit_test_teardown(test_errors, check_leaks),
		cmocka_unit_test_teardown(test_nested, check_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
