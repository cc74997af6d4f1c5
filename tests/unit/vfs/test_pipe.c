/* Unit tests for vfs/pipe.c: capacity, PIPE_BUF atomicity, partial writes, EOF, EPIPE,
 * poll bits and wakeups, packet mode, F_SETPIPE_SZ, FIONREAD, fifo open rendezvous. */
/* wrap: guest_copy_out vfs_file_new_anon vfs_file_get vfs_file_put */
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
#include <sys/ioctl.h>
#include "common/cleanup.h"
#include "vfs/eventfd.h"
#include "vfs/file.h"
#include "vfs/pipe.h"

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif

int __wrap_guest_copy_out(struct guest_mem *m, uint64_t dst_gaddr, const void *src, size_t len)
{
	memcpy((void *)(uintptr_t)dst_gaddr, src, len);
	return 0;
}

#include "fake_file.h"

static char big[200000];

struct rec {
	struct waiter w;
	uint32_t events;
	int calls;
};

static void rec_fn(struct waiter *w, uint32_t ev)
{
	struct rec *r = w->priv;
	r->events |= ev;
	r->calls++;
}

static void rec_init(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	waiter_init(&r->w, rec_fn, r);
}

static long base_files;

static int setup(void **state)
{
	base_files = live_files;
	return 0;
}

static int check_leaks(void **state)
{
	assert_int_equal(vfs_live_pipes, 0);
	assert_int_equal(live_files, base_files);
	return 0;
}

static void test_rw_eof(void **state)
{
	struct vfs_file *p[2];
	char buf[64];
	assert_int_equal(vfs_pipe_create(O_NONBLOCK, 0, 0, p), 0);
	assert_true(vfs_file_is_pipe(p[0]) && vfs_file_is_pipe(p[1]));
	assert_int_equal(p[0]->anon_ino, p[1]->anon_ino);
	assert_int_equal(p[0]->ops->poll(p[0]), 0);
	assert_int_equal(p[1]->ops->poll(p[1]), EPOLLOUT | EPOLLWRNORM);
	assert_int_equal(p[0]->ops->read(p[0], buf, sizeof(buf), NULL), -EAGAIN);
	assert_int_equal(p[1]->ops->write(p[1], "hello", 5, NULL), 5);
	assert_int_equal(p[0]->ops->poll(p[0]), EPOLLIN | EPOLLRDNORM);
	assert_int_equal(p[0]->ops->read(p[0], buf, 2, NULL), 2);
	assert_memory_equal(buf, "he", 2);
	assert_int_equal(p[0]->ops->read(p[0], buf, 0, NULL), 0);
	struct rec r;
	rec_init(&r);
	waiter_add(p[0]->ops->waitq(p[0]), &r.w, 0);
	vfs_file_put(p[1]); /* last writer */
	assert_true(r.events & EPOLLHUP);
	assert_true(r.events & EPOLLIN);
	assert_int_equal(p[0]->ops->poll(p[0]), EPOLLIN | EPOLLRDNORM | EPOLLHUP);
	assert_int_equal(p[0]->ops->read(p[0], buf, sizeof(buf), NULL), 3);
	assert_memory_equal(buf, "llo", 3);
	assert_int_equal(p[0]->ops->read(p[0], buf, sizeof(buf), NULL), 0); /* EOF */
	assert_int_equal(p[0]->ops->poll(p[0]), EPOLLHUP);
	waiter_remove(&r.w);
	vfs_file_put(p[0]);
}

static void test_epipe(void **state)
{
	struct vfs_file *p[2];
	assert_int_equal(vfs_pipe_create(0, 0, 0, p), 0);
	struct rec r;
	rec_init(&r);
	waiter_add(p[1]->ops->waitq(p[1]), &r.w, EPOLLOUT);
	vfs_file_put(p[0]);
	assert_true(r.events & EPOLLERR);
	assert_int_equal(p[1]->ops->write(p[1], "x", 1, NULL), -EPIPE);
	assert_int_equal(p[1]->ops->poll(p[1]), EPOLLOUT | EPOLLWRNORM | EPOLLERR);
	waiter_remove(&r.w);
	vfs_file_put(p[1]);
}

