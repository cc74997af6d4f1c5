/* sentry/syscalls/sys_epoll.c - epoll_create(2), epoll_create1(2), epoll_ctl(2),
 * epoll_wait(2), epoll_pwait(2), epoll_pwait2(2). Instances live in vfs/epoll.c.
 * Never blocks: epoll_wait parks on the instance's queue with the call's deadline
 * (kept in task_call_scratch across re-runs). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include "common/cleanup.h"
#include "platform/guest_mem.h"
#include "sentry/syscall.h"
#include "vfs/epoll.h"
#include "vfs/file.h"
#include "vfs/poll.h"

#define CAP_BLOCK_SUSPEND_ 36
#define EP_MAX_EVENTS (INT_MAX / (int)sizeof(struct epoll_event))

/* The sentry provides it: sets @mask for the duration of the call. Weak: optional. */
int task_sigmask_swap_for_call(struct task *t, const uint64_t *mask) __attribute__((weak));

/* Implements epoll_create1(2). */
long sys_epoll_create1(struct task *t, const struct syscall_args *a)
{
	int flags = (int)a->a[0];
	struct vfs_file *f;
	int err = vfs_epoll_create(flags, &f);
	if (err)
		return err;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, flags & EPOLL_CLOEXEC);
	vfs_file_put(f);
	return fd;
}

/* Implements epoll_create(2): @size must be positive and is otherwise ignored. */
long sys_epoll_create(struct task *t, const struct syscall_args *a)
{
	if ((int)a->a[0] <= 0)
		return -EINVAL;
	struct syscall_args b = { .nr = a->nr };
	return sys_epoll_create1(t, &b);
}

/* Implements epoll_ctl(2). */
long sys_epoll_ctl(struct task *t, const struct syscall_args *a)
{
	int epfd = (int)a->a[0], op = (int)a->a[1], fd = (int)a->a[2];
	uint64_t ev_gaddr = a->a[3];
	struct epoll_event ev = { 0 };
	long ret;
	if (op != EPOLL_CTL_DEL && guest_copy_in(task_mem(t), &ev, ev_gaddr, sizeof(ev)))
		return -EFAULT;
	/* an O_PATH descriptor is no file here (Linux's fdget skips them): EBADF */
	struct vfs_file *epf = vfs_fdtable_lookup(task_fdt(t), epfd);
	if (!epf)
		return -EBADF;
	ret = -EBADF;
	if (epf->flags & O_PATH)
		goto out_put_ep;
	struct vfs_file *tf = vfs_fdtable_lookup(task_fdt(t), fd);
	if (!tf)
		goto out_put_ep;
	if (tf->flags & O_PATH) {
		vfs_file_put(tf);
		goto out_put_ep;
	}
	const struct vfs_cred *cr = task_cred(t);
	bool may_wakeup = cr && (cr->cap_effective & (1ULL << CAP_BLOCK_SUSPEND_));
	ret = vfs_epoll_ctl(epf, op, fd, tf, op == EPOLL_CTL_DEL ? NULL : &ev, may_wakeup);
	vfs_file_put(tf);
out_put_ep:
	vfs_file_put(epf);
	return ret;
}

/* The common part of the epoll_wait family. @timeout_ns < 0: no timeout. */
static long epoll_wait_common(struct task *t, int epfd, uint64_t events_gaddr, int maxevents,
			      int64_t timeout_ns)
{
	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), epfd);
	long ret;
	if (!f)
		return -EBADF;
	ret = -EINVAL;
	if (!vfs_file_is_epoll(f))
		goto out_put;
	unsigned cap = MIN((unsigned)maxevents, vfs_epoll_nitems(f));
	if (cap) {
		CLEANUP_FREE struct epoll_event *buf = calloc(cap, sizeof(*buf));
		ret = -ENOMEM;
		if (!buf)
			goto out_put;
		int n = vfs_epoll_harvest(f, buf, (int)cap);
		if (n > 0) {
			ret = guest_copy_out(task_mem(t), events_gaddr, buf, n * sizeof(*buf))
				      ? -EFAULT
				      : n;
			goto out_put;
		}
	}
	ret = 0;
	if (timeout_ns == 0 || task_timed_out(t))
		goto out_put;
	uint64_t *s = task_call_scratch(t);
	if (!s[0]) {
		s[0] = 1;
		s[1] = timeout_ns < 0 ? 0 : (uint64_t)(sentry_now_ns() + timeout_ns);
	}
	task_wait_on(t, vfs_poll_waitq(f), EPOLLIN);
	ret = task_block(t, (int64_t)s[1], -EINTR);
	if (ret == -ETIMEDOUT)
		ret = 0;
out_put:
	vfs_file_put(f);
	return ret;
}

static int64_t ms_to_ns(int ms)
{
	return ms < 0 ? -1 : (int64_t)ms * 1000000;
}

/* Installs the call's temporary signal mask (epoll_pwait, epoll_pwait2). */
static int swap_sigmask(struct task *t, uint64_t mask_gaddr, size_t size)
{
	uint64_t mask;
	if (!mask_gaddr)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (guest_copy_in(task_mem(t), &mask, mask_gaddr, sizeof(mask)))
		return -EFAULT;
	if (task_sigmask_swap_for_call)
		return task_sigmask_swap_for_call(t, &mask);
	return 0;
}

/* Implements epoll_wait(2). */
long sys_epoll_wait(struct task *t, const struct syscall_args *a)
{
	return epoll_wait_common(t, (int)a->a[0], a->a[1], (int)a->a[2], ms_to_ns((int)a->a[3]));
}

/* Implements epoll_pwait(2). */
long sys_epoll_pwait(struct task *t, const struct syscall_args *a)
{
	int err = swap_sigmask(t, a->a[4], a->a[5]);
	if (err)
		return err;
	return epoll_wait_common(t, (int)a->a[0], a->a[1], (int)a->a[2], ms_to_ns((int)a->a[3]));
}

/* Implements epoll_pwait2(2): the timeout is a struct timespec (NULL: infinite). */
long sys_epoll_pwait2(struct task *t, const struct syscall_args *a)
{
	int64_t timeout_ns = -1;
	if (a->a[3]) {
		struct timespec ts;
		if (guest_copy_in(task_mem(t), &ts, a->a[3], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		timeout_ns = ts.tv_sec > INT64_MAX / 2000000000LL
				     ? -1
				     : ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}
	int err = swap_sigmask(t, a->a[4], a->a[5]);
	if (err)
		return err;
	return epoll_wait_common(t, (int)a->a[0], a->a[1], (int)a->a[2], timeout_ns);
}
