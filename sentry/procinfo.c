/* sentry/procinfo.c - the Sentry's answers to procfs (struct vfs_proc_ops, declared in
 * vfs/fs/procfs.h): task facts from the pid table, the caller of the current syscall,
 * guest memory for cmdline/environ, comm and oom_score_adj writes, namespace inode
 * numbers, uptime, the hostname. Exported as sentry_proc_ops; sandbox.c registers it in
 * its vfs_host_ops (.proc = &sentry_proc_ops).
 *
 * Pids are numbers in the pid namespace of the procfs mount being served (set_view);
 * credentials are shown in the reader's user namespace.
 *
 * Owns nothing (oom_score_adj lives in the thread group). Must not block; never hands
 * procfs a task pointer (procfs speaks in virtual pids). */
#include <errno.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sentry/nsproxy.h"
#include "sentry/pidns.h"
#include "sentry/task.h"
#include "sentry/ipc/sysv_task.h"
#include "vfs/fs/procfs.h"

#define CAP_SYS_RESOURCE_BIT 24

/* The task whose syscall is being handled: dispatch.c sets it around each handler
 * (weak until it does; without it /proc/self does not resolve). */
extern struct task *sentry_current_task __attribute__((weak));

static int64_t boot_ns;
static struct pid_ns *view; /* the procfs mount's namespace (not a reference: the sb has one) */

static struct pid_ns *V(void)
{
	return view ? view : pidns_root();
}

static struct task *current(void)
{
	return &sentry_current_task ? sentry_current_task : NULL;
}

/* The process that is @pid in the view. */
static struct thread_group *tg_of(int pid)
{
	return pidns_tg(pid, V());
}

static int vnr(int gnr)
{
	return pidns_nr(gnr, V());
}

static void proc_set_view(void *pidns)
{
	view = pidns;
}

static void *proc_pidns_get(void)
{
	struct task *t = current();
	struct pid_ns *ns = t ? task_pidns(t) : pidns_root();
	pid_ns_get(ns);
	return ns;
}

static void proc_pidns_put(void *pidns)
{
	if (view == pidns)
		view = NULL; /* never left pointing at a freed namespace */
	pid_ns_put(pidns);
}

static int64_t sandbox_boot_ns(void)
{
	if (!boot_ns)
		boot_ns = init_tg ? init_tg->start_time_ns : stimer_now_ns();
	return boot_ns;
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
	struct task *t = pidns_task(tid, V());
	return t && t->tg == tg && t->state != TASK_DEAD ? t : NULL;
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
	struct task *t = current();
	*pid = t && t->tg ? vnr(t->tg->vpid) : 0;
	*tid = t && *pid ? vnr(t->vtid) : 0;
}

