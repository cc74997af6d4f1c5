/* sentry/freeze.c - freezing and thawing thread groups (see freeze.h).
 *
 * Owns the per-task freeze state (freeze_kick, freeze_held) and the group's freeze depth.
 * Must not handle any event other than its own kicks: everything else goes on to the
 * loop's handlers; a frozen task whose kick was lost (merged into another SIGSTOP, or
 * flushed by a SIGCONT) is kicked again at its next event. */
#include "sentry/freeze.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FREEZE_MAGIC 0x66727a6b /* "frzk" in si_value: the Sentry's freeze kick */

static void kick(struct task *t)
{
	siginfo_t si;
	if (t->state == TASK_DEAD || t->freeze_kick || t->freeze_held)
		return;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGSTOP;
	si.si_code = SI_QUEUE;
	/* only si_code and si_value mark it: across the stubs' pid namespace the kernel
	 * reports si_pid as 0 (sentry_sender_pid), and si_uid is not looked at */
	si.si_pid = sentry_host_pid;
	si.si_value.sival_int = FREEZE_MAGIC;
	int r = plat->queue_signal(t->tg->host_pid, t->host_tid, &si);
	if (r < 0) {
		log_debug("freeze kick of tid %d: errno %d", t->vtid, -r);
		return;
	}
	t->freeze_kick = true;
}

/* Is a SIGSTOP still pending for @t in the host (its own or its process's queue)? A kick
 * can vanish without a stop: a SIGCONT flushes pending stop signals. */
static bool stop_pending(const struct task *t)
{
	uint64_t pend = 0;
	if (host_status_masks(t->host_tid, "Pnd", &pend) < 0)
		return false;
	return pend & (1ULL << (SIGSTOP - 1));
}

/* Re-kicks @t when its kick was lost. */
static void check_kick(struct task *t)
{
	if (t->freeze_kick && !stop_pending(t))
		t->freeze_kick = false;
	kick(t);
}

/* Resumes held @t as it was (a task stopped in exec's loader keeps that state). */
static void release(struct task *t)
{
	enum task_state s = t->state;
	t->freeze_held = false;
	task_resume(t, 0);
	if (s == TASK_EXEC_LOADING)
		t->state = s;
}

void freeze_tg(struct thread_group *tg)
{
	struct task *t;
	if (tg->freeze_depth++ > 0)
		return;
	list_for_each_entry(t, &tg->threads, tg_link) kick(t);
}

void thaw_tg(struct thread_group *tg)
{
	struct task *t, *tmp;
	if (tg->freeze_depth == 0 || --tg->freeze_depth > 0)
		return;
	list_for_each_entry_safe(t, tmp, &tg->threads, tg_link)
	{
		if (!t->freeze_held)
			continue; /* a kick still pending is swallowed when it arrives */
		t->freeze_held = false;
		if (t->state != TASK_DEAD)
			release(t);
	}
}

bool freeze_task_is_frozen(const struct task *t)
{
	if (t->freeze_held)
		return true;
	switch (t->state) {
	case TASK_RUNNING:
	case TASK_EXEC_LOADING:
		return false;
	default: /* new, stopped at an event, parked, job-control stopped, dead */
		return true;
	}
}

bool freeze_tg_is_frozen(struct thread_group *tg)
{
	struct task *t;
	bool frozen = true;
	list_for_each_entry(t, &tg->threads, tg_link)
	{
		if (freeze_task_is_frozen(t))
			continue;
		frozen = false;
		if (tg->freeze_depth > 0)
			check_kick(t); /* asked while it still runs: is its kick on its way? */
	}
	return frozen;
}

void freeze_task_new(struct task *t)
{
	if (t->tg->freeze_depth > 0)
		kick(t);
}

static bool is_kick(const struct plat_event *ev)
{
	return ev->info.si_pid == sentry_sender_pid && ev->info.si_code == SI_QUEUE &&
	       ev->info.si_value.sival_int == FREEZE_MAGIC;
}

bool freeze_on_event(struct task *t, const struct plat_event *ev)
{
	bool sigstop =
	    (ev->kind == PLAT_EV_SIGNAL || ev->kind == PLAT_EV_GROUP_STOP) && ev->sig == SIGSTOP;
	if (sigstop) {
		/* At most one SIGSTOP is ever pending: ours was this one or merged into it. */
		t->freeze_kick = false;
		if (ev->kind == PLAT_EV_SIGNAL && is_kick(ev)) {
			if (t->tg->freeze_depth > 0) {
				t->freeze_held = true; /* its state stays: only thaw resumes it */
				return true;
			}
			release(t); /* thawed before the kick landed */
			return true;
		}
	}
	if (t->tg->freeze_depth > 0 && ev->kind != PLAT_EV_EXITING && ev->kind != PLAT_EV_DEAD)
		check_kick(t);
	return false;
}
