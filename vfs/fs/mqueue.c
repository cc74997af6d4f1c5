/* vfs/fs/mqueue.c - POSIX message queues: the table, queues, messages (kept by priority,
 * FIFO within one), the limits of mq_open (queues_max, msg_max, msgsize_max,
 * RLIMIT_MSGQUEUE with Linux's accounting), notification registrations, and queue
 * descriptors (files). See mqueue.h for the contract.
 *
 * Owns every struct mq_queue and its messages. Must not include sentry headers nor touch
 * guest memory; never blocks. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "vfs/fs/mqueue.h"
#include "vfs/file.h"
#include "vfs/ops.h"

#define MSG_OVERHEAD 48	 /* Linux's sizeof(struct msg_msg) */
#define NODE_OVERHEAD 48 /* and of struct posix_msg_tree_node */
#define FILENT_SIZE 80

long mq_live_queues, mq_live_msgs;

struct mq_msg {
	struct list_head link;
	unsigned prio;
	size_t len;
	char data[];
};

struct mq_queue {
	int refs;
	struct mq_ns *ns;
	char *name;
	struct list_head link; /* in ns->queues while linked */
	bool linked;
	uint64_t seq, ino;
	mode_t mode;
	uint32_t uid, gid;
	struct timespec atime, mtime, ctime;
	long maxmsg, msgsize, curmsgs;
	uint64_t qsize;	       /* bytes of the queued messages */
	struct list_head msgs; /* highest priority first, FIFO within one */
	struct waitq poll_wq;  /* readiness for poll/epoll */
	struct waitq recv_wq;  /* parked receivers */
	struct waitq send_wq;  /* parked senders */
	/* the notification registration */
	bool notify_set;
	int notify_pid;
	int64_t notify_pid_start;
	struct mq_sigevent notify;
	/* RLIMIT_MSGQUEUE charge */
	uint32_t charge_uid;
	uint64_t charge;
};

static struct mq_ns *default_ns;
static uint64_t next_seq;
/* RLIMIT_MSGQUEUE: bytes per uid over every namespace (Linux's user_struct.mq_bytes) */
static struct mq_user *users;
static int nusers;

struct mq_ns *mq_ns_new(void)
{
	struct mq_ns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->refs = 1;
	list_init(&ns->queues);
	ns->queues_max = 256;
	ns->msg_max = 10;
	ns->msgsize_max = 8192;
	ns->msg_default = 10;
	ns->msgsize_default = 8192;
	return ns;
}

void mq_ns_get(struct mq_ns *ns)
{
	ns->refs++;
}

static void unlink_queue(struct mq_queue *q);

void mq_ns_put(struct mq_ns *ns)
{
	if (!ns || --ns->refs > 0)
		return;
	while (!list_empty(&ns->queues))
		unlink_queue(list_first_entry(&ns->queues, struct mq_queue, link));
	free(ns);
}

struct mq_ns *mq_ns_default(void)
{
	if (!default_ns)
		default_ns = mq_ns_new();
	return default_ns;
}

void mq_ns_reset(void)
{
	mq_ns_put(default_ns);
	default_ns = NULL;
	free(users);
	users = NULL;
	nusers = 0;
}

/* ---- RLIMIT_MSGQUEUE (per uid, as Linux's user_struct.mq_bytes) ---- */

static struct mq_user *user(uint32_t uid, bool create)
{
	for (int i = 0; i < nusers; i++)
		if (users[i].uid == uid)
			return &users[i];
	if (!create)
		return NULL;
	struct mq_user *n = realloc(users, (nusers + 1) * sizeof(*n));
	if (!n)
		return NULL;
	users = n;
	n[nusers] = (struct mq_user){uid, 0};
	return &n[nusers++];
}

/* Linux's mq_bytes of a queue: its messages and their tree overhead. */
static uint64_t queue_bytes(long maxmsg, long msgsize)
{
	long nodes = maxmsg < MQ_PRIO_MAX ? maxmsg : MQ_PRIO_MAX;
	return (uint64_t)maxmsg * MSG_OVERHEAD + (uint64_t)nodes * NODE_OVERHEAD +
	       (uint64_t)maxmsg * (uint64_t)msgsize;
}

/* ---- queues ---- */

void mq_queue_get(struct mq_queue *q)
{
	q->refs++;
}

void mq_queue_put(struct mq_queue *q)
{
	if (!q || --q->refs > 0)
		return;
	struct mq_msg *m, *tmp;
	list_for_each_entry_safe(m, tmp, &q->msgs, link)
	{
		list_del(&m->link);
		free(m);
		mq_live_msgs--;
	}
	struct mq_user *u = user(q->charge_uid, false);
	if (u)
		u->bytes -= q->charge;
	free(q->name);
	free(q);
	mq_live_queues--;
}

