/* sentry/syscalls/sys_xattr.c - extended attributes: getxattr(2), lgetxattr(2),
 * fgetxattr(2), setxattr(2), lsetxattr(2), fsetxattr(2), listxattr(2), llistxattr(2),
 * flistxattr(2), removexattr(2), lremovexattr(2), fremovexattr(2). */
#include <errno.h>
#include <stdlib.h>
#include "sentry/syscalls/sys_vfs.h"

#define XATTR_SIZE_MAX_LINUX 65536
#define XATTR_LIST_MAX_LINUX 65536

enum { XPATH, XLINK, XFD };

/* Copies the object (path or fd) and the attribute name in. */
static int x_in(struct task *t, int how, uint64_t obj, uint64_t name_g, char *path, char *name,
		int *fd, const char **p)
{
	if (name_g) {
		long n = guest_strncpy_in(task_mem(t), name, name_g, 256);
		if (n == -ENAMETOOLONG)
			return -ERANGE;
		if (n < 0)
			return (int)n;
	}
	if (how == XFD) {
		*fd = (int)obj;
		*p = NULL;
		return 0;
	}
	*fd = AT_FDCWD;
	*p = path;
	return sys_path_in(t, obj, path);
}

static long do_get(struct task *t, const struct syscall_args *a, int how)
{
	char path[SYS_PATH_MAX], name[256];
	const char *p;
	int fd;
	int err = x_in(t, how, a->a[0], a->a[1], path, name, &fd, &p);
	if (err)
		return err;
	size_t size = MIN((size_t)a->a[3], (size_t)XATTR_SIZE_MAX_LINUX);
	char *buf = sys_bounce();
	struct vfs_ctx c;
	sys_ctx(t, &c);
	ssize_t n = vfs_getxattr(&c, fd, p, how == XPATH, name, size ? buf : NULL, size);
	if (n > 0 && size)
		return guest_copy_out(task_mem(t), a->a[2], buf, (size_t)n) ?: n;
	return n;
}

static long do_set(struct task *t, const struct syscall_args *a, int how)
{
	char path[SYS_PATH_MAX], name[256];
	const char *p;
	int fd;
	int err = x_in(t, how, a->a[0], a->a[1], path, name, &fd, &p);
	if (err)
		return err;
	size_t size = (size_t)a->a[3];
	if (size > XATTR_SIZE_MAX_LINUX)
		return -E2BIG;
	char *buf = sys_bounce();
	if (size && guest_copy_in(task_mem(t), buf, a->a[2], size))
		return -EFAULT;
	struct vfs_ctx c;
	sys_ctx(t, &c);
	return vfs_setxattr(&c, fd, p, how == XPATH, name, buf, size, (int)a->a[4]);
}

static long do_list(struct task *t, const struct syscall_args *a, int how)
{
	char path[SYS_PATH_MAX];
	const char *p;
	int fd;
	int err = x_in(t, how, a->a[0], 0, path, NULL, &fd, &p);
	if (err)
		return err;
	size_t size = MIN((size_t)a->a[2], (size_t)XATTR_LIST_MAX_LINUX);
	char *buf = sys_bounce();
	struct vfs_ctx c;
	sys_ctx(t, &c);
	/* list everything, then answer as Linux for the caller's size */
	ssize_t n = vfs_listxattr(&c, fd, p, how == XPATH, buf, XATTR_LIST_MAX_LINUX);
	if (n < 0 || !size)
		return n;
	if ((size_t)n > size)
		return -ERANGE;
	return guest_copy_out(task_mem(t), a->a[1], buf, (size_t)n) ?: n;
}

static long do_remove(struct task *t, const struct syscall_args *a, int how)
{
	char path[SYS_PATH_MAX], name[256];
	const char *p;
	int fd;
	int err = x_in(t, how, a->a[0], a->a[1], path, name, &fd, &p);
	if (err)
		return err;
	struct vfs_ctx c;
	sys_ctx(t, &c);
	return vfs_removexattr(&c, fd, p, how == XPATH, name);
}

/* implements getxattr(2) */
long sys_getxattr(struct task *t, const struct syscall_args *a)
{
	return do_get(t, a, XPATH);
}

/* implements lgetxattr(2) */
long sys_lgetxattr(struct task *t, const struct syscall_args *a)
{
	return do_get(t, a, XLINK);
}

/* implements fgetxattr(2) */
long sys_fgetxattr(struct task *t, const struct syscall_args *a)
{
	return do_get(t, a, XFD);
}

/* implements setxattr(2) */
long sys_setxattr(struct task *t, const struct syscall_args *a)
{
	return do_set(t, a, XPATH);
}

/* implements lsetxattr(2) */
long sys_lsetxattr(struct task *t, const struct syscall_args *a)
{
	return do_set(t, a, XLINK);
}

/* implements fsetxattr(2) */
long sys_fsetxattr(struct task *t, const struct syscall_args *a)
{
	return do_set(t, a, XFD);
}

/* implements listxattr(2) */
long sys_listxattr(struct task *t, const struct syscall_args *a)
{
	return do_list(t, a, XPATH);
}

/* implements llistxattr(2) */
long sys_llistxattr(struct task *t, const struct syscall_args *a)
{
	return do_list(t, a, XLINK);
}

/* implements flistxattr(2) */
long sys_flistxattr(struct task *t, const struct syscall_args *a)
{
	return do_list(t, a, XFD);
}

/* implements removexattr(2) */
long sys_removexattr(struct task *t, const struct syscall_args *a)
{
	return do_remove(t, a, XPATH);
}

/* implements lremovexattr(2) */
long sys_lremovexattr(struct task *t, const struct syscall_args *a)
{
	return do_remove(t, a, XLINK);
}

/* implements fremovexattr(2) */
long sys_fremovexattr(struct task *t, const struct syscall_args *a)
{
	return do_remove(t, a, XFD);
}
