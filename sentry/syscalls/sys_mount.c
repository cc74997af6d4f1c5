/* sentry/syscalls/sys_mount.c - mount(2), umount2(2), pivot_root(2): copying the app's
 * strings in and calling the VFS (vfs/mount_sys.c, vfs/mount_tree.c), which does every
 * check, in the calling task's mount namespace. Nothing here reaches the host: mounts are
 * the Sentry's own. */
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/task.h"
#include <string.h>

#define MOUNT_PAGE 4096

/* A mount(2) string (source, type): NULL stays NULL; longer than a page is EINVAL as
 * Linux's strndup_user. */
static int mount_string_in(struct task *t, uint64_t gaddr, char *buf, char **out)
{
	*out = NULL;
	if (!gaddr)
		return 0;
	long n = guest_strncpy_in(task_mem(t), buf, gaddr, MOUNT_PAGE);
	if (n < 0)
		return n == -ENAMETOOLONG ? -EINVAL : (int)n;
	*out = buf;
	return 0;
}

/* mount(2)'s data: up to a page, as much as is readable (Linux's copy_mount_options):
 * -EFAULT only when not even the first byte is. */
static int mount_data_in(struct task *t, uint64_t gaddr, char *buf, char **out)
{
	*out = NULL;
	if (!gaddr)
		return 0;
	size_t first = MOUNT_PAGE - (gaddr & (MOUNT_PAGE - 1));
	if (guest_copy_in(task_mem(t), buf, gaddr, first) < 0)
		return -EFAULT;
	if (first < MOUNT_PAGE &&
	    guest_copy_in(task_mem(t), buf + first, gaddr + first, MOUNT_PAGE - first) < 0)
		memset(buf + first, 0, MOUNT_PAGE - first);
	buf[MOUNT_PAGE - 1] = 0;
	*out = buf;
	return 0;
}

/* implements mount(2) */
long sys_mount(struct task *t, const struct syscall_args *a)
{
	static char src[MOUNT_PAGE], type[MOUNT_PAGE], data[MOUNT_PAGE];
	char target[SYS_PATH_MAX], *srcp, *typep, *datap;
	struct vfs_ctx c;
	int err = mount_string_in(t, a->a[2], type, &typep);
	if (!err)
		err = mount_string_in(t, a->a[0], src, &srcp);
	if (!err)
		err = mount_data_in(t, a->a[4], data, &datap);
	if (!err)
		err = sys_path_in(t, a->a[1], target);
	if (err)
		return err;
	sys_ctx(t, &c);
	return vfs_mount(&c, srcp, target, typep, a->a[3], datap);
}

/* implements umount2(2) */
long sys_umount2(struct task *t, const struct syscall_args *a)
{
	char target[SYS_PATH_MAX];
	struct vfs_ctx c;
	int err = sys_path_in(t, a->a[0], target);
	if (err)
		return err;
	sys_ctx(t, &c);
	return vfs_umount(&c, target, (int)a->a[1]);
}

/* implements pivot_root(2) */
long sys_pivot_root(struct task *t, const struct syscall_args *a)
{
	char new_root[SYS_PATH_MAX], put_old[SYS_PATH_MAX];
	struct vfs_ctx c;
	sys_ctx(t, &c);
	if (!(task_cred(t)->cap_effective & (1ULL << 21 /* CAP_SYS_ADMIN */)))
		return -EPERM; /* checked before the paths, as Linux */
	int err = sys_path_in(t, a->a[0], new_root);
	if (!err)
		err = sys_path_in(t, a->a[1], put_old);
	if (err)
		return err;
	return vfs_pivot_root(&c, new_root, put_old);
}