static int proc_task(int pid, int tid, struct vfs_proc_task *o)
{
	struct thread_group *tg = tg_of(pid);
	if (!tg)
		return -ESRCH;
	struct task *t = tid ? thread_of(tg, tid) : live_thread(tg);
	if (tid && !t)
		return -ESRCH;
	memset(o, 0, sizeof(*o));
	o->pid = vnr(tg->vpid);
	o->tid = t ? vnr(t->vtid) : o->pid;
	o->ppid = tg->parent ? vnr(tg->parent->vpid) : 0;
	o->pgid = vnr(tg->pgid);
	o->sid = vnr(tg->sid);
	o->tpgid = -1;
	o->state = state_letter(tg, t);
	const char *comm = tid && t && t->comm[0] ? t->comm : tg->comm;
	snprintf(o->comm, sizeof(o->comm), "%s", comm);
	const struct vfs_cred *c = &tg->cred;
	struct task *reader = current();
	const struct user_ns *uns = tg_userns(reader ? reader->tg : NULL);
	uint32_t uids[4] = { c->uid, c->euid, c->suid, c->fsuid };
	uint32_t gids[4] = { c->gid, c->egid, c->sgid, c->fsgid };
	for (int i = 0; i < 4; i++) {
		o->uid[i] = userns_from_uid(uns, uids[i]);
		o->gid[i] = userns_from_gid(uns, gids[i]);
	}
	/* NSpid & co.: the view's level down to the process's own (at most 8 columns) */
	const struct pid_ns *own = tg_pidns(tg);
	for (int l = V()->level; l <= own->level && o->ns_levels < 8; l++) {
		const struct pid_ns *ns = pidns_at(own, l);
		int i = o->ns_levels++;
		o->ns_tgid[i] = pidns_nr(tg->vpid, ns);
		o->ns_pid[i] = pidns_nr(t ? t->vtid : tg->vpid, ns);
		o->ns_pgid[i] = pidns_nr(tg->pgid, ns);
		o->ns_sid[i] = pidns_nr(tg->sid, ns);
	}
	o->owner_uid = c->euid;
	o->owner_gid = c->egid;
	o->ngroups = c->ngroups < 64 ? c->ngroups : 64;
	for (uint32_t i = 0; i < o->ngroups; i++)
		o->groups[i] = userns_from_gid(uns, c->groups[i]);
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
	o->cap_eff = tg_caps_effective(tg);
	o->cap_bnd = tg->cap_bounding;
	o->cap_amb = tg->cap_ambient;
	o->no_new_privs = tg->no_new_privs;
	o->seccomp = t ? seccomp_task_mode(t) : 0;
	o->seccomp_filters = t ? seccomp_task_filters(t) : 0;
	o->dumpable = tg->dumpable;
	o->exit_signal = tg->exit_signal;
	o->umask = tg->fs ? tg->fs->umask : 022;
	o->oom_score_adj = tg->oom_score_adj;
	memcpy(o->rlim, tg->rlim, sizeof(o->rlim));
	return 0;
}

static int proc_next_pid(int after)
{
	struct thread_group *tg;
	int best = 0;
	list_for_each_entry(tg, &all_groups, all_link) {
		int nr = vnr(tg->vpid);
		if (nr > after && (!best || nr < best))
			best = nr;
	}
	return best;
}

static int proc_next_tid(int pid, int after)
{
	struct thread_group *tg = tg_of(pid);
	struct task *t;
	int best = 0;
	if (!tg)
		return 0;
	list_for_each_entry(t, &tg->threads, tg_link) {
		int nr = vnr(t->vtid);
		if (t->state != TASK_DEAD && nr > after && (!best || nr < best))
			best = nr;
	}
	return best;
}

static struct vfs_fdtable *proc_fdtable(int pid)
{
	struct thread_group *tg = tg_of(pid);
	if (!tg || !tg->fdt || tg->zombie)
		return NULL;
	vfs_fdtable_get(tg->fdt);
	return tg->fdt;
}

static struct vfs_fs_ctx *proc_fs_ctx(int pid)
{
	struct thread_group *tg = tg_of(pid);
	if (!tg || !tg->fs || tg->zombie)
		return NULL;
	vfs_fs_ctx_get(tg->fs);
	return tg->fs;
}

static struct vfs_mntns *proc_mntns(int pid)
{
	struct thread_group *tg = tg_of(pid);
	if (!tg || !tg->mntns || tg->zombie)
		return NULL;
	vfs_mntns_get(tg->mntns);
	return tg->mntns;
}

/* Copies what is readable: the whole range, else page by page up to the first hole. */
static long proc_read_mem(int pid, uint64_t gaddr, void *buf, size_t len)
{
	struct thread_group *tg = tg_of(pid);
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
	struct thread_group *tg = tg_of(pid);
	if (!tg || !tg->exe_file)
		return NULL;
	vfs_file_get(tg->exe_file);
	return tg->exe_file;
}

