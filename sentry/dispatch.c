/* sentry/dispatch.c - runs the handler of a trapped syscall and resumes the task:
 * completion, pass-through, parking and re-running, interruption by signals.
 * Owns the task's per-call state. Must not know what any particular syscall does. */
#include "sentry/task.h"
#include "sentry/syscall_table.h"
#include "common/log.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct task *sentry_current_task;
static struct list_head run_queue = LIST_HEAD_INIT(run_queue);
static uint8_t enosys_logged[SYSCALL_TABLE_SIZE];

int task_regs_sync(struct task *t)
{
	int r = 0;
	if (t->regs_dirty) {
		r = plat->regs_set(t->host_tid, &t->regs);
		t->regs_dirty = false;
	}
	return r;
}

void task_resume(struct task *t, int sig)
{
	task_regs_sync(t);
	if (!sig && t->deferred_sig) {
		sig = t->deferred_sig;
		t->deferred_sig = 0;
	}
	t->state = TASK_RUNNING;
	if (plat->resume(t->host_tid, sig) < 0)
		log_debug("resume of tid %d failed (gone)", t->host_tid);
}

static void restore_call_sigmask(struct task *t)
{
	if (t->sigmask_saved) {
		plat->sigmask_set(t->host_tid, t->saved_sigmask);
		t->sigmask_saved = false;
	}
}

static void restart_syscall(struct task *t);

void task_syscall_complete(struct task *t, long ret)
{
	if (ret == -ERESTARTSYS && task_has_deliverable_signal(t)) {
		/* task_block found a signal pending that restarts the call (SA_RESTART, or no
		 * handler): it is delivered as the task resumes, then the call runs again */
		restart_syscall(t);
		return;
	}
	if (ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK)
		ret = -EINTR; /* a restart code with no signal to act on */
	if (sandbox.strace)
		strace_print(t, ret);
	restore_call_sigmask(t);
	t->regs.r.rax = (uint64_t)ret;
	t->regs.r.orig_rax = (uint64_t)-1; /* skip the host syscall */
	t->regs_dirty = true;
	task_resume(t, 0);
}

static void finish(struct task *t, long ret)
{
	switch (ret) {
	case SYSRET_PARK:
		t->state = TASK_PARKED;
		return;
	case SYSRET_DONE:
		return;
	case SYSRET_PASS:
		if (sandbox.strace)
			strace_print(t, SYSRET_PASS);
		task_regs_sync(t);
		t->state = TASK_RUNNING;
		plat->syscall_run(t->host_tid, t->exit_fixup != NULL);
		return;
	default:
		task_syscall_complete(t, ret);
	}
}

static void run_handler(struct task *t)
{
	const struct syscall_entry *e = syscall_lookup(t->call.nr);
	long ret;

	t->state = TASK_STOPPED;
	if (!e || !e->fn) {
		long nr = t->call.nr;
		if (nr >= 0 && nr < SYSCALL_TABLE_SIZE && !enosys_logged[nr]) {
			enosys_logged[nr] = 1;
			log_warn("unsupported syscall %ld (%s): ENOSYS", nr, e ? e->name : "?");
		}
		ret = -ENOSYS;
	} else {
		sentry_current_task = t;
		ret = e->fn(t, &t->call);
		sentry_current_task = NULL;
	}
	finish(t, ret);
}

void task_dispatch_syscall(struct task *t)
{
	struct user_regs_struct *r = &t->regs.r;
	t->call.nr = (long)r->orig_rax;
	t->call.a[0] = r->rdi;
	t->call.a[1] = r->rsi;
	t->call.a[2] = r->rdx;
	t->call.a[3] = r->r10;
	t->call.a[4] = r->r8;
	t->call.a[5] = r->r9;
	memset(t->scratch, 0, sizeof(t->scratch));
	t->timed_out = false;
	if (t->frame_mask_fix && !t->awaiting_handler_trap) {
		/* the signal went elsewhere: the call's temporary mask ends now */
		t->frame_mask_fix = false;
		plat->sigmask_set(t->host_tid, t->saved_sigmask);
	}
	t->exit_fixup = NULL;
	run_handler(t);
}

/* ---- parking ---- */

static void park_waiter_fn(struct waiter *w, uint32_t events)
{
	task_wake(w->priv);
}

static void park_timer_fn(struct stimer *tm)
{
	struct task *t = tm->priv;
	t->timed_out = true;
	task_wake(t);
}

