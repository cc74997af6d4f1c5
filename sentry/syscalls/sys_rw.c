/* sentry/syscalls/sys_rw.c - moving data: read(2), write(2), pread64(2), pwrite64(2),
 * readv(2), writev(2), preadv(2), pwritev(2), preadv2(2), pwritev2(2), sendfile(2),
 * copy_file_range(2).
 *
 * Data goes through the Sentry's bounce buffer (SYS_BOUNCE_SIZE per step). Seekable files
 * are transferred whole (in steps); streams return what one step moved. A blocking file
 * whose op answers -EAGAIN parks the task on the file's wait queue; a write that already
 * moved bytes keeps its count in the task's call scratch across re-runs (vfs/pipe.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include "sentry/syscalls/sys_vfs.h"

#ifndef RWF_HIPRI
#define RWF_HIPRI 0x1
#define RWF_DSYNC 0x2
#define RWF_SYNC 0x4
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10
#endif
#define RWF_SUPPORTED (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)
#define IOV_MAX_LINUX 1024

int task_signal_self(struct task *t, int sig) __attribute__((weak));

struct gio {
	uint64_t base, len;
};

static bool seekable(struct vfs_file *f)
{
	return f->ops && f->ops->llseek;
}

/* Copies @len bytes between the bounce buffer and the iovecs, starting @skip bytes in. */
static int iov_xfer(struct task *t, const struct gio *iov, int cnt, size_t skip, void *buf,
		    size_t len, bool to_guest)
{
	size_t done = 0;
	for (int i = 0; i < cnt && done < len; i++) {
		if (skip >= iov[i].len) {
			skip -= iov[i].len;
			continue;
		}
		size_t n = MIN(iov[i].len - skip, len - done);
		int err = to_guest
				  ? guest_copy_out(task_mem(t), iov[i].base + skip, (char *)buf + done, n)
				  : guest_copy_in(task_mem(t), (char *)buf + done, iov[i].base + skip, n);
		if (err)
			return err;
		done += n;
		skip = 0;
	}
	return 0;
}

static long park(struct task *t, struct vfs_file *f, uint32_t ev, long intr)
{
	struct waitq *wq = vfs_file_waitq(f);
	vfs_file_put(f);
	if (!wq)
		return -EAGAIN;
	task_wait_on(t, wq, ev);
	return task_block(t, 0, intr);
}

/* The read engine: @off < 0 means the file offset. */
static long do_readv(struct task *t, int fd, const struct gio *iov, int cnt, off_t off, int rwf)
{
	struct vfs_file *f = sys_file(t, fd);
	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_WRONLY) {
		vfs_file_put(f);
		return -EBADF;
	}
	size_t total = 0;
	for (int i = 0; i < cnt; i++)
		total += iov[i].len;
	total = MIN(total, (size_t)SYS_MAX_RW_COUNT);
	char *buf = sys_bounce();
	size_t done = 0;
	long ret = 0;
	if (off >= 0 && !seekable(f))
		ret = -ESPIPE;
	while (!ret && done < total) {
		size_t chunk = MIN(total - done, (size_t)SYS_BOUNCE_SIZE);
		ssize_t n = off >= 0 ? vfs_file_pread(f, buf, chunk, off + (off_t)done)
				     : vfs_file_read(f, buf, chunk);
		if (n == -EAGAIN && !done && !(f->flags & O_NONBLOCK) && !(rwf & RWF_NOWAIT))
			return park(t, f, EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP, -ERESTARTSYS);
		if (n < 0) {
			ret = done ? 0 : n;
			break;
		}
		if (n > 0 && iov_xfer(t, iov, cnt, done, buf, (size_t)n, true)) {
			if (off < 0 && seekable(f))
				f->pos -= n;
			ret = done ? 0 : -EFAULT;
			break;
		}
		done += (size_t)n;
		if ((size_t)n < chunk || !seekable(f))
			break;
	}
	vfs_file_put(f);
	return ret ? ret : (long)done;
}

/* The write engine; see the file comment for partial writes on blocking streams. */
static long do_writev(struct task *t, int fd, const struct gio *iov, int cnt, off_t off, int rwf)
{
	struct vfs_file *f = sys_file(t, fd);
	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY) {
		vfs_file_put(f);
		return -EBADF;
	}
	size_t total = 0;
	for (int i = 0; i < cnt; i++)
		total += iov[i].len;
	total = MIN(total, (size_t)SYS_MAX_RW_COUNT);
	uint64_t *scratch = task_call_scratch(t);
	size_t done = scratch[0];
	char *buf = sys_bounce();
	long ret = 0;
	bool append = (rwf & RWF_APPEND) && !(f->flags & O_APPEND);
	if (off >= 0 && !seekable(f))
		ret = -ESPIPE;
	if (append)
		f->flags |= O_APPEND;
	while (!ret && (done < total || total == 0)) {
		size_t chunk = MIN(total - done, (size_t)SYS_BOUNCE_SIZE);
		if (iov_xfer(t, iov, cnt, done, buf, chunk, false)) {
			ret = done ? 0 : -EFAULT;
			break;
		}
		ssize_t n = off >= 0 ? vfs_file_pwrite(f, buf, chunk, off + (off_t)done)
				     : vfs_file_write(f, buf, chunk);
		if (n == -EAGAIN && !(f->flags & O_NONBLOCK) && !(rwf & RWF_NOWAIT)) {
			scratch[0] = done;
			if (append)
				f->flags &= ~O_APPEND;
			return park(t, f, EPOLLOUT | EPOLLERR, done ? (long)done : -ERESTARTSYS);
		}
		if (n < 0) {
			if (n == -EPIPE && !done && task_signal_self && !(f->flags & O_PATH))
				task_signal_self(t, SIGPIPE);
			ret = done ? 0 : n;
			break;
		}
		done += (size_t)n;
		if (total == 0 || (seekable(f) && (size_t)n < chunk) || (f->flags & O_NONBLOCK))
			break;
	}
	if (append)
		f->flags &= ~O_APPEND;
	vfs_file_put(f);
	return ret ? ret : (long)done;
}

