/* sentry/syscalls/sys_signal.c - kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo,
 * rt_sigaction (tracked here, installed natively), alarm, setitimer/getitimer. Pids are
 * the caller's pid namespace's (sentry/pidns.c): a process outside it does not exist. */
#include "sentry/task.h"
#include "sentry/nsproxy.h"
#include "sentry/pidns.h"
#include "common/log.h"
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#define KSIG_SIZE 8

static bool valid_sig(int sig)
{
	return sig >= 0 && sig < SENTRY_NSIG;
}

static bool may_signal(struct task *t, struct thread_group *target)
{
	const struct vfs_cred *c = &t->tg->cred, *tc = &target->cred;
	if (ns_capable(t->tg, tg_userns(target), 5 /* CAP_KILL */))
		return true;
	return c->euid == tc->uid || c->euid == tc->suid || c->uid == tc->uid || c->uid == tc->suid;
}

static int kill_group(struct task *t, struct thread_group *tg, const siginfo_t *si)
{
	if (!may_signal(t, tg))
		return -EPERM;
	if (pidns_init_ignores(t, tg, si->si_signo))
		return 0; /* SIGKILL/SIGSTOP to its pid namespace's init from inside: dropped */
	return signal_send_group(tg, si);
}

/* implements kill(2) */
long sys_kill(struct task *t, const struct syscall_args *a)
{
	int pid = (int)a->a[0], sig = (int)a->a[1];
	struct thread_group *tg;
	siginfo_t si;
	int found = 0, err = -ESRCH;

	if (!valid_sig(sig))
		return -EINVAL;
	signal_info_user(&si, sig, SI_USER, t);
	struct pid_ns *ns = task_pidns(t);
	if (pid > 0) {
		tg = pidns_tg(pid, ns);
		if (!tg)
			return -ESRCH;
		return kill_group(t, tg, &si);
	}
	if (pid == INT32_MIN)
		return -ESRCH;
	int pgid = pid == 0 ? t->tg->pgid : pidns_find(-pid, ns);
	if (!pgid)
		return -ESRCH;
	struct thread_group *tmp;
	list_for_each_entry_safe(tg, tmp, &all_groups, all_link) {
		if (tg->zombie)
			continue;
		if (pid == -1) {
			/* every process of the caller's namespace but its pid 1 and itself */
			int nr = pidns_nr(tg->vpid, ns);
			if (nr <= 1 || tg == init_tg || tg == t->tg)
				continue;
		} else if (tg->pgid != pgid) {
			continue;
		}
		int r = kill_group(t, tg, &si);
		if (r == 0)
			found++;
		else
			err = r;
	}
	if (pid == -1 && sig && found == 0 && err == -ESRCH)
		return -ESRCH;
	return found ? 0 : err;
}

static long kill_thread(struct task *t, int tgid, int tid, int sig)
{
	struct task *target;
	siginfo_t si;
	if (tid <= 0 || (tgid != -1 && tgid <= 0) || !valid_sig(sig))
		return -EINVAL;
	struct pid_ns *ns = task_pidns(t);
	target = pidns_task(tid, ns);
	if (!target || (tgid != -1 && pidns_nr(target->tg->vpid, ns) != tgid))
		return -ESRCH;
	if (!may_signal(t, target->tg))
		return -EPERM;
	if (pidns_init_ignores(t, target->tg, sig))
		return 0;
	signal_info_user(&si, sig, SI_TKILL, t);
	return signal_send_task(target, &si);
}

/* implements tkill(2) */
long sys_tkill(struct task *t, const struct syscall_args *a)
{
	return kill_thread(t, -1, (int)a->a[0], (int)a->a[1]);
}

/* implements tgkill(2) */
long sys_tgkill(struct task *t, const struct syscall_args *a)
{
	return kill_thread(t, (int)a->a[0], (int)a->a[1], (int)a->a[2]);
}

static long queueinfo(struct task *t, int tgid, int tid, int sig, uint64_t info_gaddr)
{
	siginfo_t si;
	if (!valid_sig(sig))
		return -EINVAL;
	if (guest_copy_in(&t->mem, &si, info_gaddr, sizeof(si)) < 0)
		return -EFAULT;
	struct pid_ns *ns = task_pidns(t);
	struct thread_group *tg = pidns_tg(tgid, ns);
	if (!tg)
		return -ESRCH;
	/* Only the kernel may claim SI_USER/kernel codes for another process. */
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && tg != t->tg)
		return -EPERM;
	if (!may_signal(t, tg))
		return -EPERM;
	si.si_signo = sig;
	if (pidns_init_ignores(t, tg, sig))
		return 0;
	if (tid) {
		struct task *target = pidns_task(tid, ns);
		if (!target || target->tg != tg)
			return -ESRCH;
		return signal_send_task(target, &si);
	}
	return signal_send_group(tg, &si);
}

