/* sentry/syscalls/sys_timer.c - POSIX per-process timers (timer_create family) on the
 * Sentry's timer heap. Expiry sends the timer's signal with SI_TIMER, si_timerid, the
 * overrun count and the sigevent's value; a timer whose last signal is still queued counts
 * an overrun instead. Owns struct ptimer; the thread group's list holds every timer. */
#include "sentry/pidns.h"
#include "sentry/task.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef SIGEV_THREAD_ID
#define SIGEV_THREAD_ID 4
#endif
#define MAX_TIMERS 1024

struct ptimer {
	struct list_head link;      /* thread_group.timers */
	struct thread_group *tg;
	int id;
	clockid_t clock;
	int notify;                 /* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID */
	int signo;
	int target_tid;             /* SIGEV_THREAD_ID */
	union sigval value;
	struct stimer tm;
	int64_t interval_ns;
	int overrun, last_overrun;
};

static int64_t clock_now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool signal_still_queued(struct ptimer *pt)
{
	struct sigqueue_entry *e;
	list_for_each_entry(e, &pt->tg->sigqueue, link)
		if (e->info.si_code == SI_TIMER && e->info.si_timerid == pt->id)
			return true;
	struct task *t;
	list_for_each_entry(t, &pt->tg->threads, tg_link)
		list_for_each_entry(e, &t->sigqueue, link)
			if (e->info.si_code == SI_TIMER && e->info.si_timerid == pt->id)
				return true;
	return false;
}

static void ptimer_fire(struct stimer *tm)
{
	struct ptimer *pt = tm->priv;
	if (pt->interval_ns)
		stimer_arm(&pt->tm, tm->deadline_ns + pt->interval_ns);
	if (pt->notify == SIGEV_NONE || pt->tg->zombie)
		return;
	if (signal_still_queued(pt)) {
		if (pt->overrun < 0x7fffffff)
			pt->overrun++;
		return;
	}
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = pt->signo;
	si.si_code = SI_TIMER;
	si.si_timerid = pt->id;
	si.si_overrun = pt->overrun;
	si.si_value = pt->value;
	pt->last_overrun = pt->overrun;
	pt->overrun = 0;
	struct task *target = pt->notify == SIGEV_THREAD_ID ? task_by_vtid(pt->target_tid) : NULL;
	if (target && target->tg == pt->tg)
		signal_send_task(target, &si);
	else
		signal_send_group(pt->tg, &si);
}

static struct ptimer *ptimer_find(struct thread_group *tg, int id)
{
	struct ptimer *pt;
	list_for_each_entry(pt, &tg->timers, link)
		if (pt->id == id)
			return pt;
	return NULL;
}

static void ptimer_free(struct ptimer *pt)
{
	stimer_cancel(&pt->tm);
	list_del(&pt->link);
	free(pt);
}

/* Every timer of @tg goes (exit or exec). */
void ptimers_release(struct thread_group *tg)
{
	struct ptimer *pt, *tmp;
	if (!tg->timers.next)
		return;
	list_for_each_entry_safe(pt, tmp, &tg->timers, link)
		ptimer_free(pt);
}

