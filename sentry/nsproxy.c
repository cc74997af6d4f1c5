/* sentry/nsproxy.c - per-task namespace sets and fs contexts: creation with a task, fork
 * and clone (CLONE_FS and every CLONE_NEW* flag), unshare(2) and setns(2), release when
 * the task's host thread dies; and the uts, ipc, cgroup and net namespace objects. pid
 * namespaces are pidns.c's, user namespaces userns.c's. See nsproxy.h for who holds what.
 * Must not build or walk mount trees itself (vfs/mount_tree.c does). */
#include "sentry/nsproxy.h"
#include "netstack/netns.h"
#include "sentry/pidns.h"
#include "sentry/task.h"
#include "sentry/cgroup.h"
#include "vfs/fs/cgroupfs.h"
#include "vfs/internal.h"
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYS_CHROOT_BIT 18
#define CAP_ALL_BITS ((1ULL << 41) - 1) /* CAP_LAST_CAP 40 */
#define NS_CLONE_FLAGS                                                                             \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID |                 \
	 CLONE_NEWCGROUP | CLONE_NEWUSER)

/* ---- namespace objects ---- */

/* Dynamic numbers start above Linux's initial ones (4026531834..4026531841). */
static uint64_t next_ino = 4026532000ULL;

uint64_t ns_next_ino(void)
{
	return next_ino++;
}

static struct uts_ns init_uts = { .ns = { .refs = 1, .ino = 4026531838ULL } };
static struct ipc_ns init_ipc = { .ns = { .refs = 1, .ino = 4026531839ULL } };
static struct cgroup_ns init_cgroup = { .ns = { .refs = 1, .ino = 4026531835ULL } };
static struct net_ns init_net = { .ns = { .refs = 1, .ino = 4026531840ULL } };

struct uts_ns *uts_ns_init(void)
{
	return &init_uts;
}

char *uts_hostname(struct uts_ns *ns)
{
	return !ns || ns == &init_uts ? sentry_hostname : ns->hostname;
}

char *uts_domainname(struct uts_ns *ns)
{
	return !ns || ns == &init_uts ? sentry_domainname : ns->domainname;
}

struct ipc_ns *ipc_ns_init(void)
{
	return &init_ipc;
}

struct cgroup_ns *cgroup_ns_init(void)
{
	return &init_cgroup;
}

struct net_ns *net_ns_init(void)
{
	return &init_net;
}

void ns_common_get(struct ns_common *ns)
{
	if (ns)
		ns->refs++;
}

/* Drops a reference of a dynamically allocated namespace: true when it was the last. */
static bool ns_common_put(struct ns_common *ns, const void *static_obj)
{
	if (!ns || ns == static_obj || --ns->refs > 0)
		return false;
	user_ns_put(ns->owner);
	return true;
}

void uts_ns_put(struct uts_ns *ns)
{
	if (ns_common_put(&ns->ns, &init_uts.ns))
		free(ns);
}

void ipc_ns_put(struct ipc_ns *ns)
{
	/* SysV IPC / mqueue tables would be freed here when they exist */
	if (ns_common_put(&ns->ns, &init_ipc.ns))
		free(ns);
}

void cgroup_ns_put(struct cgroup_ns *ns)
{
	if (!ns_common_put(&ns->ns, &init_cgroup.ns))
		return;
	if (ns->root)
		cgroup_put(ns->root);
	free(ns);
}

void net_ns_put(struct net_ns *ns)
{
	if (!ns_common_put(&ns->ns, &init_net.ns))
		return;
	if (ns->stack && netns_release_for_task)
		netns_release_for_task(ns->stack);
	free(ns);
}

/* A zeroed namespace object of @size owned by @owner; NULL on ENOMEM. */
static void *ns_alloc(size_t size, struct user_ns *owner)
{
	struct ns_common *ns = calloc(1, size);
	if (!ns)
		return NULL;
	ns->refs = 1;
	ns->ino = ns_next_ino();
	ns->owner = owner;
	user_ns_get(owner);
	return ns;
}

