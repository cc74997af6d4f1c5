/* sentry/procinfo.c - the Sentry's answers to procfs (struct vfs_proc_ops, declared in
 * vfs/fs/procfs.h): task facts from the pid table, the caller of the current syscall,
 * guest memory for cmdline/environ, comm and oom_score_adj writes, namespace inode
 * numbers, uptime, the hostname. Exported as sentry_proc_ops; sandbox.c registers it in
 * its vfs_host_ops (.proc = &sentry_proc_ops).
 *
 * Owns the per-process oom_score_adj values (a side table). Must not block; never hands
 * procfs a task pointer (procfs speaks in virtual pids). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sentry/task.h"
#include "vfs/fs/procfs.h"

/* The task whose syscall is being handled: dispatch.c sets it around each handler
 * (weak until it does; without it /proc/self does not resolve). */
extern struct task *sentry_current_task __attribute__((weak));

static int64_t boot_ns;

static int64_t sandbox_boot_ns(void)
{
	if (!boot_ns)
		boot_ns = init_tg ? init_tg->start_time_ns : stimer_now_ns();
	return boot_ns;
}

/* ---- oom_score_adj (inherited on fork would need clone.c: gap) ---- */
struct oom_entry {
	int vpid;
	int64_t start_ns;
	int value;
};
static struct oom_entry *oom_tab;
static size_t oom_n;

static struct oom_entry *oom_find(struct thread_group *tg, bool create)
{
	for (size_t i = 0; i < oom_n; i++)
		if (oom_tab[i].vpid == tg->vpid)
			return oom_tab[i].start_ns == tg->start_time_ns || create ? &oom_tab[i] : NULL;
	if (!create)
		return NULL;
	struct oom_entry *n = realloc(oom_tab, (oom_n + 1) * sizeof(*n));
	if (!n)
		return NULL;
	oom_tab = n;
	oom_tab[oom_n] = (struct oom_entry){ tg->vpid, tg->start_time_ns, 0 };
	return &oom_tab[oom_n++];
}

/* ---- lookups ---- */

static struct task *live_thread(struct thread_group *tg)
{
	struct task *t;
	if (tg->leader && tg->leader->state != TASK_DEAD)
		return tg->leader;
	list_for_each_entry(t, &tg->threads, tg_link)
		if (t->state != TASK_DEAD)
			return t;
	return tg->leader;
}

static struct task *thread_of(struct thread_group *tg, int tid)
{
	struct task *t;
	list_for_each_entry(t, &tg->threads, tg_link)
		if (t->vtid == tid && t->state != TASK_DEAD)
			return t;
	return NULL;
}

static char state_letter(struct thread_group *tg, struct task *t)
{
	if (tg->zombie)
		return 'Z';
	if (!t)
		return 'X';
	switch (t->state) {
	case TASK_PARKED:
		return 'S';
	case TASK_GROUP_STOPPED:
		return 'T';
	case TASK_DEAD:
		return tg->zombie ? 'Z' : 'X';
	default:
		return 'R';
	}
}

static uint64_t queue_mask(struct list_head *q)
{
	uint64_t m = 0;
	struct sigqueue_entry *e;
	list_for_each_entry(e, q, link)
		if (e->info.si_signo > 0 && e->info.si_signo < SENTRY_NSIG)
			m |= 1ULL << (e->info.si_signo - 1);
	return m;
}

static int queue_len(struct list_head *q)
{
	int n = 0;
	struct sigqueue_entry *e;
	list_for_each_entry(e, q, link)
		n++;
	return n;
}

static void proc_caller(int *pid, int *tid)
{
	struct task *t = &sentry_current_task ? sentry_current_task : NULL;
	*pid = t && t->tg ? t->tg->vpid : 0;
	*tid = t ? t->vtid : 0;
}

