/* sentry/nsproxy.h - the namespaces a task is in (Linux's struct nsproxy) and the task's
 * own fs context (root, cwd, umask: Linux's fs_struct, which a mount namespace change
 * must move along with it).
 *
 * Per task, as Linux: threads share their creator's set and fs context (CLONE_THREAD with
 * CLONE_FS, as pthreads do) until one of them calls unshare(2) or setns(2), which affects
 * that thread only. The thread group's tg->mntns and tg->fs are its leader's (what
 * /proc/<pid>/ shows) and follow the leader when it changes them.
 *
 * Ownership: a task holds one reference on its struct task_ns and one on its fs context,
 * dropped when its host thread dies (task_ns_exit). A struct task_ns holds one reference
 * on each namespace in it. Later work adds uts, ipc, pid, net, cgroup and time here. */
#ifndef CVISOR_SENTRY_NSPROXY_H
#define CVISOR_SENTRY_NSPROXY_H
#include <stdint.h>
#include "vfs/vfs.h"

struct task;

struct task_ns {
	int refs;
	struct vfs_mntns *mnt;
};

/* A new set (one reference) holding a new reference on @mnt (may be NULL); NULL on
 * ENOMEM. */
struct task_ns *task_ns_new(struct vfs_mntns *mnt);
void task_ns_get(struct task_ns *ns);
void task_ns_put(struct task_ns *ns);

/* A task created for a sandbox or an exec'd process (task_new): the group's namespace
 * and fs context. Returns 0 or -ENOMEM. */
int task_ns_init(struct task *t);
/* @child was cloned by @parent with @flags: CLONE_FS shares the fs context (else a copy),
 * CLONE_NEWNS gives it a copy of @parent's mount namespace (root and cwd translated);
 * a new process's group takes the child's as its own. Returns 0 or -errno. */
int task_ns_fork(struct task *child, struct task *parent, uint64_t flags);
/* The host thread of @t is gone: drops its set and fs context (idempotent). */
void task_ns_exit(struct task *t);

/* unshare(2)'s CLONE_FS / CLONE_NEWNS parts for @t (the caller checked the flags and the
 * capability). Returns 0 or -ENOMEM; nothing changes on failure. */
int task_ns_unshare(struct task *t, uint64_t flags);
/* setns(2) into mount namespace @mnt: -EINVAL when @t's fs context is shared. */
int task_ns_setns_mnt(struct task *t, struct vfs_mntns *mnt);
/* How many live tasks use @fs (Linux's fs->users). */
int task_fs_users(struct vfs_fs_ctx *fs);

#endif
