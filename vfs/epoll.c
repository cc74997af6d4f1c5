/* vfs/epoll.c - epoll instances: interest list, ready list, LT/ET/ONESHOT, nesting.
 * Owns struct epoll and struct epitem. Must not block or touch guest memory; items never
 * hold references on watched files (see epoll.h for the release hook). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "common/cleanup.h"
#include "common/list.h"
#include "vfs/epoll.h"
#include "vfs/file.h"
#include "vfs/internal.h"
#include "vfs/poll.h"

#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLEXCLUSIVE_OK_BITS                                                                     \
	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

struct epoll {
	struct list_head items; /* struct epitem.ep_link */
	struct list_head ready; /* struct epitem.rd_link */
	struct waitq wq;        /* woken with EPOLLIN when an item becomes ready */
	struct vfs_file *file;  /* our own file (borrowed: it owns us) */
	unsigned nitems;
};

struct epitem {
	struct list_head ep_link, rd_link, file_link;
	struct epoll *ep;
	struct vfs_file *file; /* watched; no reference (removed when it is released) */
	int fd;
	uint32_t events;
	uint64_t data;
	bool on_ready;
	struct waiter w;       /* on the watched file's wait queue */
};

long vfs_live_epolls, vfs_live_epitems;

static void ep_set_ready(struct epitem *epi)
{
	if (!epi->on_ready) {
		list_add_tail(&epi->rd_link, &epi->ep->ready);
		epi->on_ready = true;
	}
}

static void ep_clear_ready(struct epitem *epi)
{
	if (epi->on_ready) {
		list_del(&epi->rd_link);
		epi->on_ready = false;
	}
}

/* The watched file's queue was woken with @ev (Linux's ep_poll_callback). */
static void epi_wake(struct waiter *w, uint32_t ev)
{
	struct epitem *epi = w->priv;
	if (!(epi->events & ~EP_PRIVATE_BITS))
		return; /* disarmed EPOLLONESHOT */
	if (ev && !(ev & epi->events))
		return;
	ep_set_ready(epi);
	waitq_wake(&epi->ep->wq, EPOLLIN | EPOLLRDNORM);
}

static uint32_t epi_poll(struct epitem *epi)
{
	return vfs_poll_file(epi->file) & epi->events;
}

static void ep_remove(struct epitem *epi)
{
	waiter_remove(&epi->w);
	ep_clear_ready(epi);
	list_del(&epi->file_link);
	list_del(&epi->ep_link);
	epi->ep->nitems--;
	free(epi);
	vfs_live_epitems--;
}

static struct epitem *ep_find(struct epoll *ep, struct vfs_file *tf, int fd)
{
	struct epitem *epi;
	list_for_each_entry(epi, &ep->items, ep_link)
		if (epi->file == tf && epi->fd == fd)
			return epi;
	return NULL;
}

/* ---- the epoll file ---- */

/* Readiness of the instance itself (nested epoll, poll(2) on an epoll fd). */
static uint32_t ep_file_poll(struct vfs_file *f)
{
	struct epoll *ep = f->priv;
	struct epitem *epi, *tmp;
	list_for_each_entry_safe(epi, tmp, &ep->ready, rd_link) {
		if (epi_poll(epi))
			return EPOLLIN | EPOLLRDNORM;
	}
	return 0;
}

static struct waitq *ep_file_waitq(struct vfs_file *f)
{
	return &((struct epoll *)f->priv)->wq;
}

static int ep_file_stat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = 0600;
	st->st_ino = f->anon_ino;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

static void ep_file_release(struct vfs_file *f)
{
	struct epoll *ep = f->priv;
	struct epitem *epi, *tmp;
	list_for_each_entry_safe(epi, tmp, &ep->items, ep_link)
		ep_remove(epi);
	vfs_waitq_drain(&ep->wq, EPOLLIN | EPOLLHUP);
	free(ep);
	f->priv = NULL;
	vfs_live_epolls--;
}

static const struct vfs_file_ops epoll_ops = {
	.poll = ep_file_poll,
	.waitq = ep_file_waitq,
	.stat = ep_file_stat,
	.release = ep_file_release,
};

