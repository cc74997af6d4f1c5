/* sentry/syscalls/sys_dir.c - names and directories: mkdir(2), mkdirat(2), mknod(2),
 * mknodat(2), rmdir(2), unlink(2), unlinkat(2), rename(2), renameat(2), renameat2(2),
 * link(2), linkat(2), symlink(2), symlinkat(2), readlink(2), readlinkat(2),
 * getdents(2), getdents64(2), chdir(2), fchdir(2), getcwd(2), chroot(2). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "sentry/syscalls/sys_vfs.h"

#define PATH1(t, g, buf)                                                                           \
	do {                                                                                       \
		int err_ = sys_path_in((t), (g), (buf));                                           \
		if (err_)                                                                          \
			return err_;                                                               \
	} while (0)

static long do_mkdir(struct task *t, int dirfd, uint64_t g, mode_t mode)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	PATH1(t, g, path);
	sys_ctx(t, &c);
	return vfs_mkdirat(&c, dirfd, path, mode);
}

/* implements mkdir(2) */
long sys_mkdir(struct task *t, const struct syscall_args *a)
{
	return do_mkdir(t, AT_FDCWD, a->a[0], (mode_t)a->a[1]);
}

/* implements mkdirat(2) */
long sys_mkdirat(struct task *t, const struct syscall_args *a)
{
	return do_mkdir(t, (int)a->a[0], a->a[1], (mode_t)a->a[2]);
}

static long do_mknod(struct task *t, int dirfd, uint64_t g, mode_t mode, dev_t dev)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	PATH1(t, g, path);
	sys_ctx(t, &c);
	return vfs_mknodat(&c, dirfd, path, mode, dev);
}

/* implements mknod(2) */
long sys_mknod(struct task *t, const struct syscall_args *a)
{
	return do_mknod(t, AT_FDCWD, a->a[0], (mode_t)a->a[1], (dev_t)(unsigned)a->a[2]);
}

/* implements mknodat(2) */
long sys_mknodat(struct task *t, const struct syscall_args *a)
{
	return do_mknod(t, (int)a->a[0], a->a[1], (mode_t)a->a[2], (dev_t)(unsigned)a->a[3]);
}

static long do_unlink(struct task *t, int dirfd, uint64_t g, int flags)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	PATH1(t, g, path);
	sys_ctx(t, &c);
	return vfs_unlinkat(&c, dirfd, path, flags);
}

/* implements rmdir(2) */
long sys_rmdir(struct task *t, const struct syscall_args *a)
{
	return do_unlink(t, AT_FDCWD, a->a[0], AT_REMOVEDIR);
}

/* implements unlink(2) */
long sys_unlink(struct task *t, const struct syscall_args *a)
{
	return do_unlink(t, AT_FDCWD, a->a[0], 0);
}

/* implements unlinkat(2) */
long sys_unlinkat(struct task *t, const struct syscall_args *a)
{
	return do_unlink(t, (int)a->a[0], a->a[1], (int)a->a[2]);
}

static long do_rename(struct task *t, int ofd, uint64_t og, int nfd, uint64_t ng, unsigned flags)
{
	char op[SYS_PATH_MAX], np[SYS_PATH_MAX];
	struct vfs_ctx c;
	PATH1(t, og, op);
	PATH1(t, ng, np);
	sys_ctx(t, &c);
	return vfs_renameat2(&c, ofd, op, nfd, np, flags);
}

/* implements rename(2) */
long sys_rename(struct task *t, const struct syscall_args *a)
{
	return do_rename(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

/* implements renameat(2) */
long sys_renameat(struct task *t, const struct syscall_args *a)
{
	return do_rename(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], 0);
}

/* implements renameat2(2): RENAME_NOREPLACE and RENAME_EXCHANGE (no RENAME_WHITEOUT) */
long sys_renameat2(struct task *t, const struct syscall_args *a)
{
	return do_rename(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], (unsigned)a->a[4]);
}

static long do_link(struct task *t, int ofd, uint64_t og, int nfd, uint64_t ng, int flags)
{
	char op[SYS_PATH_MAX], np[SYS_PATH_MAX];
	struct vfs_ctx c;
	PATH1(t, og, op);
	PATH1(t, ng, np);
	sys_ctx(t, &c);
	return vfs_linkat(&c, ofd, op, nfd, np, flags);
}

