/* sentry/syscalls/sys_file.c - opening and closing: open(2), openat(2), openat2(2),
 * creat(2), close(2), close_range(2), lseek(2), memfd_create(2).
 * Thin wrappers: the VFS (vfs/open.c) does the work; this file owns the guest-memory
 * copies and the parking of blocking fifo opens. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include "sentry/syscalls/sys_vfs.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void *sys_bounce(void)
{
	static char *buf;
	if (!buf)
		buf = malloc(SYS_BOUNCE_SIZE);
	return buf;
}

static long do_open(struct task *t, int dirfd, uint64_t path_gaddr, int flags, mode_t mode,
		    uint64_t resolve)
{
	char path[SYS_PATH_MAX];
	int err = sys_path_in(t, path_gaddr, path);
	if (err)
		return err;
	struct vfs_ctx c;
	struct vfs_file *f;
	struct waitq *wait = NULL;
	sys_ctx(t, &c);
	if (!(flags & O_PATH))
		flags |= O_LARGEFILE;
	err = vfs_openat(&c, dirfd, path, flags, mode, resolve, &f, &wait);
	if (err == -EAGAIN && wait) {
		task_wait_on(t, wait, EPOLLIN);
		return task_block(t, 0, -ERESTARTSYS);
	}
	if (err)
		return err;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, flags & O_CLOEXEC);
	vfs_file_put(f);
	return fd;
}

/* implements open(2) */
long sys_open(struct task *t, const struct syscall_args *a)
{
	return do_open(t, AT_FDCWD, a->a[0], (int)a->a[1], (mode_t)a->a[2], 0);
}

/* implements openat(2) */
long sys_openat(struct task *t, const struct syscall_args *a)
{
	return do_open(t, (int)a->a[0], a->a[1], (int)a->a[2], (mode_t)a->a[3], 0);
}

/* implements creat(2) */
long sys_creat(struct task *t, const struct syscall_args *a)
{
	return do_open(t, AT_FDCWD, a->a[0], O_CREAT | O_WRONLY | O_TRUNC, (mode_t)a->a[1], 0);
}

/* implements openat2(2) */
long sys_openat2(struct task *t, const struct syscall_args *a)
{
	struct open_how how = { 0 };
	size_t size = a->a[3];
	if (size < sizeof(how))
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	if (guest_copy_in(task_mem(t), &how, a->a[2], sizeof(how)))
		return -EFAULT;
	for (size_t off = sizeof(how); off < size; off++) {
		char b;
		if (guest_copy_in(task_mem(t), &b, a->a[2] + off, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	const uint64_t known = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |
			       O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE |
			       O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH |
			       O_TMPFILE;
	if (how.flags & ~known)
		return -EINVAL;
	if (how.resolve & ~(uint64_t)(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS |
				      RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_IN_ROOT |
				      RESOLVE_CACHED))
		return -EINVAL;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if (how.mode & ~07777ULL)
		return -EINVAL;
	if (how.mode && !(how.flags & O_CREAT) && (how.flags & O_TMPFILE) != O_TMPFILE)
		return -EINVAL;
	if ((how.flags & O_PATH) && (how.flags & ~(uint64_t)(O_PATH | O_DIRECTORY | O_NOFOLLOW |
							     O_CLOEXEC)))
		return -EINVAL;
	if (how.resolve & RESOLVE_CACHED)
		return -EAGAIN;
	return do_open(t, (int)a->a[0], a->a[1], (int)how.flags, (mode_t)how.mode, how.resolve);
}

/* implements close(2) */
long sys_close(struct task *t, const struct syscall_args *a)
{
	return vfs_fdtable_close(task_fdt(t), (int)a->a[0]);
}

/* implements close_range(2); CLOSE_RANGE_UNSHARE acts on the current table */
long sys_close_range(struct task *t, const struct syscall_args *a)
{
	unsigned first = (unsigned)a->a[0], last = (unsigned)a->a[1];
	unsigned flags = (unsigned)a->a[2];
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	struct vfs_fdtable *fdt = task_fdt(t);
	unsigned size = vfs_fdtable_size(fdt);
	for (unsigned fd = first; fd <= last && fd < size; fd++) {
		if (flags & CLOSE_RANGE_CLOEXEC) {
			if (vfs_fdtable_get_flags(fdt, (int)fd) >= 0)
				vfs_fdtable_set_flags(fdt, (int)fd, FD_CLOEXEC);
		} else {
			vfs_fdtable_close(fdt, (int)fd);
		}
	}
	return 0;
}

/* implements lseek(2) */
long sys_lseek(struct task *t, const struct syscall_args *a)
{
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	off_t r = vfs_file_llseek(f, (off_t)a->a[1], (int)a->a[2]);
	vfs_file_put(f);
	return r;
}

/* implements memfd_create(2); MFD_ALLOW_SEALING enables fcntl(F_ADD_SEALS) */
long sys_memfd_create(struct task *t, const struct syscall_args *a)
{
	char name[256];
	unsigned flags = (unsigned)a->a[1];
	if (flags & ~(unsigned)(MFD_CLOEXEC | MFD_ALLOW_SEALING | 0x8U /* NOEXEC_SEAL */ |
				0x10U /* EXEC */))
		return -EINVAL;
	long n = guest_strncpy_in(task_mem(t), name, a->a[0], 250);
	if (n == -ENAMETOOLONG)
		return -EINVAL;
	if (n < 0)
		return n;
	struct vfs_file *f;
	int err = vfs_memfd_create(name, flags, &f);
	if (err)
		return err;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, flags & MFD_CLOEXEC);
	vfs_file_put(f);
	return fd;
}
