/* sentry/ipc/sysv_sem.c - System V semaphore sets (semget(2), semop(2), semctl(2)) of one
 * namespace, and SEM_UNDO records (applied when their process exits or leaves the
 * namespace). Each semaphore has two wait queues, one for tasks waiting for it to grow
 * and one for tasks waiting for zero: a parked task waits on exactly the one of the
 * operation that blocked it, so their lengths are GETNCNT and GETZCNT (as Linux counts
 * since 4.1). Must not know about tasks or guest memory. */
#include "sentry/ipc/sysv.h"
#include "vfs/fs/procfs.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#define SEMAEM SYSV_SEMVMX

struct sem {
	int val;
	int pid;
	struct waitq ncnt, zcnt;
};

struct sem_set {
	struct sysv_perm perm; /* first: the table's view */
	int nsems;
	int64_t otime, ctime;
	struct list_head undos; /* struct sem_undo.set_link */
	struct sem sems[];
};

struct sem_undo {
	struct list_head proc_link, set_link;
	struct sem_set *set;
	short adj[];
};

long sysv_sandbox_sems;       /* every namespace's: SYSV_SANDBOX_SEMS */
long sysv_sandbox_undo_bytes; /* SYSV_SANDBOX_UNDO_BYTES */

static long undo_cost(const struct sem_set *s)
{
	return (long)(sizeof(struct sem_undo) + (size_t)s->nsems * sizeof(short));
}

static void undo_free(struct sem_undo *u)
{
	list_del(&u->proc_link);
	list_del(&u->set_link);
	sysv_sandbox_undo_bytes -= undo_cost(u->set);
	free(u);
}

int sem_get(struct sysv_ns *ns, const struct sysv_caller *c, int32_t key, int nsems, int flg)
{
	if (nsems < 0 || nsems > ns->sem_ctls[0])
		return -EINVAL;
	struct sem_set *s = key == IPC_PRIVATE ? NULL : sysv_find_key(ns, SYSV_SEM, key);
	if (s && !((flg & IPC_CREAT) && (flg & IPC_EXCL)) && nsems > s->nsems)
		return -EINVAL;
	int err = sysv_get_check(c, s ? &s->perm : NULL, key == IPC_PRIVATE ? IPC_CREAT : flg);
	if (err <= 0)
		return err ? err : s->perm.id;
	if (!nsems)
		return -EINVAL;
	if (ns->used_sems + nsems > ns->sem_ctls[1] || sysv_sandbox_sems + nsems > SYSV_SANDBOX_SEMS)
		return -ENOSPC;
	s = calloc(1, sizeof(*s) + (size_t)nsems * sizeof(s->sems[0]));
	if (!s)
		return -ENOMEM;
	s->nsems = nsems;
	list_init(&s->undos);
	for (int i = 0; i < nsems; i++) {
		waitq_init(&s->sems[i].ncnt);
		waitq_init(&s->sems[i].zcnt);
	}
	s->ctime = sysv_now();
	err = sysv_link(ns, SYSV_SEM, &s->perm, c, key, flg, ns->sem_ctls[3]);
	if (err) {
		free(s);
		return err;
	}
	ns->used_sems += nsems;
	sysv_sandbox_sems += nsems;
	return s->perm.id;
}

void sem_free_set(struct sysv_ns *ns, struct sem_set *s)
{
	sysv_unlink(ns, SYSV_SEM, &s->perm);
	while (!list_empty(&s->undos))
		undo_free(list_first_entry(&s->undos, struct sem_undo, set_link));
	for (int i = 0; i < s->nsems; i++) {
		sysv_waitq_release(&s->sems[i].ncnt);
		sysv_waitq_release(&s->sems[i].zcnt);
	}
	ns->used_sems -= s->nsems;
	sysv_sandbox_sems -= s->nsems;
	free(s);
}

int sem_nsems(struct sysv_ns *ns, int id)
{
	struct sem_set *s = sysv_find(ns, SYSV_SEM, id);
	return s ? s->nsems : -EINVAL;
}

static void wake_sem(struct sem *sm)
{
	waitq_wake(&sm->ncnt, ~0u);
	waitq_wake(&sm->zcnt, ~0u);
}

/* @proc's undo record for @s, created when @create; NULL when none (or ENOMEM). */
static struct sem_undo *undo_find(struct sysv_proc *proc, struct sem_set *s, bool create)
{
	struct sem_undo *u;
	list_for_each_entry(u, &proc->undos, proc_link)
		if (u->set == s)
			return u;
	if (!create || sysv_sandbox_undo_bytes + undo_cost(s) > SYSV_SANDBOX_UNDO_BYTES)
		return NULL;
	u = calloc(1, sizeof(*u) + (size_t)s->nsems * sizeof(u->adj[0]));
	if (!u)
		return NULL;
	sysv_sandbox_undo_bytes += undo_cost(s);
	u->set = s;
	list_add_tail(&u->proc_link, &proc->undos);
	list_add_tail(&u->set_link, &s->undos);
	return u;
}

