/* sentry/loop.c - the Sentry's event loop: platform stops, timers and watched host fds.
 * One thread. Every handler runs from here; tasks woken from a park are re-run here,
 * never nested inside another handler (task_run_queue). */
#include "sentry/task.h"
#include "sentry/exec.h"
#include "sentry/freeze.h"
#include "platform/stub_layout.h"
#include "common/log.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

struct fd_watch {
	int fd;
	struct waitq *wq;
	struct fd_watch *next;
};

static int epfd = -1, tfd = -1;
static struct fd_watch *watches;
/* unwatched during an epoll batch: freed after it (later events may still point here) */
static struct fd_watch *graveyard;
static bool exit_requested;
static int exit_status;
static int64_t exit_requested_ns;
/* After an exit request, the loop waits this long for the killed threads' deaths: a stub
 * the Sentry lost track of must not keep the sandbox (and cvisor) alive. */
#define EXIT_WAIT_NS 3000000000LL
static pid_t early_stops[64]; /* new tids whose first stop came before the clone event */
static int n_early;

int loop_init(void)
{
	struct epoll_event ev = {.events = EPOLLIN};
	epfd = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (epfd < 0 || tfd < 0)
		return -errno;
	ev.data.ptr = NULL;
	ev.data.fd = plat->event_fd();
	ev.data.u64 = 1;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, plat->event_fd(), &ev) < 0)
		return -errno;
	ev.data.u64 = 2;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev) < 0)
		return -errno;
	return 0;
}

int loop_watch_fd(int fd, uint32_t events, struct waitq *wq)
{
	struct fd_watch *w;
	struct epoll_event ev = {.events = events | EPOLLET};
	for (w = watches; w; w = w->next)
		if (w->fd == fd) {
			w->wq = wq;
			ev.data.ptr = w;
			return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
		}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->wq = wq;
	ev.data.ptr = w;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = -errno;
		free(w);
		return err;
	}
	w->next = watches;
	watches = w;
	return 0;
}

void loop_unwatch_fd(int fd)
{
	for (struct fd_watch **p = &watches; *p; p = &(*p)->next) {
		if ((*p)->fd == fd) {
			struct fd_watch *w = *p;
			*p = w->next;
			epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
			w->wq = NULL;
			w->next = graveyard;
			graveyard = w;
			return;
		}
	}
}

void loop_request_exit(int status)
{
	struct thread_group *tg;
	if (exit_requested)
		return;
	exit_requested = true;
	exit_status = status;
	exit_requested_ns = stimer_now_ns();
	/* Init is gone: like a pid namespace's init, it takes every process with it. */
	list_for_each_entry(tg, &all_groups, all_link) {
		struct task *t;
		list_for_each_entry(t, &tg->threads, tg_link)
			if (t->state != TASK_DEAD)
				plat->kill(t->host_tid, SIGKILL);
	}
}

static bool take_early_stop(pid_t tid)
{
	for (int i = 0; i < n_early; i++)
		if (early_stops[i] == tid) {
			early_stops[i] = early_stops[--n_early];
			return true;
		}
	return false;
}

void clone_on_event(struct task *parent, pid_t child_tid);
void clone_on_child_stop(struct task *child);

/* A new task's first stop: after its creator's clone event has set it up. */
void loop_new_task_ready(struct task *child)
{
	if (take_early_stop(child->host_tid))
		clone_on_child_stop(child);
}

static void on_group_stop(struct task *t, int sig)
{
	struct thread_group *tg = t->tg;
	if (t->state == TASK_NEW) {
		clone_on_child_stop(t);
		return;
	}
	t->state = TASK_GROUP_STOPPED;
	if (!tg->stopped_report && tg->parent) {
		tg->stopped_report = true;
		tg->continued_report = false;
		tg->stop_sig = tg->pending_stop_sig ? tg->pending_stop_sig : sig;
		tg->pending_stop_sig = 0;
		struct sighand *psh = tg->parent->sighand;
		if (psh && !(psh->action[SIGCHLD].flags & SA_NOCLDSTOP)) {
			siginfo_t si;
			memset(&si, 0, sizeof(si));
			si.si_signo = SIGCHLD;
			si.si_code = CLD_STOPPED;
			si.si_pid = tg->vpid;
			si.si_status = tg->stop_sig;
			signal_send_group(tg->parent, &si);
		}
		waitq_wake(&tg->parent->child_wq, 1);
	}
}

static struct task *start_held_task;
static struct plat_event start_held_ev;
static bool start_held;

/* See task.h. */
void loop_hold_until_start(struct task *t)
{
	start_held_task = t;
	start_held = false;
}