uint64_t mntns_ino(const struct vfs_mntns *mnt)
{
	static uint64_t first_seq;
	static bool have_first;
	if (!mnt)
		return 0;
	if (!have_first) { /* the sandbox's own is the first one asked about */
		first_seq = mnt->seq;
		have_first = true;
	}
	/* a separate range from the other types' (they share ns_next_ino) */
	return mnt->seq == first_seq ? 4026531841ULL : 4026600000ULL + mnt->seq;
}

/* ---- sets ---- */

struct task_ns *task_ns_new(struct vfs_mntns *mnt)
{
	struct task_ns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->refs = 1;
	ns->mnt = mnt;
	if (mnt)
		vfs_mntns_get(mnt);
	ns->uts = uts_ns_init();
	ns->ipc = ipc_ns_init();
	ns->cgroup = cgroup_ns_init();
	ns->net = net_ns_init();
	ns->pid = pidns_root();
	ns_common_get(&ns->uts->ns);
	ns_common_get(&ns->ipc->ns);
	ns_common_get(&ns->cgroup->ns);
	ns_common_get(&ns->net->ns);
	pid_ns_get(ns->pid);
	return ns;
}

/* A new set sharing every namespace of @old (references taken); NULL on ENOMEM. */
static struct task_ns *task_ns_copy(const struct task_ns *old)
{
	struct task_ns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	*ns = *old;
	ns->refs = 1;
	if (ns->mnt)
		vfs_mntns_get(ns->mnt);
	ns_common_get(&ns->uts->ns);
	ns_common_get(&ns->ipc->ns);
	ns_common_get(&ns->cgroup->ns);
	ns_common_get(&ns->net->ns);
	pid_ns_get(ns->pid);
	return ns;
}

void task_ns_get(struct task_ns *ns)
{
	ns->refs++;
}

void task_ns_put(struct task_ns *ns)
{
	if (!ns || --ns->refs > 0)
		return;
	vfs_mntns_put(ns->mnt);
	uts_ns_put(ns->uts);
	ipc_ns_put(ns->ipc);
	cgroup_ns_put(ns->cgroup);
	net_ns_put(ns->net);
	pid_ns_put(ns->pid);
	free(ns);
}

/* Replaces @t's set and fs context by @ns and @fs (references consumed; NULL keeps the
 * current one) and, for a leader, its group's. */
static void task_ns_switch(struct task *t, struct task_ns *ns, struct vfs_fs_ctx *fs)
{
	struct thread_group *tg = t->tg;
	if (ns) {
		task_ns_put(t->ns);
		t->ns = ns;
	}
	if (fs) {
		vfs_fs_ctx_put(t->fs);
		t->fs = fs;
	}
	if (t != tg->leader)
		return;
	if (t->ns && tg->mntns != t->ns->mnt) {
		vfs_mntns_get(t->ns->mnt);
		vfs_mntns_put(tg->mntns);
		tg->mntns = t->ns->mnt;
	}
	if (t->fs && tg->fs != t->fs) {
		vfs_fs_ctx_get(t->fs);
		vfs_fs_ctx_put(tg->fs);
		tg->fs = t->fs;
	}
}

int task_ns_init(struct task *t)
{
	struct thread_group *tg = t->tg;
	if (tg->fs) {
		vfs_fs_ctx_get(tg->fs);
		t->fs = tg->fs;
	}
	if (tg->mntns && !(t->ns = task_ns_new(tg->mntns)))
		return -ENOMEM;
	return 0;
}

struct uts_ns *task_uts(struct task *t)
{
	return t->ns && t->ns->uts ? t->ns->uts : uts_ns_init();
}

void *task_net_stack(struct task *t)
{
	return t->ns && t->ns->net ? t->ns->net->stack : NULL;
}

/* netstack/netns.h's hook: sockets, netlink and /proc/net of the calling task see its own
 * network namespace (NULL: the sandbox's, which the netstack keeps). */
struct netns *net_task_ns(void)
{
	extern struct task *sentry_current_task;
	return sentry_current_task ? task_net_stack(sentry_current_task) : NULL;
}

