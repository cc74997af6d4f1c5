/* sentry/signal.c - signals as the app sees them. The Sentry keeps the virtual siginfo
 * (sender's virtual pid and uid) and the actions; the host kernel does the delivery
 * (frames, masks, default actions) because every signal reaches a stub as a host signal
 * the Sentry sent: at the host's signal-delivery-stop the Sentry swaps in the virtual
 * siginfo. Host-generated asynchronous signals (SIGCHLD of host children...) are dropped;
 * synchronous faults (SIGSEGV...) go through unchanged.
 * Must not resume tasks except through dispatch.c's functions. */
#include "sentry/task.h"
#include "sentry/pidns.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIGBIT(sig) (1ULL << ((sig)-1))

struct sighand *sighand_new(void)
{
	struct sighand *sh = calloc(1, sizeof(*sh));
	if (sh)
		sh->refs = 1;
	return sh;
}

struct sighand *sighand_copy(const struct sighand *sh)
{
	struct sighand *n = malloc(sizeof(*n));
	if (!n)
		return NULL;
	*n = *sh;
	n->refs = 1;
	return n;
}

void sighand_put(struct sighand *sh)
{
	if (sh && --sh->refs == 0)
		free(sh);
}

void signal_exec_reset(struct thread_group *tg)
{
	struct sighand *sh = tg->sighand;
	if (sh->refs > 1) {
		struct sighand *n = sighand_copy(sh);
		if (!n)
			return;
		sighand_put(sh);
		tg->sighand = sh = n;
	}
	for (int i = 1; i < SENTRY_NSIG; i++) {
		if (sh->action[i].handler > 1) /* handled: back to default; SIG_IGN stays */
			memset(&sh->action[i], 0, sizeof(sh->action[i]));
		sh->action[i].flags &= ~SA_ONSTACK;
	}
}

static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

bool signal_is_ignored(struct thread_group *tg, int sig)
{
	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	if (!tg->sighand)
		return true;
	uint64_t h = tg->sighand->action[sig].handler;
	return h == 1 || (h == 0 && default_ignored(sig));
}

void signal_info_user(siginfo_t *info, int sig, int code, struct task *sender)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	if (sender) {
		info->si_pid = sender->tg->vpid;
		info->si_uid = sender->tg->cred.uid;
	}
}

static int queue_info(struct list_head *q, const siginfo_t *info)
{
	/* Standard signals coalesce: keep one entry; real-time ones queue. */
	if (info->si_signo < SIGRTMIN) {
		struct sigqueue_entry *e;
		list_for_each_entry(e, q, link)
			if (e->info.si_signo == info->si_signo)
				return 0;
	}
	struct sigqueue_entry *e = malloc(sizeof(*e));
	if (!e)
		return -EAGAIN;
	e->info = *info;
	list_add_tail(&e->link, q);
	return 0;
}

static bool pop_info(struct list_head *q, int sig, siginfo_t *out)
{
	struct sigqueue_entry *e;
	list_for_each_entry(e, q, link) {
		if (e->info.si_signo == sig) {
			*out = e->info;
			list_del(&e->link);
			free(e);
			return true;
		}
	}
	return false;
}

static bool queue_has(struct list_head *q, int sig)
{
	struct sigqueue_entry *e;
	list_for_each_entry(e, q, link)
		if (e->info.si_signo == sig)
			return true;
	return false;
}

int host_status_masks(pid_t tid, const char *key, uint64_t *out)
{
	char path[64], buf[2048], pat[16];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	snprintf(pat, sizeof(pat), "%s:\t", key);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int err = n < 0 ? -errno : 0;
	close(fd);
	if (n <= 0)
		return err ? err : -ESRCH;
	buf[n] = 0;
	for (const char *k = buf; (k = strstr(k, pat)); k += strlen(pat))
		*out |= strtoull(k + strlen(pat), NULL, 16);
	return 0;
}

/* @t's blocked set: the tracer reads it at a stop; a thread running natively (in the app
 * or in a native call) shows it in its /proc status; a native rt_sigtimedwait's set counts
 * as blocked (the host unblocks it for the call, as Linux's real_blocked). */
static bool task_blocks(struct task *t, int sig)
{
	uint64_t mask = 0;
	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	if (task_sigwait_has(t, sig))
		return true;
	if (plat->sigmask_get(t->host_tid, &mask) < 0 &&
	    host_status_masks(t->host_tid, "SigBlk", &mask) < 0)
		return false;
	return mask & SIGBIT(sig);
}

/* See task.h. Synchronous signals first, then the lowest number: the order in which the
 * host delivers what the Sentry sent (Linux's next_signal). */