bool vfs_file_is_epoll(struct vfs_file *f)
{
	return f && f->ops == &epoll_ops;
}

int vfs_epoll_create(int flags, struct vfs_file **out)
{
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	struct epoll *ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	list_init(&ep->items);
	list_init(&ep->ready);
	waitq_init(&ep->wq);
	struct vfs_file *f = vfs_file_new_anon(&epoll_ops, ep, O_RDWR, "[eventpoll]");
	if (!f) {
		free(ep);
		return -ENOMEM;
	}
	ep->file = f;
	vfs_live_epolls++;
	*out = f;
	return 0;
}

unsigned vfs_epoll_nitems(struct vfs_file *epf)
{
	return vfs_file_is_epoll(epf) ? ((struct epoll *)epf->priv)->nitems : 0;
}

void vfs_epoll_file_released(struct vfs_file *f)
{
	if (!f->epoll_links.next)
		return; /* never initialised: nothing can be linked */
	while (!list_empty(&f->epoll_links))
		ep_remove(list_first_entry(&f->epoll_links, struct epitem, file_link));
}

/* ---- loop and depth checks (Linux's ep_loop_check) ---- */

#define EP_LOOP INT_MAX / 2

/* Depth of epoll nesting below @ep; EP_LOOP if @into is reachable or it is too deep. */
static int ep_depth_down(struct epoll *ep, struct epoll *into, int depth)
{
	int result = 0;
	struct epitem *epi;
	list_for_each_entry(epi, &ep->items, ep_link) {
		if (!vfs_file_is_epoll(epi->file))
			continue;
		struct epoll *child = epi->file->priv;
		if (child == into || depth > VFS_EP_MAX_NESTS)
			return EP_LOOP;
		int d = ep_depth_down(child, into, depth + 1);
		if (d >= EP_LOOP)
			return EP_LOOP;
		result = MAX(result, d + 1);
	}
	return result;
}

/* Depth of the epolls that (transitively) watch @ep. */
static int ep_depth_up(struct epoll *ep, int depth)
{
	int result = 0;
	struct epitem *epi;
	if (depth > VFS_EP_MAX_NESTS)
		return EP_LOOP;
	list_for_each_entry(epi, &ep->file->epoll_links, file_link) {
		int d = ep_depth_up(epi->ep, depth + 1);
		if (d >= EP_LOOP)
			return EP_LOOP;
		result = MAX(result, d + 1);
	}
	return result;
}

static bool ep_would_loop(struct epoll *ep, struct epoll *to)
{
	if (to == ep)
		return true;
	int down = ep_depth_down(to, ep, 0);
	if (down >= EP_LOOP)
		return true;
	int up = ep_depth_up(ep, 0);
	return up >= EP_LOOP || down + 1 + up > VFS_EP_MAX_NESTS;
}

/* ---- epoll_ctl ---- */

/* Linux refuses files whose f_op has no ->poll: regular files and directories of disk
 * filesystems. Our filesystems may give them a ->poll (always ready), so regular files
 * and directories are refused by type too, except on the pseudo filesystems whose files
 * really poll (/proc/self/mountinfo, cgroup event files). */
static bool ep_can_watch(struct vfs_file *tf)
{
	if (!tf->ops || !tf->ops->poll)
		return false;
	if (!tf->dentry || !tf->dentry->inode)
		return true;
	mode_t mode = tf->dentry->inode->mode;
	if (!S_ISREG(mode) && !S_ISDIR(mode))
		return true;
	const char *type = tf->dentry->sb && tf->dentry->sb->type ? tf->dentry->sb->type : "";
	return !strcmp(type, "proc") || !strcmp(type, "sysfs") || !strncmp(type, "cgroup", 6);
}

