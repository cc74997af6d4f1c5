/* vfs/pipe.c - pipes and fifos: a ring of page buffers shared by read and write ends.
 *
 * Owns struct vfs_pipe, its pages, the per-file struct pipe_end and the fifo open
 * rendezvous. Must not block, touch guest memory outside ->ioctl, or call into sentry/.
 * Semantics follow Linux's fs/pipe.c: writes merge into the last page when they fit,
 * otherwise take a free slot (page); packet mode (O_DIRECT) keeps one write per slot. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include "common/cleanup.h"
#include "common/list.h"
#include "platform/guest_mem.h"
#include "vfs/file.h"
#include "vfs/internal.h"
#include "vfs/pipe.h"
#include "vfs/poll.h"

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif

struct pipe_buf {
	char *page;
	uint32_t off, len;
	bool packet;    /* written in packet mode: one read consumes the whole buffer */
	bool can_merge; /* later small writes may append to it */
};

/* A fifo open waiting for its partner (see vfs_fifo_open). */
struct fifo_opener {
	struct list_head link; /* in vfs_pipe.openers */
	struct waitq wq;       /* the opener's task parks here */
	bool reader;
	bool satisfied;        /* the partner came: the next open of this kind proceeds */
};

struct vfs_pipe {
	struct waitq wq;
	struct pipe_buf *bufs;
	unsigned nslots, tail, nbufs; /* ring: bufs[(tail + i) % nslots], i < nbufs */
	size_t nbytes;
	int readers, writers;
	unsigned w_counter;           /* writers ever opened (fifo EPOLLHUP rule) */
	void **slot;                  /* the fifo inode's slot, NULL when anonymous/detached */
	struct list_head openers;
	/* The inode of an anonymous pipe (pipefs): fstat, fchown, fchmod, futimens. */
	mode_t mode;                  /* permission bits (0600) */
	uint32_t uid, gid;            /* the creator's fsuid/fsgid */
	struct timespec atime, mtime, ctime;
};

/* The file's view: which pipe, which end(s). */
struct pipe_end {
	struct vfs_pipe *p;
	bool rd, wr;
	/* A fifo reader opened O_NONBLOCK while there was no writer: w_counter at open, so
	 * that it sees no EPOLLHUP until a writer came and went (Linux's f_version); 0 for
	 * every other end, which sees EPOLLHUP once the writers are gone. */
	unsigned w_seen;
};

long vfs_live_pipes;

static struct vfs_pipe *pipe_new(void)
{
	struct vfs_pipe *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->nslots = VFS_PIPE_DEF_SIZE / VFS_PIPE_PAGE;
	p->bufs = calloc(p->nslots, sizeof(*p->bufs));
	if (!p->bufs) {
		free(p);
		return NULL;
	}
	waitq_init(&p->wq);
	list_init(&p->openers);
	p->mode = 0600;
	vfs_now(&p->ctime);
	p->atime = p->mtime = p->ctime;
	vfs_live_pipes++;
	return p;
}

static void pipe_free(struct vfs_pipe *p)
{
	for (unsigned i = 0; i < p->nbufs; i++)
		free(p->bufs[(p->tail + i) % p->nslots].page);
	struct fifo_opener *o, *tmp;
	list_for_each_entry_safe(o, tmp, &p->openers, link) {
		vfs_waitq_drain(&o->wq, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR);
		list_del(&o->link);
		free(o);
	}
	vfs_waitq_drain(&p->wq, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR);
	if (p->slot)
		*p->slot = NULL;
	free(p->bufs);
	free(p);
	vfs_live_pipes--;
}

/* Drops openers whose task stopped waiting (signal, timeout) without being satisfied. */
static void fifo_gc_openers(struct vfs_pipe *p)
{
	struct fifo_opener *o, *tmp;
	list_for_each_entry_safe(o, tmp, &p->openers, link) {
		if (!o->satisfied && !waitq_active(&o->wq)) {
			list_del(&o->link);
			free(o);
		}
	}
}

static void pipe_maybe_free(struct vfs_pipe *p)
{
	if (p->slot)
		fifo_gc_openers(p);
	if (p->readers == 0 && p->writers == 0 && list_empty(&p->openers))
		pipe_free(p);
}

static struct pipe_buf *pipe_buf_at(struct vfs_pipe *p, unsigned i)
{
	return &p->bufs[(p->tail + i) % p->nslots];
}