/* implements timer_create(2) for CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME */
long sys_timer_create(struct task *t, const struct syscall_args *a)
{
	clockid_t clock = (clockid_t)a->a[0];
	struct sigevent ev;
	struct thread_group *tg = t->tg;
	int n = 0, id;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return clock < 0 || clock == CLOCK_PROCESS_CPUTIME_ID ||
			       clock == CLOCK_THREAD_CPUTIME_ID ? -ENOTSUP : -EINVAL;
	memset(&ev, 0, sizeof(ev));
	if (a->a[1]) {
		if (guest_copy_in(&t->mem, &ev, a->a[1], sizeof(ev)) < 0)
			return -EFAULT;
	} else {
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = SIGALRM;
	}
	if (ev.sigev_notify != SIGEV_SIGNAL && ev.sigev_notify != SIGEV_NONE &&
	    ev.sigev_notify != SIGEV_THREAD_ID)
		return -EINVAL;
	if (ev.sigev_notify != SIGEV_NONE && (ev.sigev_signo < 1 || ev.sigev_signo >= SENTRY_NSIG))
		return -EINVAL;
	if (ev.sigev_notify == SIGEV_THREAD_ID) {
		struct task *tt = pidns_task(ev._sigev_un._tid, task_pidns(t));
		if (!tt || tt->tg != tg)
			return -EINVAL;
		ev._sigev_un._tid = tt->vtid; /* kept as the Sentry's number */
	}
	if (!tg->timers.next)
		list_init(&tg->timers);
	for (id = 0; ptimer_find(tg, id); id++)
		n++;
	if (n >= MAX_TIMERS)
		return -EAGAIN;
	struct ptimer *pt = calloc(1, sizeof(*pt));
	if (!pt)
		return -EAGAIN;
	pt->tg = tg;
	pt->id = id;
	pt->clock = clock;
	pt->notify = ev.sigev_notify;
	pt->signo = ev.sigev_signo;
	pt->target_tid = ev._sigev_un._tid;
	pt->value = a->a[1] ? ev.sigev_value : (union sigval){.sival_int = id};
	stimer_init(&pt->tm, ptimer_fire, pt);
	if (guest_copy_out(&t->mem, a->a[2], &id, sizeof(id)) < 0) {
		free(pt);
		return -EFAULT;
	}
	list_add_tail(&pt->link, &tg->timers);
	return 0;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void ns_ts(struct timespec *ts, int64_t ns)
{
	ts->tv_sec = ns / 1000000000LL;
	ts->tv_nsec = ns % 1000000000LL;
}

static void ptimer_get(struct ptimer *pt, struct itimerspec *out)
{
	int64_t rem = 0;
	if (stimer_armed(&pt->tm)) {
		rem = pt->tm.deadline_ns - stimer_now_ns();
		if (rem <= 0)
			rem = 1;
	}
	ns_ts(&out->it_value, rem);
	ns_ts(&out->it_interval, pt->interval_ns);
}

/* implements timer_settime(2) */
long sys_timer_settime(struct task *t, const struct syscall_args *a)
{
	struct ptimer *pt = ptimer_find(t->tg, (int)a->a[0]);
	struct itimerspec nv, ov;
	if (!pt)
		return -EINVAL;
	if (guest_copy_in(&t->mem, &nv, a->a[2], sizeof(nv)) < 0)
		return -EFAULT;
	if (nv.it_value.tv_nsec < 0 || nv.it_value.tv_nsec >= 1000000000L ||
	    nv.it_interval.tv_nsec < 0 || nv.it_interval.tv_nsec >= 1000000000L ||
	    nv.it_value.tv_sec < 0 || nv.it_interval.tv_sec < 0)
		return -EINVAL;
	ptimer_get(pt, &ov);
	if (a->a[3] && guest_copy_out(&t->mem, a->a[3], &ov, sizeof(ov)) < 0)
		return -EFAULT;
	pt->interval_ns = ts_ns(&nv.it_interval);
	pt->overrun = 0;
	int64_t v = ts_ns(&nv.it_value);
	if (!v) {
		stimer_cancel(&pt->tm);
		return 0;
	}
	int64_t now = stimer_now_ns();
	int64_t deadline = (a->a[1] & TIMER_ABSTIME) ? now + (v - clock_now(pt->clock)) : now + v;
	stimer_arm(&pt->tm, deadline > now ? deadline : now);
	return 0;
}

/* implements timer_gettime(2) */
long sys_timer_gettime(struct task *t, const struct syscall_args *a)
{
	struct ptimer *pt = ptimer_find(t->tg, (int)a->a[0]);
	struct itimerspec v;
	if (!pt)
		return -EINVAL;
	ptimer_get(pt, &v);
	return guest_copy_out(&t->mem, a->a[1], &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/* implements timer_getoverrun(2) */
long sys_timer_getoverrun(struct task *t, const struct syscall_args *a)
{
	struct ptimer *pt = ptimer_find(t->tg, (int)a->a[0]);
	return pt ? pt->last_overrun : -EINVAL;
}

/* implements timer_delete(2) */
long sys_timer_delete(struct task *t, const struct syscall_args *a)
{
	struct ptimer *pt = ptimer_find(t->tg, (int)a->a[0]);
	if (!pt)
		return -EINVAL;
	ptimer_free(pt);
	return 0;
}
