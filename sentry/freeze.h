/* sentry/freeze.h - freezing thread groups: a frozen group runs no app code until it is
 * thawed. Used by the cgroup v2 freezer (sentry/cgroup.c, cgroup.freeze) and meant for
 * the OCI runtime's pause/resume (freeze every group of the sandbox, thaw them again).
 *
 * Freezes nest: a group frozen twice (its cgroup and a pause) runs again after two thaws.
 * A frozen task is stopped in the Sentry: either parked in an emulated syscall (it stays
 * parked; if the call completes meanwhile, it stops before returning to app code), in a
 * job-control stop, or held at the stop of a "freeze kick" (a SIGSTOP the Sentry queues
 * with rt_tgsigqueueinfo and recognises by its si_value; the host delivers it before the
 * task's next app instruction). Signals sent meanwhile stay pending in the host and are
 * delivered after the thaw; SIGKILL still kills (the host kills a ptrace-stopped task). */
#ifndef CVISOR_SENTRY_FREEZE_H
#define CVISOR_SENTRY_FREEZE_H
#include <stdbool.h>
#include "sentry/task.h"

/* Freezes @tg (one more freeze): every live task is kicked. */
void freeze_tg(struct thread_group *tg);
/* Drops one freeze of @tg; at the last, held tasks resume exactly where they stopped. */
void thaw_tg(struct thread_group *tg);
/* Is @t stopped away from app code (held, parked, job-control stopped, dead, new)? */
bool freeze_task_is_frozen(const struct task *t);
/* Is every task of @tg so stopped? While @tg is frozen, a task still running whose kick
 * was lost (a SIGCONT flushed it) is kicked again. */
bool freeze_tg_is_frozen(struct thread_group *tg);
/* A task was added to @t->tg (clone): kick it when the group is frozen. */
void freeze_task_new(struct task *t);
/* The event loop's hook, before it handles @ev of @t: true when the freezer consumed
 * the event (a kick arrived: the task is held, or resumed when already thawed). */
bool freeze_on_event(struct task *t, const struct plat_event *ev);

#endif