bool vfs_file_is_pipe(struct vfs_file *f);

struct vfs_pipe *vfs_pipe_of(struct vfs_file *f)
{
	if (!f || !vfs_file_is_pipe(f))
		return NULL;
	return ((struct pipe_end *)f->priv)->p;
}

size_t vfs_pipe_len(struct vfs_pipe *p)
{
	return p->nbytes;
}

size_t vfs_pipe_room(struct vfs_pipe *p)
{
	return (size_t)(p->nslots - p->nbufs) * VFS_PIPE_PAGE;
}

bool vfs_pipe_has_writers(struct vfs_pipe *p)
{
	return p->writers > 0;
}

bool vfs_pipe_has_readers(struct vfs_pipe *p)
{
	return p->readers > 0;
}

struct waitq *vfs_pipe_waitq(struct vfs_pipe *p)
{
	return &p->wq;
}

size_t vfs_pipe_peek(struct vfs_pipe *p, void *buf, size_t len, size_t skip)
{
	size_t done = 0;
	for (unsigned i = 0; i < p->nbufs && done < len; i++) {
		struct pipe_buf *b = pipe_buf_at(p, i);
		if (skip >= b->len) {
			skip -= b->len;
			continue;
		}
		size_t n = MIN(b->len - skip, len - done);
		memcpy((char *)buf + done, b->page + b->off + skip, n);
		skip = 0;
		done += n;
	}
	return done;
}

/* Consumes up to @len bytes into @buf (NULL: discard). @packet_stop: stop after a
 * packet buffer and drop its remainder (read(2) in packet mode). Wakes writers when a
 * full pipe gets a free slot. */
static size_t pipe_take(struct vfs_pipe *p, void *buf, size_t len, bool packet_stop)
{
	bool was_full = p->nbufs == p->nslots;
	size_t done = 0;
	while (done < len && p->nbufs) {
		struct pipe_buf *b = pipe_buf_at(p, 0);
		size_t n = MIN(b->len, len - done);
		if (buf)
			memcpy((char *)buf + done, b->page + b->off, n);
		b->off += n;
		b->len -= n;
		p->nbytes -= n;
		done += n;
		bool stop = packet_stop && b->packet;
		if (stop) {
			p->nbytes -= b->len;
			b->len = 0;
		}
		if (b->len == 0) {
			free(b->page);
			memset(b, 0, sizeof(*b));
			p->tail = (p->tail + 1) % p->nslots;
			p->nbufs--;
		}
		if (stop)
			break;
	}
	if (was_full && p->nbufs < p->nslots)
		waitq_wake(&p->wq, EPOLLOUT | EPOLLWRNORM);
	return done;
}

void vfs_pipe_consume(struct vfs_pipe *p, size_t len)
{
	pipe_take(p, NULL, len, false);
}

/* Adds one new page buffer with @n (<= page) bytes. Returns false on ENOMEM. */
static bool pipe_push_page(struct vfs_pipe *p, const void *src, size_t n, bool packet)
{
	char *page = malloc(VFS_PIPE_PAGE);
	if (!page)
		return false;
	memcpy(page, src, n);
	struct pipe_buf *b = pipe_buf_at(p, p->nbufs);
	*b = (struct pipe_buf){ .page = page, .off = 0, .len = n, .packet = packet,
				.can_merge = !packet };
	p->nbufs++;
	p->nbytes += n;
	return true;
}

/* Linux's pipe_write without the sleeping: merge the sub-page remainder into the last
 * buffer if it fits whole, then fill free slots page by page. Returns the bytes added. */
static size_t pipe_put(struct vfs_pipe *p, const void *buf, size_t len, bool packet, bool *nomem)
{
	size_t done = 0, chars = len & (VFS_PIPE_PAGE - 1);
	if (chars && p->nbufs) {
		struct pipe_buf *last = pipe_buf_at(p, p->nbufs - 1);
		if (last->can_merge && !packet && last->off + last->len + chars <= VFS_PIPE_PAGE) {
			memcpy(last->page + last->off + last->len, buf, chars);
			last->len += chars;
			p->nbytes += chars;
			done = chars;
		}
	}
	while (done < len && p->nbufs < p->nslots) {
		size_t n = MIN((size_t)VFS_PIPE_PAGE, len - done);
		if (!pipe_push_page(p, (const char *)buf + done, n, packet)) {
			*nomem = true;
			break;
		}
		done += n;
	}
	if (done)
		waitq_wake(&p->wq, EPOLLIN | EPOLLRDNORM);
	return done;
}