static int proc_task(int pid, int tid, struct vfs_proc_task *o)
{
	struct thread_group *tg = tg_by_vpid(pid);
	if (!tg)
		return -ESRCH;
	struct task *t = tid ? thread_of(tg, tid) : live_thread(tg);
	if (tid && !t)
		return -ESRCH;
	memset(o, 0, sizeof(*o));
	o->pid = tg->vpid;
	o->tid = t ? t->vtid : tg->vpid;
	o->ppid = tg->parent ? tg->parent->vpid : 0;
	o->pgid = tg->pgid;
	o->sid = tg->sid;
	o->tpgid = -1;
	o->state = state_letter(tg, t);
	const char *comm = tid && t && t->comm[0] ? t->comm : tg->comm;
	snprintf(o->comm, sizeof(o->comm), "%s", comm);
	const struct vfs_cred *c = &tg->cred;
	o->uid[0] = c->uid, o->uid[1] = c->euid, o->uid[2] = c->suid, o->uid[3] = c->fsuid;
	o->gid[0] = c->gid, o->gid[1] = c->egid, o->gid[2] = c->sgid, o->gid[3] = c->fsgid;
	o->ngroups = c->ngroups < 64 ? c->ngroups : 64;
	memcpy(o->groups, c->groups, o->ngroups * sizeof(o->groups[0]));
	o->nthreads = tg->nlive > 0 ? tg->nlive : 1;
	o->host_tid = t && t->state != TASK_DEAD && !tg->zombie ? t->host_tid : 0;
	o->start_ns = tg->start_time_ns - sandbox_boot_ns();
	if (o->start_ns < 0)
		o->start_ns = 0;
	o->arg_start = tg->arg_start, o->arg_end = tg->arg_end;
	o->env_start = tg->env_start, o->env_end = tg->env_end;
	o->sig_shd_pnd = queue_mask(&tg->sigqueue) | tg->sent_pending;
	o->sig_pnd = t ? queue_mask(&t->sigqueue) | t->sent_pending : 0;
	o->sigq = queue_len(&tg->sigqueue) + (t ? queue_len(&t->sigqueue) : 0);
	for (int s = 1; tg->sighand && s < SENTRY_NSIG; s++) {
		uint64_t h = tg->sighand->action[s].handler;
		if (h == 1)
			o->sig_ign |= 1ULL << (s - 1);
		else if (h > 1)
			o->sig_cgt |= 1ULL << (s - 1);
	}
	o->cap_inh = tg->cap_inheritable;
	o->cap_prm = tg->cap_permitted;
	o->cap_eff = c->cap_effective;
	o->cap_bnd = tg->cap_bounding;
	o->cap_amb = tg->cap_ambient;
	o->no_new_privs = tg->no_new_privs;
	o->seccomp = t ? seccomp_task_mode(t) : 0;
	o->seccomp_filters = t ? seccomp_task_filters(t) : 0;
	o->dumpable = tg->dumpable;
	o->exit_signal = tg->exit_signal;
	o->umask = tg->fs ? tg->fs->umask : 022;
	struct oom_entry *oe = oom_find(tg, false);
	o->oom_score_adj = oe ? oe->value : 0;
	memcpy(o->rlim, tg->rlim, sizeof(o->rlim));
	return 0;
}

static int proc_next_pid(int after)
{
	struct thread_group *tg;
	int best = 0;
	list_for_each_entry(tg, &all_groups, all_link)
		if (tg->vpid > after && (!best || tg->vpid < best))
			best = tg->vpid;
	return best;
}

static int proc_next_tid(int pid, int after)
{
	struct thread_group *tg = tg_by_vpid(pid);
	struct task *t;
	int best = 0;
	if (!tg)
		return 0;
	list_for_each_entry(t, &tg->threads, tg_link)
		if (t->state != TASK_DEAD && t->vtid > after && (!best || t->vtid < best))
			best = t->vtid;
	return best;
}

static struct vfs_fdtable *proc_fdtable(int pid)
{
	struct thread_group *tg = tg_by_vpid(pid);
	if (!tg || !tg->fdt || tg->zombie)
		return NULL;
	vfs_fdtable_get(tg->fdt);
	return tg->fdt;
}

static struct vfs_fs_ctx *proc_fs_ctx(int pid)
{
	struct thread_group *tg = tg_by_vpid(pid);
	if (!tg || !tg->fs || tg->zombie)
		return NULL;
	vfs_fs_ctx_get(tg->fs);
	return tg->fs;
}

static struct vfs_mntns *proc_mntns(int pid)
{
	struct thread_group *tg = tg_by_vpid(pid);
	if (!tg || !tg->mntns || tg->zombie)
		return NULL;
	vfs_mntns_get(tg->mntns);
	return tg->mntns;
}

