/* vfs/poll.h - readiness helpers shared by poll(2), select(2), epoll(7) and the objects.
 *
 * vfs_poll_scan / vfs_select_scan do the fd-table part of poll and select: look each fd
 * up, ask ->poll, compute revents / result sets as Linux does, and (on the pass that is
 * going to wait) hand every file's wait queue to a callback, which in a handler is
 * task_wait_on. No guest memory here: the handlers copy the arrays in and out. */
#ifndef CVISOR_VFS_POLL_H
#define CVISOR_VFS_POLL_H
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include "common/waitq.h"
#include "vfs/file.h"

/* What a file without ->poll reports (regular files: always ready). */
#define VFS_DEFAULT_POLLMASK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM)

/* select(2)'s classes of bits, as Linux's fs/select.c. */
#define VFS_POLLIN_SET (EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR)
#define VFS_POLLOUT_SET (EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR)
#define VFS_POLLEX_SET (EPOLLPRI)

static inline uint32_t vfs_poll_file(struct vfs_file *f)
{
	return f->ops && f->ops->poll ? f->ops->poll(f) : VFS_DEFAULT_POLLMASK;
}

static inline struct waitq *vfs_poll_waitq(struct vfs_file *f)
{
	return f->ops && f->ops->waitq ? f->ops->waitq(f) : NULL;
}

/* An object is going away: wakes @wq's waiters with @events (0: no wake) and unlinks
 * whatever is still queued, so no waiter is left pointing at freed memory. */
static inline void vfs_waitq_drain(struct waitq *wq, uint32_t events)
{
	if (events)
		waitq_wake(wq, events);
	while (!list_empty(&wq->waiters))
		waiter_remove(list_first_entry(&wq->waiters, struct waiter, link));
}

/* Called for each file a waiting poll/select must watch. */
typedef void (*vfs_poll_queue_fn)(void *arg, struct waitq *wq, uint32_t events);

/* poll(2) over @fds (already copied in): sets each revents (POLLNVAL for an fd that is
 * not open, 0 for a negative fd) and returns how many entries have a non-zero revents.
 * When @queue is non-NULL it is called with every open file's queue. */
int vfs_poll_scan(struct vfs_fdtable *fdt, struct pollfd *fds, unsigned long nfds,
		  vfs_poll_queue_fn queue, void *arg);

/* select(2) over the first @nfds bits of @in/@out/@ex (NULL: empty set; arrays of
 * longs). Fills @rin/@rout/@rex (each NULL or as long as the inputs) with the ready bits
 * and returns the total count, or -EBADF when a requested fd is not open.
 * @queue as for vfs_poll_scan. */
int vfs_select_scan(struct vfs_fdtable *fdt, int nfds, const unsigned long *in,
		    const unsigned long *out, const unsigned long *ex, unsigned long *rin,
		    unsigned long *rout, unsigned long *rex, vfs_poll_queue_fn queue, void *arg);

#endif
