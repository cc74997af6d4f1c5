/* sentry/robust.c - robust futexes with virtual tids. glibc writes the owner's tid (the
 * virtual one the app sees) into a robust mutex's futex word; the host kernel's own
 * clean-up at thread exit compares host tids and never matches. So the Sentry records
 * each thread's robust list (set_robust_list) and, when the thread exits, marks the
 * futexes it still owns FUTEX_OWNER_DIED like Linux's handle_futex_death, then kicks the
 * group's other threads out of a native futex wait (an unblockable SIGSTOP the Sentry
 * swallows; the host restarts the wait, which sees the changed word and returns). */
#include "sentry/pidns.h"
#include "sentry/task.h"
#include <errno.h>
#include <linux/futex.h>

#define ROBUST_LIST_LIMIT 2048

/* implements set_robust_list(2): recorded by the Sentry, installed natively */
long sys_set_robust_list(struct task *t, const struct syscall_args *a)
{
	if (a->a[1] != 24) /* sizeof(struct robust_list_head) */
		return -EINVAL;
	t->robust_head = a->a[0];
	return SYSRET_PASS;
}

static bool handle_death(struct task *t, uint64_t futex_gaddr)
{
	uint32_t val, nval;
	if (guest_copy_in(&t->mem, &val, futex_gaddr, 4) < 0)
		return false;
	/* the tid glibc wrote: the one the thread sees, in its own pid namespace */
	if ((val & FUTEX_TID_MASK) != (uint32_t)pidns_nr(t->vtid, task_pidns(t)))
		return false;
	nval = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	guest_copy_out(&t->mem, futex_gaddr, &nval, 4);
	return val & FUTEX_WAITERS;
}

/* @t is exiting (PTRACE_EVENT_EXIT: its memory is still there). */
void robust_on_exit(struct task *t)
{
	struct {
		uint64_t next;
		int64_t futex_offset;
		uint64_t pending;
	} head;
	bool waiters = false;
	uint64_t entry;

	if (!t->robust_head || t->tg->group_exiting)
		return;
	if (guest_copy_in(&t->mem, &head, t->robust_head, sizeof(head)) < 0)
		return;
	entry = head.next;
	for (int n = 0; entry && entry != t->robust_head && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;
		if (guest_copy_in(&t->mem, &next, entry, 8) < 0)
			break;
		if (entry != head.pending)
			waiters |= handle_death(t, entry + head.futex_offset);
		entry = next;
	}
	if (head.pending)
		waiters |= handle_death(t, head.pending + head.futex_offset);
	if (!waiters)
		return;
	struct task *o;
	list_for_each_entry(o, &t->tg->threads, tg_link) {
		if (o == t || o->state != TASK_RUNNING)
			continue;
		o->futex_kicks++;
		plat->kill(o->host_tid, SIGSTOP);
	}
}