int task_ns_check(struct task *t, uint64_t flags, bool is_unshare)
{
	struct thread_group *tg = t->tg;
	struct user_ns *owner = tg_userns(tg);
	if (is_unshare && (flags & CLONE_NEWPID) && t->ns && t->ns->pid != task_pidns(t))
		return -EINVAL; /* pid_for_children was already unshared */
	if (flags & CLONE_NEWUSER) {
		if (owner->level >= 32)
			return -EUSERS;
		/* unprivileged, as Linux; its creator has every capability in it */
	} else if ((flags & NS_CLONE_FLAGS) && !ns_capable(tg, owner, CAP_SYS_ADMIN_BIT)) {
		return -EPERM;
	}
	if ((flags & CLONE_NEWPID) && t->ns && t->ns->pid->level >= PIDNS_MAX_LEVEL)
		return -ENOSPC;
	if ((flags & CLONE_NEWNET) && !netns_clone_for_task)
		return -EPERM; /* no network stack instances without the netstack's hook */
	return 0;
}

/* A new set for @t: a copy of @old with new namespaces for @flags (owned by @owner); the
 * mount namespace copy has @fs translated into it. @pid: the new pid_for_children
 * (CLONE_NEWPID: the namespace the child is pid 1 of; unshare: a new one). */
static int ns_build(struct task *t, const struct task_ns *old, uint64_t flags,
		    struct user_ns *owner, struct vfs_fs_ctx *fs, struct pid_ns *pid,
		    struct task_ns **out)
{
	struct task_ns *ns = task_ns_copy(old);
	int err = -ENOMEM;
	if (!ns)
		return -ENOMEM;
	if (flags & CLONE_NEWNS) {
		struct vfs_mntns *m;
		if (!old->mnt || !fs)
			goto fail; /* task_ns_init ran out of memory for this task */
		err = vfs_mntns_copy(old->mnt, fs, &m);
		if (err)
			goto fail;
		vfs_mntns_put(ns->mnt);
		ns->mnt = m;
		err = -ENOMEM;
	}
	if (flags & CLONE_NEWUTS) {
		struct uts_ns *u = ns_alloc(sizeof(*u), owner);
		if (!u)
			goto fail;
		memcpy(u->hostname, uts_hostname(old->uts), sizeof(u->hostname));
		memcpy(u->domainname, uts_domainname(old->uts), sizeof(u->domainname));
		uts_ns_put(ns->uts);
		ns->uts = u;
	}
	if (flags & CLONE_NEWIPC) {
		struct ipc_ns *i = ns_alloc(sizeof(*i), owner);
		if (!i)
			goto fail;
		ipc_ns_put(ns->ipc);
		ns->ipc = i;
	}
	if (flags & CLONE_NEWCGROUP) {
		struct cgroup_ns *c = ns_alloc(sizeof(*c), owner);
		if (!c)
			goto fail;
		c->root = cgroup_of_task(t);
		cgroup_get(c->root);
		cgroup_ns_put(ns->cgroup);
		ns->cgroup = c;
	}
	if (flags & CLONE_NEWNET) {
		struct net_ns *n = ns_alloc(sizeof(*n), owner);
		if (!n)
			goto fail;
		n->stack = netns_clone_for_task ? netns_clone_for_task() : NULL;
		if (!n->stack) {
			net_ns_put(n);
			goto fail;
		}
		net_ns_put(ns->net);
		ns->net = n;
	}
	if (pid) {
		pid_ns_get(pid);
		pid_ns_put(ns->pid);
		ns->pid = pid;
	}
	*out = ns;
	return 0;
fail:
	task_ns_put(ns);
	return err;
}

/* Linux's set_cred_user_ns: every capability in the namespace just entered. */
static void userns_full_caps(struct thread_group *tg)
{
	tg->cap_permitted = tg->cap_bounding = CAP_ALL_BITS;
	tg->cap_inheritable = tg->cap_ambient = 0;
}

/* CLONE_NEWUSER for @tg: a child of its user namespace owned by its euid/egid, in which
 * it gets every capability. Returns the new namespace (borrowed: @tg holds it) or NULL. */