/* Applies @ops in order to @s; on failure every change is rolled back. Returns 0, 1 with
 * *@blocked (must wait), -EAGAIN (would wait, IPC_NOWAIT), -ERANGE. */
static int apply_ops(struct sem_set *s, struct sem_undo *u, const struct sysv_sembuf_abi *ops,
		     unsigned nsops, const struct sysv_sembuf_abi **blocked)
{
	unsigned i;
	int ret = 0;
	for (i = 0; i < nsops; i++) {
		struct sem *sm = &s->sems[ops[i].num];
		int r = sm->val + ops[i].op;
		if ((!ops[i].op && sm->val) || r < 0) {
			*blocked = &ops[i];
			ret = (ops[i].flg & IPC_NOWAIT) ? -EAGAIN : 1;
			break;
		}
		if (r > SYSV_SEMVMX) {
			ret = -ERANGE;
			break;
		}
		if (ops[i].flg & SEM_UNDO) {
			int adj = u->adj[ops[i].num] - ops[i].op;
			if (adj < -SEMAEM - 1 || adj > SEMAEM) {
				ret = -ERANGE;
				break;
			}
			u->adj[ops[i].num] = (short)adj;
		}
		sm->val = r;
	}
	if (!ret)
		return 0;
	while (i-- > 0) {
		s->sems[ops[i].num].val -= ops[i].op;
		if (ops[i].flg & SEM_UNDO)
			u->adj[ops[i].num] += ops[i].op;
	}
	return ret;
}

int sem_op(struct sysv_ns *ns, const struct sysv_caller *c, struct sysv_proc *proc, int id,
	   const struct sysv_sembuf_abi *ops, unsigned nsops, struct waitq **wq)
{
	unsigned max = 0;
	bool undo = false, alter = false;
	for (unsigned i = 0; i < nsops; i++) {
		if (ops[i].num > max)
			max = ops[i].num;
		undo |= (ops[i].flg & SEM_UNDO) != 0;
		alter |= ops[i].op != 0;
	}
	struct sem_set *s = sysv_find(ns, SYSV_SEM, id);
	if (!s)
		return -EINVAL;
	if (max >= (unsigned)s->nsems)
		return -EFBIG;
	if (!sysv_may(c, &s->perm, alter ? 2 : 4))
		return -EACCES;
	struct sem_undo *u = NULL;
	if (undo) {
		if (proc->undo_ns != ns) { /* records of a namespace left behind apply now */
			sysv_proc_undo(proc, c->pid);
			proc->undo_ns = ns;
		}
		u = undo_find(proc, s, true);
		if (!u)
			return -ENOMEM;
	}
	const struct sysv_sembuf_abi *blocked = NULL;
	int r = apply_ops(s, u, ops, nsops, &blocked);
	if (r == 1) {
		struct sem *sm = &s->sems[blocked->num];
		*wq = blocked->op ? &sm->ncnt : &sm->zcnt;
		return 1;
	}
	if (r)
		return r;
	s->otime = sysv_now();
	for (unsigned i = 0; i < nsops; i++) {
		s->sems[ops[i].num].pid = c->pid;
		if (ops[i].op)
			wake_sem(&s->sems[ops[i].num]);
	}
	return 0;
}

static int waiters(const struct waitq *wq)
{
	int n = 0;
	struct list_head *p;
	for (p = wq->waiters.next; p != &wq->waiters; p = p->next)
		n++;
	return n;
}

static void sem_stat(const struct sem_set *s, struct sysv_semid_abi *st)
{
	memset(st, 0, sizeof(*st));
	sysv_perm_export(&s->perm, &st->perm);
	st->otime = s->otime;
	st->ctime = s->ctime;
	st->nsems = (uint64_t)s->nsems;
}

static int sem_info(struct sysv_ns *ns, int cmd, struct sysv_seminfo_abi *si)
{
	memset(si, 0, sizeof(*si));
	si->semmni = ns->sem_ctls[3];
	si->semmns = ns->sem_ctls[1];
	si->semmsl = ns->sem_ctls[0];
	si->semopm = ns->sem_ctls[2];
	si->semvmx = SYSV_SEMVMX;
	si->semmnu = SYSV_SEMMNS;
	si->semmap = SYSV_SEMMNS;
	si->semume = SYSV_SEMOPM;
	if (cmd == SEM_INFO) {
		si->semusz = ns->ids[SYSV_SEM].in_use;
		si->semaem = (int)ns->used_sems;
	} else {
		si->semusz = 20;
		si->semaem = SEMAEM;
	}
	int max = sysv_max_idx(ns, SYSV_SEM);
	return max < 0 ? 0 : max;
}

/* SETVAL / SETALL: undo adjustments of the changed semaphores are cleared everywhere. */
static void clear_adj(struct sem_set *s, int semnum)
{
	struct sem_undo *u;
	list_for_each_entry(u, &s->undos, set_link) {
		if (semnum < 0)
			memset(u->adj, 0, (size_t)s->nsems * sizeof(u->adj[0]));
		else
			u->adj[semnum] = 0;
	}
}