static int iov_in(struct task *t, uint64_t gaddr, long cnt, struct gio *iov)
{
	if (cnt < 0 || cnt > IOV_MAX_LINUX)
		return -EINVAL;
	if (cnt && guest_copy_in(task_mem(t), iov, gaddr, (size_t)cnt * sizeof(*iov)))
		return -EFAULT;
	uint64_t sum = 0;
	for (long i = 0; i < cnt; i++) {
		if (iov[i].len > (uint64_t)SSIZE_MAX || (sum += iov[i].len) > (uint64_t)SSIZE_MAX)
			return -EINVAL;
	}
	return 0;
}

/* implements read(2) */
long sys_read(struct task *t, const struct syscall_args *a)
{
	struct gio iov = { a->a[1], a->a[2] };
	return do_readv(t, (int)a->a[0], &iov, 1, -1, 0);
}

/* implements write(2) */
long sys_write(struct task *t, const struct syscall_args *a)
{
	struct gio iov = { a->a[1], a->a[2] };
	return do_writev(t, (int)a->a[0], &iov, 1, -1, 0);
}

/* implements pread64(2) */
long sys_pread64(struct task *t, const struct syscall_args *a)
{
	struct gio iov = { a->a[1], a->a[2] };
	if ((off_t)a->a[3] < 0)
		return -EINVAL;
	return do_readv(t, (int)a->a[0], &iov, 1, (off_t)a->a[3], 0);
}

/* implements pwrite64(2) */
long sys_pwrite64(struct task *t, const struct syscall_args *a)
{
	struct gio iov = { a->a[1], a->a[2] };
	if ((off_t)a->a[3] < 0)
		return -EINVAL;
	return do_writev(t, (int)a->a[0], &iov, 1, (off_t)a->a[3], 0);
}

static long vec(struct task *t, const struct syscall_args *a, bool write, bool has_off,
		bool v2)
{
	struct gio iov[IOV_MAX_LINUX];
	int err = iov_in(t, a->a[1], (long)a->a[2], iov);
	if (err)
		return err;
	off_t off = has_off ? (off_t)a->a[3] : -1;
	int rwf = v2 ? (int)a->a[5] : 0;
	if (rwf & ~RWF_SUPPORTED)
		return -EOPNOTSUPP;
	if (has_off && off < -1)
		return -EINVAL;
	if (has_off && !v2 && off < 0)
		return -EINVAL;
	return write ? do_writev(t, (int)a->a[0], iov, (int)a->a[2], off, rwf)
		     : do_readv(t, (int)a->a[0], iov, (int)a->a[2], off, rwf);
}

/* implements readv(2) */
long sys_readv(struct task *t, const struct syscall_args *a)
{
	return vec(t, a, false, false, false);
}

/* implements writev(2) */
long sys_writev(struct task *t, const struct syscall_args *a)
{
	return vec(t, a, true, false, false);
}

/* implements preadv(2) */
long sys_preadv(struct task *t, const struct syscall_args *a)
{
	return vec(t, a, false, true, false);
}

/* implements pwritev(2) */
long sys_pwritev(struct task *t, const struct syscall_args *a)
{
	return vec(t, a, true, true, false);
}

/* implements preadv2(2) */
long sys_preadv2(struct task *t, const struct syscall_args *a)
{
	return vec(t, a, false, true, true);
}

/* implements pwritev2(2) */
long sys_pwritev2(struct task *t, const struct syscall_args *a)
{
	return vec(t, a, true, true, true);
}