bool mq_queue_linked(const struct mq_queue *q)
{
	return q->linked;
}

const char *mq_queue_name(const struct mq_queue *q)
{
	return q->name;
}

uint64_t mq_queue_ino(const struct mq_queue *q)
{
	return q->ino;
}

struct mq_queue *mq_lookup(struct mq_ns *ns, const char *name, size_t len)
{
	struct mq_queue *q;
	list_for_each_entry(q, &ns->queues, link) if (strlen(q->name) == len &&
						      !memcmp(q->name, name, len)) return q;
	return NULL;
}

struct mq_queue *mq_next(struct mq_ns *ns, uint64_t seq, uint64_t *qseq)
{
	struct mq_queue *q, *found = NULL;
	list_for_each_entry(q, &ns->queues,
			    link) if (q->seq >= seq && (!found || q->seq < found->seq)) found = q;
	if (found)
		*qseq = found->seq;
	return found;
}

void mq_queue_stat(const struct mq_queue *q, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | q->mode;
	st->st_uid = q->uid;
	st->st_gid = q->gid;
	st->st_nlink = q->linked ? 1 : 0;
	st->st_ino = q->ino;
	st->st_size = FILENT_SIZE;
	st->st_blksize = 4096;
	st->st_atim = q->atime;
	st->st_mtim = q->mtime;
	st->st_ctim = q->ctime;
}

void mq_queue_setattr(struct mq_queue *q, const struct vfs_iattr *ia)
{
	if (ia->valid & VFS_ATTR_MODE)
		q->mode = ia->mode & 07777;
	if (ia->valid & VFS_ATTR_UID)
		q->uid = ia->uid;
	if (ia->valid & VFS_ATTR_GID)
		q->gid = ia->gid;
	vfs_now(&q->ctime);
}

