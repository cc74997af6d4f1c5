/* sentry/syscalls/sys_mqueue.c - POSIX message queues: mq_open(2), mq_unlink(2),
 * mq_timedsend(2), mq_timedreceive(2), mq_notify(2), mq_getsetattr(2). The queues live
 * in vfs/fs/mqueue.c (one table per IPC namespace); these handlers copy arguments in and out,
 * park on a full or empty queue (absolute CLOCK_REALTIME timeouts), and deliver the
 * SIGEV_SIGNAL notifications a send makes due. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include "sentry/task.h"
#include "sentry/nsproxy.h"
#include "sentry/syscalls/sys_vfs.h"
#include "vfs/internal.h"
#include "vfs/fs/mqueue.h"

#define CAP_SYS_RESOURCE_BIT 24

static void caller(struct task *t, struct mq_caller *c)
{
	struct vfs_fs_ctx *fs = task_fs(t);
	memset(c, 0, sizeof(*c));
	c->cred = task_cred(t);
	c->umask = fs ? fs->umask : 022;
	c->cap_sys_resource = c->cred->cap_effective & (1ULL << CAP_SYS_RESOURCE_BIT);
	c->rlimit_msgqueue = t->tg->rlim[RLIMIT_MSGQUEUE].rlim_cur;
	c->pid = t->tg->vpid;
	c->pid_start = t->tg->start_time_ns;
}

/* The queue descriptor @fd (a new reference) or NULL. */
static struct vfs_file *mq_fd(struct task *t, int fd)
{
	struct vfs_file *f = sys_file(t, fd);
	if (f && !mq_file_is(f)) {
		vfs_file_put(f);
		return NULL;
	}
	return f;
}

/* An absolute CLOCK_REALTIME timeout as a CLOCK_MONOTONIC deadline (0: none), computed
 * once per call (re-runs after a park keep it in the call scratch). */