/* As prctl(PR_SET_NAME) (sys_cred.c): the thread, and the group's name for its leader. */
static int proc_set_comm(int pid, int tid, const char *comm)
{
	struct thread_group *tg = tg_of(pid);
	struct task *t = tg ? (tid ? thread_of(tg, tid) : tg->leader) : NULL;
	if (!t)
		return -ESRCH;
	memset(t->comm, 0, sizeof(t->comm));
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	if (t == tg->leader)
		memcpy(tg->comm, t->comm, sizeof(tg->comm));
	return 0;
}

/* A write to /proc/<pid>/oom_score_adj (@legacy: oom_adj, already scaled to -1000..1000)
 * as Linux's __set_oom_adj: going below the floor (oom_adj: below the current value) needs
 * CAP_SYS_RESOURCE (EACCES), and a writer holding it sets the floor. */
static int proc_set_oom(int pid, int value, bool legacy)
{
	struct thread_group *tg = tg_of(pid);
	struct task *w = current();
	if (!tg)
		return -ESRCH;
	bool cap = !w || ns_capable(w->tg, NULL, CAP_SYS_RESOURCE_BIT);
	if (value < (legacy ? tg->oom_score_adj : tg->oom_score_adj_min) && !cap)
		return -EACCES;
	tg->oom_score_adj = (short)value;
	if (!legacy && cap)
		tg->oom_score_adj_min = (short)value;
	return 0;
}

/* The thread whose namespace set /proc/<pid>/ns/ (@nr a pid: its leader, or another
 * live thread) or /proc/<pid>/task/<tid>/ns/ (@nr a tid) shows; NULL for a zombie. */
static struct task *ns_task(int nr)
{
	struct task *t = pidns_task(nr, V());
	if (!t || !t->ns) {
		struct thread_group *tg = tg_of(nr);
		t = tg && !tg->zombie ? live_thread(tg) : NULL;
	}
	return t && t->ns && t->state != TASK_DEAD ? t : NULL;
}

static int time_ns_token; /* the one time namespace: a stand-in object for ns files */

/* The @type namespace object of @t and its inode number (no reference taken). */
static void *ns_object(struct task *t, enum vfs_proc_ns type, uint64_t *ino)
{
	struct task_ns *ns = t->ns;
	struct pid_ns *p;
	switch (type) {
	case VFS_PROC_NS_MNT:
		*ino = mntns_ino(ns->mnt);
		return ns->mnt;
	case VFS_PROC_NS_UTS:
		*ino = ns->uts->ns.ino;
		return ns->uts;
	case VFS_PROC_NS_IPC:
		*ino = ns->ipc->ns.ino;
		return ns->ipc;
	case VFS_PROC_NS_CGROUP:
		*ino = ns->cgroup->ns.ino;
		return ns->cgroup;
	case VFS_PROC_NS_NET:
		*ino = ns->net->ns.ino;
		return ns->net;
	case VFS_PROC_NS_PID:
		p = task_pidns(t);
		*ino = p->ns.ino;
		return p;
	case VFS_PROC_NS_PID_FOR_CHILDREN:
		p = ns->pid;
		if (p != task_pidns(t) && !p->has_init)
			return NULL; /* no pid 1 yet: ENOENT, as Linux */
		*ino = p->ns.ino;
		return p;
	case VFS_PROC_NS_USER:
		*ino = tg_userns(t->tg)->ns.ino;
		return tg_userns(t->tg);
	case VFS_PROC_NS_TIME:
	case VFS_PROC_NS_TIME_FOR_CHILDREN:
		*ino = 4026531834ULL;
		return &time_ns_token;
	default:
		return NULL;
	}
}

static uint64_t proc_ns_ino(int pid, enum vfs_proc_ns type)
{
	struct task *t = ns_task(pid);
	uint64_t ino = 0;
	return t && ns_object(t, type, &ino) ? ino : 0;
}

