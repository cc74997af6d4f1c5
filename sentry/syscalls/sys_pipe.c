/* sentry/syscalls/sys_pipe.c - pipe(2), pipe2(2), splice(2), tee(2).
 * Owns no state: pipes live in vfs/pipe.c. Never blocks: waits park the task.
 * vmsplice(2) is not implemented. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include "common/cleanup.h"
#include "platform/guest_mem.h"
#include "sentry/syscall.h"
#include "vfs/fdtable.h"
#include "vfs/file.h"
#include "vfs/pipe.h"
#include "vfs/poll.h"

#ifndef SPLICE_F_NONBLOCK
#define SPLICE_F_MOVE 1
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE 4
#define SPLICE_F_GIFT 8
#endif
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)
#define SPLICE_CHUNK (64 * 1024)

/* The sentry provides it (sentry/signal.c); weak so this file links without it. */
int task_signal_self(struct task *t, int sig) __attribute__((weak));

static void raise_sigpipe(struct task *t)
{
	if (task_signal_self)
		task_signal_self(t, SIGPIPE);
}

/* Implements pipe2(2): both ends installed, then the fds copied out (closed on EFAULT). */
long sys_pipe2(struct task *t, const struct syscall_args *a)
{
	uint64_t fds_gaddr = a->a[0];
	int flags = (int)a->a[1];
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	struct vfs_file *ends[2];
	struct vfs_ctx c;
	task_vfs_ctx(t, &c);
	int err = vfs_pipe_create(flags & ~O_CLOEXEC, c.cred ? c.cred->fsuid : 0,
				  c.cred ? c.cred->fsgid : 0, ends);
	if (err)
		return err;
	struct vfs_fdtable *fdt = task_fdt(t);
	int fds[2];
	bool cloexec = flags & O_CLOEXEC;
	fds[0] = vfs_fdtable_install(fdt, ends[0], 0, cloexec);
	if (fds[0] < 0) {
		err = fds[0];
		goto out_put;
	}
	fds[1] = vfs_fdtable_install(fdt, ends[1], 0, cloexec);
	if (fds[1] < 0) {
		err = fds[1];
		vfs_fdtable_close(fdt, fds[0]);
		goto out_put;
	}
	err = guest_copy_out(task_mem(t), fds_gaddr, fds, sizeof(fds));
	if (err) {
		vfs_fdtable_close(fdt, fds[0]);
		vfs_fdtable_close(fdt, fds[1]);
	}
out_put:
	vfs_file_put(ends[0]);
	vfs_file_put(ends[1]);
	return err;
}

/* Implements pipe(2). */
long sys_pipe(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr, .a = { a->a[0], 0 } };
	return sys_pipe2(t, &b);
}

static bool may_read(struct vfs_file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY && !(f->flags & O_PATH);
}

static bool may_write(struct vfs_file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH);
}

static long park(struct task *t, struct waitq *wq, uint32_t events)
{
	if (!wq)
		return -EAGAIN;
	task_wait_on(t, wq, events);
	return task_block(t, 0, -ERESTARTSYS);
}

/* pipe -> pipe: moves (or, for tee, copies) up to @len bytes. */
static long pipe_to_pipe(struct task *t, struct vfs_pipe *in, struct vfs_pipe *out, size_t len,
			 bool nonblock, bool consume)
{
	if (!vfs_pipe_len(in)) {
		if (!vfs_pipe_has_writers(in))
			return 0;
		return nonblock ? -EAGAIN : park(t, vfs_pipe_waitq(in), EPOLLIN | EPOLLHUP);
	}
	if (!vfs_pipe_has_readers(out)) {
		raise_sigpipe(t);
		return -EPIPE;
	}
	size_t room = vfs_pipe_room(out);
	if (!room)
		return nonblock ? -EAGAIN : park(t, vfs_pipe_waitq(out), EPOLLOUT | EPOLLERR);
	size_t n = MIN(MIN(len, vfs_pipe_len(in)), MIN(room, (size_t)SPLICE_CHUNK));
	CLEANUP_FREE char *buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	vfs_pipe_peek(in, buf, n, 0);
	n = vfs_pipe_append(out, buf, n);
	if (consume)
		vfs_pipe_consume(in, n);
	return (long)n;
}

static int off_in(struct task *t, uint64_t off_gaddr, off_t *off)
{
	if (guest_copy_in(task_mem(t), off, off_gaddr, sizeof(*off)))
		return -EFAULT;
	return *off < 0 ? -EINVAL : 0;
}

/* pipe -> file */
static long pipe_to_file(struct task *t, struct vfs_pipe *in, struct vfs_file *out,
			 uint64_t off_gaddr, size_t len, bool nonblock)
{
	off_t off = 0;
	if (off_gaddr) {
		int err = off_in(t, off_gaddr, &off);
		if (err)
			return err;
		if (!out->ops || !out->ops->llseek)
			return -ESPIPE;
	}
	if (out->flags & O_APPEND)
		return -EINVAL;
	if (!vfs_pipe_len(in)) {
		if (!vfs_pipe_has_writers(in))
			return 0;
		return nonblock ? -EAGAIN : park(t, vfs_pipe_waitq(in), EPOLLIN | EPOLLHUP);
	}
	size_t n = MIN(MIN(len, vfs_pipe_len(in)), (size_t)SPLICE_CHUNK);
	CLEANUP_FREE char *buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	vfs_pipe_peek(in, buf, n, 0);
	ssize_t w;
	if (off_gaddr)
		w = out->ops->write ? out->ops->write(out, buf, n, &off) : -EINVAL;
	else
		w = vfs_file_write(out, buf, n);
	if (w == -EAGAIN && !nonblock && !(out->flags & O_NONBLOCK))
		return park(t, vfs_poll_waitq(out), EPOLLOUT | EPOLLERR);
	if (w == -EPIPE)
		raise_sigpipe(t);
	if (w <= 0)
		return w;
	vfs_pipe_consume(in, (size_t)w);
	if (off_gaddr && guest_copy_out(task_mem(t), off_gaddr, &off, sizeof(off)))
		return -EFAULT;
	return w;
}

