/* sentry/syscalls/sys_fd.c - descriptors and their flags: dup(2), dup2(2), dup3(2),
 * fcntl(2), flock(2), sync_file_range(2), ioctl(2) (the generic requests; the rest goes to the file).
 * Record locks live in vfs/lock.c; a blocking lock request parks on the inode's lock
 * queue and re-runs. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include "sentry/syscalls/sys_vfs.h"
#include "vfs/internal.h"
#include "vfs/lock.h"
#include "vfs/pipe.h"

/* implements dup(2) */
long sys_dup(struct task *t, const struct syscall_args *a)
{
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, false);
	vfs_file_put(f);
	return fd;
}

static long do_dup3(struct task *t, int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	struct vfs_file *f = sys_file(t, oldfd);
	if (!f)
		return -EBADF;
	long r = oldfd == newfd ? -EINVAL
				: vfs_fdtable_replace(task_fdt(t), newfd, f, flags & O_CLOEXEC);
	vfs_file_put(f);
	return r;
}

/* implements dup2(2) */
long sys_dup2(struct task *t, const struct syscall_args *a)
{
	int oldfd = (int)a->a[0], newfd = (int)a->a[1];
	if (oldfd == newfd) {
		struct vfs_file *f = sys_file(t, oldfd);
		if (!f)
			return -EBADF;
		vfs_file_put(f);
		return newfd;
	}
	return do_dup3(t, oldfd, newfd, 0);
}

/* implements dup3(2) */
long sys_dup3(struct task *t, const struct syscall_args *a)
{
	return do_dup3(t, (int)a->a[0], (int)a->a[1], (int)a->a[2]);
}

struct kflock {
	short l_type, l_whence;
	int64_t l_start, l_len;
	int l_pid;
	int pad;
};

/* Turns a struct flock into an absolute inclusive range. */
static int lock_range(struct vfs_file *f, const struct kflock *fl, struct vfs_lock_req *r)
{
	off_t base;
	struct stat st;
	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		if (vfs_file_stat(f, &st))
			return -EINVAL;
		base = st.st_size;
		break;
	default:
		return -EINVAL;
	}
	off_t start = base + fl->l_start;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		r->start = start;
		r->end = start + fl->l_len - 1;
	} else if (fl->l_len == 0) {
		r->start = start;
		r->end = VFS_LOCK_EOF;
	} else {
		if (start + fl->l_len < 0)
			return -EINVAL;
		r->start = start + fl->l_len;
		r->end = start - 1;
	}
	r->type = fl->l_type;
	return 0;
}

static long do_lock(struct task *t, struct vfs_file *f, int cmd, uint64_t arg)
{
	struct kflock fl;
	struct vfs_lock_req r;
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	struct vfs_inode *inode = vfs_file_inode(f);
	if (!inode || (f->flags & O_PATH))
		return -EBADF;
	if (guest_copy_in(task_mem(t), &fl, arg, sizeof(fl)))
		return -EFAULT;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
		return -EINVAL;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	int err = lock_range(f, &fl, &r);
	if (err)
		return err;
	r.pid = task_vpid(t);
	void *owner = ofd ? (void *)f : (void *)task_fdt(t);
	int kind = ofd ? VFS_LOCK_OFD : VFS_LOCK_POSIX;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (fl.l_type == F_UNLCK)
			return -EINVAL;
		vfs_lock_test(inode, owner, kind, &r);
		fl.l_type = (short)r.type;
		if (r.type != F_UNLCK) {
			fl.l_whence = SEEK_SET;
			fl.l_start = r.start;
			fl.l_len = r.end == VFS_LOCK_EOF ? 0 : r.end - r.start + 1;
			fl.l_pid = r.pid;
		}
		return guest_copy_out(task_mem(t), arg, &fl, sizeof(fl));
	}
	int acc = f->flags & O_ACCMODE;
	if ((fl.l_type == F_RDLCK && acc == O_WRONLY) || (fl.l_type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	err = vfs_lock_set(inode, owner, kind, &r);
	if (err == -EAGAIN && (cmd == F_SETLKW || cmd == F_OFD_SETLKW)) {
		task_wait_on(t, vfs_lock_waitq(inode), EPOLLIN);
		return task_block(t, 0, -ERESTARTSYS);
	}
	return err;
}

/* implements fcntl(2); F_SETOWN/F_SETSIG are accepted and ignored; seals on memfd/tmpfs */
long sys_fcntl(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0], cmd = (int)a->a[1];
	uint64_t arg = a->a[2];
	struct vfs_fdtable *fdt = task_fdt(t);
	struct vfs_file *f = sys_file(t, fd);
	long r;
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		r = (int)arg < 0 || arg >= vfs_fdtable_limit(fdt)
			    ? -EINVAL
			    : vfs_fdtable_install(fdt, f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		r = vfs_fdtable_get_flags(fdt, fd);
		break;
	case F_SETFD:
		r = vfs_fdtable_set_flags(fdt, fd, (int)arg);
		break;
	case F_GETFL:
		r = f->flags;
		break;
	case F_SETFL:
		r = (f->flags & O_PATH) ? -EBADF : vfs_file_setfl(f, (int)arg);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = do_lock(t, f, cmd, arg);
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		r = vfs_pipe_fcntl(f, cmd, arg);
		break;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		r = vfs_file_seals(f, cmd == F_ADD_SEALS, (unsigned)arg);
		break;
	case F_GETOWN:
	case F_GETSIG:
		r = 0;
		break;
	case F_SETOWN:
	case F_SETSIG:
		r = 0;
		break;
	default:
		r = -EINVAL;
	}
	vfs_file_put(f);
	return r;
}

