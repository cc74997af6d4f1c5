/* vfs/inotify.c - inotify instances, watches and event queues.
 * Owns struct inotify, its watches, the inode -> watches map, and queued events. Must not
 * block or touch guest memory outside ->ioctl. The VFS core reports changes through the
 * hooks in inotify.h; nothing here walks paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include "common/cleanup.h"
#include "common/list.h"
#include "platform/guest_mem.h"
#include "vfs/file.h"
#include "vfs/inotify.h"
#include "vfs/internal.h"
#include "vfs/poll.h"

#define INOTIFY_MAX_QUEUED 16384 /* /proc/sys/fs/inotify/max_queued_events */
#define INOTIFY_MAX_WATCHES 65536
#define MARK_BUCKETS 256

struct inotify {
	struct list_head watches; /* struct inotify_watch.glink */
	struct list_head events;  /* struct inotify_qevent.link */
	unsigned nevents;
	size_t bytes;             /* what FIONREAD reports */
	int next_wd;
	unsigned nwatches;
	struct waitq wq;
};

/* Watches on one inode. */
struct inode_marks {
	struct list_head hlink;
	struct vfs_inode *inode; /* reference held while any watch exists */
	struct list_head watches; /* struct inotify_watch.ilink */
};

struct inotify_watch {
	struct list_head glink, ilink;
	struct inotify *in;
	struct inode_marks *marks;
	int wd;
	uint32_t mask;
};

struct inotify_qevent {
	struct list_head link;
	size_t size; /* sizeof(struct inotify_event) + padded name */
	struct inotify_event ev; /* followed by the padded name */
};

long vfs_live_inotify_watches;
static struct list_head mark_buckets[MARK_BUCKETS];
static bool buckets_ready;
static uint32_t cookie_seq;

static struct list_head *bucket_of(struct vfs_inode *inode)
{
	if (!buckets_ready) {
		for (int i = 0; i < MARK_BUCKETS; i++)
			list_init(&mark_buckets[i]);
		buckets_ready = true;
	}
	uintptr_t h = (uintptr_t)inode;
	h ^= h >> 9;
	return &mark_buckets[(h >> 4) % MARK_BUCKETS];
}

static struct inode_marks *marks_find(struct vfs_inode *inode)
{
	struct inode_marks *m;
	struct list_head *b = bucket_of(inode);
	list_for_each_entry(m, b, hlink)
		if (m->inode == inode)
			return m;
	return NULL;
}

uint32_t vfs_inotify_next_cookie(void)
{
	return ++cookie_seq ? cookie_seq : ++cookie_seq;
}

/* Queues one event on @in (merging an identical tail event, as Linux). */
static void in_queue(struct inotify *in, int wd, uint32_t mask, uint32_t cookie, const char *name)
{
	size_t nlen = name ? strlen(name) + 1 : 0;
	if (nlen)
		nlen = (nlen + sizeof(struct inotify_event) - 1) / sizeof(struct inotify_event) *
		       sizeof(struct inotify_event);
	if (!list_empty(&in->events)) {
		struct inotify_qevent *last =
			list_entry(in->events.prev, struct inotify_qevent, link);
		if (last->ev.wd == wd && last->ev.mask == mask && last->ev.cookie == cookie &&
		    last->ev.len == nlen && (!nlen || !strcmp(last->ev.name, name)))
			return;
		if (last->ev.mask == IN_Q_OVERFLOW)
			return;
	}
	if (in->nevents >= INOTIFY_MAX_QUEUED) {
		wd = -1;
		mask = IN_Q_OVERFLOW;
		cookie = 0;
		nlen = 0;
		name = NULL;
	}
	struct inotify_qevent *q = calloc(1, sizeof(*q) + nlen);
	if (!q)
		return;
	q->ev.wd = wd;
	q->ev.mask = mask;
	q->ev.cookie = cookie;
	q->ev.len = (uint32_t)nlen;
	if (name)
		strcpy(q->ev.name, name);
	q->size = sizeof(struct inotify_event) + nlen;
	list_add_tail(&q->link, &in->events);
	in->nevents++;
	in->bytes += q->size;
	waitq_wake(&in->wq, EPOLLIN | EPOLLRDNORM);
}

/* Unlinks @w (queueing IN_IGNORED when @notify) and drops its inode reference. */
static void watch_remove(struct inotify_watch *w, bool notify)
{
	struct inode_marks *m = w->marks;
	if (notify)
		in_queue(w->in, w->wd, IN_IGNORED, 0, NULL);
	list_del(&w->glink);
	list_del(&w->ilink);
	w->in->nwatches--;
	free(w);
	vfs_live_inotify_watches--;
	if (list_empty(&m->watches)) {
		list_del(&m->hlink);
		vfs_inode_put(m->inode);
		free(m);
	}
}

void vfs_inotify_event(struct vfs_inode *inode, uint32_t mask, const char *name, uint32_t cookie)
{
	if (!inode || !buckets_ready)
		return;
	struct inode_marks *m = marks_find(inode);
	if (!m)
		return;
	struct inotify_watch *w, *tmp;
	list_for_each_entry_safe(w, tmp, &m->watches, ilink) {
		bool last = list_empty(&m->watches) || w->ilink.next == &m->watches;
		if (w->mask & mask & IN_ALL_EVENTS) {
			in_queue(w->in, w->wd, mask & (IN_ALL_EVENTS | IN_ISDIR | IN_UNMOUNT), cookie,
				 name);
			if (w->mask & IN_ONESHOT) {
				watch_remove(w, true);
				if (last)
					return; /* @m may be gone */
				continue;
			}
		}
		if (mask & IN_DELETE_SELF) {
			watch_remove(w, true);
			if (last)
				return;
		}
	}
}

