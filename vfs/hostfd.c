/* vfs/hostfd.c - file descriptions over host fds cvisor inherited (its own stdin, stdout,
 * stderr: a tty, a pipe, a socket or a regular file).
 *
 * Never blocks the Sentry: ttys and pipes are re-opened through /proc/self/fd/N with
 * O_NONBLOCK, which gives a private non-blocking file description (the caller's stays
 * as it was); where that fails (sockets) the original fd is used with MSG_DONTWAIT or a
 * zero-timeout poll first. When nothing can be done, ops return -EAGAIN and ask the
 * Sentry's event loop (vfs_host_ops.watch_fd) to wake the file's queue. Regular files
 * are read and written with pread/pwrite at the shared offset. Tty ioctls pass through. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "platform/guest_mem.h"
#include "vfs/internal.h"
#include "vfs/ops.h"
#include "vfs/tty.h"

enum { HOSTFD_REG, HOSTFD_STREAM, HOSTFD_SOCK };

struct hostfd {
	int fd;
	int kind;
	bool nonblock; /* fd is our own O_NONBLOCK description */
	bool tty;
	struct tty *term; /* the host terminal's emulated job control (vfs/tty.c) */
	struct waitq wq;
	uint32_t watched;
};

static struct hostfd *H(struct vfs_file *f)
{
	return f->priv;
}

static void watch(struct hostfd *h, uint32_t ev)
{
	if (!vfs_host || !vfs_host->watch_fd || (h->watched & ev) == ev)
		return;
	if (h->watched && vfs_host->unwatch_fd)
		vfs_host->unwatch_fd(h->fd);
	h->watched |= ev;
	if (vfs_host->watch_fd(h->fd, h->watched, &h->wq))
		h->watched = 0;
}

static void unwatch(struct hostfd *h)
{
	if (h->watched && vfs_host && vfs_host->unwatch_fd)
		vfs_host->unwatch_fd(h->fd);
	h->watched = 0;
}

static bool ready(struct hostfd *h, short ev)
{
	struct pollfd p = { .fd = h->fd, .events = ev };
	return poll(&p, 1, 0) > 0;
}

static ssize_t hfd_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct hostfd *h = H(f);
	ssize_t n;
	if (h->kind == HOSTFD_REG) {
		/* read(2) moves the offset cvisor's caller shares (`cmd < file; cmd2`) */
		if (pos == &f->pos) {
			n = read(h->fd, buf, len);
			if (n >= 0)
				f->pos = lseek(h->fd, 0, SEEK_CUR);
			return n < 0 ? -errno : n;
		}
		n = pread(h->fd, buf, len, *pos);
		if (n > 0)
			*pos += n;
		return n < 0 ? -errno : n;
	}
	if (h->term) {
		int r = tty_check_read(h->term);
		if (r)
			return r == -EINTR && !(f->flags & O_NONBLOCK) ? -EAGAIN : r;
	}
	if (h->kind == HOSTFD_SOCK)
		n = recv(h->fd, buf, len, MSG_DONTWAIT);
	else if (!h->nonblock && !ready(h, POLLIN | POLLHUP))
		n = -1, errno = EAGAIN;
	else
		n = read(h->fd, buf, len);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		watch(h, EPOLLIN);
		return -EAGAIN;
	}
	if (n >= 0 && (h->watched & EPOLLIN))
		unwatch(h);
	return n < 0 ? -errno : n;
}

static ssize_t hfd_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct hostfd *h = H(f);
	ssize_t n;
	if (h->kind == HOSTFD_REG) {
		/* write(2) uses the host description's own offset, shared with cvisor's caller
		 * and with every fd of the sandbox dup'd from it (`>file 2>&1` interleaves) */
		if (pos == &f->pos) {
			n = write(h->fd, buf, len);
			if (n >= 0)
				f->pos = lseek(h->fd, 0, SEEK_CUR);
			return n < 0 ? -errno : n;
		}
		n = pwrite(h->fd, buf, len, *pos);
		if (n > 0)
			*pos += n;
		return n < 0 ? -errno : n;
	}
	if (h->term && tty_host_tostop(h->term)) {
		int r = tty_check_write(h->term, true);
		if (r)
			return r == -EINTR && !(f->flags & O_NONBLOCK) ? -EAGAIN : r;
	}
	if (h->kind == HOSTFD_SOCK)
		n = send(h->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	else if (!h->nonblock && !ready(h, POLLOUT))
		n = -1, errno = EAGAIN;
	else
		n = write(h->fd, buf, len);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		watch(h, EPOLLOUT);
		return -EAGAIN;
	}
	if (n >= 0 && (h->watched & EPOLLOUT))
		unwatch(h);
	return n < 0 ? -errno : n;
}

static off_t hfd_llseek(struct vfs_file *f, off_t off, int whence)
{
	struct hostfd *h = H(f);
	if (h->kind == HOSTFD_REG) {
		off_t r = lseek(h->fd, off, whence);
		if (r < 0)
			return -errno;
		return f->pos = r;
	}
	struct stat st;
	if (fstat(h->fd, &st) < 0)
		return -errno;
	return vfs_generic_llseek(f, off, whence, st.st_size);
}

