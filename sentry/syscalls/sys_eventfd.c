/* sentry/syscalls/sys_eventfd.c - eventfd(2), eventfd2(2). State lives in vfs/eventfd.c. */
#include <errno.h>
#include <sys/eventfd.h>
#include "sentry/syscall.h"
#include "vfs/eventfd.h"
#include "vfs/file.h"

/* Implements eventfd2(2). */
long sys_eventfd2(struct task *t, const struct syscall_args *a)
{
	unsigned initval = (unsigned)a->a[0];
	int flags = (int)a->a[1];
	struct vfs_file *f;
	int err = vfs_eventfd_create(initval, flags, &f);
	if (err)
		return err;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, flags & EFD_CLOEXEC);
	vfs_file_put(f);
	return fd;
}

/* Implements eventfd(2): eventfd2 without flags. */
long sys_eventfd(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr, .a = { a->a[0], 0 } };
	return sys_eventfd2(t, &b);
}