static void handle_event(struct plat_event *ev)
{
	struct task *t = task_by_host_tid(ev->tid);

	if (t && t == start_held_task) {
		if (ev->kind == PLAT_EV_DEAD) {
			start_held_task = NULL; /* killed before start */
			start_held = false;
		} else if (!start_held) {
			start_held_ev = *ev;
			start_held = true;
			return;
		}
	}

	if (!t) {
		if (ev->kind == PLAT_EV_DEAD)
			return;
		if ((ev->kind == PLAT_EV_SIGNAL && ev->sig == SIGSTOP) ||
		    ev->kind == PLAT_EV_GROUP_STOP) {
			if (n_early < (int)(sizeof(early_stops) / sizeof(early_stops[0])))
				early_stops[n_early++] = ev->tid;
			return;
		}
		plat->resume(ev->tid, 0);
		return;
	}
	if (freeze_on_event(t, ev))
		return; /* a freeze kick (sentry/freeze.c) */
	switch (ev->kind) {
	case PLAT_EV_SYSCALL:
		if (plat->regs_get(t->host_tid, &t->regs) < 0)
			return;
		t->regs_dirty = false;
		if (t->exec && t->exec->boot && t->state == TASK_NEW) {
			t->state = TASK_RUNNING; /* the stub's own execveat of the loader */
			plat->syscall_run(t->host_tid, false);
			return;
		}
		if (t->seccomp_mode && seccomp_on_syscall_stop(t))
			return; /* the app's own seccomp filters refused or ran it */
		task_dispatch_syscall(t);
		return;
	case PLAT_EV_SYSCALL_EXIT: {
		void (*fixup)(struct task *) = t->exit_fixup;
		if (plat->regs_get(t->host_tid, &t->regs) < 0)
			return;
		t->regs_dirty = false;
		t->exit_fixup = NULL;
		if (fixup)
			fixup(t);
		task_resume(t, 0);
		return;
	}
	case PLAT_EV_SIGNAL:
		if (t->state == TASK_EXEC_LOADING && ev->sig == SIGTRAP &&
		    ev->info.si_code == SI_KERNEL) {
			if (seccomp_on_loader_trap(t) < 0) {
				plat->kill(t->host_tid, SIGKILL); /* never run unfiltered */
				t->state = TASK_RUNNING;
				plat->resume(t->host_tid, 0);
				return;
			}
			exec_on_loader_trap(t);
			return;
		}
		if (exec_on_signal_stop(t, ev->sig))
			return;
		if (t->state == TASK_NEW && ev->sig == SIGSTOP) {
			clone_on_child_stop(t);
			return;
		}
		signal_on_host_stop(t, ev);
		return;
	case PLAT_EV_EXEC:
		exec_on_host_exec(t, (pid_t)ev->msg);
		return;
	case PLAT_EV_CLONE:
		clone_on_event(t, (pid_t)ev->msg);
		return;
	case PLAT_EV_EXITING:
		robust_on_exit(t);
		t->state = TASK_RUNNING;
		plat->resume(t->host_tid, 0);
		return;
	case PLAT_EV_DEAD:
		rusage_on_host_dead(t, &ev->ru);
		task_host_dead(t, ev->status);
		return;
	case PLAT_EV_GROUP_STOP:
		on_group_stop(t, ev->sig);
		return;
	case PLAT_EV_NEW:
		return;
	}
}

static int64_t armed_deadline = -1;

/* Arms the timerfd for the heap's earliest deadline; a no-op when that has not changed
 * (this runs once per loop turn, i.e. per trapped syscall). */
static void arm_timerfd(void)
{
	int64_t d = stimer_next_deadline();
	struct itimerspec its;
	if (d == armed_deadline)
		return;
	armed_deadline = d;
	memset(&its, 0, sizeof(its));
	if (d >= 0) {
		if (d <= 0)
			d = 1;
		its.it_value.tv_sec = d / 1000000000LL;
		its.it_value.tv_nsec = d % 1000000000LL;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void run_timers(void)
{
	if (stimer_next_deadline() >= 0)
		stimer_run_expired(stimer_now_ns());
}

/* See task.h. */
void loop_release_start(bool replay)
{
	bool held = start_held;
	start_held_task = NULL;
	start_held = false;
	if (held && replay) {
		handle_event(&start_held_ev);
		task_run_queue();
	}
}

/* Hands @n epoll events to the watched fds' queues and acknowledges the timerfd; the
 * platform's own events (1) are drained by the caller. */
static void dispatch_epoll(const struct epoll_event *evs, int n)
{
	for (int i = 0; i < n; i++) {
		if (evs[i].data.u64 == 1)
			continue; /* platform events: drained at the top */
		if (evs[i].data.u64 == 2) {
			uint64_t x;
			(void)!read(tfd, &x, sizeof(x));
			armed_deadline = -1; /* expired: re-arm for whatever is next */
			continue;
		}
		struct fd_watch *w = evs[i].data.ptr;
		if (w->wq)
			waitq_wake(w->wq, evs[i].events);
	}
	while (graveyard) {
		struct fd_watch *w = graveyard;
		graveyard = w->next;
		free(w);
	}
}

int loop_run(void)
{
	struct epoll_event evs[32];

	for (;;) {
		struct plat_event ev;
		while (plat->next_event(&ev) == 0) {
			handle_event(&ev);
			task_run_queue();
		}
		run_timers();
		task_run_queue();
		if (exit_requested && live_host_threads <= 0)
			break;
		if (exit_requested && stimer_now_ns() - exit_requested_ns > EXIT_WAIT_NS) {
			log_warn("%d host threads not reaped after the exit request: exiting anyway",
				 live_host_threads);
			break; /* the stubs die with the Sentry (PTRACE_O_EXITKILL, the pid ns) */
		}
		arm_timerfd();
		int n = epoll_wait(epfd, evs, 32, exit_requested ? 100 : -1);
		if (n < 0 && errno != EINTR)
			return -errno;
		dispatch_epoll(evs, n);
		run_timers();
		task_run_queue();
	}
	return exit_status;
}

/* See task.h. */
void loop_drain(bool (*busy)(void), int timeout_ms)
{
	struct epoll_event evs[32];
	int64_t end = stimer_now_ns() + (int64_t)timeout_ms * 1000000LL;

	for (;;) {
		struct plat_event ev;
		while (plat->next_event(&ev) == 0)
			handle_event(&ev); /* stragglers of dead tasks */
		run_timers();
		int64_t left = end - stimer_now_ns();
		if (!busy() || left <= 0)
			return;
		arm_timerfd();
		int n = epoll_wait(epfd, evs, 32, (int)((left + 999999) / 1000000));
		if (n < 0 && errno != EINTR)
			return;
		dispatch_epoll(evs, n);
	}
}