static int ep_insert(struct epoll *ep, struct vfs_file *tf, int fd, const struct epoll_event *ev)
{
	struct epitem *epi = calloc(1, sizeof(*epi));
	if (!epi)
		return -ENOMEM;
	epi->ep = ep;
	epi->file = tf;
	epi->fd = fd;
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data.u64;
	list_init(&epi->rd_link);
	list_add_tail(&epi->ep_link, &ep->items);
	list_add_tail(&epi->file_link, &tf->epoll_links);
	waiter_init(&epi->w, epi_wake, epi);
	struct waitq *wq = vfs_poll_waitq(tf);
	if (wq)
		waiter_add(wq, &epi->w, 0);
	ep->nitems++;
	vfs_live_epitems++;
	if (epi_poll(epi)) {
		ep_set_ready(epi);
		waitq_wake(&ep->wq, EPOLLIN | EPOLLRDNORM);
	}
	return 0;
}

static void ep_modify(struct epitem *epi, const struct epoll_event *ev)
{
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data.u64;
	if (epi_poll(epi)) {
		ep_set_ready(epi);
		waitq_wake(&epi->ep->wq, EPOLLIN | EPOLLRDNORM);
	}
}

int vfs_epoll_ctl(struct vfs_file *epf, int op, int fd, struct vfs_file *tf,
		  const struct epoll_event *ev, bool may_wakeup)
{
	struct epoll_event e = { 0 };
	bool has_event = op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD;
	if (has_event) {
		if (!ev)
			return -EFAULT;
		e = *ev;
	}
	/* Files without ->poll (regular files, directories) cannot be watched. */
	if (!ep_can_watch(tf))
		return -EPERM;
	if (has_event && (e.events & EPOLLWAKEUP) && !may_wakeup)
		e.events &= ~EPOLLWAKEUP;
	if (epf == tf || !vfs_file_is_epoll(epf))
		return -EINVAL;
	if (has_event && (e.events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (vfs_file_is_epoll(tf) || (e.events & ~EPOLLEXCLUSIVE_OK_BITS))
			return -EINVAL;
	}
	struct epoll *ep = epf->priv;
	if (op == EPOLL_CTL_ADD && vfs_file_is_epoll(tf) && ep_would_loop(ep, tf->priv))
		return -ELOOP;
	struct epitem *epi = ep_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi)
			return -EEXIST;
		return ep_insert(ep, tf, fd, &e);
	case EPOLL_CTL_DEL:
		if (!epi)
			return -ENOENT;
		ep_remove(epi);
		return 0;
	case EPOLL_CTL_MOD:
		if (!epi)
			return -ENOENT;
		if (epi->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		ep_modify(epi, &e);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- epoll_wait ---- */

int vfs_epoll_harvest(struct vfs_file *epf, struct epoll_event *out, int max)
{
	struct epoll *ep = epf->priv;
	struct list_head tx;
	int n = 0;
	if (!vfs_file_is_epoll(epf) || max <= 0 || list_empty(&ep->ready))
		return 0;
	/* Move the ready list aside: LT items are re-queued on ep->ready behind it. */
	tx = ep->ready;
	tx.next->prev = &tx;
	tx.prev->next = &tx;
	list_init(&ep->ready);
	while (!list_empty(&tx) && n < max) {
		struct epitem *epi = list_first_entry(&tx, struct epitem, rd_link);
		list_del(&epi->rd_link);
		epi->on_ready = false;
		uint32_t revents = epi_poll(epi);
		if (!revents)
			continue;
		out[n].events = revents;
		out[n].data.u64 = epi->data;
		n++;
		if (epi->events & EPOLLONESHOT)
			epi->events &= EP_PRIVATE_BITS;
		else if (!(epi->events & EPOLLET))
			ep_set_ready(epi);
	}
	/* Items not looked at go back in front, in order. */
	while (!list_empty(&tx)) {
		struct epitem *epi = list_entry(tx.prev, struct epitem, rd_link);
		list_del(&epi->rd_link);
		list_add(&epi->rd_link, &ep->ready);
	}
	return n;
}

/* The name vfs/file.c calls (weakly); same as vfs_epoll_file_released. */
void vfs_epoll_file_release(struct vfs_file *f)
{
	vfs_epoll_file_released(f);
}