/* Copies what is readable: the whole range, else page by page up to the first hole. */
static long proc_read_mem(int pid, uint64_t gaddr, void *buf, size_t len)
{
	struct thread_group *tg = tg_by_vpid(pid);
	struct task *t = tg && !tg->zombie ? live_thread(tg) : NULL;
	if (!t || t->state == TASK_DEAD)
		return -ESRCH;
	if (!guest_copy_in(&t->mem, buf, gaddr, len))
		return (long)len;
	size_t done = 0;
	while (done < len) {
		size_t chunk = 4096 - ((gaddr + done) & 4095);
		if (chunk > len - done)
			chunk = len - done;
		if (guest_copy_in(&t->mem, (char *)buf + done, gaddr + done, chunk))
			break;
		done += chunk;
	}
	return done ? (long)done : -EFAULT;
}

static struct vfs_file *proc_exe_file(int pid)
{
	struct thread_group *tg = tg_by_vpid(pid);
	if (!tg || !tg->exe_file)
		return NULL;
	vfs_file_get(tg->exe_file);
	return tg->exe_file;
}

/* As prctl(PR_SET_NAME) (sys_cred.c): the thread, and the group's name for its leader. */
static int proc_set_comm(int pid, int tid, const char *comm)
{
	struct thread_group *tg = tg_by_vpid(pid);
	struct task *t = tg ? (tid ? thread_of(tg, tid) : tg->leader) : NULL;
	if (!t)
		return -ESRCH;
	memset(t->comm, 0, sizeof(t->comm));
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	if (t == tg->leader)
		memcpy(tg->comm, t->comm, sizeof(tg->comm));
	return 0;
}

static int proc_set_oom(int pid, int value)
{
	struct thread_group *tg = tg_by_vpid(pid);
	if (!tg)
		return -ESRCH;
	struct oom_entry *e = oom_find(tg, true);
	if (!e)
		return -ENOMEM;
	e->start_ns = tg->start_time_ns;
	e->value = value;
	return 0;
}

/* Linux's initial namespaces' numbers; a mount namespace of its own gets a new one. */
static uint64_t proc_ns_ino(int pid, enum vfs_proc_ns ns)
{
	static const uint64_t init_ino[VFS_PROC_NS_NR] = {
		[VFS_PROC_NS_CGROUP] = 4026531835, [VFS_PROC_NS_IPC] = 4026531839,
		[VFS_PROC_NS_MNT] = 4026531841,    [VFS_PROC_NS_NET] = 4026531840,
		[VFS_PROC_NS_PID] = 4026531836,    [VFS_PROC_NS_PID_FOR_CHILDREN] = 4026531836,
		[VFS_PROC_NS_TIME] = 4026531834,   [VFS_PROC_NS_TIME_FOR_CHILDREN] = 4026531834,
		[VFS_PROC_NS_USER] = 4026531837,   [VFS_PROC_NS_UTS] = 4026531838,
	};
	static struct vfs_mntns *mnt_seen[256];
	struct thread_group *tg = tg_by_vpid(pid);
	if (!tg || (unsigned)ns >= VFS_PROC_NS_NR)
		return 0;
	if (ns != VFS_PROC_NS_MNT || !tg->mntns)
		return init_ino[ns];
	for (unsigned i = 0; i < 256; i++) {
		if (!mnt_seen[i])
			mnt_seen[i] = tg->mntns; /* pointers are never reused while referenced */
		if (mnt_seen[i] == tg->mntns)
			return i == 0 ? init_ino[ns] : 4026532000ULL + i;
	}
	return 4026532000ULL + 255;
}

static int64_t proc_uptime_ns(void)
{
	return stimer_now_ns() - sandbox_boot_ns();
}

static int proc_get_hostname(char *buf, size_t size)
{
	snprintf(buf, size, "%s", sentry_hostname);
	return 0;
}

static int proc_set_hostname(const char *name, size_t len)
{
	if (len >= sizeof(sentry_hostname))
		return -EINVAL;
	memcpy(sentry_hostname, name, len);
	sentry_hostname[len] = 0;
	return 0;
}

const struct vfs_proc_ops sentry_proc_ops = {
	.caller = proc_caller,
	.task = proc_task,
	.next_pid = proc_next_pid,
	.next_tid = proc_next_tid,
	.fdtable = proc_fdtable,
	.fs_ctx = proc_fs_ctx,
	.mntns = proc_mntns,
	.read_mem = proc_read_mem,
	.exe_file = proc_exe_file,
	.set_comm = proc_set_comm,
	.set_oom_score_adj = proc_set_oom,
	.ns_ino = proc_ns_ino,
	.uptime_ns = proc_uptime_ns,
	.get_hostname = proc_get_hostname,
	.set_hostname = proc_set_hostname,
};
