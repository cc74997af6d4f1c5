/* sentry/syscalls/sys_sched.c - scheduling policy as the sandbox sees it: every task is
 * SCHED_OTHER at priority 0 (the host schedules the stubs); the robust futex list is the
 * caller's own (the host keeps it). */
#include "sentry/pidns.h"
#include "sentry/task.h"
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>

/* @pid names a thread in @t's pid namespace (0: @t). */
static bool pid_ok(struct task *t, int pid)
{
	return pid == 0 || pidns_task(pid, task_pidns(t)) != NULL;
}

/* implements sched_getscheduler(2) */
long sys_sched_getscheduler(struct task *t, const struct syscall_args *a)
{
	if ((int)a->a[0] < 0)
		return -EINVAL;
	return pid_ok(t, (int)a->a[0]) ? SCHED_OTHER : -ESRCH;
}

/* implements sched_setscheduler(2): SCHED_OTHER/BATCH/IDLE at priority 0 are accepted;
 * real-time policies need CAP_SYS_NICE and are refused (EPERM) */
long sys_sched_setscheduler(struct task *t, const struct syscall_args *a)
{
	struct sched_param p;
	int pid = (int)a->a[0], policy = (int)a->a[1] & ~SCHED_RESET_ON_FORK;
	if (pid < 0 || !a->a[2])
		return -EINVAL;
	if (guest_copy_in(&t->mem, &p, a->a[2], sizeof(p)) < 0)
		return -EFAULT;
	if (!pid_ok(t, pid))
		return -ESRCH;
	if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE)
		return p.sched_priority == 0 ? 0 : -EINVAL;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return (p.sched_priority < 1 || p.sched_priority > 99) ? -EINVAL : -EPERM;
	return -EINVAL;
}

/* implements sched_getparam(2) */
long sys_sched_getparam(struct task *t, const struct syscall_args *a)
{
	struct sched_param p = {0};
	if ((int)a->a[0] < 0 || !a->a[1])
		return -EINVAL;
	if (!pid_ok(t, (int)a->a[0]))
		return -ESRCH;
	return guest_copy_out(&t->mem, a->a[1], &p, sizeof(p)) < 0 ? -EFAULT : 0;
}

/* implements sched_setparam(2) */
long sys_sched_setparam(struct task *t, const struct syscall_args *a)
{
	struct sched_param p;
	if ((int)a->a[0] < 0 || !a->a[1])
		return -EINVAL;
	if (guest_copy_in(&t->mem, &p, a->a[1], sizeof(p)) < 0)
		return -EFAULT;
	if (!pid_ok(t, (int)a->a[0]))
		return -ESRCH;
	return p.sched_priority == 0 ? 0 : -EINVAL;
}

/* implements sched_get_priority_max(2) */
long sys_sched_get_priority_max(struct task *t, const struct syscall_args *a)
{
	int policy = (int)a->a[0];
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return 99;
	if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE)
		return 0;
	return -EINVAL;
}

/* implements sched_get_priority_min(2) */
long sys_sched_get_priority_min(struct task *t, const struct syscall_args *a)
{
	int policy = (int)a->a[0];
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return 1;
	if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE)
		return 0;
	return -EINVAL;
}

/* implements sched_rr_get_interval(2): 0 for SCHED_OTHER, as Linux reports */
long sys_sched_rr_get_interval(struct task *t, const struct syscall_args *a)
{
	struct timespec ts = {0, 0};
	if ((int)a->a[0] < 0)
		return -EINVAL;
	if (!pid_ok(t, (int)a->a[0]))
		return -ESRCH;
	return guest_copy_out(&t->mem, a->a[1], &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

/* implements get_robust_list(2) for the caller itself (the host keeps the list);
 * other tasks' lists answer EPERM */
long sys_get_robust_list(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	if (pid && pid != pidns_nr(t->vtid, task_pidns(t)))
		return pidns_task(pid, task_pidns(t)) ? -EPERM : -ESRCH;
	t->regs.r.rdi = 0;
	t->regs_dirty = true;
	return SYSRET_PASS;
}

/* Nice values kept by the Sentry per thread group (the host does not renice stubs). */
static int nice_of(struct thread_group *tg)
{
	return tg->nice;
}

/* implements getpriority(2): returns 20 - nice, as the raw syscall does */
long sys_getpriority(struct task *t, const struct syscall_args *a)
{
	int which = (int)a->a[0], who = (int)a->a[1];
	struct thread_group *tg;
	int best = -1;
	if (which == PRIO_PROCESS) {
		struct task *o = who ? pidns_task(who, task_pidns(t)) : t;
		return o ? 20 - nice_of(o->tg) : -ESRCH;
	}
	if (which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	list_for_each_entry(tg, &all_groups, all_link) {
		if (tg->zombie)
			continue;
		if (which == PRIO_PGRP && tg->pgid != (who ? who : t->tg->pgid))
			continue;
		if (which == PRIO_USER && tg->cred.uid != (uint32_t)(who ? who : (int)t->tg->cred.uid))
			continue;
		if (20 - nice_of(tg) > best)
			best = 20 - nice_of(tg);
	}
	return best < 0 ? -ESRCH : best;
}

static int set_nice(struct task *t, struct thread_group *tg, int nice)
{
	if (nice < nice_of(tg) && !(t->tg->cred.cap_effective & (1ULL << 23 /* CAP_SYS_NICE */)))
		return -EACCES;
	if (tg->cred.uid != t->tg->cred.euid && tg->cred.euid != t->tg->cred.euid &&
	    !(t->tg->cred.cap_effective & (1ULL << 23)))
		return -EPERM;
	tg->nice = nice;
	return 0;
}

/* implements setpriority(2) */
long sys_setpriority(struct task *t, const struct syscall_args *a)
{
	int which = (int)a->a[0], who = (int)a->a[1], nice = (int)a->a[2];
	struct thread_group *tg;
	int found = 0, err = 0;
	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	if (which == PRIO_PROCESS) {
		struct task *o = who ? pidns_task(who, task_pidns(t)) : t;
		return o ? set_nice(t, o->tg, nice) : -ESRCH;
	}
	if (which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	list_for_each_entry(tg, &all_groups, all_link) {
		if (tg->zombie)
			continue;
		if (which == PRIO_PGRP && tg->pgid != (who ? who : t->tg->pgid))
			continue;
		if (which == PRIO_USER && tg->cred.uid != (uint32_t)(who ? who : (int)t->tg->cred.uid))
			continue;
		found++;
		int r = set_nice(t, tg, nice);
		if (r)
			err = r;
	}
	return !found ? -ESRCH : err;
}
