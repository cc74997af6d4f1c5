/* sentry/syscalls/sys_pidfd.c - process file descriptors: pidfd_open(2), pidfd_getfd(2),
 * and the pidfd objects that pidfd_send_signal(2) (sys_signal.c) and waitid(P_PIDFD)
 * (sys_task.c) resolve.
 *
 * A pidfd names one thread group by its virtual pid and start time (a reused pid is
 * another process); it does not keep the group alive. It polls readable (EPOLLIN) once
 * the process has exited, and also EPOLLHUP once it has been reaped, as Linux's
 * pidfd_poll. Owns struct pidfd and the queue every pidfd waits on (pidfd_exit_wq), woken
 * by task.c whenever a group exits or is reaped. Never blocks. */
#include "sentry/task.h"
#include "sentry/pidns.h"
#include "sentry/syscalls/sys_vfs.h"
#include "vfs/poll.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#define CAP_SYS_PTRACE_BIT (1ULL << 19)

struct pidfd {
	int vpid;
	int64_t start_ns; /* with vpid, the identity of the group */
};

static struct waitq pidfd_exit_wq = { LIST_HEAD_INIT(pidfd_exit_wq.waiters) };

/* See task.h. */
void pidfd_group_exit(void)
{
	waitq_wake(&pidfd_exit_wq, EPOLLIN | EPOLLRDNORM | EPOLLHUP);
}

static struct thread_group *pidfd_group(const struct pidfd *p)
{
	struct thread_group *tg = tg_by_vpid(p->vpid);
	return tg && tg->start_time_ns == p->start_ns ? tg : NULL;
}

static uint32_t pidfd_poll(struct vfs_file *f)
{
	struct thread_group *tg = pidfd_group(f->priv);
	if (!tg)
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	return tg->zombie ? EPOLLIN | EPOLLRDNORM : 0;
}

static struct waitq *pidfd_waitq(struct vfs_file *f)
{
	return &pidfd_exit_wq;
}

static ssize_t pidfd_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	return -EINVAL; /* pidfd_fops has no read */
}

static int pidfd_stat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = 0600; /* anon_inode: no file type bits */
	st->st_ino = f->anon_ino;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

static int pidfd_setfl(struct vfs_file *f, int new_flags)
{
	return 0; /* O_NONBLOCK is read from f->flags by waitid */
}

static void pidfd_release(struct vfs_file *f)
{
	free(f->priv);
	f->priv = NULL;
}

static const struct vfs_file_ops pidfd_ops = {
	.read = pidfd_read,
	.poll = pidfd_poll,
	.waitq = pidfd_waitq,
	.stat = pidfd_stat,
	.setfl = pidfd_setfl,
	.release = pidfd_release,
};

/* See task.h. */
int pidfd_resolve(struct task *t, int fd, struct thread_group **tg, int *file_flags)
{
	struct vfs_file *f = sys_file(t, fd);
	if (!f)
		return -EBADF;
	if (f->ops != &pidfd_ops) {
		vfs_file_put(f);
		return -EBADF;
	}
	*tg = pidfd_group(f->priv);
	if (file_flags)
		*file_flags = f->flags;
	vfs_file_put(f);
	return *tg ? 0 : -ESRCH;
}

/* A new pidfd for @tg in @t's fd table, close-on-exec, with status flags O_RDWR | @flags.
 * Returns the fd or -EMFILE / -ENOMEM. */
static int pidfd_install(struct task *t, struct thread_group *tg, int flags)
{
	struct pidfd *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->vpid = tg->vpid;
	p->start_ns = tg->start_time_ns;
	struct vfs_file *f = vfs_file_new_anon(&pidfd_ops, p, O_RDWR | flags, "anon_inode:[pidfd]");
	if (!f) {
		free(p);
		return -ENOMEM;
	}
	int r = vfs_fdtable_install(task_fdt(t), f, 0, true);
	vfs_file_put(f);
	return r;
}

/* See task.h. */
long pidfd_clone_check(struct task *t, uint64_t pidfd_gaddr)
{
	struct vfs_fdtable *fdt = task_fdt(t);
	unsigned limit = vfs_fdtable_limit(fdt), size = vfs_fdtable_size(fdt);
	unsigned fd = 0;
	while (fd < limit && fd < size && vfs_fdtable_get_flags(fdt, (int)fd) >= 0)
		fd++;
	if (fd >= limit)
		return -EMFILE;
	/* the slot must be writable (read it, write it back unchanged) */
	int v;
	if (guest_copy_in(&t->mem, &v, pidfd_gaddr, sizeof(v)) < 0 ||
	    guest_copy_out(&t->mem, pidfd_gaddr, &v, sizeof(v)) < 0)
		return -EFAULT;
	return 0;
}

/* See task.h. */
int pidfd_clone_install(struct task *parent, struct thread_group *child, uint64_t pidfd_gaddr)
{
	int fd = pidfd_install(parent, child, 0);
	if (fd < 0)
		return fd;
	if (guest_copy_out(&parent->mem, pidfd_gaddr, &fd, sizeof(fd)) < 0) {
		vfs_fdtable_close(task_fdt(parent), fd);
		return -EFAULT;
	}
	return fd;
}

/* implements pidfd_open(2): @pid must name a process (a thread group leader); the fd is
 * always close-on-exec */
long sys_pidfd_open(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	unsigned flags = (unsigned)a->a[1];
	if (flags & ~(unsigned)PIDFD_NONBLOCK)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;
	/* @pid is a number in the caller's pid namespace */
	int gnr = pidns_find(pid, task_pidns(t));
	struct task *leader = gnr > 0 ? task_by_vtid(gnr) : NULL;
	struct thread_group *tg = gnr > 0 ? tg_by_vpid(gnr) : NULL;
	if (!tg && !leader)
		return -ESRCH;
	if (!tg)
		return -EINVAL; /* a thread, not a process */
	return pidfd_install(t, tg, flags & PIDFD_NONBLOCK);
}

/* implements pidfd_getfd(2): a duplicate of fd @targetfd of the process, close-on-exec;
 * the caller needs ptrace access to it (same uids, or CAP_SYS_PTRACE) */
long sys_pidfd_getfd(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg;
	if (a->a[2])
		return -EINVAL;
	int err = pidfd_resolve(t, (int)a->a[0], &tg, NULL);
	if (err)
		return err;
	const struct vfs_cred *c = &t->tg->cred, *tc = &tg->cred;
	bool same = c->uid == tc->uid && c->uid == tc->euid && c->uid == tc->suid &&
		    c->gid == tc->gid && c->gid == tc->egid && c->gid == tc->sgid;
	if (!same && !(c->cap_effective & CAP_SYS_PTRACE_BIT))
		return -EPERM;
	if (tg->zombie || !tg->fdt)
		return -ESRCH;
	struct vfs_file *f = vfs_fdtable_lookup(tg->fdt, (int)a->a[1]);
	if (!f)
		return -EBADF;
	int r = vfs_fdtable_install(task_fdt(t), f, 0, true);
	vfs_file_put(f);
	return r;
}