static int deadline(struct task *t, uint64_t ts_gaddr, int64_t *out)
{
	uint64_t *s = task_call_scratch(t);
	*out = 0;
	if (!ts_gaddr)
		return 0;
	if (s[0]) {
		*out = (int64_t)s[0];
		return 0;
	}
	struct timespec ts, now;
	if (guest_copy_in(task_mem(t), &ts, ts_gaddr, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t rel = (ts.tv_sec - now.tv_sec) * 1000000000LL + (ts.tv_nsec - now.tv_nsec);
	int64_t d = sentry_now_ns() + (rel > 0 ? rel : 0);
	if (d <= 0)
		d = 1;
	s[0] = (uint64_t)d;
	*out = d;
	return 0;
}

/* Parks on the queue, or answers -ETIMEDOUT once the deadline passed. */
static long wait_queue(struct task *t, struct vfs_file *f, bool send, int64_t dl)
{
	struct waitq *wq = mq_waitq(f, send);
	vfs_file_put(f);
	if (dl && task_timed_out(t))
		return -ETIMEDOUT;
	task_wait_on(t, wq, send ? EPOLLOUT : EPOLLIN);
	return task_block(t, dl, -ERESTARTSYS);
}

static void deliver(struct task *sender, const struct mq_notification *n)
{
	struct thread_group *tg = tg_by_vpid(n->pid);
	if (!n->pending || !n->signo || !tg || tg->zombie || tg->start_time_ns != n->pid_start)
		return;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = n->signo;
	si.si_code = SI_MESGQ;
	si.si_pid = sender->tg->vpid;
	si.si_uid = sender->tg->cred.uid;
	si.si_value.sival_ptr = (void *)(uintptr_t)n->value;
	signal_send_group(tg, &si);
}

/* Implements mq_open(2) (name without glibc's leading '/'). */
long sys_mq_open(struct task *t, const struct syscall_args *a)
{
	char name[SYS_PATH_MAX];
	int oflag = (int)a->a[1];
	struct mq_attr_k attr, *ap = NULL;
	int err = sys_path_in(t, a->a[0], name);
	if (err)
		return err;
	if ((oflag & O_CREAT) && a->a[3]) {
		if (guest_copy_in(task_mem(t), &attr, a->a[3], sizeof(attr)))
			return -EFAULT;
		ap = &attr;
	}
	struct mq_ns *ns = task_mq_ns(t);
	if (!ns)
		return -ENOMEM;
	struct mq_caller c;
	caller(t, &c);
	struct vfs_file *f;
	err = mq_open_queue(ns, &c, name, oflag, (mode_t)a->a[2], ap, &f);
	if (err)
		return err;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, true); /* mq descriptors are O_CLOEXEC */
	vfs_file_put(f);
	return fd;
}

/* Implements mq_unlink(2). */
long sys_mq_unlink(struct task *t, const struct syscall_args *a)
{
	char name[SYS_PATH_MAX];
	int err = sys_path_in(t, a->a[0], name);
	if (err)
		return err;
	struct mq_ns *ns = task_mq_ns(t);
	if (!ns)
		return -ENOMEM;
	struct mq_caller c;
	caller(t, &c);
	return mq_unlink_queue(ns, &c, name);
}

/* Implements mq_timedsend(2). */
long sys_mq_timedsend(struct task *t, const struct syscall_args *a)
{
	size_t len = a->a[2];
	unsigned prio = (unsigned)a->a[3];
	int64_t dl;
	int err = deadline(t, a->a[4], &dl);
	if (err)
		return err;
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	struct vfs_file *f = mq_fd(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	struct mq_attr_k at;
	mq_getsetattr(f, NULL, &at);
	if ((f->flags & O_ACCMODE) == O_RDONLY || len > (size_t)at.mq_msgsize) {
		err = (f->flags & O_ACCMODE) == O_RDONLY ? -EBADF : -EMSGSIZE;
		vfs_file_put(f);
		return err;
	}
	char *buf = malloc(len ? len : 1);
	if (!buf) {
		vfs_file_put(f);
		return -ENOMEM;
	}
	struct mq_notification n;
	err = guest_copy_in(task_mem(t), buf, a->a[1], len) ? -EFAULT
							    : mq_send_msg(f, buf, len, prio, &n);
	free(buf);
	if (err == -EAGAIN && !(f->flags & O_NONBLOCK))
		return wait_queue(t, f, true, dl);
	vfs_file_put(f);
	if (!err)
		deliver(t, &n);
	return err;
}

/* Implements mq_timedreceive(2). */
long sys_mq_timedreceive(struct task *t, const struct syscall_args *a)
{
	size_t len = a->a[2];
	int64_t dl;
	int err = deadline(t, a->a[4], &dl);
	if (err)
		return err;
	struct vfs_file *f = mq_fd(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	struct mq_attr_k at;
	mq_getsetattr(f, NULL, &at);
	if ((f->flags & O_ACCMODE) == O_WRONLY || len < (size_t)at.mq_msgsize) {
		err = (f->flags & O_ACCMODE) == O_WRONLY ? -EBADF : -EMSGSIZE;
		vfs_file_put(f);
		return err;
	}
	char *buf = malloc((size_t)at.mq_msgsize);
	if (!buf) {
		vfs_file_put(f);
		return -ENOMEM;
	}
	unsigned prio = 0;
	long n = mq_receive_msg(f, buf, (size_t)at.mq_msgsize, &prio);
	if (n == -EAGAIN && !(f->flags & O_NONBLOCK)) {
		free(buf);
		return wait_queue(t, f, false, dl);
	}
	vfs_file_put(f);
	if (n >= 0 && guest_copy_out(task_mem(t), a->a[1], buf, (size_t)n))
		n = -EFAULT; /* the message is gone, as Linux's store_msg */
	else if (n >= 0 && a->a[3] && guest_copy_out(task_mem(t), a->a[3], &prio, sizeof(prio)))
		n = -EFAULT;
	free(buf);
	return n;
}

/* Linux's struct sigevent prefix. */
struct gsigevent {
	uint64_t value;
	int32_t signo, notify;
};

/* Implements mq_notify(2): SIGEV_SIGNAL and SIGEV_NONE. SIGEV_THREAD needs an
 * AF_NETLINK socket (glibc's helper thread reads the cookie from it), which the Sentry
 * does not have: its fd answers EBADF / ENOTSOCK / EINVAL as Linux does for a file that
 * is not a netlink socket. */
long sys_mq_notify(struct task *t, const struct syscall_args *a)
{
	struct gsigevent ev;
	struct mq_sigevent mev, *mp = NULL;
	if (a->a[1]) {
		if (guest_copy_in(task_mem(t), &ev, a->a[1], sizeof(ev)))
			return -EFAULT;
		if (ev.notify != SIGEV_NONE && ev.notify != SIGEV_SIGNAL &&
		    ev.notify != SIGEV_THREAD)
			return -EINVAL;
		if (ev.notify == SIGEV_SIGNAL && (ev.signo < 0 || ev.signo > 64))
			return -EINVAL;
		if (ev.notify == SIGEV_THREAD) {
			char cookie[32];
			if (guest_copy_in(task_mem(t), cookie, ev.value, sizeof(cookie)))
				return -EFAULT;
			struct vfs_file *s = sys_file(t, ev.signo);
			if (!s)
				return -EBADF;
			struct stat st;
			int err = vfs_file_stat(s, &st);
			vfs_file_put(s);
			return err ? err : S_ISSOCK(st.st_mode) ? -EINVAL : -ENOTSOCK;
		}
		mev = (struct mq_sigevent){ev.value, ev.signo, ev.notify};
		mp = &mev;
	}
	struct vfs_file *f = mq_fd(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	struct mq_caller c;
	caller(t, &c);
	int err = mq_notify_set(f, &c, mp);
	vfs_file_put(f);
	return err;
}

/* Implements mq_getsetattr(2). */
long sys_mq_getsetattr(struct task *t, const struct syscall_args *a)
{
	struct mq_attr_k nw, old;
	if (a->a[1] && guest_copy_in(task_mem(t), &nw, a->a[1], sizeof(nw)))
		return -EFAULT;
	if (a->a[1] && (nw.mq_flags & ~O_NONBLOCK))
		return -EINVAL;
	struct vfs_file *f = mq_fd(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	int err = mq_getsetattr(f, a->a[1] ? &nw : NULL, &old);
	vfs_file_put(f);
	if (!err && a->a[2] && guest_copy_out(task_mem(t), a->a[2], &old, sizeof(old)))
		return -EFAULT;
	return err;
}