/* implements sendfile(2): one bounce-buffer step per call at most */
long sys_sendfile(struct task *t, const struct syscall_args *a)
{
	struct vfs_file *out = sys_file(t, (int)a->a[0]), *in = sys_file(t, (int)a->a[1]);
	uint64_t off_gaddr = a->a[2];
	size_t count = MIN((size_t)a->a[3], (size_t)SYS_BOUNCE_SIZE);
	long ret;
	off_t off = 0;
	if (!out || !in) {
		ret = -EBADF;
		goto out;
	}
	if ((in->flags & O_ACCMODE) == O_WRONLY || (out->flags & O_ACCMODE) == O_RDONLY ||
	    (in->flags & O_PATH) || (out->flags & O_PATH)) {
		ret = -EBADF;
		goto out;
	}
	if (out->flags & O_APPEND) {
		ret = -EINVAL;
		goto out;
	}
	if (off_gaddr) {
		if (guest_copy_in(task_mem(t), &off, off_gaddr, sizeof(off))) {
			ret = -EFAULT;
			goto out;
		}
		if (off < 0) {
			ret = -EINVAL;
			goto out;
		}
	}
	char *buf = sys_bounce();
	ssize_t n = off_gaddr ? vfs_file_pread(in, buf, count, off) : vfs_file_read(in, buf, count);
	if (n == -EAGAIN && !(in->flags & O_NONBLOCK)) {
		vfs_file_put(out);
		return park(t, in, EPOLLIN | EPOLLHUP | EPOLLERR, -ERESTARTSYS);
	}
	if (n <= 0) {
		ret = n;
		goto out;
	}
	ssize_t w = vfs_file_write(out, buf, (size_t)n);
	if (w == -EAGAIN && !(out->flags & O_NONBLOCK)) {
		if (!off_gaddr && seekable(in))
			in->pos -= n;
		vfs_file_put(in);
		return park(t, out, EPOLLOUT | EPOLLERR, -ERESTARTSYS);
	}
	if (w < 0) {
		if (!off_gaddr && seekable(in))
			in->pos -= n;
		if (w == -EPIPE && task_signal_self)
			task_signal_self(t, SIGPIPE);
		ret = w;
		goto out;
	}
	if (w < n && !off_gaddr && seekable(in))
		in->pos -= n - w;
	if (off_gaddr) {
		off += w;
		if (guest_copy_out(task_mem(t), off_gaddr, &off, sizeof(off))) {
			ret = -EFAULT;
			goto out;
		}
	}
	ret = w;
out:
	if (in)
		vfs_file_put(in);
	if (out)
		vfs_file_put(out);
	return ret;
}

/* implements copy_file_range(2) between regular files, through the bounce buffer */
long sys_copy_file_range(struct task *t, const struct syscall_args *a)
{
	struct vfs_file *in = sys_file(t, (int)a->a[0]), *out = sys_file(t, (int)a->a[2]);
	uint64_t offin_g = a->a[1], offout_g = a->a[3];
	size_t len = MIN((size_t)a->a[4], (size_t)SYS_BOUNCE_SIZE);
	off_t oi = 0, oo = 0;
	long ret;
	struct stat si, so;
	if (!in || !out || (in->flags & O_PATH) || (out->flags & O_PATH) ||
	    (in->flags & O_ACCMODE) == O_WRONLY || (out->flags & O_ACCMODE) == O_RDONLY ||
	    (out->flags & O_APPEND)) {
		ret = -EBADF;
		goto out;
	}
	if (a->a[5]) {
		ret = -EINVAL;
		goto out;
	}
	if (vfs_file_stat(in, &si) || vfs_file_stat(out, &so)) {
		ret = -EINVAL;
		goto out;
	}
	if (S_ISDIR(si.st_mode) || S_ISDIR(so.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (!S_ISREG(si.st_mode) || !S_ISREG(so.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((offin_g && guest_copy_in(task_mem(t), &oi, offin_g, sizeof(oi))) ||
	    (offout_g && guest_copy_in(task_mem(t), &oo, offout_g, sizeof(oo)))) {
		ret = -EFAULT;
		goto out;
	}
	/* The files' own offsets through llseek, not the cached f->pos: a host-backed file
	 * (cvisor's stdout redirected to a file) keeps its offset in the host description,
	 * shared with the sandbox's write(2)s and with cvisor's caller. */
	if (!offin_g)
		oi = vfs_file_llseek(in, 0, SEEK_CUR);
	if (!offout_g)
		oo = vfs_file_llseek(out, 0, SEEK_CUR);
	if (oi < 0 || oo < 0) {
		ret = -EINVAL;
		goto out;
	}
	if (si.st_ino == so.st_ino && si.st_dev == so.st_dev && oi < oo + (off_t)len &&
	    oo < oi + (off_t)len) {
		ret = -EINVAL;
		goto out;
	}
	char *buf = sys_bounce();
	ssize_t n = vfs_file_pread(in, buf, len, oi);
	ssize_t w = n > 0 ? vfs_file_pwrite(out, buf, (size_t)n, oo) : n;
	if (w < 0) {
		ret = w;
		goto out;
	}
	oi += w;
	oo += w;
	if (offin_g)
		guest_copy_out(task_mem(t), offin_g, &oi, sizeof(oi));
	else
		vfs_file_llseek(in, oi, SEEK_SET);
	if (offout_g)
		guest_copy_out(task_mem(t), offout_g, &oo, sizeof(oo));
	else
		vfs_file_llseek(out, oo, SEEK_SET);
	ret = w;
out:
	if (in)
		vfs_file_put(in);
	if (out)
		vfs_file_put(out);
	return ret;
}
