/* sentry/cgroup.h - which cgroup (vfs/fs/cgroupfs.h) each thread group belongs to, the
 * pids charges of its tasks, and the Sentry's answers to cgroupfs (member lists,
 * migration, host resource use, the freezer).
 *
 * References: a thread group holds one on its cgroup (tg->cgroup, from tg_new to
 * tg_reap); each task one on the cgroup its pid is charged to (task->pids_cg, from
 * task_new to task_free); a clone in flight one on the cgroup it reserved a pid in
 * (task->clone.pids_cg, from do_clone to the clone event or the failed clone's exit). */
#ifndef CVISOR_SENTRY_CGROUP_H
#define CVISOR_SENTRY_CGROUP_H
#include "sentry/task.h"

/* tg_new: @tg starts in the root cgroup (registers the Sentry with cgroupfs once). */
void cgroup_tg_init(struct thread_group *tg);
/* fork: @tg (no task yet) goes to @parent's cgroup, frozen if that one is. */
void cgroup_tg_fork(struct thread_group *tg, struct thread_group *parent);
/* The last thread of @tg died (zombie): it leaves its cgroup's populated count. */
void cgroup_tg_exit(struct thread_group *tg);
/* tg_reap: drops @tg's cgroup reference. */
void cgroup_tg_release(struct thread_group *tg);
/* task_new / task_free: charge and uncharge @t's pid. */
void cgroup_task_init(struct task *t);
void cgroup_task_release(struct task *t);
/* do_clone: reserves a pid for the task to be created by @t: 0, or -EAGAIN when @t's
 * cgroup or an ancestor is at pids.max (pids.events "max" counts it). */
int cgroup_clone_reserve(struct task *t);
/* The clone event (the child has its own charge) or the exit of a failed clone: drops
 * @t's reservation. */
void cgroup_clone_unreserve(struct task *t);
/* Moves @tg into @cg (cgroup.procs): charges move, membership counts, freezer. */
void cgroup_tg_migrate(struct thread_group *tg, struct cgroup *cg);
/* The cgroup of @t's thread group (borrowed; the root before it joined one). */
struct cgroup *cgroup_of_task(struct task *t);

#endif