void vfs_inotify_dentry_event(struct vfs_dentry *d, uint32_t mask)
{
	if (!d || !d->inode || !buckets_ready)
		return;
	if (S_ISDIR(d->inode->mode))
		mask |= IN_ISDIR;
	vfs_inotify_event(d->inode, mask, NULL, 0);
	if (d->parent && d->parent != d && d->parent->inode)
		vfs_inotify_event(d->parent->inode, mask, d->name, 0);
}

/* ---- the inotify file ---- */

static ssize_t in_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct inotify *in = f->priv;
	size_t done = 0;
	if (list_empty(&in->events))
		return -EAGAIN;
	while (!list_empty(&in->events)) {
		struct inotify_qevent *q = list_first_entry(&in->events, struct inotify_qevent, link);
		if (q->size > len - done)
			break;
		memcpy((char *)buf + done, &q->ev, q->size);
		done += q->size;
		list_del(&q->link);
		in->nevents--;
		in->bytes -= q->size;
		free(q);
	}
	return done ? (ssize_t)done : -EINVAL;
}

static uint32_t in_poll(struct vfs_file *f)
{
	struct inotify *in = f->priv;
	return list_empty(&in->events) ? 0 : EPOLLIN | EPOLLRDNORM;
}

static struct waitq *in_waitq(struct vfs_file *f)
{
	return &((struct inotify *)f->priv)->wq;
}

static long in_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	struct inotify *in = f->priv;
	if (cmd != FIONREAD)
		return -ENOTTY;
	int n = (int)MIN(in->bytes, (size_t)INT32_MAX);
	return guest_copy_out(c->mem, arg, &n, sizeof(n));
}

static int in_stat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = 0600;
	st->st_ino = f->anon_ino;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

static int in_setfl(struct vfs_file *f, int new_flags)
{
	return 0;
}

static void in_release(struct vfs_file *f)
{
	struct inotify *in = f->priv;
	while (!list_empty(&in->watches))
		watch_remove(list_first_entry(&in->watches, struct inotify_watch, glink), false);
	while (!list_empty(&in->events)) {
		struct inotify_qevent *q = list_first_entry(&in->events, struct inotify_qevent, link);
		list_del(&q->link);
		free(q);
	}
	vfs_waitq_drain(&in->wq, EPOLLHUP | EPOLLIN);
	free(in);
	f->priv = NULL;
}

static const struct vfs_file_ops inotify_ops = {
	.read = in_read,
	.poll = in_poll,
	.waitq = in_waitq,
	.ioctl = in_ioctl,
	.stat = in_stat,
	.setfl = in_setfl,
	.release = in_release,
};

bool vfs_file_is_inotify(struct vfs_file *f)
{
	return f && f->ops == &inotify_ops;
}

int vfs_inotify_create(int flags, struct vfs_file **out)
{
	if (flags & ~(IN_NONBLOCK | IN_CLOEXEC))
		return -EINVAL;
	struct inotify *in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	list_init(&in->watches);
	list_init(&in->events);
	waitq_init(&in->wq);
	in->next_wd = 1;
	struct vfs_file *f = vfs_file_new_anon(&inotify_ops, in, O_RDONLY | (flags & IN_NONBLOCK),
					       "inotify");
	if (!f) {
		free(in);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

int vfs_inotify_add_watch(struct vfs_file *f, struct vfs_inode *inode, uint32_t mask)
{
	struct inotify *in = f->priv;
	if (!vfs_file_is_inotify(f))
		return -EINVAL;
	if (!(mask & IN_ALL_EVENTS))
		return -EINVAL;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	uint32_t keep = IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK | IN_DONT_FOLLOW | IN_ONLYDIR;
	struct inode_marks *m = marks_find(inode);
	struct inotify_watch *w;
	if (m) {
		list_for_each_entry(w, &m->watches, ilink) {
			if (w->in != in)
				continue;
			if (mask & IN_MASK_CREATE)
				return -EEXIST;
			w->mask = (mask & IN_MASK_ADD) ? w->mask | (mask & keep) : mask & keep;
			return w->wd;
		}
	}
	if (in->nwatches >= INOTIFY_MAX_WATCHES)
		return -ENOSPC;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	if (!m) {
		m = calloc(1, sizeof(*m));
		if (!m) {
			free(w);
			return -ENOMEM;
		}
		m->inode = inode;
		vfs_inode_get(inode);
		list_init(&m->watches);
		list_add(&m->hlink, bucket_of(inode));
	}
	w->in = in;
	w->marks = m;
	w->wd = in->next_wd++;
	w->mask = mask & keep;
	list_add_tail(&w->ilink, &m->watches);
	list_add_tail(&w->glink, &in->watches);
	in->nwatches++;
	vfs_live_inotify_watches++;
	return w->wd;
}

int vfs_inotify_rm_watch(struct vfs_file *f, int wd)
{
	struct inotify *in = f->priv;
	struct inotify_watch *w;
	if (!vfs_file_is_inotify(f))
		return -EINVAL;
	list_for_each_entry(w, &in->watches, glink) {
		if (w->wd == wd) {
			watch_remove(w, true);
			return 0;
		}
	}
	return -EINVAL;
}