int task_next_signal(struct task *t)
{
	static const int sync_first[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS };
	uint64_t pend = t->sent_pending | t->tg->sent_pending, mask = 0;
	if (!pend)
		return 0;
	plat->sigmask_get(t->host_tid, &mask);
	pend &= ~mask;
	for (size_t i = 0; i < sizeof(sync_first) / sizeof(sync_first[0]); i++) {
		int sig = sync_first[i];
		if ((pend & SIGBIT(sig)) && !signal_is_ignored(t->tg, sig))
			return sig;
	}
	for (int sig = 1; sig < SENTRY_NSIG; sig++)
		if ((pend & SIGBIT(sig)) && !signal_is_ignored(t->tg, sig))
			return sig;
	return 0;
}

bool task_has_deliverable_signal(struct task *t)
{
	return task_next_signal(t) != 0;
}

static void group_continue(struct thread_group *tg)
{
	struct task *t;
	bool was_stopped = false;
	list_for_each_entry(t, &tg->threads, tg_link) {
		if (t->state == TASK_GROUP_STOPPED) {
			was_stopped = true;
			task_resume(t, 0);
		}
	}
	if (was_stopped && tg->parent) {
		tg->stopped_report = false;
		tg->continued_report = true;
		waitq_wake(&tg->parent->child_wq, 1);
	}
}

/* Linux's sig_task_ignored for SIGNAL_UNKILLABLE: a nested namespace's pid 1 drops every
 * signal it has no handler for and does not block (@t's mask counts), whoever sends it
 * (a stranger's exit signal, a parent-death signal, SIGHUP of a tty, kill from outside),
 * except SIGKILL and SIGSTOP, which pidns_init_ignores judges by their sender. */
static bool init_drops(struct thread_group *tg, struct task *t, int sig)
{
	if (sig == SIGKILL || sig == SIGSTOP || !pidns_is_init(tg))
		return false;
	if (tg->sighand && tg->sighand->action[sig].handler > 1)
		return false;
	return !(t && t->state != TASK_DEAD && task_blocks(t, sig));
}

int signal_send_task(struct task *t, const siginfo_t *info)
{
	int sig = info->si_signo;
	if (t->state == TASK_DEAD)
		return -ESRCH;
	if (sig == 0)
		return 0;
	if (sig == SIGCONT)
		group_continue(t->tg);
	if (init_drops(t->tg, t, sig))
		return 0;
	if (sig == SIGKILL) {
		plat->kill(t->host_tid, SIGKILL);
		return 0;
	}
	/* An ignored signal is still sent: the host drops it unless the task blocks it
	 * (a blocked signal is never ignored: sigwaitinfo may take it). */
	bool ignored = signal_is_ignored(t->tg, sig);
	if (queue_info(&t->sigqueue, info) < 0)
		return -EAGAIN;
	t->sent_pending |= SIGBIT(sig);
	plat->kill(t->host_tid, sig);
	signalfd_notify(t->tg);
	if (!ignored && t->state == TASK_PARKED && !task_blocks(t, sig))
		task_interrupt_with(t, sig);
	return 0;
}

int signal_send_group(struct thread_group *tg, const siginfo_t *info)
{
	int sig = info->si_signo;
	struct task *t;

	if (tg->zombie)
		return 0;
	if (sig == 0)
		return 0;
	if (sig == SIGCONT)
		group_continue(tg);
	if (init_drops(tg, tg->leader, sig))
		return 0;
	if (sig == SIGKILL) {
		tg->group_exiting = true;
		list_for_each_entry(t, &tg->threads, tg_link)
			if (t->state != TASK_DEAD)
				plat->kill(t->host_tid, SIGKILL);
		return 0;
	}
	bool ignored = signal_is_ignored(tg, sig);
	if (queue_info(&tg->sigqueue, info) < 0)
		return -EAGAIN;
	tg->sent_pending |= SIGBIT(sig);
	if (kill(tg->host_pid, sig) < 0)
		return 0;
	signalfd_notify(tg);
	if (ignored)
		return 0;
	list_for_each_entry(t, &tg->threads, tg_link)
		if (t->state == TASK_RUNNING)
			return 0; /* the host picks a running thread that does not block it */
	list_for_each_entry(t, &tg->threads, tg_link) {
		if (t->state == TASK_PARKED && !task_blocks(t, sig)) {
			task_interrupt_with(t, sig);
			break;
		}
	}
	return 0;
}

int signal_send_pgrp(int pgid, int sig)
{
	struct thread_group *g, *tmp;
	siginfo_t si;
	int found = 0;
	if (pgid <= 0)
		return -ESRCH;
	signal_info_user(&si, sig, SI_KERNEL, NULL);
	list_for_each_entry_safe(g, tmp, &all_groups, all_link) {
		if (g->pgid == pgid && !g->zombie) {
			signal_send_group(g, &si);
			found++;
		}
	}
	return found ? 0 : -ESRCH;
}

