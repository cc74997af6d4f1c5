/* sentry/tty_ctl.c - the Sentry's side of terminals: who is calling, process groups and
 * sessions for vfs/tty.c's job control (struct tty_job_ops), the controlling terminal
 * of the sandbox's first session, session-leader exit, and forwarding of the signals the
 * cvisor process receives from the host terminal (SIGINT, SIGQUIT, SIGTSTP, SIGWINCH,
 * SIGHUP, SIGTERM) to the sandbox's virtual foreground process group through a signalfd
 * watched by the event loop. With an OCI console (sentry/console.h) the host terminal is
 * the console's host pty: SIGWINCH copies its size, SIGHUP is its hang-up.
 *
 * Must not touch the host terminal's job control (its foreground group stays cvisor's). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include "common/log.h"
#include "common/timer.h"
#include "sentry/console.h"
#include "sentry/pidns.h"
#include "sentry/task.h"
#include "vfs/tty.h"

/* Set by sentry/dispatch.c around each handler (weak until it does). */
extern struct task *sentry_current_task __attribute__((weak));

static int sig_fd = -1;
static struct waitq sig_wq;
static struct waiter sig_waiter;

static struct task *current_task(void)
{
	return &sentry_current_task ? sentry_current_task : NULL;
}

static struct thread_group *caller_tg(void)
{
	struct task *t = current_task();
	int tid = tty_ctx_tid();
	if (!t && tid > 0)
		t = task_by_vtid(tid);
	return t ? t->tg : NULL;
}

static bool job_caller(struct tty_caller *out)
{
	struct thread_group *tg = caller_tg();
	if (!tg)
		return false;
	out->pid = tg->vpid;
	out->pgid = tg->pgid;
	out->sid = tg->sid;
	out->session_leader = tg->vpid == tg->sid;
	out->cap_sys_admin = tg->cred.cap_effective & (1ULL << 21);
	out->uid = tg->cred.fsuid;
	out->gid = tg->cred.fsgid;
	return true;
}

static int send(struct thread_group *tg, int sig)
{
	siginfo_t si;
	signal_info_user(&si, sig, SI_KERNEL, NULL);
	return signal_send_group(tg, &si);
}

static int job_signal_pgrp(int pgid, int sig)
{
	return signal_send_pgrp(pgid, sig);
}

static int job_signal_proc(int pid, int sig)
{
	struct thread_group *g = tg_by_vpid(pid);
	if (!g || g->zombie)
		return -ESRCH;
	return send(g, sig);
}

static int job_pgrp_session(int pgid)
{
	struct thread_group *g;
	list_for_each_entry(g, &all_groups,
			    all_link) if (g->pgid == pgid && !g->zombie) return g->sid;
	return 0;
}

static bool job_pgrp_orphaned(int pgid)
{
	return pgrp_is_orphaned(pgid, NULL);
}

static bool job_caller_ignores(int sig)
{
	struct task *t = current_task();
	struct thread_group *tg = caller_tg();
	uint64_t mask = 0;
	if (!tg)
		return false;
	if (tg->sighand && tg->sighand->action[sig].handler == 1 /* SIG_IGN */)
		return true;
	if (!t)
		t = tg->leader;
	if (t && plat->sigmask_get && plat->sigmask_get(t->host_tid, &mask) == 0)
		return mask & (1ULL << (sig - 1));
	return false;
}

/* Pid namespaces (sentry/pidns.c): the caller's numbers for TIOCGPGRP/TIOCSPGRP/TIOCGSID. */
static int job_pid_to_caller(int nr)
{
	struct task *t = current_task();
	return t ? pidns_nr(nr, task_pidns(t)) : nr;
}

static int job_pid_from_caller(int nr)
{
	struct task *t = current_task();
	return t ? pidns_find(nr, task_pidns(t)) : nr;
}

static const struct tty_job_ops job_ops = {
    .caller = job_caller,
    .signal_pgrp = job_signal_pgrp,
    .signal_proc = job_signal_proc,
    .pgrp_session = job_pgrp_session,
    .pgrp_orphaned = job_pgrp_orphaned,
    .caller_ignores = job_caller_ignores,
    .pid_to_caller = job_pid_to_caller,
    .pid_from_caller = job_pid_from_caller,
};