/* Linux's lookup_one_len checks on a queue name. */
static int check_name(const char *name, size_t len)
{
	if (len > MQ_NAME_MAX)
		return -ENAMETOOLONG;
	if (!len || (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return -EACCES;
	if (memchr(name, '/', len))
		return -EACCES;
	return 0;
}

/* Creates and links queue @name (limits already checked). */
static int create(struct mq_ns *ns, const char *name, size_t len, mode_t mode, uint32_t uid,
		  uint32_t gid, long maxmsg, long msgsize, struct mq_queue **out)
{
	struct mq_queue *q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->name = strndup(name, len);
	if (!q->name) {
		free(q);
		return -ENOMEM;
	}
	q->refs = 1; /* the table's */
	q->ns = ns;
	q->linked = true;
	q->seq = ++next_seq;
	q->ino = vfs_next_ino();
	q->mode = mode & 07777;
	q->uid = uid;
	q->gid = gid;
	vfs_now(&q->ctime);
	q->atime = q->mtime = q->ctime;
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	list_init(&q->msgs);
	waitq_init(&q->poll_wq);
	waitq_init(&q->recv_wq);
	waitq_init(&q->send_wq);
	list_add_tail(&q->link, &ns->queues);
	ns->nqueues++;
	mq_live_queues++;
	*out = q;
	return 0;
}

static void unlink_queue(struct mq_queue *q)
{
	list_del(&q->link);
	list_init(&q->link);
	q->linked = false;
	q->ns->nqueues--;
	vfs_now(&q->ctime);
	mq_queue_put(q);
}

/* Linux's permission check on a queue (mode bits; CAP_DAC_OVERRIDE). */
static int may_open(const struct mq_queue *q, const struct vfs_cred *cr, int mask)
{
	struct stat st;
	mq_queue_stat(q, &st);
	return vfs_permission(cr, &st, mask);
}

int mq_open_queue(struct mq_ns *ns, const struct mq_caller *c, const char *name, int oflag,
		  mode_t mode, const struct mq_attr_k *attr, struct vfs_file **out)
{
	size_t len = strlen(name);
	int err = check_name(name, len);
	if (err)
		return err;
	int acc = oflag & O_ACCMODE;
	if (acc == O_ACCMODE)
		return -EINVAL;
	struct mq_queue *q = mq_lookup(ns, name, len);
	bool created = false;
	if (q && (oflag & O_CREAT) && (oflag & O_EXCL))
		return -EEXIST;
	if (!q) {
		if (!(oflag & O_CREAT))
			return -ENOENT;
		long maxmsg = ns->msg_default, msgsize = ns->msgsize_default;
		if (attr) {
			if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)
				return -EINVAL;
			if (c->cap_sys_resource) {
				if (attr->mq_maxmsg > MQ_HARD_MSGMAX ||
				    attr->mq_msgsize > MQ_HARD_MSGSIZEMAX)
					return -EINVAL;
			} else if (attr->mq_maxmsg > (long)ns->msg_max ||
				   attr->mq_msgsize > (long)ns->msgsize_max) {
				return -EINVAL;
			}
			maxmsg = attr->mq_maxmsg;
			msgsize = attr->mq_msgsize;
		}
		if ((unsigned)ns->nqueues >= ns->queues_max && !c->cap_sys_resource)
			return -ENOSPC;
		uint64_t bytes = queue_bytes(maxmsg, msgsize);
		struct mq_user *u = user(c->cred->euid, true);
		if (!u)
			return -ENOMEM;
		if (u->bytes + bytes > c->rlimit_msgqueue || u->bytes + bytes < u->bytes)
			return -EMFILE;
		err = create(ns, name, len, mode & ~c->umask, c->cred->fsuid, c->cred->fsgid,
			     maxmsg, msgsize, &q);
		if (err)
			return err;
		u->bytes += bytes;
		q->charge_uid = c->cred->euid;
		q->charge = bytes;
		created = true;
	}
	if (!created) {
		int mask = acc == O_RDONLY   ? MAY_READ
			   : acc == O_WRONLY ? MAY_WRITE
					     : MAY_READ | MAY_WRITE;
		err = may_open(q, c->cred, mask);
		if (err)
			return err;
	}
	struct vfs_file *f =
	    vfs_file_new_anon(&mq_file_ops, NULL, acc | (oflag & O_NONBLOCK), "mqueue");
	if (!f) {
		if (created)
			unlink_queue(q);
		return -ENOMEM;
	}
	f->anon_ino = q->ino;
	mq_file_attach(f, q);
	*out = f;
	return 0;
}

int mq_unlink_queue(struct mq_ns *ns, const struct mq_caller *c, const char *name)
{
	size_t len = strlen(name);
	int err = check_name(name, len);
	if (err)
		return err;
	struct mq_queue *q = mq_lookup(ns, name, len);
	if (!q)
		return -ENOENT;
	/* the queue directory is 01777: the sticky rule */
	if (c->cred->fsuid != q->uid && c->cred->fsuid != 0 &&
	    !vfs_capable(c->cred, VFS_CAP_FOWNER))
		return -EACCES;
	unlink_queue(q);
	return 0;
}

/* ---- descriptors ---- */

static struct mq_queue *Q(struct vfs_file *f)
{
	return f->priv;
}

bool mq_file_is(struct vfs_file *f)
{
	return f && f->ops == &mq_file_ops && f->priv;
}

void mq_file_attach(struct vfs_file *f, struct mq_queue *q)
{
	mq_queue_get(q);
	f->ops = &mq_file_ops;
	f->priv = q;
}

static uint32_t readiness(const struct mq_queue *q)
{
	uint32_t ev = 0;
	if (q->curmsgs)
		ev |= EPOLLIN | EPOLLRDNORM;
	if (q->curmsgs < q->maxmsg)
		ev |= EPOLLOUT | EPOLLWRNORM;
	return ev;
}

int mq_send_msg(struct vfs_file *f, const void *msg, size_t len, unsigned prio,
		struct mq_notification *n)
{
	struct mq_queue *q = Q(f);
	memset(n, 0, sizeof(*n));
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	if (len > (size_t)q->msgsize)
		return -EMSGSIZE;
	if (q->curmsgs >= q->maxmsg)
		return -EAGAIN;
	struct mq_msg *m = malloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->prio = prio;
	m->len = len;
	memcpy(m->data, msg, len);
	struct list_head *pos = &q->msgs; /* before the first message of lower priority */
	struct mq_msg *it;
	list_for_each_entry(it, &q->msgs, link) if (it->prio < prio)
	{
		pos = &it->link;
		break;
	}
	list_add_tail(&m->link, pos);
	mq_live_msgs++;
	q->curmsgs++;
	q->qsize += len;
	vfs_now(&q->mtime);
	q->ctime = q->atime = q->mtime;
	/* Linux's __do_notify: on an empty → non-empty change that no receiver takes */
	if (q->curmsgs == 1 && q->notify_set && !waitq_active(&q->recv_wq)) {
		if (q->notify.notify == SIGEV_SIGNAL)
			*n = (struct mq_notification){true, q->notify_pid, q->notify_pid_start,
						      q->notify.signo, q->notify.value};
		q->notify_set = false;
	}
	waitq_wake(&q->recv_wq, EPOLLIN);
	waitq_wake(&q->poll_wq, readiness(q));
	return 0;
}

long mq_receive_msg(struct vfs_file *f, void *buf, size_t len, unsigned *prio)
{
	struct mq_queue *q = Q(f);
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (len < (size_t)q->msgsize)
		return -EMSGSIZE;
	if (list_empty(&q->msgs))
		return -EAGAIN;
	struct mq_msg *m = list_first_entry(&q->msgs, struct mq_msg, link);
	list_del(&m->link);
	q->curmsgs--;
	q->qsize -= m->len;
	memcpy(buf, m->data, m->len);
	long n = (long)m->len;
	if (prio)
		*prio = m->prio;
	free(m);
	mq_live_msgs--;
	vfs_now(&q->atime);
	q->ctime = q->atime;
	waitq_wake(&q->send_wq, EPOLLOUT);
	waitq_wake(&q->poll_wq, readiness(q));
	return n;
}

struct waitq *mq_waitq(struct vfs_file *f, bool send)
{
	return send ? &Q(f)->send_wq : &Q(f)->recv_wq;
}

int mq_notify_set(struct vfs_file *f, const struct mq_caller *c, const struct mq_sigevent *ev)
{
	struct mq_queue *q = Q(f);
	bool mine = q->notify_set && q->notify_pid == c->pid && q->notify_pid_start == c->pid_start;
	if (!ev) {
		if (mine)
			q->notify_set = false;
		return 0;
	}
	switch (ev->notify) {
	case SIGEV_NONE:
		break;
	case SIGEV_SIGNAL:
		if (ev->signo < 0 || ev->signo > 64) /* Linux's valid_signal: 0 is accepted */
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (q->notify_set)
		return -EBUSY;
	q->notify_set = true;
	q->notify_pid = c->pid;
	q->notify_pid_start = c->pid_start;
	q->notify = *ev;
	vfs_now(&q->atime);
	q->ctime = q->atime;
	return 0;
}

int mq_getsetattr(struct vfs_file *f, const struct mq_attr_k *new, struct mq_attr_k *old)
{
	struct mq_queue *q = Q(f);
	if (new && (new->mq_flags & ~O_NONBLOCK))
		return -EINVAL;
	if (old) {
		memset(old, 0, sizeof(*old));
		old->mq_flags = f->flags & O_NONBLOCK;
		old->mq_maxmsg = q->maxmsg;
		old->mq_msgsize = q->msgsize;
		old->mq_curmsgs = q->curmsgs;
	}
	if (new) {
		f->flags = (f->flags & ~O_NONBLOCK) | (new->mq_flags &O_NONBLOCK);
		vfs_now(&q->atime);
		q->ctime = q->atime;
	}
	return 0;
}

/* ---- file ops: read gives the status line ---- */

static ssize_t mf_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct mq_queue *q = Q(f);
	char line[FILENT_SIZE + 1];
	int notify = q->notify_set ? q->notify.notify : 0;
	int signo = q->notify_set && q->notify.notify == SIGEV_SIGNAL ? q->notify.signo : 0;
	snprintf(line, sizeof(line), "QSIZE:%-10llu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
		 (unsigned long long)q->qsize, notify, signo, q->notify_set ? q->notify_pid : 0);
	off_t off = pos ? *pos : 0;
	size_t total = strlen(line);
	if (off < 0)
		return -EINVAL;
	if ((size_t)off >= total)
		return 0;
	size_t n = total - (size_t)off < len ? total - (size_t)off : len;
	memcpy(buf, line + off, n);
	if (pos)
		*pos += (off_t)n;
	vfs_now(&q->atime);
	return (ssize_t)n;
}

static off_t mf_llseek(struct vfs_file *f, off_t off, int whence)
{
	return vfs_generic_llseek(f, off, whence, FILENT_SIZE);
}

static uint32_t mf_poll(struct vfs_file *f)
{
	return readiness(Q(f));
}

static struct waitq *mf_waitq(struct vfs_file *f)
{
	return &Q(f)->poll_wq;
}

static int mf_stat(struct vfs_file *f, struct stat *st)
{
	mq_queue_stat(Q(f), st);
	return 0;
}

static void mf_release(struct vfs_file *f)
{
	mq_queue_put(Q(f));
	f->priv = NULL;
}

const struct vfs_file_ops mq_file_ops = {
    .read = mf_read,
    .llseek = mf_llseek,
    .poll = mf_poll,
    .waitq = mf_waitq,
    .stat = mf_stat,
    .release = mf_release,
};

/* Used by the mqueue filesystem to create a queue by open(O_CREAT): the defaults, the
 * namespace's queues_max (no RLIMIT_MSGQUEUE: the fs op does not know the caller). */
int mq_create_default(struct mq_ns *ns, const char *name, size_t len, mode_t mode, uint32_t uid,
		      uint32_t gid, struct mq_queue **out)
{
	int err = check_name(name, len);
	if (err)
		return err;
	if ((unsigned)ns->nqueues >= ns->queues_max)
		return -ENOSPC;
	return create(ns, name, len, mode, uid, gid, ns->msg_default, ns->msgsize_default, out);
}

/* The mqueue filesystem's unlink. */
void mq_unlink_linked(struct mq_queue *q)
{
	if (q->linked)
		unlink_queue(q);
}