int task_signal_self(struct task *t, int sig)
{
	siginfo_t si;
	signal_info_user(&si, sig, SI_USER, t);
	return signal_send_task(t, &si);
}

static bool is_sync_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGTRAP || sig == SIGSYS || sig == SIGXCPU || sig == SIGXFSZ ||
	       sig == SIGVTALRM || sig == SIGPROF;
}

bool signal_take_queued(struct task *t, int sig, siginfo_t *out)
{
	bool found = pop_info(&t->sigqueue, sig, out);
	if (!found)
		found = pop_info(&t->tg->sigqueue, sig, out);
	if (!queue_has(&t->sigqueue, sig))
		t->sent_pending &= ~SIGBIT(sig);
	if (!queue_has(&t->tg->sigqueue, sig))
		t->tg->sent_pending &= ~SIGBIT(sig);
	if (found)
		pidns_fix_siginfo(t, out);
	return found;
}

/* x86-64 rt_sigframe: pretcode, then ucontext (flags, link, stack, mcontext, sigmask). */
#define FRAME_UC_SIGMASK_OFF (8 + 8 + 8 + 24 + 256)

/* The SIGTRAP of the single step into a handler: put the original mask in its frame. */
static bool handler_trap(struct task *t, const struct plat_event *ev)
{
	if (!t->awaiting_handler_trap || ev->sig != SIGTRAP)
		return false;
	t->awaiting_handler_trap = false;
	t->frame_mask_fix = false;
	if (plat->regs_get(t->host_tid, &t->regs) == 0)
		guest_copy_out(&t->mem, t->regs.r.rsp + FRAME_UC_SIGMASK_OFF, &t->saved_sigmask,
			       sizeof(t->saved_sigmask));
	task_resume(t, 0);
	return true;
}

void signal_on_host_stop(struct task *t, const struct plat_event *ev)
{
	if (handler_trap(t, ev))
		return;
	int sig = ev->sig;
	const siginfo_t *hi = &ev->info;
	siginfo_t vi;

	if (sig == SIGSTOP && t->futex_kicks && hi->si_pid == sentry_sender_pid &&
	    hi->si_code == SI_TKILL) {
		t->futex_kicks--; /* robust.c's kick: swallow it, the futex wait restarts */
		task_resume(t, 0);
		return;
	}
	if (hi->si_pid == sentry_sender_pid && (hi->si_code == SI_USER || hi->si_code == SI_TKILL)) {
		bool found = pop_info(&t->sigqueue, sig, &vi);
		if (!found)
			found = pop_info(&t->tg->sigqueue, sig, &vi);
		if (!queue_has(&t->sigqueue, sig))
			t->sent_pending &= ~SIGBIT(sig);
		if (!queue_has(&t->tg->sigqueue, sig))
			t->tg->sent_pending &= ~SIGBIT(sig);
		if (!found)
			signal_info_user(&vi, sig, SI_KERNEL, NULL);
		pidns_fix_siginfo(t, &vi); /* the sender as @t's namespaces see it */
		if ((sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) && t->tg->sighand &&
		    t->tg->sighand->action[sig].handler == 0) {
			/* Default action: stop. The stubs' host process group is orphaned (they
			 * run in their own host session), and the host discards these stops for
			 * orphaned groups; job control is the Sentry's (the tty code checks the
			 * virtual group), so stop with SIGSTOP and report @sig to the parent. */
			t->tg->pending_stop_sig = sig;
			task_resume(t, SIGSTOP);
			return;
		}
		plat->siginfo_set(t->host_tid, &vi);
		if (t->frame_mask_fix && !(t->tg->sighand && t->tg->sighand->action[sig].handler > 1)) {
			/* no handler runs: the call's mask simply ends here */
			t->frame_mask_fix = false;
			plat->sigmask_set(t->host_tid, t->saved_sigmask);
		}
		if (t->frame_mask_fix) {
			task_regs_sync(t);
			t->state = TASK_RUNNING;
			t->awaiting_handler_trap = true;
			plat->resume_step(t->host_tid, sig);
			return;
		}
		task_resume(t, sig);
		return;
	}
	if (hi->si_code > 0 && is_sync_fault(sig)) {
		task_resume(t, sig);
		return;
	}
	if (sig == SIGSTOP && t->state == TASK_NEW) {
		task_resume(t, 0);
		return;
	}
	log_debug("dropping host signal %d (code %d) for tid %d", sig, hi->si_code, t->vtid);
	task_resume(t, 0);
}