static void test_capacity_and_atomicity(void **state)
{
	struct vfs_file *p[2];
	char buf[8192];
	assert_int_equal(vfs_pipe_create(O_NONBLOCK, 0, 0, p), 0);
	assert_int_equal(vfs_pipe_fcntl(p[0], F_GETPIPE_SZ, 0), 65536);
	/* 15 pages and 4000 bytes fill all 16 slots; 96 more merge into the last page. */
	assert_int_equal(p[1]->ops->write(p[1], big, 15 * 4096 + 4000, NULL), 15 * 4096 + 4000);
	assert_int_equal(p[1]->ops->poll(p[1]), 0);
	assert_int_equal(p[1]->ops->write(p[1], big, 97, NULL), -EAGAIN); /* atomic: no partial */
	assert_int_equal(p[1]->ops->write(p[1], big, 96, NULL), 96);
	assert_int_equal(p[1]->ops->write(p[1], big, 1, NULL), -EAGAIN);
	assert_int_equal(p[1]->ops->write(p[1], big, 5000, NULL), -EAGAIN); /* nothing fits */
	/* Reading one byte frees no slot: still full, as Linux. */
	struct rec r;
	rec_init(&r);
	waiter_add(p[1]->ops->waitq(p[1]), &r.w, EPOLLOUT);
	assert_int_equal(p[0]->ops->read(p[0], buf, 1, NULL), 1);
	assert_int_equal(r.calls, 0);
	assert_int_equal(p[1]->ops->write(p[1], big, 1, NULL), -EAGAIN);
	assert_int_equal(p[0]->ops->read(p[0], buf, 4095, NULL), 4095);
	assert_int_equal(r.calls, 1);
	assert_true(r.events & EPOLLOUT);
	assert_int_equal(p[1]->ops->poll(p[1]), EPOLLOUT | EPOLLWRNORM);
	waiter_remove(&r.w);
	/* A write larger than PIPE_BUF is partial on a full-ish pipe. */
	assert_int_equal(p[1]->ops->write(p[1], big, 10000, NULL), 4096);
	size_t total = 0;
	ssize_t n;
	while ((n = p[0]->ops->read(p[0], buf, sizeof(buf), NULL)) > 0)
		total += (size_t)n;
	assert_int_equal(n, -EAGAIN);
	assert_int_equal(total, 65536 - 4096 + 4096);
	/* Partial write with a merge first: 100 buffered, then 70000: 368 merge + 15 pages. */
	assert_int_equal(p[1]->ops->write(p[1], big, 100, NULL), 100);
	assert_int_equal(p[1]->ops->write(p[1], big, 70000, NULL), 368 + 15 * 4096);
	assert_int_equal(vfs_pipe_len(vfs_pipe_of(p[0])), 100 + 368 + 15 * 4096);
	vfs_file_put(p[0]);
	vfs_file_put(p[1]);
}