size_t vfs_pipe_append(struct vfs_pipe *p, const void *buf, size_t len)
{
	bool nomem = false;
	return pipe_put(p, buf, len, false, &nomem);
}

static ssize_t pipe_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct pipe_end *e = f->priv;
	struct vfs_pipe *p = e->p;
	if (len == 0)
		return 0;
	if (p->nbufs == 0)
		return p->writers ? -EAGAIN : 0;
	size_t n = pipe_take(p, buf, len, true);
	if (n > 0 && !p->slot)
		vfs_now(&p->atime);
	return (ssize_t)n;
}

static ssize_t pipe_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct pipe_end *e = f->priv;
	struct vfs_pipe *p = e->p;
	if (p->readers == 0)
		return -EPIPE;
	if (len == 0)
		return 0;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	bool nomem = false;
	/* Atomic: a write of at most PIPE_BUF needs one merge or one free slot. */
	if (len <= VFS_PIPE_BUF && p->nbufs == p->nslots) {
		struct pipe_buf *last = pipe_buf_at(p, p->nbufs - 1);
		if (!last->can_merge || (f->flags & O_DIRECT) ||
		    last->off + last->len + len > VFS_PIPE_PAGE)
			return -EAGAIN;
	}
	size_t n = pipe_put(p, buf, len, (f->flags & O_DIRECT) != 0, &nomem);
	if (n == 0)
		return nomem ? -ENOMEM : -EAGAIN;
	if (!p->slot) {
		vfs_now(&p->mtime);
		p->ctime = p->mtime;
	}
	return (ssize_t)n;
}

static uint32_t pipe_poll(struct vfs_file *f)
{
	struct pipe_end *e = f->priv;
	struct vfs_pipe *p = e->p;
	uint32_t m = 0;
	if (e->rd) {
		if (p->nbufs)
			m |= EPOLLIN | EPOLLRDNORM;
		if (!p->writers && e->w_seen != p->w_counter)
			m |= EPOLLHUP;
	}
	if (e->wr) {
		if (p->nbufs < p->nslots)
			m |= EPOLLOUT | EPOLLWRNORM;
		if (!p->readers)
			m |= EPOLLERR;
	}
	return m;
}

static struct waitq *pipe_waitq(struct vfs_file *f)
{
	return &((struct pipe_end *)f->priv)->p->wq;
}

static long pipe_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	struct pipe_end *e = f->priv;
	if (cmd != FIONREAD)
		return -ENOTTY;
	int n = (int)MIN(e->p->nbytes, (size_t)INT32_MAX);
	return guest_copy_out(c->mem, arg, &n, sizeof(n));
}

static int pipe_stat(struct vfs_file *f, struct stat *st)
{
	struct vfs_pipe *p = ((struct pipe_end *)f->priv)->p;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFIFO | p->mode;
	st->st_ino = f->anon_ino;
	st->st_nlink = 1;
	st->st_uid = p->uid;
	st->st_gid = p->gid;
	st->st_blksize = VFS_PIPE_PAGE;
	st->st_atim = p->atime;
	st->st_mtim = p->mtime;
	st->st_ctim = p->ctime;
	return 0;
}

/* fchown/fchmod/futimens of an anonymous pipe change its pipefs inode, as on Linux
 * (runc hands the container's stdio pipes to the container's user this way). */
static int pipe_setattr(struct vfs_file *f, const struct vfs_iattr *ia)
{
	struct vfs_pipe *p = ((struct pipe_end *)f->priv)->p;
	if (ia->valid & VFS_ATTR_MODE)
		p->mode = ia->mode & 07777;
	if (ia->valid & VFS_ATTR_UID)
		p->uid = ia->uid;
	if (ia->valid & VFS_ATTR_GID)
		p->gid = ia->gid;
	if (ia->valid & VFS_ATTR_ATIME)
		p->atime = ia->atime;
	if (ia->valid & VFS_ATTR_MTIME)
		p->mtime = ia->mtime;
	if (ia->valid & VFS_ATTR_CTIME)
		p->ctime = ia->ctime;
	return 0;
}

