/* sentry/syscalls/sys_timerfd.c - timerfd_create(2), timerfd_settime(2),
 * timerfd_gettime(2). Timers live in vfs/timerfd.c. */
#include <errno.h>
#include <sys/timerfd.h>
#include "platform/guest_mem.h"
#include "sentry/syscall.h"
#include "vfs/file.h"
#include "vfs/timerfd.h"

#define CAP_WAKE_ALARM_ 35

/* Implements timerfd_create(2). */
long sys_timerfd_create(struct task *t, const struct syscall_args *a)
{
	int clockid = (int)a->a[0], flags = (int)a->a[1];
	const struct vfs_cred *cr = task_cred(t);
	bool cap = cr && (cr->cap_effective & (1ULL << CAP_WAKE_ALARM_));
	struct vfs_file *f;
	int err = vfs_timerfd_create(clockid, flags, cap, &f);
	if (err)
		return err;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, flags & TFD_CLOEXEC);
	vfs_file_put(f);
	return fd;
}

/* Implements timerfd_settime(2). */
long sys_timerfd_settime(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0], flags = (int)a->a[1];
	uint64_t new_gaddr = a->a[2], old_gaddr = a->a[3];
	struct itimerspec nv, ov;
	if (guest_copy_in(task_mem(t), &nv, new_gaddr, sizeof(nv)))
		return -EFAULT;
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), fd);
	if (!f)
		return -EBADF;
	long ret = vfs_timerfd_settime(f, flags, &nv, &ov);
	vfs_file_put(f);
	if (!ret && old_gaddr && guest_copy_out(task_mem(t), old_gaddr, &ov, sizeof(ov)))
		ret = -EFAULT;
	return ret;
}

/* Implements timerfd_gettime(2). */
long sys_timerfd_gettime(struct task *t, const struct syscall_args *a)
{
	struct itimerspec cur;
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), (int)a->a[0]);
	if (!f)
		return -EBADF;
	long ret = vfs_timerfd_gettime(f, &cur);
	vfs_file_put(f);
	if (!ret && guest_copy_out(task_mem(t), a->a[1], &cur, sizeof(cur)))
		ret = -EFAULT;
	return ret;
}