static int sem_ctl_set(struct sysv_ns *ns, const struct sysv_caller *c, struct sem_set *s,
		       int semnum, int cmd, long arg, void *buf)
{
	unsigned short *vals = buf;
	switch (cmd) {
	case SETVAL:
		if (semnum < 0 || semnum >= s->nsems)
			return -EINVAL;
		if (!sysv_may(c, &s->perm, 2))
			return -EACCES;
		clear_adj(s, semnum);
		s->sems[semnum].val = (int)arg;
		s->sems[semnum].pid = c->pid;
		wake_sem(&s->sems[semnum]);
		break;
	case SETALL:
		if (!sysv_may(c, &s->perm, 2))
			return -EACCES;
		for (int i = 0; i < s->nsems; i++)
			if (vals[i] > SYSV_SEMVMX)
				return -ERANGE;
		clear_adj(s, -1);
		for (int i = 0; i < s->nsems; i++) {
			s->sems[i].val = vals[i];
			s->sems[i].pid = c->pid;
			wake_sem(&s->sems[i]);
		}
		break;
	case IPC_SET: {
		const struct sysv_semid_abi *in = buf;
		if (!sysv_is_owner(c, &s->perm))
			return -EPERM;
		sysv_perm_set(&s->perm, in->perm.uid, in->perm.gid, in->perm.mode);
		break;
	}
	default: /* IPC_RMID */
		if (!sysv_is_owner(c, &s->perm))
			return -EPERM;
		sem_free_set(ns, s);
		return 0;
	}
	s->ctime = sysv_now();
	return 0;
}

int sem_ctl(struct sysv_ns *ns, const struct sysv_caller *c, int id, int semnum, int cmd,
	    long arg, void *buf)
{
	struct sem_set *s;
	switch (cmd) {
	case IPC_INFO:
	case SEM_INFO:
		return sem_info(ns, cmd, buf);
	case SEM_STAT:
	case SEM_STAT_ANY:
		s = sysv_at(ns, SYSV_SEM, id);
		if (!s)
			return -EINVAL;
		if (cmd == SEM_STAT && !sysv_may(c, &s->perm, 4))
			return -EACCES;
		sem_stat(s, buf);
		return s->perm.id;
	case SETVAL:
		if (arg < 0 || arg > SYSV_SEMVMX)
			return -ERANGE;
		break;
	case IPC_STAT: case GETVAL: case GETPID: case GETNCNT: case GETZCNT: case GETALL:
	case SETALL: case IPC_SET: case IPC_RMID:
		break;
	default:
		return -EINVAL;
	}
	s = sysv_find(ns, SYSV_SEM, id);
	if (!s)
		return -EINVAL;
	if (cmd == SETVAL || cmd == SETALL || cmd == IPC_SET || cmd == IPC_RMID)
		return sem_ctl_set(ns, c, s, semnum, cmd, arg, buf);
	if (!sysv_may(c, &s->perm, 4))
		return -EACCES;
	if (cmd == IPC_STAT) {
		sem_stat(s, buf);
		return 0;
	}
	if (cmd == GETALL) {
		unsigned short *vals = buf;
		for (int i = 0; i < s->nsems; i++)
			vals[i] = (unsigned short)s->sems[i].val;
		return 0;
	}
	if (semnum < 0 || semnum >= s->nsems)
		return -EINVAL;
	struct sem *sm = &s->sems[semnum];
	switch (cmd) {
	case GETVAL:
		return sm->val;
	case GETPID:
		return sm->pid;
	case GETNCNT:
		return waiters(&sm->ncnt);
	default: /* GETZCNT */
		return waiters(&sm->zcnt);
	}
}

void sysv_proc_undo(struct sysv_proc *proc, int pid)
{
	while (!list_empty(&proc->undos)) {
		struct sem_undo *u = list_first_entry(&proc->undos, struct sem_undo, proc_link);
		struct sem_set *s = u->set;
		for (int i = 0; i < s->nsems; i++) {
			if (!u->adj[i])
				continue;
			int v = s->sems[i].val + u->adj[i];
			s->sems[i].val = v < 0 ? 0 : v > SYSV_SEMVMX ? SYSV_SEMVMX : v;
			s->sems[i].pid = pid;
			wake_sem(&s->sems[i]);
		}
		undo_free(u);
	}
	proc->undo_ns = NULL;
}

void sem_procfs_lines(struct sysv_ns *ns, struct proc_buf *b, const struct sysv_view *v)
{
	const struct sem_set *s;
	sysv_for_each(ns, SYSV_SEM, s, i)
		proc_buf_printf(b, "%10d %10d  %4o %10u %5u %5u %5u %5u %10lld %10lld\n",
				s->perm.key, s->perm.id, s->perm.mode, (unsigned)s->nsems,
				v->uid(v->arg, s->perm.uid), v->gid(v->arg, s->perm.gid),
				v->uid(v->arg, s->perm.cuid), v->gid(v->arg, s->perm.cgid),
				(long long)s->otime, (long long)s->ctime);
}