static uint32_t hfd_poll(struct vfs_file *f)
{
	struct hostfd *h = H(f);
	struct pollfd p = { .fd = h->fd, .events = POLLIN | POLLOUT };
	uint32_t ev = 0;
	if (poll(&p, 1, 0) > 0) {
		if (p.revents & POLLIN)
			ev |= EPOLLIN | EPOLLRDNORM;
		if (p.revents & POLLOUT)
			ev |= EPOLLOUT | EPOLLWRNORM;
		if (p.revents & POLLHUP)
			ev |= EPOLLHUP;
		if (p.revents & POLLERR)
			ev |= EPOLLERR;
	}
	uint32_t want = ((f->flags & O_ACCMODE) != O_WRONLY ? EPOLLIN : 0) |
			((f->flags & O_ACCMODE) != O_RDONLY ? EPOLLOUT : 0);
	if (want & ~ev)
		watch(h, want & ~ev);
	return ev;
}

static struct waitq *hfd_waitq(struct vfs_file *f)
{
	return &H(f)->wq;
}

static int hfd_stat(struct vfs_file *f, struct stat *st)
{
	return fstat(H(f)->fd, st) < 0 ? -errno : 0;
}

/* Tty ioctls pass through to the host terminal for now. */
static long hfd_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	struct hostfd *h = H(f);
	unsigned char buf[64];
	size_t in = 0, out = 0;
	if (h->term)
		return tty_host_ioctl(h->term, h->fd, f, c, cmd, arg);
	switch (cmd) {
	case TCGETS:
		out = 36; /* the kernel's struct termios */
		break;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		in = 36;
		break;
	case TIOCGWINSZ:
		out = sizeof(struct winsize);
		break;
	case TIOCSWINSZ:
		in = sizeof(struct winsize);
		break;
	case TIOCGPGRP:
	case FIONREAD:
		out = sizeof(int);
		break;
	case TIOCSPGRP:
		in = sizeof(int);
		break;
	default:
		return -ENOTTY;
	}
	if (!h->tty && cmd != FIONREAD)
		return -ENOTTY;
	if (in && guest_copy_in(c->mem, buf, arg, in))
		return -EFAULT;
	if (ioctl(h->fd, cmd, buf) < 0)
		return -errno;
	if (out && guest_copy_out(c->mem, arg, buf, out))
		return -EFAULT;
	return 0;
}

static int hfd_fsync(struct vfs_file *f, bool datasync)
{
	return H(f)->kind == HOSTFD_REG ? (fsync(H(f)->fd) < 0 ? -errno : 0) : -EINVAL;
}

static int hfd_host_fd(struct vfs_file *f, bool writable)
{
	return H(f)->kind == HOSTFD_REG ? H(f)->fd : -ENODEV;
}

static void hfd_release(struct vfs_file *f)
{
	struct hostfd *h = H(f);
	unwatch(h);
	if (h->term) {
		tty_host_detach(h->term, f);
		tty_put(h->term);
	}
	close(h->fd);
	free(h);
}

static const struct vfs_file_ops hostfd_reg_ops = {
	.read = hfd_read,
	.write = hfd_write,
	.llseek = hfd_llseek,
	.stat = hfd_stat,
	.fsync = hfd_fsync,
	.host_fd = hfd_host_fd,
	.release = hfd_release,
};

static const struct vfs_file_ops hostfd_stream_ops = {
	.read = hfd_read,
	.write = hfd_write,
	.poll = hfd_poll,
	.waitq = hfd_waitq,
	.ioctl = hfd_ioctl,
	.stat = hfd_stat,
	.release = hfd_release,
};

/* See vfs.h. Returns NULL on failure (the fd is closed). */
struct vfs_file *vfs_hostfd_file_new(int host_fd, int open_flags)
{
	struct stat st;
	struct hostfd *h = calloc(1, sizeof(*h));
	if (!h || fstat(host_fd, &st) < 0) {
		free(h);
		close(host_fd);
		return NULL;
	}
	waitq_init(&h->wq);
	h->fd = host_fd;
	h->tty = isatty(host_fd);
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
		h->kind = HOSTFD_REG;
	} else if (S_ISSOCK(st.st_mode)) {
		h->kind = HOSTFD_SOCK;
	} else {
		h->kind = HOSTFD_STREAM;
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", host_fd);
		int acc = open_flags & O_ACCMODE;
		int fd = open(path, acc | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0) {
			close(host_fd);
			h->fd = fd;
			h->nonblock = true;
		}
	}
	struct vfs_file *f = vfs_file_new_anon(h->kind == HOSTFD_REG ? &hostfd_reg_ops
								    : &hostfd_stream_ops,
					       h, open_flags & ~O_CLOEXEC, "hostfd");
	if (!f) {
		close(h->fd);
		free(h);
		return NULL;
	}
	if (h->tty)
		h->term = tty_host_attach(h->fd, f);
	return f;
}
