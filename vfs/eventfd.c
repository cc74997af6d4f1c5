/* vfs/eventfd.c - eventfd(2): counter semantics, EFD_SEMAPHORE, overflow rules.
 * Owns struct eventfd. Must not block or touch guest memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include "vfs/eventfd.h"
#include "vfs/file.h"
#include "vfs/poll.h"

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct waitq wq;
};

long vfs_live_eventfds;

static ssize_t efd_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct eventfd *e = f->priv;
	if (len < sizeof(uint64_t))
		return -EINVAL;
	if (e->count == 0)
		return -EAGAIN;
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v;
	memcpy(buf, &v, sizeof(v));
	waitq_wake(&e->wq, EPOLLOUT | EPOLLWRNORM);
	return sizeof(v);
}

static ssize_t efd_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct eventfd *e = f->priv;
	uint64_t v;
	if (len < sizeof(v))
		return -EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v == UINT64_MAX)
		return -EINVAL;
	if (UINT64_MAX - e->count <= v) /* would reach the forbidden 0xffffffffffffffff */
		return -EAGAIN;
	e->count += v;
	waitq_wake(&e->wq, EPOLLIN | EPOLLRDNORM);
	return sizeof(v);
}

static uint32_t efd_poll(struct vfs_file *f)
{
	struct eventfd *e = f->priv;
	uint32_t m = 0;
	if (e->count > 0)
		m |= EPOLLIN | EPOLLRDNORM;
	if (e->count == UINT64_MAX)
		m |= EPOLLERR;
	if (UINT64_MAX - 1 > e->count)
		m |= EPOLLOUT | EPOLLWRNORM;
	return m;
}

static struct waitq *efd_waitq(struct vfs_file *f)
{
	return &((struct eventfd *)f->priv)->wq;
}

static int efd_stat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = 0600; /* anon_inode: no file type bits */
	st->st_ino = f->anon_ino;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

static int efd_setfl(struct vfs_file *f, int new_flags)
{
	return 0;
}

static void efd_release(struct vfs_file *f)
{
	struct eventfd *e = f->priv;
	vfs_waitq_drain(&e->wq, EPOLLHUP | EPOLLERR | EPOLLIN | EPOLLOUT);
	free(e);
	f->priv = NULL;
	vfs_live_eventfds--;
}

static const struct vfs_file_ops eventfd_ops = {
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.waitq = efd_waitq,
	.stat = efd_stat,
	.setfl = efd_setfl,
	.release = efd_release,
};

bool vfs_file_is_eventfd(struct vfs_file *f)
{
	return f && f->ops == &eventfd_ops;
}

int vfs_eventfd_create(unsigned int initval, int flags, struct vfs_file **out)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
		return -EINVAL;
	struct eventfd *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	waitq_init(&e->wq);
	struct vfs_file *f = vfs_file_new_anon(&eventfd_ops, e, O_RDWR | (flags & EFD_NONBLOCK),
					       "[eventfd]");
	if (!f) {
		free(e);
		return -ENOMEM;
	}
	vfs_live_eventfds++;
	*out = f;
	return 0;
}

void vfs_eventfd_signal(struct vfs_file *f, uint64_t n)
{
	struct eventfd *e = f->priv;
	if (!vfs_file_is_eventfd(f) || !n)
		return;
	e->count = UINT64_MAX - e->count <= n ? UINT64_MAX - 1 : e->count + n;
	waitq_wake(&e->wq, EPOLLIN | EPOLLRDNORM);
}