__attribute__((constructor)) static void tty_ctl_ctor(void)
{
	tty_set_job_ops(&job_ops);
}

/* See vfs/tty.h. */
void tty_ctl_group_exit(struct thread_group *tg)
{
	if (tg->vpid == tg->sid)
		tty_session_leader_exit(tg->sid);
}

/* The user's SIGTERM or SIGINT is never ignored: it goes to the sandbox (below), and when
 * that does not end it — init is gone, ignores it (a pid namespace's init does by
 * default), or the same signal comes again — the sandbox is torn down (every process
 * killed, cvisor exits 128 + the signal) once TEARDOWN_GRACE_NS has passed or at once. */
#define TEARDOWN_GRACE_NS 5000000000LL
static struct stimer teardown_timer;
static int teardown_sig;

static void teardown_fn(struct stimer *tm)
{
	log_warn("host signal %d: the sandbox did not end: tearing it down", teardown_sig);
	loop_request_exit(teardown_sig);
}

static void teardown_arm(int sig)
{
	bool init_gone = !init_tg || init_tg->zombie || init_tg->nlive <= 0;
	bool again = teardown_sig != 0;
	if (!teardown_sig) {
		teardown_sig = sig;
		stimer_init(&teardown_timer, teardown_fn, NULL);
	}
	if (init_gone || again) {
		stimer_cancel(&teardown_timer);
		teardown_fn(&teardown_timer);
	} else if (!stimer_armed(&teardown_timer)) {
		stimer_arm(&teardown_timer, stimer_now_ns() + TEARDOWN_GRACE_NS);
	}
}

/* One signal cvisor received from the host: where it goes in the sandbox. */
static void forward(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		teardown_arm(sig);
	struct tty *t = tty_host_find();
	int fg = t && t->session ? t->pgrp : 0;
	log_debug("host signal %d: forwarding (foreground group %d)", sig, fg);
	switch (sig) {
	case SIGWINCH:
		if (fg)
			job_signal_pgrp(fg, SIGWINCH); /* the size is the host's: nothing to copy */
		console_sync_all(); /* a console's host pty was resized: copy its size */
		return;
	case SIGTERM:
		if (init_tg)
			send(init_tg, SIGTERM);
		return;
	case SIGHUP:
		if (console_live && !t) {
			/* the host pty of init's console hung up: the console closes the
			 * sandbox pty, which hangs up its session as Linux would */
			console_sync_all();
			return;
		}
		if (t && t->session) {
			job_signal_proc(t->session, SIGHUP);
			job_signal_proc(t->session, SIGCONT);
			if (fg && fg != t->session) {
				job_signal_pgrp(fg, SIGHUP);
				job_signal_pgrp(fg, SIGCONT);
			}
		} else if (init_tg) {
			send(init_tg, SIGHUP);
		}
		return;
	default: /* SIGINT, SIGQUIT, SIGTSTP: what the host line discipline made of a key */
		if (fg)
			job_signal_pgrp(fg, sig);
		else if (init_tg)
			job_signal_pgrp(init_tg->pgid, sig);
	}
}

static void sig_ready(struct waiter *w, uint32_t events)
{
	struct signalfd_siginfo si;
	while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		forward((int)si.ssi_signo);
}

/* See vfs/tty.h. */
int tty_ctl_sandbox_start(struct thread_group *init)
{
	static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGWINCH, SIGHUP, SIGTERM};
	struct tty *t = tty_host_find();
	sigset_t set;
	if (t && !t->session && init)
		tty_set_ctty(t, init->sid, init->pgid);
	if (sig_fd >= 0)
		return 0;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sig_fd < 0)
		return -errno;
	waitq_init(&sig_wq);
	waiter_init(&sig_waiter, sig_ready, NULL);
	waiter_add(&sig_wq, &sig_waiter, 0);
	int r = loop_watch_fd(sig_fd, EPOLLIN, &sig_wq);
	if (r < 0) {
		log_warn("cannot watch the host signals: errno %d", -r);
		return r;
	}
	return 0;
}
