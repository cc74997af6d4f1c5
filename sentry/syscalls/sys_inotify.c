/* sentry/syscalls/sys_inotify.c - inotify_init(2), inotify_init1(2),
 * inotify_add_watch(2), inotify_rm_watch(2). Instances live in vfs/inotify.c; events come
 * from the VFS core's hooks (see vfs/inotify.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include "platform/guest_mem.h"
#include "sentry/syscall.h"
#include "vfs/file.h"
#include "vfs/inotify.h"
#include "vfs/internal.h"

/* Implements inotify_init1(2). */
long sys_inotify_init1(struct task *t, const struct syscall_args *a)
{
	int flags = (int)a->a[0];
	struct vfs_file *f;
	int err = vfs_inotify_create(flags, &f);
	if (err)
		return err;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, flags & IN_CLOEXEC);
	vfs_file_put(f);
	return fd;
}

/* Implements inotify_init(2). */
long sys_inotify_init(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr };
	return sys_inotify_init1(t, &b);
}

/* Implements inotify_add_watch(2): resolves @path (following a final symlink unless
 * IN_DONT_FOLLOW; a directory with IN_ONLYDIR), needs read permission on it. */
long sys_inotify_add_watch(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0];
	uint32_t mask = (uint32_t)a->a[2];
	char path[VFS_PATH_MAX];
	long n = guest_strncpy_in(task_mem(t), path, a->a[1], sizeof(path));
	if (n < 0)
		return n;
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), fd);
	if (!f)
		return -EBADF;
	long ret = -EINVAL;
	if (!vfs_file_is_inotify(f) || !(mask & IN_ALL_EVENTS))
		goto out_put_file;
	struct vfs_ctx c;
	struct vfs_path p;
	task_vfs_ctx(t, &c);
	unsigned flags = (mask & IN_DONT_FOLLOW ? 0 : LOOKUP_FOLLOW) |
			 (mask & IN_ONLYDIR ? LOOKUP_DIRECTORY : 0);
	ret = vfs_walk(&c, AT_FDCWD, path, flags, &p, NULL);
	if (ret)
		goto out_put_file;
	ret = vfs_dentry_permission(c.cred, p.dentry, MAY_READ);
	if (!ret)
		ret = vfs_inotify_add_watch(f, p.dentry->inode, mask);
	vfs_path_put(&p);
out_put_file:
	vfs_file_put(f);
	return ret;
}

/* Implements inotify_rm_watch(2). */
long sys_inotify_rm_watch(struct task *t, const struct syscall_args *a)
{
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), (int)a->a[0]);
	if (!f)
		return -EBADF;
	long ret = vfs_inotify_rm_watch(f, (int)a->a[1]);
	vfs_file_put(f);
	return ret;
}
