/* sentry/ipc/sysv_ids.c - what the three kinds of SysV IPC objects share: a namespace's
 * tables and limits, ids (seq * 32768 + index, as Linux), keys, the get(2) rules and the
 * permission checks of svipc(7). Must not know about tasks or guest memory. */
#include "sentry/ipc/sysv.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <time.h>

struct sysv_ns *sysv_ns_new(void)
{
	struct sysv_ns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->shm_ctlmax = SYSV_SHMMAX;
	ns->shm_ctlall = SYSV_SHMALL;
	ns->shm_ctlmni = SYSV_SHMMNI;
	ns->msg_ctlmax = SYSV_MSGMAX;
	ns->msg_ctlmnb = SYSV_MSGMNB;
	ns->msg_ctlmni = SYSV_MSGMNI;
	ns->sem_ctls[0] = SYSV_SEMMSL;
	ns->sem_ctls[1] = SYSV_SEMMNS;
	ns->sem_ctls[2] = SYSV_SEMOPM;
	ns->sem_ctls[3] = SYSV_SEMMNI;
	for (int k = 0; k < SYSV_KINDS; k++)
		ns->ids[k].last_idx = -1;
	return ns;
}

void sysv_ns_free(struct sysv_ns *ns)
{
	if (!ns)
		return;
	struct msg_queue *q;
	struct sem_set *s;
	sysv_for_each(ns, SYSV_MSG, q, i)
		msg_free_queue(ns, q);
	sysv_for_each(ns, SYSV_SEM, s, i)
		sem_free_set(ns, s);
	shm_ns_gone(ns);
	for (int k = 0; k < SYSV_KINDS; k++)
		free(ns->ids[k].slot);
	free(ns);
}

static bool in_group(const struct sysv_caller *c, uint32_t gid)
{
	if (c->egid == gid)
		return true;
	for (uint32_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

bool sysv_may(const struct sysv_caller *c, const struct sysv_perm *p, int want)
{
	uint32_t granted = p->mode;
	if (c->euid == p->cuid || c->euid == p->uid)
		granted >>= 6;
	else if (in_group(c, p->cgid) || in_group(c, p->gid))
		granted >>= 3;
	return !(want & ~granted & 7) || c->cap_ipc_owner;
}

bool sysv_is_owner(const struct sysv_caller *c, const struct sysv_perm *p)
{
	return c->euid == p->uid || c->euid == p->cuid || c->cap_sys_admin;
}

void *sysv_at(struct sysv_ns *ns, enum sysv_kind kind, int idx)
{
	struct sysv_ids *ids = &ns->ids[kind];
	return idx >= 0 && idx < ids->nslots ? ids->slot[idx] : NULL;
}

void *sysv_find(struct sysv_ns *ns, enum sysv_kind kind, int id)
{
	if (id < 0)
		return NULL;
	struct sysv_perm *p = sysv_at(ns, kind, id % SYSV_IPCMNI);
	return p && p->id == id ? p : NULL;
}

void *sysv_next(struct sysv_ns *ns, enum sysv_kind kind, int *idx)
{
	struct sysv_ids *ids = &ns->ids[kind];
	while (++*idx < ids->nslots)
		if (ids->slot[*idx])
			return ids->slot[*idx];
	return NULL;
}

void *sysv_find_key(struct sysv_ns *ns, enum sysv_kind kind, int32_t key)
{
	struct sysv_perm *p;
	sysv_for_each(ns, kind, p, i)
		if (p->key == key && key != IPC_PRIVATE)
			return p;
	return NULL;
}

int sysv_link(struct sysv_ns *ns, enum sysv_kind kind, struct sysv_perm *p,
	      const struct sysv_caller *c, int32_t key, int flg, int max)
{
	struct sysv_ids *ids = &ns->ids[kind];
	int idx = -1;
	if (ids->in_use >= max || ids->in_use >= SYSV_IPCMNI)
		return -ENOSPC;
	/* cyclic over max(in_use * 3/2, 64) indexes, as Linux's ipc_idr_alloc, so that a
	 * removed id is not handed out again at once */
	int span = ids->in_use * 3 / 2 > 64 ? ids->in_use * 3 / 2 : 64;
	if (span > SYSV_IPCMNI)
		span = SYSV_IPCMNI;
	if (span > ids->nslots) {
		void **s = realloc(ids->slot, span * sizeof(*s));
		if (!s)
			return -ENOMEM;
		memset(s + ids->nslots, 0, (span - ids->nslots) * sizeof(*s));
		ids->slot = s;
		ids->nslots = span;
	}
	for (int i = 1; i <= span && idx < 0; i++) {
		int cand = (ids->last_idx + i) % span;
		if (cand < 0)
			cand += span;
		if (!ids->slot[cand])
			idx = cand;
	}
	if (idx < 0)
		return -ENOSPC;
	if (idx <= ids->last_idx && ++ids->seq >= INT32_MAX / SYSV_IPCMNI)
		ids->seq = 0;
	ids->last_idx = idx;
	p->key = key;
	p->uid = p->cuid = c->euid;
	p->gid = p->cgid = c->egid;
	p->mode = flg & 0777;
	p->seq = ids->seq;
	p->id = p->seq * SYSV_IPCMNI + idx;
	ids->slot[idx] = p;
	ids->in_use++;
	return 0;
}

void sysv_unlink(struct sysv_ns *ns, enum sysv_kind kind, struct sysv_perm *p)
{
	struct sysv_ids *ids = &ns->ids[kind];
	int idx = p->id % SYSV_IPCMNI;
	if (idx < ids->nslots && ids->slot[idx] == p) {
		ids->slot[idx] = NULL;
		ids->in_use--;
	}
}

int sysv_max_idx(const struct sysv_ns *ns, enum sysv_kind kind)
{
	const struct sysv_ids *ids = &ns->ids[kind];
	for (int i = ids->nslots - 1; i >= 0; i--)
		if (ids->slot[i])
			return i;
	return -1;
}

int sysv_get_check(const struct sysv_caller *c, struct sysv_perm *p, int flg)
{
	if (!p)
		return flg & IPC_CREAT ? 1 : -ENOENT;
	if ((flg & IPC_CREAT) && (flg & IPC_EXCL))
		return -EEXIST;
	/* the requested mode bits, as ipcperms: any of user/group/other asked counts */
	int want = ((flg >> 6) | (flg >> 3) | flg) & 7;
	return sysv_may(c, p, want) ? 0 : -EACCES;
}

void sysv_perm_export(const struct sysv_perm *p, struct sysv_perm_abi *out)
{
	memset(out, 0, sizeof(*out));
	out->key = p->key;
	out->uid = p->uid;
	out->gid = p->gid;
	out->cuid = p->cuid;
	out->cgid = p->cgid;
	out->mode = p->mode;
	out->seq = p->seq;
}

void sysv_perm_set(struct sysv_perm *p, uint32_t uid, uint32_t gid, uint32_t mode)
{
	p->uid = uid;
	p->gid = gid;
	p->mode = (p->mode & ~0777u) | (mode & 0777);
}

void sysv_waitq_release(struct waitq *wq)
{
	waitq_wake(wq, ~0u);
	while (!list_empty(&wq->waiters))
		waiter_remove(list_first_entry(&wq->waiters, struct waiter, link));
}

int64_t sysv_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

void sysv_proc_free(struct sysv_proc *proc, int pid)
{
	if (!proc)
		return;
	sysv_proc_detach_all(proc, pid);
	sysv_proc_undo(proc, pid);
	free(proc);
}