static int pipe_setfl(struct vfs_file *f, int new_flags)
{
	return 0; /* O_NONBLOCK and O_DIRECT are read from f->flags at each call */
}

static void pipe_release(struct vfs_file *f)
{
	struct pipe_end *e = f->priv;
	struct vfs_pipe *p = e->p;
	uint32_t wake = 0;
	if (e->rd && --p->readers == 0)
		wake |= EPOLLOUT | EPOLLWRNORM | EPOLLERR;
	if (e->wr && --p->writers == 0)
		wake |= EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	free(e);
	f->priv = NULL;
	if (wake)
		waitq_wake(&p->wq, wake);
	pipe_maybe_free(p);
}

static const struct vfs_file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.waitq = pipe_waitq,
	.ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.setattr = pipe_setattr,
	.setfl = pipe_setfl,
	.release = pipe_release,
};

/* Fifo files: the same, but fstat goes to the inode (the caller attached the dentry). */
static const struct vfs_file_ops fifo_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.waitq = pipe_waitq,
	.ioctl = pipe_ioctl,
	.setfl = pipe_setfl,
	.release = pipe_release,
};

bool vfs_file_is_pipe(struct vfs_file *f)
{
	return f && (f->ops == &pipe_ops || f->ops == &fifo_ops);
}

/* Returns a new file on @p for the access mode in @flags, counted as reader/writer. */
static struct vfs_file *pipe_end_new(struct vfs_pipe *p, int flags, bool fifo, const char *name)
{
	struct pipe_end *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	int acc = flags & O_ACCMODE;
	e->p = p;
	e->rd = acc == O_RDONLY || acc == O_RDWR;
	e->wr = acc == O_WRONLY || acc == O_RDWR;
	struct vfs_file *f = vfs_file_new_anon(fifo ? &fifo_ops : &pipe_ops, e, flags, name);
	if (!f) {
		free(e);
		return NULL;
	}
	if (fifo && acc == O_RDONLY && (flags & O_NONBLOCK) && !p->writers)
		e->w_seen = p->w_counter;
	if (e->rd)
		p->readers++;
	if (e->wr) {
		p->writers++;
		p->w_counter++;
	}
	return f;
}

int vfs_pipe_create(int flags, uint32_t uid, uint32_t gid, struct vfs_file *out[2])
{
	if (flags & ~(O_NONBLOCK | O_DIRECT | O_CLOEXEC))
		return -EINVAL;
	flags &= O_NONBLOCK | O_DIRECT;
	struct vfs_pipe *p = pipe_new();
	if (!p)
		return -ENOMEM;
	p->uid = uid;
	p->gid = gid;
	out[0] = pipe_end_new(p, O_RDONLY | flags, false, "pipe");
	if (!out[0]) {
		pipe_free(p);
		return -ENOMEM;
	}
	out[1] = pipe_end_new(p, O_WRONLY | flags, false, "pipe");
	if (!out[1]) {
		vfs_file_put(out[0]);
		return -ENOMEM;
	}
	out[1]->anon_ino = out[0]->anon_ino; /* one inode, two files */
	return 0;
}

static unsigned round_pipe_slots(unsigned long size)
{
	if (size > (1UL << 31))
		return 0;
	if (size < VFS_PIPE_PAGE)
		size = VFS_PIPE_PAGE;
	unsigned long pages = (size + VFS_PIPE_PAGE - 1) / VFS_PIPE_PAGE, r = 1;
	while (r < pages)
		r <<= 1;
	return (unsigned)r;
}