static void test_data_order(void **state)
{
	struct vfs_file *p[2];
	assert_int_equal(vfs_pipe_create(O_NONBLOCK, 0, 0, p), 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	static char out[sizeof(big)];
	size_t w = 0, r = 0;
	while (r < 150000) {
		ssize_t n = p[1]->ops->write(p[1], big + w, MIN((size_t)12345, 150000 - w), NULL);
		if (n > 0)
			w += (size_t)n;
		n = p[0]->ops->read(p[0], out + r, 777, NULL);
		if (n > 0)
			r += (size_t)n;
	}
	assert_memory_equal(out, big, 150000);
	memset(big, 0, sizeof(big));
	vfs_file_put(p[0]);
	vfs_file_put(p[1]);
}

static void test_packet_mode(void **state)
{
	struct vfs_file *p[2];
	char buf[16];
	assert_int_equal(vfs_pipe_create(O_DIRECT | O_NONBLOCK, 0, 0, p), 0);
	assert_int_equal(p[1]->ops->write(p[1], "abc", 3, NULL), 3);
	assert_int_equal(p[1]->ops->write(p[1], "defgh", 5, NULL), 5);
	assert_int_equal(p[0]->ops->read(p[0], buf, sizeof(buf), NULL), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(p[0]->ops->read(p[0], buf, 2, NULL), 2); /* rest of packet dropped */
	assert_memory_equal(buf, "de", 2);
	assert_int_equal(p[0]->ops->read(p[0], buf, sizeof(buf), NULL), -EAGAIN);
	vfs_file_put(p[0]);
	vfs_file_put(p[1]);
}

static void test_setpipe_sz_fionread(void **state)
{
	struct vfs_file *p[2], *efd;
	assert_int_equal(vfs_pipe_create(O_NONBLOCK, 0, 0, p), 0);
	assert_int_equal(vfs_pipe_fcntl(p[1], F_SETPIPE_SZ, 0), 4096);
	assert_int_equal(vfs_pipe_fcntl(p[1], F_SETPIPE_SZ, 5000), 8192);
	assert_int_equal(vfs_pipe_fcntl(p[1], F_SETPIPE_SZ, 2 << 20), -EPERM);
	assert_int_equal(p[1]->ops->write(p[1], big, 8192, NULL), 8192);
	assert_int_equal(p[1]->ops->write(p[1], big, 1, NULL), -EAGAIN);
	assert_int_equal(vfs_pipe_fcntl(p[1], F_SETPIPE_SZ, 4096), -EBUSY);
	int n = -1;
	struct vfs_ctx c = { 0 };
	assert_int_equal(p[0]->ops->ioctl(p[0], &c, FIONREAD, (uint64_t)(uintptr_t)&n), 0);
	assert_int_equal(n, 8192);
	assert_int_equal(vfs_pipe_fcntl(p[0], F_SETPIPE_SZ, 65536), 65536);
	assert_int_equal(p[1]->ops->write(p[1], big, 1, NULL), 1);
	assert_int_equal(vfs_pipe_fcntl(p[0], F_GETPIPE_SZ, 0), 65536);
	assert_int_equal(vfs_pipe_fcntl(p[0], 12345, 0), -EINVAL);
	assert_int_equal(vfs_eventfd_create(0, 0, &efd), 0);
	assert_int_equal(vfs_pipe_fcntl(efd, F_GETPIPE_SZ, 0), -EBADF);
	vfs_file_put(efd);
	vfs_file_put(p[0]);
	vfs_file_put(p[1]);
	assert_int_equal(vfs_pipe_create(O_APPEND, 0, 0, p), -EINVAL);
}

static void test_fifo_rendezvous(void **state)
{
	void *slot = NULL;
	struct vfs_file *rd, *wr, *rw;
	struct waitq *wq = NULL;
	char buf[8];
	/* O_WRONLY|O_NONBLOCK without a reader: ENXIO, nothing left behind. */
	assert_int_equal(vfs_fifo_open(&slot, O_WRONLY | O_NONBLOCK, &wr, &wq), -ENXIO);
	assert_null(slot);
	/* A blocking reader waits; a blocking writer then finds it and wakes it. */
	assert_int_equal(vfs_fifo_open(&slot, O_RDONLY, &rd, &wq), -EAGAIN);
	assert_non_null(wq);
	struct rec r;
	rec_init(&r);
	waiter_add(wq, &r.w, EPOLLIN); /* what task_wait_on does */
	struct waitq *wq2 = NULL;
	assert_int_equal(vfs_fifo_open(&slot, O_WRONLY, &wr, &wq2), 0);
	assert_int_equal(r.calls, 1);
	waiter_remove(&r.w); /* the task is unparked */
	assert_int_equal(vfs_fifo_open(&slot, O_RDONLY, &rd, &wq), 0); /* the re-run */
	assert_int_equal(wr->ops->write(wr, "hi", 2, NULL), 2);
	assert_int_equal(rd->ops->read(rd, buf, sizeof(buf), NULL), 2);
	vfs_file_put(wr);
	assert_int_equal(rd->ops->read(rd, buf, sizeof(buf), NULL), 0);
	vfs_file_put(rd);
	assert_null(slot); /* last end closed: the state is gone */

	/* A non-blocking reader sees no EPOLLHUP before any writer came. */
	assert_int_equal(vfs_fifo_open(&slot, O_RDONLY | O_NONBLOCK, &rd, &wq), 0);
	assert_int_equal(rd->ops->poll(rd), 0);
	assert_int_equal(rd->ops->read(rd, buf, sizeof(buf), NULL), 0);
	assert_int_equal(vfs_fifo_open(&slot, O_WRONLY | O_NONBLOCK, &wr, &wq), 0);
	vfs_file_put(wr);
	assert_int_equal(rd->ops->poll(rd), EPOLLHUP);
	/* O_RDWR never blocks. */
	assert_int_equal(vfs_fifo_open(&slot, O_RDWR, &rw, &wq), 0);
	assert_int_equal(rw->ops->poll(rw), EPOLLOUT | EPOLLWRNORM);
	vfs_file_put(rw);
	vfs_file_put(rd);
	assert_null(slot);

	/* A blocked writer interrupted by a signal stops counting as a partner. */
	assert_int_equal(vfs_fifo_open(&slot, O_WRONLY, &wr, &wq), -EAGAIN);
	rec_init(&r);
	waiter_add(wq, &r.w, EPOLLIN);
	waiter_remove(&r.w); /* signal: the task leaves without being woken */
	assert_int_equal(vfs_fifo_open(&slot, O_RDONLY, &rd, &wq), -EAGAIN);
	rec_init(&r);
	waiter_add(wq, &r.w, EPOLLIN);
	/* The inode dies while a reader waits: it is woken and unlinked. */
	vfs_fifo_release(&slot);
	assert_int_equal(r.calls, 1);
	assert_null(r.w.wq);
	assert_null(slot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rw_eof, setup, check_leaks),
		cmocka_unit_test_setup_teardown(test_epipe, setup, check_leaks),
		cmocka_unit_test_setup_teardown(test_capacity_and_atomicity, setup, check_leaks),
		cmocka_unit_test_setup_teardown(test_data_order, setup, check_leaks),
		cmocka_unit_test_setup_teardown(test_packet_mode, setup, check_leaks),
		cmocka_unit_test_setup_teardown(test_setpipe_sz_fionread, setup, check_leaks),
		cmocka_unit_test_setup_teardown(test_fifo_rendezvous, setup, check_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