static void *proc_ns_get(int pid, enum vfs_proc_ns type, uint64_t *ino)
{
	struct task *t = ns_task(pid);
	void *obj = t ? ns_object(t, type, ino) : NULL;
	if (!obj)
		return NULL;
	switch (type) {
	case VFS_PROC_NS_MNT:
		vfs_mntns_get(obj);
		break;
	case VFS_PROC_NS_PID:
	case VFS_PROC_NS_PID_FOR_CHILDREN:
		pid_ns_get(obj);
		break;
	case VFS_PROC_NS_USER:
		user_ns_get(obj);
		break;
	case VFS_PROC_NS_TIME:
	case VFS_PROC_NS_TIME_FOR_CHILDREN:
		break;
	default:
		ns_common_get(obj); /* uts, ipc, cgroup, net start with their ns_common */
	}
	return obj;
}

static void proc_ns_put(enum vfs_proc_ns type, void *obj)
{
	switch (type) {
	case VFS_PROC_NS_MNT:
		vfs_mntns_put(obj);
		break;
	case VFS_PROC_NS_PID:
	case VFS_PROC_NS_PID_FOR_CHILDREN:
		pid_ns_put(obj);
		break;
	case VFS_PROC_NS_USER:
		user_ns_put(obj);
		break;
	case VFS_PROC_NS_UTS:
		uts_ns_put(obj);
		break;
	case VFS_PROC_NS_IPC:
		ipc_ns_put(obj);
		break;
	case VFS_PROC_NS_CGROUP:
		cgroup_ns_put(obj);
		break;
	case VFS_PROC_NS_NET:
		net_ns_put(obj);
		break;
	default:
		break;
	}
}

/* The user namespace owning namespace @obj of @type (a user namespace: its parent). */
static struct user_ns *ns_owner(enum vfs_proc_ns type, void *obj)
{
	switch (type) {
	case VFS_PROC_NS_USER:
		return ((struct user_ns *)obj)->parent;
	case VFS_PROC_NS_UTS:
	case VFS_PROC_NS_IPC:
	case VFS_PROC_NS_CGROUP:
	case VFS_PROC_NS_NET:
	case VFS_PROC_NS_PID:
	case VFS_PROC_NS_PID_FOR_CHILDREN: {
		struct user_ns *o = ((struct ns_common *)obj)->owner;
		return o ? o : user_ns_init();
	}
	default:
		return user_ns_init(); /* mount (owners not recorded) and time */
	}
}

static bool userns_visible(const struct user_ns *ns, struct task *t)
{
	for (const struct user_ns *u = tg_userns(t->tg); u; u = u->parent)
		if (u == ns)
			return true;
	return false;
}

