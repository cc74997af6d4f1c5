/* sentry/signalfd.c - signalfd(2) files. A signal the Sentry sent is pending on the
 * stub's host thread; reading a signalfd dequeues it there (an injected, non-blocking
 * rt_sigtimedwait for that one signal) and returns the Sentry's siginfo for it.
 * Owns struct sfd; the file holds the only reference to it. Lives in sentry/ because it
 * needs tasks and injection; it is a plain vfs file otherwise. */
#include "sentry/task.h"
#include "platform/stub_layout.h"
#include "vfs/file.h"
#include "vfs/fdtable.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

#define SIGBIT(sig) (1ULL << ((sig)-1))
#define SFD_UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct sfd {
	uint64_t mask;
	struct thread_group *tg; /* whose signals poll reports (the creator's) */
	struct waitq wq;
	struct list_head link;   /* all signalfds */
};

extern struct task *sentry_current_task;
static struct list_head all_sfds = LIST_HEAD_INIT(all_sfds);
static const struct vfs_file_ops sfd_ops;

static uint64_t pending_for(struct task *t)
{
	return t->sent_pending | t->tg->sent_pending;
}

static uint64_t group_pending(struct thread_group *tg)
{
	uint64_t p = tg->sent_pending;
	struct task *t;
	list_for_each_entry(t, &tg->threads, tg_link)
		p |= t->sent_pending;
	return p;
}

/* Called by signal.c whenever a signal is sent to @tg or one of its threads. */
void signalfd_notify(struct thread_group *tg)
{
	struct sfd *s;
	list_for_each_entry(s, &all_sfds, link)
		if (s->tg == tg)
			waitq_wake(&s->wq, EPOLLIN | EPOLLRDNORM);
}

/* Takes host-pending @sig off the stub thread of @t without running a handler. */
static bool dequeue_host(struct task *t, int sig)
{
	struct {
		uint64_t set;
		struct timespec zero;
	} img = {SIGBIT(sig), {0, 0}};
	uint64_t base = STUB_SCRATCH_ADDR + 0x400;
	if (guest_copy_out(&t->mem, base, &img, sizeof(img)) < 0)
		return false;
	long r = stub_inject(t, SYS_rt_sigtimedwait, base, 0, base + 8, 8, 0, 0);
	return r == sig;
}

static void fill(struct signalfd_siginfo *o, const siginfo_t *si)
{
	memset(o, 0, sizeof(*o));
	o->ssi_signo = si->si_signo;
	o->ssi_errno = si->si_errno;
	o->ssi_code = si->si_code;
	o->ssi_pid = si->si_pid;
	o->ssi_uid = si->si_uid;
	if (si->si_signo == SIGCHLD) {
		o->ssi_status = si->si_status;
	} else {
		o->ssi_int = si->si_int;
		o->ssi_ptr = (uint64_t)(uintptr_t)si->si_ptr;
	}
}

static ssize_t sfd_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct sfd *s = f->priv;
	struct task *t = sentry_current_task;
	size_t n = 0;
	if (len < sizeof(struct signalfd_siginfo))
		return -EINVAL;
	if (!t)
		return -EAGAIN;
	while (n + sizeof(struct signalfd_siginfo) <= len) {
		uint64_t p = pending_for(t) & s->mask;
		int sig = 0;
		for (int i = 1; i < SENTRY_NSIG && !sig; i++)
			if (p & SIGBIT(i))
				sig = i;
		if (!sig)
			break;
		siginfo_t vi;
		if (!dequeue_host(t, sig)) {
			/* not pending on the host any more (delivered or dropped) */
			signal_take_queued(t, sig, &vi);
			continue;
		}
		if (!signal_take_queued(t, sig, &vi))
			signal_info_user(&vi, sig, SI_KERNEL, NULL);
		fill((struct signalfd_siginfo *)((char *)buf + n), &vi);
		n += sizeof(struct signalfd_siginfo);
	}
	return n ? (ssize_t)n : -EAGAIN;
}

static uint32_t sfd_poll(struct vfs_file *f)
{
	struct sfd *s = f->priv;
	struct task *t = sentry_current_task;
	uint64_t p = (t && t->tg == s->tg) ? pending_for(t) : group_pending(s->tg);
	return (p & s->mask) ? EPOLLIN | EPOLLRDNORM : 0;
}

static struct waitq *sfd_waitq(struct vfs_file *f)
{
	return &((struct sfd *)f->priv)->wq;
}

static void sfd_release(struct vfs_file *f)
{
	struct sfd *s = f->priv;
	list_del(&s->link);
	free(s);
}

static const struct vfs_file_ops sfd_ops = {
	.read = sfd_read,
	.poll = sfd_poll,
	.waitq = sfd_waitq,
	.release = sfd_release,
};

/* A thread group is gone: its signalfds stop reporting for it. */
void signalfd_group_gone(struct thread_group *tg)
{
	struct sfd *s;
	list_for_each_entry(s, &all_sfds, link)
		if (s->tg == tg)
			s->tg = init_tg;
}

/* implements signalfd4(2) */
long sys_signalfd4(struct task *t, const struct syscall_args *a)
{
	int fd = (int)a->a[0], flags = (int)a->a[3];
	uint64_t mask;
	if (a->a[2] != 8 || (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)))
		return -EINVAL;
	if (guest_copy_in(&t->mem, &mask, a->a[1], sizeof(mask)) < 0)
		return -EFAULT;
	mask &= ~SFD_UNBLOCKABLE;
	if (fd != -1) {
		struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), fd);
		if (!f)
			return -EBADF;
		long r = -EINVAL;
		if (f->ops == &sfd_ops) {
			((struct sfd *)f->priv)->mask = mask;
			r = fd;
		}
		vfs_file_put(f);
		return r;
	}
	struct sfd *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	s->tg = t->tg;
	waitq_init(&s->wq);
	list_add(&s->link, &all_sfds);
	struct vfs_file *f = vfs_file_new_anon(&sfd_ops, s, O_RDONLY | (flags & SFD_NONBLOCK),
					      "anon_inode:[signalfd]");
	if (!f) {
		list_del(&s->link);
		free(s);
		return -ENOMEM;
	}
	int r = vfs_fdtable_install(task_fdt(t), f, 0, flags & SFD_CLOEXEC);
	vfs_file_put(f);
	return r;
}

/* implements signalfd(2) */
long sys_signalfd(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = *a;
	b.a[3] = 0;
	return sys_signalfd4(t, &b);
}
