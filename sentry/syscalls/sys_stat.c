/* sentry/syscalls/sys_stat.c - attributes out: stat(2), fstat(2), lstat(2),
 * newfstatat(2), statx(2), statfs(2), fstatfs(2), access(2), faccessat(2), faccessat2(2). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include "sentry/nsproxy.h"
#include "sentry/syscalls/sys_vfs.h"

#ifndef AT_STATX_SYNC_TYPE
#define AT_STATX_SYNC_TYPE 0x6000
#endif

/* Copies a path that may be NULL with AT_EMPTY_PATH (Linux 6.11). */
static int path_or_empty(struct task *t, uint64_t gaddr, int flags, char *buf)
{
	if (!gaddr && (flags & AT_EMPTY_PATH)) {
		buf[0] = 0;
		return 0;
	}
	return sys_path_in(t, gaddr, buf);
}

static long stat_out(struct task *t, int dirfd, uint64_t path_gaddr, int flags, uint64_t st_gaddr)
{
	char path[SYS_PATH_MAX];
	struct stat st;
	struct vfs_ctx c;
	int err = path_or_empty(t, path_gaddr, flags, path);
	if (err)
		return err;
	sys_ctx(t, &c);
	err = vfs_statat(&c, dirfd, path, flags, &st);
	if (err)
		return err;
	task_stat_ids(t, &st); /* the owner as the caller's user namespace sees it */
	return guest_copy_out(task_mem(t), st_gaddr, &st, sizeof(st));
}

/* implements stat(2) */
long sys_stat(struct task *t, const struct syscall_args *a)
{
	return stat_out(t, AT_FDCWD, a->a[0], 0, a->a[1]);
}

/* implements lstat(2) */
long sys_lstat(struct task *t, const struct syscall_args *a)
{
	return stat_out(t, AT_FDCWD, a->a[0], AT_SYMLINK_NOFOLLOW, a->a[1]);
}

/* implements newfstatat(2) */
long sys_newfstatat(struct task *t, const struct syscall_args *a)
{
	return stat_out(t, (int)a->a[0], a->a[1], (int)a->a[3], a->a[2]);
}

/* implements fstat(2) */
long sys_fstat(struct task *t, const struct syscall_args *a)
{
	struct stat st;
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	int err = vfs_file_stat(f, &st);
	vfs_file_put(f);
	if (err)
		return err;
	task_stat_ids(t, &st);
	return guest_copy_out(task_mem(t), a->a[1], &st, sizeof(st));
}

/* implements statx(2): the basic fields; no btime, mount id or attributes */
long sys_statx(struct task *t, const struct syscall_args *a)
{
	int dirfd = (int)a->a[0], flags = (int)a->a[2];
	unsigned mask = (unsigned)a->a[3];
	char path[SYS_PATH_MAX];
	struct stat st;
	struct statx sx;
	struct vfs_ctx c;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & 0x80000000U)
		return -EINVAL;
	int err = path_or_empty(t, a->a[1], flags, path);
	if (err)
		return err;
	sys_ctx(t, &c);
	err = vfs_statat(&c, dirfd, path, flags & ~AT_STATX_SYNC_TYPE, &st);
	if (err)
		return err;
	task_stat_ids(t, &st);
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = (uint32_t)st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime.tv_sec = st.st_atim.tv_sec;
	sx.stx_atime.tv_nsec = (uint32_t)st.st_atim.tv_nsec;
	sx.stx_mtime.tv_sec = st.st_mtim.tv_sec;
	sx.stx_mtime.tv_nsec = (uint32_t)st.st_mtim.tv_nsec;
	sx.stx_ctime.tv_sec = st.st_ctim.tv_sec;
	sx.stx_ctime.tv_nsec = (uint32_t)st.st_ctim.tv_nsec;
	sx.stx_rdev_major = major(st.st_rdev);
	sx.stx_rdev_minor = minor(st.st_rdev);
	sx.stx_dev_major = major(st.st_dev);
	sx.stx_dev_minor = minor(st.st_dev);
	return guest_copy_out(task_mem(t), a->a[4], &sx, sizeof(sx));
}

/* implements statfs(2) */
long sys_statfs(struct task *t, const struct syscall_args *a)
{
	char path[SYS_PATH_MAX];
	struct statfs sf;
	struct vfs_ctx c;
	int err = sys_path_in(t, a->a[0], path);
	if (err)
		return err;
	sys_ctx(t, &c);
	err = vfs_statfsat(&c, AT_FDCWD, path, 0, &sf);
	if (err)
		return err;
	return guest_copy_out(task_mem(t), a->a[1], &sf, sizeof(sf));
}

/* implements fstatfs(2) */
long sys_fstatfs(struct task *t, const struct syscall_args *a)
{
	struct statfs sf;
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	int err = vfs_file_statfs(f, &sf);
	vfs_file_put(f);
	if (err)
		return err;
	return guest_copy_out(task_mem(t), a->a[1], &sf, sizeof(sf));
}

static long do_access(struct task *t, int dirfd, uint64_t path_gaddr, int mode, int flags)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	int err = sys_path_in(t, path_gaddr, path);
	if (err)
		return err;
	sys_ctx(t, &c);
	return vfs_accessat(&c, dirfd, path, mode, flags);
}

/* implements access(2) */
long sys_access(struct task *t, const struct syscall_args *a)
{
	return do_access(t, AT_FDCWD, a->a[0], (int)a->a[1], 0);
}

/* implements faccessat(2) (the syscall has no flags argument) */
long sys_faccessat(struct task *t, const struct syscall_args *a)
{
	return do_access(t, (int)a->a[0], a->a[1], (int)a->a[2], 0);
}

/* implements faccessat2(2) */
long sys_faccessat2(struct task *t, const struct syscall_args *a)
{
	return do_access(t, (int)a->a[0], a->a[1], (int)a->a[2], (int)a->a[3]);
}