static struct user_ns *enter_new_userns(struct thread_group *tg)
{
	struct user_ns *u = user_ns_new(tg_userns(tg), tg->cred.euid, tg->cred.egid);
	if (!u)
		return NULL;
	tg_set_userns(tg, u, CAP_ALL_BITS);
	userns_full_caps(tg);
	user_ns_put(u); /* tg holds it */
	return u;
}

int task_ns_fork(struct task *child, struct task *parent, uint64_t flags)
{
	struct vfs_fs_ctx *pfs = parent->fs ? parent->fs : parent->tg->fs, *fs;
	struct task_ns *ns;
	if (flags & CLONE_FS) {
		vfs_fs_ctx_get(pfs);
		fs = pfs;
	} else if (!(fs = vfs_fs_ctx_clone(pfs))) {
		return -ENOMEM;
	}
	if (!(flags & NS_CLONE_FLAGS) && parent->ns) {
		ns = parent->ns;
		task_ns_get(ns);
		task_ns_switch(child, ns, fs);
		return 0;
	}
	if (!parent->ns) {
		vfs_fs_ctx_put(fs);
		return -ENOMEM;
	}
	struct user_ns *owner = tg_userns(child->tg);
	if ((flags & CLONE_NEWUSER) && !(owner = enter_new_userns(child->tg))) {
		vfs_fs_ctx_put(fs);
		return -ENOMEM;
	}
	struct pid_ns *pid = NULL;
	if (flags & CLONE_NEWPID) {
		pid = task_pidns(child); /* clone.c allocated the child's pid in a new one */
		if (pid->ns.owner != owner) {
			user_ns_get(owner);
			user_ns_put(pid->ns.owner);
			pid->ns.owner = owner;
		}
	}
	int err = ns_build(child, parent->ns, flags, owner, fs, pid, &ns);
	if (err) {
		vfs_fs_ctx_put(fs);
		return err;
	}
	task_ns_switch(child, ns, fs);
	return 0;
}

void task_ns_exit(struct task *t)
{
	task_ns_put(t->ns);
	vfs_fs_ctx_put(t->fs);
	t->ns = NULL;
	t->fs = NULL;
}

int task_fs_users(struct vfs_fs_ctx *fs)
{
	struct thread_group *tg;
	struct task *t;
	int n = 0;
	list_for_each_entry(tg, &all_groups, all_link)
		list_for_each_entry(t, &tg->threads, tg_link)
			n += t->fs == fs && t->state != TASK_DEAD;
	return n;
}

/* A process's user namespace and capability sets, kept to undo a failed unshare. */
struct user_state {
	struct user_ns *ns; /* a reference */
	uint64_t eff, prm, bnd, inh, amb;
};

static void user_state_save(struct thread_group *tg, struct user_state *us)
{
	us->ns = tg_userns(tg);
	user_ns_get(us->ns);
	us->eff = tg_caps_effective(tg);
	us->prm = tg->cap_permitted;
	us->bnd = tg->cap_bounding;
	us->inh = tg->cap_inheritable;
	us->amb = tg->cap_ambient;
}

/* Puts @tg back as @us says (@restore) and drops @us's reference. */
static void user_state_end(struct thread_group *tg, struct user_state *us, bool restore)
{
	if (restore) {
		tg_set_userns(tg, us->ns, us->eff);
		tg->cap_permitted = us->prm;
		tg->cap_bounding = us->bnd;
		tg->cap_inheritable = us->inh;
		tg->cap_ambient = us->amb;
	}
	user_ns_put(us->ns);
}

/* unshare(2)'s namespace flags: a new set for @t in *@out (@fs: the fs context to move
 * into a new mount namespace). On failure nothing has changed. */
static int unshare_set(struct task *t, uint64_t flags, struct vfs_fs_ctx *fs,
		       struct task_ns **out)
{
	struct thread_group *tg = t->tg;
	struct user_ns *owner = tg_userns(tg);
	struct pid_ns *pid = NULL;
	struct user_state us;
	int err = -ENOMEM;
	user_state_save(tg, &us);
	if ((flags & CLONE_NEWUSER) && !(owner = enter_new_userns(tg)))
		goto out_restore;
	if ((flags & CLONE_NEWPID) && !(pid = pid_ns_new(t->ns->pid, owner)))
		goto out_restore;
	err = ns_build(t, t->ns, flags, owner, fs, pid, out);
	pid_ns_put(pid);
	if (err)
		goto out_restore;
	user_state_end(tg, &us, false);
	return 0;
out_restore:
	user_state_end(tg, &us, flags & CLONE_NEWUSER);
	return err;
}