int task_wait_on(struct task *t, struct waitq *wq, uint32_t events)
{
	if (t->nwaiters == t->cap_waiters) {
		int cap = t->cap_waiters ? t->cap_waiters * 2 : 4;
		struct waiter *n;
		/* Waiters are linked into queues: grow only while none is queued. */
		if (t->nwaiters) {
			struct waiter *old = t->waiters;
			n = malloc(cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			for (int i = 0; i < t->nwaiters; i++) {
				struct waitq *q = old[i].wq;
				uint32_t m = old[i].mask;
				waiter_remove(&old[i]);
				waiter_init(&n[i], park_waiter_fn, t);
				if (q)
					waiter_add(q, &n[i], m);
			}
			free(old);
		} else {
			n = realloc(t->waiters, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
		}
		t->waiters = n;
		t->cap_waiters = cap;
	}
	struct waiter *w = &t->waiters[t->nwaiters++];
	waiter_init(w, park_waiter_fn, t);
	waiter_add(wq, w, events);
	return 0;
}

/* A signal ends a call made under a temporary mask (ppoll...): keep that mask while the
 * signal is delivered; signal.c writes the original into the handler's frame. */
static void keep_call_mask_for_handler(struct task *t)
{
	if (!t->sigmask_saved)
		return;
	t->sigmask_saved = false;
	t->frame_mask_fix = true;
}

static long intr_result(struct task *t, int sig);

long task_block(struct task *t, int64_t deadline_ns, long intr)
{
	if (deadline_ns && deadline_ns <= stimer_now_ns()) {
		task_unpark(t);
		return -ETIMEDOUT;
	}
	t->park_intr = intr;
	int sig = task_next_signal(t);
	if (sig) {
		/* Already pending: the call ends as if @sig had arrived while it waited
		 * (-ERESTARTSYS: task_syscall_complete restarts it). */
		task_unpark(t);
		return intr_result(t, sig);
	}
	if (deadline_ns) {
		t->park_timer.fn = park_timer_fn;
		t->park_timer.priv = t;
		stimer_arm(&t->park_timer, deadline_ns);
	}
	return SYSRET_PARK;
}

bool task_timed_out(struct task *t)
{
	return t->timed_out;
}

void task_unpark(struct task *t)
{
	for (int i = 0; i < t->nwaiters; i++)
		waiter_remove(&t->waiters[i]);
	t->nwaiters = 0;
	if (t->park_timer.fn)
		stimer_cancel(&t->park_timer);
}

void task_wake(struct task *t)
{
	if (t->state != TASK_PARKED || t->queued)
		return;
	t->queued = true;
	list_add_tail(&t->run_link, &run_queue);
}

void task_rerun(struct task *t)
{
	task_unpark(t);
	run_handler(t);
}

void task_run_queue(void)
{
	while (!list_empty(&run_queue)) {
		struct task *t = list_first_entry(&run_queue, struct task, run_link);
		list_del(&t->run_link);
		t->queued = false;
		if (t->state == TASK_PARKED)
			task_rerun(t);
	}
}

/* How the parked call of @t ends when signal @sig interrupts it: -ERESTARTSYS (run it
 * again once the signal is handled: SA_RESTART, or no handler runs) or its error. When a
 * handler runs, the call's temporary mask (ppoll...) is kept for it. */
static long intr_result(struct task *t, int sig)
{
	struct sighand *sh = t->tg->sighand;
	bool has_handler = sh && sh->action[sig].handler > 1;
	uint64_t sa_flags = sh ? sh->action[sig].flags : 0;
	long ret;

	switch (-t->park_intr) {
	case ERESTARTSYS:
		ret = !has_handler || (sa_flags & SA_RESTART) ? -ERESTARTSYS : -EINTR;
		break;
	case ERESTARTNOHAND:
		ret = has_handler ? -EINTR : -ERESTARTSYS;
		break;
	case ERESTARTNOINTR:
		ret = -ERESTARTSYS;
		break;
	default:
		ret = t->park_intr;
	}
	if (has_handler)
		keep_call_mask_for_handler(t);
	return ret;
}

/* Re-executes the syscall instruction after the pending signal's handler (or at once). */
static void restart_syscall(struct task *t)
{
	if (sandbox.strace)
		strace_print(t, -ERESTARTSYS);
	restore_call_sigmask(t);
	t->regs.r.rax = (uint64_t)t->call.nr;
	t->regs.r.rip -= 2;
	t->regs.r.orig_rax = (uint64_t)-1;
	t->regs_dirty = true;
	task_resume(t, 0);
}

void task_interrupt_with(struct task *t, int sig)
{
	if (t->state != TASK_PARKED)
		return;
	if (t->queued) {
		list_del(&t->run_link);
		t->queued = false;
	}
	task_unpark(t);
	long ret = intr_result(t, sig);
	if (ret == -ERESTARTSYS) {
		restart_syscall(t);
		return;
	}
	task_syscall_complete(t, ret);
}