/* implements pidfd_send_signal(2): kill(2) or rt_sigqueueinfo(2) to the process a pidfd
 * names; no flags */
long sys_pidfd_send_signal(struct task *t, const struct syscall_args *a)
{
	int sig = (int)a->a[1];
	struct thread_group *tg;
	siginfo_t si;
	if (a->a[3])
		return -EINVAL;
	if (!valid_sig(sig))
		return -EINVAL;
	int err = pidfd_resolve(t, (int)a->a[0], &tg, NULL);
	if (err)
		return err;
	if (a->a[2]) {
		if (guest_copy_in(&t->mem, &si, a->a[2], sizeof(si)) < 0)
			return -EFAULT;
		if (si.si_signo != sig)
			return -EINVAL;
		/* Only the kernel may claim SI_USER/kernel codes for another process. */
		if ((si.si_code >= 0 || si.si_code == SI_TKILL) && tg != t->tg)
			return -EPERM;
	} else {
		signal_info_user(&si, sig, SI_USER, t);
	}
	return kill_group(t, tg, &si);
}

/* implements rt_sigqueueinfo(2) */
long sys_rt_sigqueueinfo(struct task *t, const struct syscall_args *a)
{
	return queueinfo(t, (int)a->a[0], 0, (int)a->a[1], a->a[2]);
}

/* implements rt_tgsigqueueinfo(2) */
long sys_rt_tgsigqueueinfo(struct task *t, const struct syscall_args *a)
{
	if ((int)a->a[1] <= 0)
		return -EINVAL;
	return queueinfo(t, (int)a->a[0], (int)a->a[1], (int)a->a[2], a->a[3]);
}

/* implements rt_sigaction(2): the Sentry records the action (for SA_RESTART, ignored
 * signals, SIGCHLD reaping rules) and the host installs it natively. */
long sys_rt_sigaction(struct task *t, const struct syscall_args *a)
{
	int sig = (int)a->a[0];
	struct sighand *sh = t->tg->sighand;
	struct {
		uint64_t handler, flags, restorer, mask;
	} act;

	if (sig < 1 || sig >= SENTRY_NSIG || a->a[3] != KSIG_SIZE)
		return -EINVAL;
	if (a->a[1]) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (guest_copy_in(&t->mem, &act, a->a[1], sizeof(act)) < 0)
			return -EFAULT;
		if (a->a[2]) {
			/* let the host validate the old-action pointer before we record */
			uint64_t probe;
			if (guest_copy_in(&t->mem, &probe, a->a[2], sizeof(probe)) < 0)
				return -EFAULT;
		}
		sh->action[sig].handler = act.handler;
		sh->action[sig].flags = act.flags;
		sh->action[sig].restorer = act.restorer;
		sh->action[sig].mask = act.mask;
	}
	return SYSRET_PASS;
}

static void alarm_fire(struct stimer *tm)
{
	struct thread_group *tg = tm->priv;
	siginfo_t si;
	signal_info_user(&si, SIGALRM, SI_KERNEL, NULL);
	if (tg->itimer_real_interval_ns)
		stimer_arm(&tg->alarm_timer, tm->deadline_ns + tg->itimer_real_interval_ns);
	signal_send_group(tg, &si);
}

static int64_t alarm_remaining(struct thread_group *tg)
{
	if (!tg->alarm_timer.fn || !stimer_armed(&tg->alarm_timer))
		return 0;
	int64_t r = tg->alarm_timer.deadline_ns - stimer_now_ns();
	return r > 0 ? r : 1;
}

static void alarm_set(struct thread_group *tg, int64_t value_ns, int64_t interval_ns)
{
	if (!tg->alarm_timer.fn)
		stimer_init(&tg->alarm_timer, alarm_fire, tg);
	tg->itimer_real_interval_ns = interval_ns;
	if (value_ns)
		stimer_arm(&tg->alarm_timer, stimer_now_ns() + value_ns);
	else
		stimer_cancel(&tg->alarm_timer);
}