static long proc_ns_ioctl(enum vfs_proc_ns type, void *obj, unsigned cmd, void **rel,
			  enum vfs_proc_ns *rel_type, uint64_t *rel_ino, uint32_t *uid)
{
	static const long clone_flag[VFS_PROC_NS_NR] = {
		[VFS_PROC_NS_CGROUP] = CLONE_NEWCGROUP, [VFS_PROC_NS_IPC] = CLONE_NEWIPC,
		[VFS_PROC_NS_MNT] = CLONE_NEWNS,        [VFS_PROC_NS_NET] = CLONE_NEWNET,
		[VFS_PROC_NS_PID] = CLONE_NEWPID,       [VFS_PROC_NS_PID_FOR_CHILDREN] = CLONE_NEWPID,
		[VFS_PROC_NS_TIME] = CLONE_NEWTIME,     [VFS_PROC_NS_TIME_FOR_CHILDREN] = CLONE_NEWTIME,
		[VFS_PROC_NS_USER] = CLONE_NEWUSER,     [VFS_PROC_NS_UTS] = CLONE_NEWUTS,
	};
	struct task *t = current();
	if (!t)
		return -EPERM;
	switch (cmd) {
	case NS_GET_NSTYPE:
		return clone_flag[type];
	case NS_GET_OWNER_UID:
		if (type != VFS_PROC_NS_USER)
			return -EINVAL;
		*uid = userns_from_uid(tg_userns(t->tg), ((struct user_ns *)obj)->owner_uid);
		return 0;
	case NS_GET_PARENT:
		if (type == VFS_PROC_NS_PID || type == VFS_PROC_NS_PID_FOR_CHILDREN) {
			struct pid_ns *p = ((struct pid_ns *)obj)->parent;
			/* only up to the caller's own pid namespace */
			if (!p || !pidns_is_ancestor(task_pidns(t), p))
				return -EPERM;
			pid_ns_get(p);
			*rel = p;
			*rel_type = VFS_PROC_NS_PID;
			*rel_ino = p->ns.ino;
			return 0;
		}
		if (type != VFS_PROC_NS_USER)
			return -EINVAL;
		/* a user namespace's parent is its owner */
		__attribute__((fallthrough));
	case NS_GET_USERNS: {
		struct user_ns *o = ns_owner(type, obj);
		if (!o || !userns_visible(o, t))
			return -EPERM;
		user_ns_get(o);
		*rel = o;
		*rel_type = VFS_PROC_NS_USER;
		*rel_ino = o->ns.ino;
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

/* ---- uid_map, gid_map, setgroups, cgroup ---- */

static int proc_id_map_show(int pid, int which, char *buf, size_t size)
{
	struct thread_group *tg = tg_of(pid);
	struct task *reader = current();
	if (!tg)
		return -ESRCH;
	if (which == 2) {
		snprintf(buf, size, "%s\n", tg_userns(tg)->setgroups_denied ? "deny" : "allow");
		return 0;
	}
	userns_render_map(reader ? reader->tg : tg, tg, which == 1, buf, size);
	return 0;
}

static ssize_t proc_id_map_write(int pid, int which, const char *buf, size_t len)
{
	struct thread_group *tg = tg_of(pid);
	struct task *writer = current();
	if (!tg || tg->zombie)
		return -ESRCH;
	if (!writer)
		return -EPERM;
	int err = which == 2 ? userns_write_setgroups(writer->tg, tg, buf, len)
			     : userns_write_map(writer->tg, tg, which == 1, buf, len);
	return err ? err : (ssize_t)len;
}

static int64_t proc_uptime_ns(void)
{
	return stimer_now_ns() - sandbox_boot_ns();
}

static struct uts_ns *caller_uts(void)
{
	struct task *t = current();
	return t ? task_uts(t) : uts_ns_init();
}

static int proc_get_hostname(char *buf, size_t size)
{
	snprintf(buf, size, "%s", uts_hostname(caller_uts()));
	return 0;
}

static int proc_set_hostname(const char *name, size_t len)
{
	char *dst = uts_hostname(caller_uts());
	if (len >= sizeof(sentry_hostname))
		return -EINVAL;
	memcpy(dst, name, len);
	dst[len] = 0;
	return 0;
}

static bool proc_may_set_hostname(void)
{
	struct task *t = current();
	return t && ns_capable(t->tg, task_uts(t)->ns.owner, 21 /* CAP_SYS_ADMIN */);
}

const struct vfs_proc_ops sentry_proc_ops = {
	.pidns_get = proc_pidns_get,
	.pidns_put = proc_pidns_put,
	.set_view = proc_set_view,
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
	.ns_get = proc_ns_get,
	.ns_put = proc_ns_put,
	.ns_ioctl = proc_ns_ioctl,
	.id_map_show = proc_id_map_show,
	.id_map_write = proc_id_map_write,
	.uptime_ns = proc_uptime_ns,
	.get_hostname = proc_get_hostname,
	.set_hostname = proc_set_hostname,
	.may_set_hostname = proc_may_set_hostname,
	.sysvipc_show = sysv_proc_show,
	.ipc_sysctl_show = sysv_proc_sysctl_show,
	.ipc_sysctl_write = sysv_proc_sysctl_write,
};
