/* sentry/nsproxy.c - per-task namespace sets and fs contexts: creation with a task, fork
 * and clone (CLONE_FS, CLONE_NEWNS), unshare(2) and setns(2)'s mount-namespace part, and
 * release when the task's host thread dies. See nsproxy.h for who holds what.
 * Must not build or walk mount trees itself (vfs/mount_tree.c does). */
#include "sentry/nsproxy.h"
#include "sentry/task.h"
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

struct task_ns *task_ns_new(struct vfs_mntns *mnt)
{
	struct task_ns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->refs = 1;
	ns->mnt = mnt;
	if (mnt)
		vfs_mntns_get(mnt);
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

/* A new set for @t with a copy of its mount namespace, @fs translated into it. */
static int copy_mnt(struct task *t, struct vfs_fs_ctx *fs, struct task_ns **out)
{
	if (!t->ns || !t->ns->mnt || !fs)
		return -ENOMEM; /* task_ns_init ran out of memory for this task */
	struct task_ns *ns = task_ns_new(NULL);
	if (!ns)
		return -ENOMEM;
	int err = vfs_mntns_copy(t->ns->mnt, fs, &ns->mnt);
	if (err) {
		free(ns);
		return err;
	}
	*out = ns;
	return 0;
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
	if (flags & CLONE_NEWNS) {
		int err = copy_mnt(parent, fs, &ns);
		if (err) {
			vfs_fs_ctx_put(fs);
			return err;
		}
	} else {
		ns = parent->ns;
		task_ns_get(ns);
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

int task_ns_unshare(struct task *t, uint64_t flags)
{
	struct vfs_fs_ctx *fs = NULL;
	struct task_ns *ns = NULL;
	if ((flags & CLONE_FS) && task_fs_users(t->fs) > 1 && !(fs = vfs_fs_ctx_clone(t->fs)))
		return -ENOMEM;
	if (flags & CLONE_NEWNS) {
		int err = copy_mnt(t, fs ? fs : t->fs, &ns);
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
	struct task_ns *ns = task_ns_new(mnt);
	if (!ns)
		return -ENOMEM;
	vfs_mntns_install(mnt, t->fs);
	task_ns_switch(t, ns, NULL);
	return 0;
}
