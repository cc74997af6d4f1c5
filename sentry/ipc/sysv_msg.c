/* sentry/ipc/sysv_msg.c - System V message queues (msgget(2), msgsnd(2), msgrcv(2),
 * msgctl(2)) of one namespace. Messages are kept in the Sentry's memory: each queue holds
 * at most msg_qbytes bytes (msgmnb unless raised by a privileged IPC_SET), and all
 * namespaces together at most SYSV_SANDBOX_MSG_BYTES. Must not know about tasks or guest
 * memory. */
#include "sentry/ipc/sysv.h"
#include "vfs/fs/procfs.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

struct msg_queue {
	struct sysv_perm perm; /* first: the table's view */
	struct list_head msgs; /* struct msg_msg, oldest first */
	uint64_t cbytes, qnum, qbytes;
	int64_t stime, rtime, ctime;
	int lspid, lrpid;
	struct waitq senders, receivers;
};

struct msg_msg {
	struct list_head link;
	long type;
	size_t len;
	char text[];
};

long sysv_sandbox_msg_bytes; /* every namespace's messages: SYSV_SANDBOX_MSG_BYTES */

static long msg_cost(size_t len)
{
	return (long)(sizeof(struct msg_msg) + len);
}

int msg_get(struct sysv_ns *ns, const struct sysv_caller *c, int32_t key, int flg)
{
	struct msg_queue *q = key == IPC_PRIVATE ? NULL : sysv_find_key(ns, SYSV_MSG, key);
	int err = sysv_get_check(c, q ? &q->perm : NULL, key == IPC_PRIVATE ? IPC_CREAT : flg);
	if (err <= 0)
		return err ? err : q->perm.id;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	list_init(&q->msgs);
	waitq_init(&q->senders);
	waitq_init(&q->receivers);
	q->qbytes = (uint64_t)ns->msg_ctlmnb;
	q->ctime = sysv_now();
	err = sysv_link(ns, SYSV_MSG, &q->perm, c, key, flg, ns->msg_ctlmni);
	if (err) {
		free(q);
		return err;
	}
	return q->perm.id;
}

void msg_free_queue(struct sysv_ns *ns, struct msg_queue *q)
{
	struct msg_msg *m, *tmp;
	sysv_unlink(ns, SYSV_MSG, &q->perm);
	list_for_each_entry_safe(m, tmp, &q->msgs, link) {
		ns->msg_bytes -= (long)m->len;
		ns->msg_hdrs--;
		sysv_sandbox_msg_bytes -= msg_cost(m->len);
		free(m);
	}
	sysv_waitq_release(&q->senders);
	sysv_waitq_release(&q->receivers);
	free(q);
}

static bool fits(const struct msg_queue *q, size_t len)
{
	return q->cbytes + len <= q->qbytes && q->qnum + 1 <= q->qbytes;
}

int msg_send(struct sysv_ns *ns, const struct sysv_caller *c, int id, long type,
	     const void *text, size_t len, struct waitq **wq)
{
	struct msg_queue *q = sysv_find(ns, SYSV_MSG, id);
	if (!q)
		return -EINVAL;
	if (!sysv_may(c, &q->perm, 2))
		return -EACCES;
	if (!fits(q, len)) {
		*wq = &q->senders;
		return -EAGAIN;
	}
	if (sysv_sandbox_msg_bytes + msg_cost(len) > SYSV_SANDBOX_MSG_BYTES)
		return -ENOMEM;
	struct msg_msg *m = malloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	sysv_sandbox_msg_bytes += msg_cost(len);
	m->type = type;
	m->len = len;
	memcpy(m->text, text, len);
	list_add_tail(&m->link, &q->msgs);
	q->cbytes += len;
	q->qnum++;
	q->lspid = c->pid;
	q->stime = sysv_now();
	ns->msg_bytes += (long)len;
	ns->msg_hdrs++;
	waitq_wake(&q->receivers, ~0u);
	return 0;
}

/* The message msgrcv(2) picks for @type and @flg (msg.c's find_msg), or NULL. */
static struct msg_msg *find_msg(struct msg_queue *q, long type, int flg)
{
	struct msg_msg *m, *found = NULL;
	long count = 0;
	if (flg & MSG_COPY) {
		list_for_each_entry(m, &q->msgs, link)
			if (count++ == type)
				return m;
		return NULL;
	}
	if (type < 0) { /* the lowest type <= |type|, first of its kind */
		long limit = type == LONG_MIN ? LONG_MAX : -type;
		list_for_each_entry(m, &q->msgs, link)
			if (m->type <= limit && (!found || m->type < found->type))
				found = m;
		return found;
	}
	list_for_each_entry(m, &q->msgs, link) {
		if (!type || ((flg & MSG_EXCEPT) ? m->type != type : m->type == type))
			return m;
	}
	return NULL;
}