/* implements sync_file_range(2): Linux's argument checks, then an fdatasync of the whole
 * file (nothing is cached above the host, so the range and the WAIT_* flags add nothing) */
long sys_sync_file_range(struct task *t, const struct syscall_args *a)
{
	int64_t off = (int64_t)a->a[1], nbytes = (int64_t)a->a[2];
	unsigned flags = (unsigned)a->a[3];
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	long r = 0;
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH) {
		r = -EBADF;
	} else if ((flags & ~(unsigned)(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
					  SYNC_FILE_RANGE_WAIT_AFTER)) ||
		   off < 0 || nbytes < 0 || off > INT64_MAX - nbytes) {
		r = -EINVAL;
	} else {
		struct vfs_inode *inode = vfs_file_inode(f);
		mode_t m = inode ? inode->mode : 0;
		if (!S_ISREG(m) && !S_ISBLK(m) && !S_ISDIR(m) && !S_ISLNK(m))
			r = -ESPIPE;
		else if (flags)
			r = vfs_file_fsync(f, true);
	}
	vfs_file_put(f);
	return r;
}

/* implements flock(2) */
long sys_flock(struct task *t, const struct syscall_args *a)
{
	int op = (int)a->a[1];
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	struct vfs_inode *inode = vfs_file_inode(f);
	long r;
	struct vfs_lock_req req = { .start = 0, .end = VFS_LOCK_EOF, .pid = task_vpid(t) };
	switch (op & ~LOCK_NB) {
	case LOCK_SH:
		req.type = F_RDLCK;
		break;
	case LOCK_EX:
		req.type = F_WRLCK;
		break;
	case LOCK_UN:
		req.type = F_UNLCK;
		break;
	default:
		vfs_file_put(f);
		return -EINVAL;
	}
	if (!inode || (f->flags & O_PATH)) {
		vfs_file_put(f);
		return -EBADF;
	}
	r = vfs_lock_set(inode, f, VFS_LOCK_FLOCK, &req);
	if (r == -EAGAIN && !(op & LOCK_NB)) {
		task_wait_on(t, vfs_lock_waitq(inode), EPOLLIN);
		r = task_block(t, 0, -ERESTARTSYS);
	} else if (r == -EAGAIN) {
		r = -EWOULDBLOCK;
	}
	vfs_file_put(f);
	return r;
}

/* implements ioctl(2): FIONBIO, FIOASYNC, FIOCLEX, FIONCLEX, FIONREAD here, then the
 * file's own ->ioctl, else ENOTTY */
long sys_ioctl(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0];
	unsigned cmd = (unsigned)a->a[1];
	uint64_t arg = a->a[2];
	struct vfs_file *f = sys_file(t, fd);
	long r;
	int v;
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH) {
		vfs_file_put(f);
		return -EBADF;
	}
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = vfs_fdtable_set_flags(task_fdt(t), fd, cmd == FIOCLEX ? FD_CLOEXEC : 0);
		break;
	case FIONBIO:
	case FIOASYNC:
		r = guest_copy_in(task_mem(t), &v, arg, sizeof(v));
		if (!r) {
			int bit = cmd == FIONBIO ? O_NONBLOCK : O_ASYNC;
			r = vfs_file_setfl(f, v ? (f->flags | bit) : (f->flags & ~bit));
		}
		break;
	default:
		if (f->ops && f->ops->ioctl) {
			struct vfs_ctx c;
			sys_ctx(t, &c);
			r = f->ops->ioctl(f, &c, cmd, arg);
			if (r != -ENOTTY || cmd != FIONREAD)
				break;
		}
		if (cmd == FIONREAD && vfs_file_inode(f) && S_ISREG(vfs_file_inode(f)->mode)) {
			struct stat st;
			r = vfs_file_stat(f, &st);
			if (!r) {
				v = st.st_size > f->pos ? (int)MIN(st.st_size - f->pos, INT32_MAX) : 0;
				r = guest_copy_out(task_mem(t), arg, &v, sizeof(v));
			}
		} else {
			r = -ENOTTY;
		}
	}
	vfs_file_put(f);
	return r;
}