/* implements alarm(2) */
long sys_alarm(struct task *t, const struct syscall_args *a)
{
	int64_t rem = alarm_remaining(t->tg);
	long secs = rem ? (long)((rem + 500000000LL) / 1000000000LL) : 0;
	if (rem && !secs)
		secs = 1;
	alarm_set(t->tg, (int64_t)(unsigned int)a->a[0] * 1000000000LL, 0);
	return secs;
}

static void tv_from_ns(struct timeval *tv, int64_t ns)
{
	tv->tv_sec = ns / 1000000000LL;
	tv->tv_usec = (ns % 1000000000LL) / 1000;
}

/* implements getitimer(2): ITIMER_REAL is the Sentry's; the CPU-time timers are the
 * host's (they count the stub's own CPU time) */
long sys_getitimer(struct task *t, const struct syscall_args *a)
{
	struct itimerval v;
	int which = (int)a->a[0];
	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		return SYSRET_PASS;
	if (which != ITIMER_REAL)
		return -EINVAL;
	tv_from_ns(&v.it_value, alarm_remaining(t->tg));
	tv_from_ns(&v.it_interval, t->tg->itimer_real_interval_ns);
	return guest_copy_out(&t->mem, a->a[1], &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/* implements setitimer(2) */
long sys_setitimer(struct task *t, const struct syscall_args *a)
{
	struct itimerval nv, ov;
	int which = (int)a->a[0];
	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		return SYSRET_PASS;
	if (which != ITIMER_REAL)
		return -EINVAL;
	if (a->a[1]) {
		if (guest_copy_in(&t->mem, &nv, a->a[1], sizeof(nv)) < 0)
			return -EFAULT;
	} else {
		memset(&nv, 0, sizeof(nv));
	}
	if (nv.it_value.tv_usec < 0 || nv.it_value.tv_usec >= 1000000 || nv.it_value.tv_sec < 0 ||
	    nv.it_interval.tv_usec < 0 || nv.it_interval.tv_usec >= 1000000 ||
	    nv.it_interval.tv_sec < 0)
		return -EINVAL;
	tv_from_ns(&ov.it_value, alarm_remaining(t->tg));
	tv_from_ns(&ov.it_interval, t->tg->itimer_real_interval_ns);
	if (a->a[2] && guest_copy_out(&t->mem, a->a[2], &ov, sizeof(ov)) < 0)
		return -EFAULT;
	alarm_set(t->tg, nv.it_value.tv_sec * 1000000000LL + nv.it_value.tv_usec * 1000LL,
		  nv.it_interval.tv_sec * 1000000000LL + nv.it_interval.tv_usec * 1000LL);
	return 0;
}

/* For ppoll/pselect6/epoll_pwait: the mask applies for the call only. */
int task_sigmask_swap_for_call(struct task *t, const uint64_t *mask)
{
	uint64_t old;
	if (!mask)
		return 0;
	if (plat->sigmask_get(t->host_tid, &old) < 0)
		return -ESRCH;
	if (!t->sigmask_saved) {
		t->saved_sigmask = old;
		t->sigmask_saved = true;
	}
	uint64_t m = *mask & ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
	return plat->sigmask_set(t->host_tid, m);
}

/* At the exit of a native rt_sigtimedwait: the host dequeued a signal the Sentry had
 * sent; the app gets the Sentry's siginfo for it (virtual sender pid and uid). */
static void sigtimedwait_fixup(struct task *t)
{
	long sig = (long)t->regs.r.rax;
	siginfo_t vi;
	if (sig <= 0 || sig >= SENTRY_NSIG)
		return;
	if (!signal_take_queued(t, (int)sig, &vi))
		return;
	if (t->call.a[1])
		guest_copy_out(&t->mem, t->call.a[1], &vi, sizeof(vi));
}

bool task_sigwait_has(struct task *t, int sig)
{
	uint64_t set;
	if (t->exit_fixup != sigtimedwait_fixup || sig < 1 || sig > 64)
		return false;
	if (guest_copy_in(&t->mem, &set, t->call.a[0], sizeof(set)) < 0)
		return false;
	return set & (1ULL << (sig - 1));
}

/* implements rt_sigtimedwait(2): waits natively (every app signal is a host signal
 * pending on the stub) and rewrites the siginfo to the Sentry's */
long sys_rt_sigtimedwait(struct task *t, const struct syscall_args *a)
{
	if (a->a[3] != KSIG_SIZE)
		return -EINVAL;
	t->exit_fixup = sigtimedwait_fixup;
	return SYSRET_PASS;
}