/* file -> pipe */
static long file_to_pipe(struct task *t, struct vfs_file *in, uint64_t off_gaddr,
			 struct vfs_pipe *out, size_t len, bool nonblock)
{
	off_t off = 0;
	if (off_gaddr) {
		int err = off_in(t, off_gaddr, &off);
		if (err)
			return err;
	}
	if (!vfs_pipe_has_readers(out)) {
		raise_sigpipe(t);
		return -EPIPE;
	}
	size_t room = vfs_pipe_room(out);
	if (!room)
		return nonblock ? -EAGAIN : park(t, vfs_pipe_waitq(out), EPOLLOUT | EPOLLERR);
	size_t n = MIN(MIN(len, room), (size_t)SPLICE_CHUNK);
	CLEANUP_FREE char *buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	ssize_t r = off_gaddr ? vfs_file_pread(in, buf, n, off) : vfs_file_read(in, buf, n);
	if (r == -EAGAIN && !nonblock && !(in->flags & O_NONBLOCK))
		return park(t, vfs_poll_waitq(in), EPOLLIN | EPOLLHUP | EPOLLERR);
	if (r <= 0)
		return r;
	r = (ssize_t)vfs_pipe_append(out, buf, (size_t)r);
	if (off_gaddr) {
		off += r;
		if (guest_copy_out(task_mem(t), off_gaddr, &off, sizeof(off)))
			return -EFAULT;
	}
	return r;
}

/* Implements splice(2) between a pipe and a file or two pipes. */
long sys_splice(struct task *t, const struct syscall_args *a)
{
	int fd_in = (int)a->a[0], fd_out = (int)a->a[2];
	uint64_t off_in_gaddr = a->a[1], off_out_gaddr = a->a[3];
	size_t len = a->a[4];
	unsigned flags = (unsigned)a->a[5];
	long ret;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct vfs_fdtable *fdt = task_fdt(t);
	struct vfs_file *in = vfs_fdtable_lookup(fdt, fd_in);
	if (!in)
		return -EBADF;
	struct vfs_file *out = vfs_fdtable_lookup(fdt, fd_out);
	if (!out) {
		ret = -EBADF;
		goto out_put_in;
	}
	ret = -EBADF;
	if (!may_read(in) || !may_write(out))
		goto out_put_out;
	struct vfs_pipe *pin = vfs_pipe_of(in), *pout = vfs_pipe_of(out);
	bool nonblock = flags & SPLICE_F_NONBLOCK;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (pin && pout) {
		ret = -ESPIPE;
		if (off_in_gaddr || off_out_gaddr)
			goto out_put_out;
		ret = -EINVAL;
		if (pin == pout)
			goto out_put_out;
		nonblock |= (in->flags | out->flags) & O_NONBLOCK;
		ret = len ? pipe_to_pipe(t, pin, pout, len, nonblock, true) : 0;
	} else if (pin) {
		ret = -ESPIPE;
		if (off_in_gaddr)
			goto out_put_out;
		nonblock |= in->flags & O_NONBLOCK;
		ret = len ? pipe_to_file(t, pin, out, off_out_gaddr, len, nonblock) : 0;
	} else if (pout) {
		ret = -ESPIPE;
		if (off_out_gaddr)
			goto out_put_out;
		nonblock |= out->flags & O_NONBLOCK;
		ret = len ? file_to_pipe(t, in, off_in_gaddr, pout, len, nonblock) : 0;
	} else {
		ret = -EINVAL;
	}
out_put_out:
	vfs_file_put(out);
out_put_in:
	vfs_file_put(in);
	return ret;
}

/* Implements tee(2): copies pipe data without consuming it. */
long sys_tee(struct task *t, const struct syscall_args *a)
{
	int fd_in = (int)a->a[0], fd_out = (int)a->a[1];
	size_t len = a->a[2];
	unsigned flags = (unsigned)a->a[3];
	long ret;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct vfs_fdtable *fdt = task_fdt(t);
	struct vfs_file *in = vfs_fdtable_lookup(fdt, fd_in);
	if (!in)
		return -EBADF;
	struct vfs_file *out = vfs_fdtable_lookup(fdt, fd_out);
	if (!out) {
		ret = -EBADF;
		goto out_put_in;
	}
	struct vfs_pipe *pin = vfs_pipe_of(in), *pout = vfs_pipe_of(out);
	ret = -EBADF;
	if (!may_read(in) || !may_write(out))
		goto out_put_out;
	ret = -EINVAL;
	if (!pin || !pout || pin == pout)
		goto out_put_out;
	bool nonblock = (flags & SPLICE_F_NONBLOCK) || ((in->flags | out->flags) & O_NONBLOCK);
	ret = len ? pipe_to_pipe(t, pin, pout, MIN(len, (size_t)SSIZE_MAX), nonblock, false) : 0;
out_put_out:
	vfs_file_put(out);
out_put_in:
	vfs_file_put(in);
	return ret;
}