int task_ns_unshare(struct task *t, uint64_t flags)
{
	struct vfs_fs_ctx *fs = NULL;
	struct task_ns *ns = NULL;
	if (!t->ns)
		return -ENOMEM;
	if ((flags & CLONE_FS) && task_fs_users(t->fs) > 1 && !(fs = vfs_fs_ctx_clone(t->fs)))
		return -ENOMEM;
	if (flags & NS_CLONE_FLAGS) {
		int err = unshare_set(t, flags, fs ? fs : t->fs, &ns);
		if (err) {
			vfs_fs_ctx_put(fs);
			return err;
		}
	}
	task_ns_switch(t, ns, fs);
	return 0;
}

int task_ns_setns_mnt(struct task *t, struct vfs_mntns *mnt)
{
	if (task_fs_users(t->fs) > 1)
		return -EINVAL;
	if (!t->ns)
		return -ENOMEM;
	struct task_ns *ns = task_ns_copy(t->ns);
	if (!ns)
		return -ENOMEM;
	vfs_mntns_get(mnt);
	vfs_mntns_put(ns->mnt);
	ns->mnt = mnt;
	vfs_mntns_install(mnt, t->fs);
	task_ns_switch(t, ns, NULL);
	return 0;
}

/* Replaces one namespace of a copy of @t's set. */
static int setns_one(struct task *t, uint64_t type, void *obj)
{
	struct task_ns *ns = task_ns_copy(t->ns);
	if (!ns)
		return -ENOMEM;
	switch (type) {
	case CLONE_NEWUTS:
		ns_common_get(obj);
		uts_ns_put(ns->uts);
		ns->uts = obj;
		break;
	case CLONE_NEWIPC:
		ns_common_get(obj);
		ipc_ns_put(ns->ipc);
		ns->ipc = obj;
		break;
	case CLONE_NEWCGROUP:
		ns_common_get(obj);
		cgroup_ns_put(ns->cgroup);
		ns->cgroup = obj;
		break;
	case CLONE_NEWNET:
		ns_common_get(obj);
		net_ns_put(ns->net);
		ns->net = obj;
		break;
	case CLONE_NEWPID:
		pid_ns_get(obj);
		pid_ns_put(ns->pid);
		ns->pid = obj;
		break;
	}
	task_ns_switch(t, ns, NULL);
	return 0;
}

int task_ns_setns(struct task *t, uint64_t type, void *obj)
{
	struct thread_group *tg = t->tg;
	struct user_ns *mine = tg_userns(tg);
	if (!t->ns)
		return -ENOMEM;
	if (type == CLONE_NEWUSER) {
		struct user_ns *u = obj;
		if (u == mine)
			return -EINVAL; /* re-entering one's own user namespace */
		if (tg->nlive > 1)
			return -EINVAL;
		if (task_fs_users(t->fs) > 1)
			return -EINVAL;
		if (!ns_capable(tg, u, CAP_SYS_ADMIN_BIT))
			return -EPERM;
		tg_set_userns(tg, u, CAP_ALL_BITS);
		userns_full_caps(tg);
		return 0;
	}
	struct ns_common *c = obj;
	if (type == CLONE_NEWPID) {
		struct pid_ns *p = obj;
		/* only the caller's own pid namespace or one of its descendants */
		if (!pidns_is_ancestor(task_pidns(t), p))
			return -EINVAL;
	}
	/* CAP_SYS_ADMIN over the namespace's owner and in the caller's own namespace */
	if (!ns_capable(tg, c->owner ? c->owner : user_ns_init(), CAP_SYS_ADMIN_BIT) ||
	    !ns_capable(tg, mine, CAP_SYS_ADMIN_BIT))
		return -EPERM;
	return setns_one(t, type, obj);
}