int msg_receive(struct sysv_ns *ns, const struct sysv_caller *c, int id, size_t maxlen,
		long type, int flg, struct msg_taken **out, struct waitq **wq)
{
	struct msg_queue *q = sysv_find(ns, SYSV_MSG, id);
	if (!q)
		return -EINVAL;
	if (!sysv_may(c, &q->perm, 4))
		return -EACCES;
	struct msg_msg *m = find_msg(q, type, flg);
	if (!m) {
		if (flg & MSG_COPY)
			return -ENOMSG;
		*wq = &q->receivers;
		return -EAGAIN;
	}
	if (m->len > maxlen && !(flg & MSG_NOERROR))
		return -E2BIG;
	if ((flg & MSG_COPY) && m->len > maxlen)
		return -EINVAL; /* Linux's copy_msg into a buffer of maxlen */
	size_t n = m->len < maxlen ? m->len : maxlen;
	struct msg_taken *t = malloc(sizeof(*t) + n);
	if (!t)
		return -ENOMEM;
	t->type = m->type;
	t->len = n;
	memcpy(t->text, m->text, n);
	*out = t;
	if (flg & MSG_COPY)
		return 0;
	list_del(&m->link);
	q->cbytes -= m->len;
	q->qnum--;
	q->lrpid = c->pid;
	q->rtime = sysv_now();
	ns->msg_bytes -= (long)m->len;
	ns->msg_hdrs--;
	sysv_sandbox_msg_bytes -= msg_cost(m->len);
	free(m);
	waitq_wake(&q->senders, ~0u);
	return 0;
}

static int msg_info(struct sysv_ns *ns, int cmd, struct sysv_msginfo_abi *mi)
{
	memset(mi, 0, sizeof(*mi));
	mi->msgmni = ns->msg_ctlmni;
	mi->msgmax = ns->msg_ctlmax;
	mi->msgmnb = ns->msg_ctlmnb;
	mi->msgssz = 16;
	mi->msgseg = 0xffff;
	if (cmd == MSG_INFO) {
		mi->msgpool = ns->ids[SYSV_MSG].in_use;
		mi->msgmap = (int)ns->msg_hdrs;
		mi->msgtql = (int)ns->msg_bytes;
	} else {
		mi->msgmap = SYSV_MSGMNB;
		mi->msgpool = SYSV_MSGMNI * SYSV_MSGMNB / 1024;
		mi->msgtql = SYSV_MSGMNB;
	}
	int max = sysv_max_idx(ns, SYSV_MSG);
	return max < 0 ? 0 : max;
}

static void msg_stat(const struct msg_queue *q, struct sysv_msqid_abi *st)
{
	memset(st, 0, sizeof(*st));
	sysv_perm_export(&q->perm, &st->perm);
	st->stime = q->stime;
	st->rtime = q->rtime;
	st->ctime = q->ctime;
	st->cbytes = q->cbytes;
	st->qnum = q->qnum;
	st->qbytes = q->qbytes;
	st->lspid = q->lspid;
	st->lrpid = q->lrpid;
}

int msg_ctl(struct sysv_ns *ns, const struct sysv_caller *c, int id, int cmd, void *buf)
{
	struct msg_queue *q;
	switch (cmd) {
	case IPC_INFO:
	case MSG_INFO:
		return msg_info(ns, cmd, buf);
	case MSG_STAT:
	case MSG_STAT_ANY:
		q = sysv_at(ns, SYSV_MSG, id);
		if (!q)
			return -EINVAL;
		if (cmd == MSG_STAT && !sysv_may(c, &q->perm, 4))
			return -EACCES;
		msg_stat(q, buf);
		return q->perm.id;
	case IPC_STAT:
	case IPC_SET:
	case IPC_RMID:
		break;
	default:
		return -EINVAL;
	}
	q = sysv_find(ns, SYSV_MSG, id);
	if (!q)
		return -EINVAL;
	if (cmd == IPC_STAT) {
		if (!sysv_may(c, &q->perm, 4))
			return -EACCES;
		msg_stat(q, buf);
		return 0;
	}
	if (!sysv_is_owner(c, &q->perm))
		return -EPERM;
	if (cmd == IPC_RMID) {
		msg_free_queue(ns, q);
		return 0;
	}
	const struct sysv_msqid_abi *in = buf;
	if (in->qbytes > (uint64_t)ns->msg_ctlmnb && !c->cap_sys_resource)
		return -EPERM;
	q->qbytes = in->qbytes;
	sysv_perm_set(&q->perm, in->perm.uid, in->perm.gid, in->perm.mode);
	q->ctime = sysv_now();
	waitq_wake(&q->senders, ~0u);
	return 0;
}

void msg_procfs_lines(struct sysv_ns *ns, struct proc_buf *b, const struct sysv_view *v)
{
	const struct msg_queue *q;
	sysv_for_each(ns, SYSV_MSG, q, i)
		proc_buf_printf(b,
				"%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10lld %10lld "
				"%10lld\n",
				q->perm.key, q->perm.id, q->perm.mode, (unsigned long)q->cbytes,
				(unsigned long)q->qnum, v->pid(v->arg, q->lspid),
				v->pid(v->arg, q->lrpid), v->uid(v->arg, q->perm.uid),
				v->gid(v->arg, q->perm.gid), v->uid(v->arg, q->perm.cuid),
				v->gid(v->arg, q->perm.cgid), (long long)q->stime,
				(long long)q->rtime, (long long)q->ctime);
}
