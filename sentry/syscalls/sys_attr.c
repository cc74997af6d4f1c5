/* sentry/syscalls/sys_attr.c - attributes in: chmod(2), fchmod(2), fchmodat(2), chown(2),
 * fchown(2), lchown(2), fchownat(2), utimensat(2), utimes(2), utime(2), futimesat(2),
 * truncate(2), ftruncate(2), fallocate(2), umask(2), fsync(2), fdatasync(2), sync(2),
 * syncfs(2). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/time.h>
#include <utime.h>
#include "sentry/nsproxy.h"
#include "sentry/syscalls/sys_vfs.h"
#include "vfs/internal.h"

static long attr_path(struct task *t, uint64_t g, char *path, struct vfs_ctx *c)
{
	sys_ctx(t, c);
	return sys_path_in(t, g, path);
}

/* implements chmod(2) */
long sys_chmod(struct task *t, const struct syscall_args *a)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	long err = attr_path(t, a->a[0], path, &c);
	return err ? err : vfs_chmodat(&c, AT_FDCWD, path, (mode_t)a->a[1], 0);
}

/* implements fchmodat(2) (no flags argument) */
long sys_fchmodat(struct task *t, const struct syscall_args *a)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	long err = attr_path(t, a->a[1], path, &c);
	return err ? err : vfs_chmodat(&c, (int)a->a[0], path, (mode_t)a->a[2], 0);
}

/* implements fchmod(2) */
long sys_fchmod(struct task *t, const struct syscall_args *a)
{
	struct vfs_ctx c;
	sys_ctx(t, &c);
	return vfs_chmodat(&c, (int)a->a[0], NULL, (mode_t)a->a[1], 0);
}

/* Ids are the caller's user namespace's (sentry/userns.c): unmapped ones are EINVAL. */
static long do_chown(struct task *t, int dirfd, uint64_t g, uint64_t uid, uint64_t gid, int flags)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	uint32_t ku = (uint32_t)uid, kg = (uint32_t)gid;
	if (task_ids_from_user(t, &ku, &kg))
		return -EINVAL;
	long err = attr_path(t, g, path, &c);
	return err ? err : vfs_chownat(&c, dirfd, path, ku, kg, flags);
}

/* implements chown(2) */
long sys_chown(struct task *t, const struct syscall_args *a)
{
	return do_chown(t, AT_FDCWD, a->a[0], a->a[1], a->a[2], 0);
}

/* implements lchown(2) */
long sys_lchown(struct task *t, const struct syscall_args *a)
{
	return do_chown(t, AT_FDCWD, a->a[0], a->a[1], a->a[2], AT_SYMLINK_NOFOLLOW);
}

/* implements fchownat(2) */
long sys_fchownat(struct task *t, const struct syscall_args *a)
{
	return do_chown(t, (int)a->a[0], a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

/* implements fchown(2) */
long sys_fchown(struct task *t, const struct syscall_args *a)
{
	struct vfs_ctx c;
	uint32_t ku = (uint32_t)a->a[1], kg = (uint32_t)a->a[2];
	if (task_ids_from_user(t, &ku, &kg))
		return -EINVAL;
	sys_ctx(t, &c);
	return vfs_chownat(&c, (int)a->a[0], NULL, ku, kg, 0);
}

static long do_utimens(struct task *t, int dirfd, uint64_t g, const struct timespec *ts,
		       int flags)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	sys_ctx(t, &c);
	if (!g) {
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		return vfs_utimensat(&c, dirfd, NULL, ts, 0);
	}
	long err = sys_path_in(t, g, path);
	return err ? err : vfs_utimensat(&c, dirfd, path, ts, flags);
}

/* implements utimensat(2); a NULL path names the file @dirfd */
long sys_utimensat(struct task *t, const struct syscall_args *a)
{
	struct timespec ts[2];
	if (a->a[2] && guest_copy_in(task_mem(t), ts, a->a[2], sizeof(ts)))
		return -EFAULT;
	return do_utimens(t, (int)a->a[0], a->a[1], a->a[2] ? ts : NULL, (int)a->a[3]);
}

static long do_utimes(struct task *t, int dirfd, uint64_t g, uint64_t tv_gaddr)
{
	struct timeval tv[2];
	struct timespec ts[2];
	if (!tv_gaddr)
		return do_utimens(t, dirfd, g, NULL, 0);
	if (guest_copy_in(task_mem(t), tv, tv_gaddr, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return do_utimens(t, dirfd, g, ts, 0);
}

/* implements utimes(2) */
long sys_utimes(struct task *t, const struct syscall_args *a)
{
	return do_utimes(t, AT_FDCWD, a->a[0], a->a[1]);
}

/* implements futimesat(2) */
long sys_futimesat(struct task *t, const struct syscall_args *a)
{
	return do_utimes(t, (int)a->a[0], a->a[1], a->a[2]);
}

/* implements utime(2) */
long sys_utime(struct task *t, const struct syscall_args *a)
{
	struct utimbuf ub;
	struct timespec ts[2];
	if (!a->a[1])
		return do_utimens(t, AT_FDCWD, a->a[0], NULL, 0);
	if (guest_copy_in(task_mem(t), &ub, a->a[1], sizeof(ub)))
		return -EFAULT;
	ts[0] = (struct timespec){ ub.actime, 0 };
	ts[1] = (struct timespec){ ub.modtime, 0 };
	return do_utimens(t, AT_FDCWD, a->a[0], ts, 0);
}

/* implements truncate(2) */
long sys_truncate(struct task *t, const struct syscall_args *a)
{
	char path[SYS_PATH_MAX];
	struct vfs_ctx c;
	long err = attr_path(t, a->a[0], path, &c);
	return err ? err : vfs_truncate_path(&c, path, (off_t)a->a[1]);
}

/* implements ftruncate(2) */
long sys_ftruncate(struct task *t, const struct syscall_args *a)
{
	struct vfs_ctx c;
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	sys_ctx(t, &c);
	int err = vfs_file_truncate(&c, f, (off_t)a->a[1]);
	vfs_file_put(f);
	return err;
}

/* implements fallocate(2): modes 0, KEEP_SIZE, PUNCH_HOLE, ZERO_RANGE (tmpfs) or the
 * host's (hostfs) */
long sys_fallocate(struct task *t, const struct syscall_args *a)
{
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	int err = vfs_file_fallocate(f, (int)a->a[1], (off_t)a->a[2], (off_t)a->a[3]);
	vfs_file_put(f);
	return err;
}

/* implements umask(2) */
long sys_umask(struct task *t, const struct syscall_args *a)
{
	struct vfs_fs_ctx *fs = task_fs(t);
	mode_t old = fs->umask;
	fs->umask = (mode_t)a->a[0] & 0777;
	return old;
}

static long do_fsync(struct task *t, int fd, bool datasync)
{
	struct vfs_file *f = sys_file(t, fd);
	if (!f)
		return -EBADF;
	int err = vfs_file_fsync(f, datasync);
	vfs_file_put(f);
	return err;
}

/* implements fsync(2) */
long sys_fsync(struct task *t, const struct syscall_args *a)
{
	return do_fsync(t, (int)a->a[0], false);
}

/* implements fdatasync(2) */
long sys_fdatasync(struct task *t, const struct syscall_args *a)
{
	return do_fsync(t, (int)a->a[0], true);
}

/* implements sync(2): nothing is cached above the host */
long sys_sync(struct task *t, const struct syscall_args *a)
{
	return 0;
}

/* implements syncfs(2) */
long sys_syncfs(struct task *t, const struct syscall_args *a)
{
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	vfs_file_put(f);
	return 0;
}