/* implements link(2) */
long sys_link(struct task *t, const struct syscall_args *a)
{
	return do_link(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

/* implements linkat(2) */
long sys_linkat(struct task *t, const struct syscall_args *a)
{
	return do_link(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], (int)a->a[4]);
}

static long do_symlink(struct task *t, uint64_t tg, int dirfd, uint64_t g)
{
	char target[SYS_PATH_MAX], path[SYS_PATH_MAX];
	struct vfs_ctx c;
	PATH1(t, tg, target);
	PATH1(t, g, path);
	sys_ctx(t, &c);
	return vfs_symlinkat(&c, target, dirfd, path);
}

/* implements symlink(2) */
long sys_symlink(struct task *t, const struct syscall_args *a)
{
	return do_symlink(t, a->a[0], AT_FDCWD, a->a[1]);
}

/* implements symlinkat(2) */
long sys_symlinkat(struct task *t, const struct syscall_args *a)
{
	return do_symlink(t, a->a[0], (int)a->a[1], a->a[2]);
}

static long do_readlink(struct task *t, int dirfd, uint64_t g, uint64_t buf_gaddr, long size)
{
	char path[SYS_PATH_MAX], buf[SYS_PATH_MAX];
	struct vfs_ctx c;
	if (size <= 0)
		return -EINVAL;
	PATH1(t, g, path);
	sys_ctx(t, &c);
	ssize_t n = vfs_readlinkat(&c, dirfd, path, buf, MIN((size_t)size, sizeof(buf)));
	if (n < 0)
		return n;
	return guest_copy_out(task_mem(t), buf_gaddr, buf, (size_t)n) ?: n;
}

/* implements readlink(2) */
long sys_readlink(struct task *t, const struct syscall_args *a)
{
	return do_readlink(t, AT_FDCWD, a->a[0], a->a[1], (long)a->a[2]);
}

/* implements readlinkat(2) */
long sys_readlinkat(struct task *t, const struct syscall_args *a)
{
	return do_readlink(t, (int)a->a[0], a->a[1], a->a[2], (long)a->a[3]);
}

static long do_getdents(struct task *t, const struct syscall_args *a, bool legacy)
{
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	size_t len = MIN((size_t)(unsigned)a->a[2], (size_t)SYS_BOUNCE_SIZE);
	if (!f)
		return -EBADF;
	char *buf = sys_bounce();
	off_t pos = f->pos;
	ssize_t n = vfs_file_getdents64(f, buf, len);
	vfs_file_put(f);
	if (n <= 0)
		return n;
	if (legacy) {
		/* linux_dirent: ino, off, reclen, name, NUL, type: the same size as a
		 * linux_dirent64 record, so it is rewritten in place */
		for (ssize_t o = 0; o < n;) {
			char *r = buf + o;
			uint16_t reclen;
			memcpy(&reclen, r + 16, 2);
			char type = r[18];
			size_t namelen = strlen(r + 19);
			memmove(r + 18, r + 19, namelen + 1);
			r[reclen - 1] = type;
			o += reclen;
		}
	}
	if (guest_copy_out(task_mem(t), a->a[1], buf, (size_t)n)) {
		f = sys_file(t, (int)a->a[0]);
		if (f) {
			f->pos = pos;
			vfs_file_put(f);
		}
		return -EFAULT;
	}
	return n;
}

/* implements getdents64(2) */
long sys_getdents64(struct task *t, const struct syscall_args *a)
{
	return do_getdents(t, a, false);
}

/* implements getdents(2) */
long sys_getdents(struct task *t, const struct syscall_args *a)
{
	return do_getdents(t, a, true);
}

/* implements chdir(2) */
long sys_chdir(struct task *t, const struct syscall_args *a)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	PATH1(t, a->a[0], path);
	sys_ctx(t, &c);
	return vfs_chdir(&c, path);
}

/* implements fchdir(2) */
long sys_fchdir(struct task *t, const struct syscall_args *a)
{
	struct vfs_ctx c;
	sys_ctx(t, &c);
	return vfs_fchdir(&c, (int)a->a[0]);
}

/* implements chroot(2) */
long sys_chroot(struct task *t, const struct syscall_args *a)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	PATH1(t, a->a[0], path);
	sys_ctx(t, &c);
	return vfs_chroot(&c, path);
}

/* implements getcwd(2): returns the length including the NUL */
long sys_getcwd(struct task *t, const struct syscall_args *a)
{
	char buf[SYS_PATH_MAX + 16];
	struct vfs_ctx c;
	size_t size = (size_t)a->a[1];
	sys_ctx(t, &c);
	int n = vfs_getcwd(&c, buf, sizeof(buf));
	if (n < 0)
		return n;
	if ((size_t)n > size)
		return -ERANGE;
	return guest_copy_out(task_mem(t), a->a[0], buf, (size_t)n) ?: n;
}