static long pipe_resize(struct vfs_pipe *p, unsigned long arg)
{
	unsigned slots = round_pipe_slots(arg);
	if (!slots)
		return -EINVAL;
	if ((unsigned long)slots * VFS_PIPE_PAGE > VFS_PIPE_MAX_SIZE)
		return -EPERM;
	if (slots < p->nbufs)
		return -EBUSY;
	struct pipe_buf *nb = calloc(slots, sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	for (unsigned i = 0; i < p->nbufs; i++)
		nb[i] = *pipe_buf_at(p, i);
	bool grew = slots > p->nslots;
	free(p->bufs);
	p->bufs = nb;
	p->nslots = slots;
	p->tail = 0;
	if (grew)
		waitq_wake(&p->wq, EPOLLOUT | EPOLLWRNORM);
	return (long)slots * VFS_PIPE_PAGE;
}

long vfs_pipe_fcntl(struct vfs_file *f, int cmd, unsigned long arg)
{
	struct vfs_pipe *p = vfs_pipe_of(f);
	if (!p)
		return -EBADF;
	switch (cmd) {
	case F_GETPIPE_SZ:
		return (long)p->nslots * VFS_PIPE_PAGE;
	case F_SETPIPE_SZ:
		return pipe_resize(p, arg);
	default:
		return -EINVAL;
	}
}

/* ---- fifos ---- */

/* Wakes the waiting openers of the other kind: their next open proceeds. */
static void fifo_satisfy(struct vfs_pipe *p, bool readers)
{
	struct fifo_opener *o, *tmp;
	list_for_each_entry_safe(o, tmp, &p->openers, link) {
		if (o->reader != readers || o->satisfied)
			continue;
		if (!waitq_active(&o->wq)) { /* its task gave up */
			list_del(&o->link);
			free(o);
			continue;
		}
		o->satisfied = true;
		waitq_wake(&o->wq, EPOLLIN | EPOLLOUT);
	}
}

/* Is an open of the other kind waiting? (counts as a partner, as in Linux where a
 * blocked opener is already counted in pipe->readers/writers) */
static bool fifo_has_waiting(struct vfs_pipe *p, bool reader)
{
	struct fifo_opener *o;
	list_for_each_entry(o, &p->openers, link)
		if (o->reader == reader && !o->satisfied)
			return true;
	return false;
}

/* Takes a satisfied record of kind @reader, if any: this open was woken by a partner. */
static bool fifo_take_satisfied(struct vfs_pipe *p, bool reader)
{
	struct fifo_opener *o;
	list_for_each_entry(o, &p->openers, link) {
		if (o->reader == reader && o->satisfied) {
			vfs_waitq_drain(&o->wq, 0);
			list_del(&o->link);
			free(o);
			return true;
		}
	}
	return false;
}

int vfs_fifo_open(void **slot, int flags, struct vfs_file **out, struct waitq **wait)
{
	struct vfs_pipe *p = *slot;
	int acc = flags & O_ACCMODE;
	*out = NULL;
	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	if (!p) {
		p = pipe_new();
		if (!p)
			return -ENOMEM;
		p->slot = slot;
		*slot = p;
	}
	fifo_gc_openers(p);
	bool reader = acc == O_RDONLY, nonblock = flags & O_NONBLOCK;
	int ret = 0;
	if (acc == O_WRONLY && nonblock && !p->readers && !fifo_has_waiting(p, true)) {
		ret = -ENXIO;
		goto out_maybe_free;
	}
	if (acc != O_RDWR && !nonblock) {
		bool partner = reader ? p->writers > 0 || fifo_has_waiting(p, false)
				      : p->readers > 0 || fifo_has_waiting(p, true);
		if (!fifo_take_satisfied(p, reader) && !partner) {
			struct fifo_opener *o = calloc(1, sizeof(*o));
			if (!o) {
				ret = -ENOMEM;
				goto out_maybe_free;
			}
			waitq_init(&o->wq);
			o->reader = reader;
			list_add_tail(&o->link, &p->openers);
			*wait = &o->wq;
			return -EAGAIN;
		}
	}
	int fflags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	struct vfs_file *f = pipe_end_new(p, fflags, true, "fifo");
	if (!f) {
		ret = -ENOMEM;
		goto out_maybe_free;
	}
	if (acc == O_RDONLY || acc == O_RDWR)
		fifo_satisfy(p, false);
	if (acc == O_WRONLY || acc == O_RDWR)
		fifo_satisfy(p, true);
	*out = f;
	return 0;

out_maybe_free:
	pipe_maybe_free(p);
	return ret;
}

void vfs_fifo_release(void **slot)
{
	struct vfs_pipe *p = *slot;
	if (!p)
		return;
	*slot = NULL;
	p->slot = NULL;
	struct fifo_opener *o, *tmp;
	list_for_each_entry_safe(o, tmp, &p->openers, link) {
		vfs_waitq_drain(&o->wq, EPOLLIN | EPOLLOUT | EPOLLHUP);
		list_del(&o->link);
		free(o);
	}
	pipe_maybe_free(p);
}
