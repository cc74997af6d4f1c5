/* platform/seccomp_trap/stops.c - the seccomp-trap platform's ptrace side: decoding
 * stops (the ptrace platform's, plus SIGSYS of attached threads, the end of a retraced
 * call, a new child still at the retrace site), clone bookkeeping, the hand-off of a
 * thread waiting in its slot to ptrace, and bounced signals.
 * Owns no state of its own: the threads are trap.c's. Must not know the syscall table. */
#include "platform/seccomp_trap/trap.h"
#include "platform/seccomp_trap/slot.h"
#include "common/log.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define HANDOFF_TIMEOUT_NS 2000000000LL

/* Waits for in-slot thread @t to reach the hand-off int3 and leaves it ptrace-stopped
 * at its trapped call, registers and mask the app's. A thread that never arrives (its
 * slot was forged) is killed with its process: the Sentry must not wait on it. */
int trap_handoff(struct trap_thread *t)
{
	int64_t deadline = trap_now_ns() + HANDOFF_TIMEOUT_NS;
	struct user_regs_struct r;
	int status;

	if (!t->in_slot)
		return t->pstopped ? 0 : -ESRCH;
	if (t->exiting) { /* killed in its slot: nothing will reach the hand-off */
		t->in_slot = false;
		return -ESRCH;
	}
	if (trap_seize(t) < 0)
		return -ESRCH;
	trap_slot_answer(t, SLOT_CMD_HANDOFF);
	for (unsigned i = 0;; i++) {
		pid_t p = waitpid(t->tid, &status, __WALL | WNOHANG);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			return -ESRCH;
		if (p == 0 && (i & 255) == 255 && trap_is_zombie(t->tid)) {
			t->exiting = true; /* a killed leader: its death comes after its siblings' */
			return -ESRCH;
		}
		if (p == 0) {
			if (trap_now_ns() > deadline) {
				/* its stops and death reach the loop's wait4 (waiting here for a
				 * leader whose siblings wait at their exit stops never ends) */
				log_warn("seccomp-trap: tid %d never reached its hand-off: killed",
					 t->tid);
				syscall(SYS_kill, t->tgid, SIGKILL);
				t->in_slot = false;
				return -ESRCH;
			}
			sched_yield();
			continue;
		}
		if (!WIFSTOPPED(status)) {
			trap_queue_death(t, status, NULL);
			return -ESRCH;
		}
		int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
		if (event == 0 && sig == SIGTRAP && ptrace(PTRACE_GETREGS, t->tid, 0, &r) == 0 &&
		    r.rip == STUB_RT_HANDOFF + 1) {
			struct user_regs_struct cur;
			ptrace(PTRACE_GETREGS, t->tid, 0, &cur);
			if (!t->sregs.fs_base)
				t->sregs.fs_base = cur.fs_base;
			t->sregs.gs_base = cur.gs_base;
			t->sregs.ds = cur.ds, t->sregs.es = cur.es, t->sregs.fs = cur.fs;
			t->sregs.gs = cur.gs;
			ptrace(PTRACE_SETREGS, t->tid, 0, &t->sregs);
			ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(t->smask), &t->smask);
			t->pstopped = true;
			t->stop = TS_SYSCALL;
			return 0;
		}
		if (event == PTRACE_EVENT_EXIT) {
			trap_queue_exiting(t);
			return -ESRCH;
		}
		if (event == 0 && sig != SIGTRAP)
			syscall(SYS_tgkill, t->tgid, t->tid, sig); /* after the hand-off */
		ptrace(PTRACE_CONT, t->tid, 0, 0);
	}
}

/* A new thread or process @child of @t (at @t's clone event). */
void trap_on_clone(struct trap_thread *t, pid_t child, int kind)
{
	struct user_regs_struct r;
	struct trap_thread *c = trap_thread_get(child);
	bool vm = kind == PTRACE_EVENT_VFORK, thread = false;

	if (ptrace(PTRACE_GETREGS, t->tid, 0, &r) == 0 && (long)r.orig_rax == SYS_clone) {
		vm = vm || (r.rdi & CLONE_VM);
		thread = r.rdi & CLONE_THREAD;
	}
	c->tgid = thread ? t->tgid : child;
	c->overlay = t->overlay;
	c->sighand = t->sighand;
	if (thread && t->sigs) {
		c->sigs = t->sigs;
		t->sigs->refs++;
	} else if (t->sigs) {
		c->sigs = trap_sigs_new(t->sigs, false);
	}
	c->sigsys_blocked = t->sigsys_blocked;
	if (!thread) {
		c->alt_sp = t->alt_sp, c->alt_size = t->alt_size, c->alt_flags = t->alt_flags;
	}
	if (vm && t->mm) {
		c->mm = t->mm;
		t->mm->refs++;
	}
	if (t->retrace)
		c->child_fix_rip = t->retrace_rip;
}

/* A child created by a retraced clone starts at STUB_RT_RETRACE + 2: move it to the
 * app's return address (it is ptrace-stopped). */
void trap_child_fix(struct trap_thread *t)
{
	struct user_regs_struct r;
	if (!t->child_fix_rip || !t->pstopped)
		return;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &r) == 0 && r.rip == STUB_RT_RETRACE + 2) {
		r.rip = t->child_fix_rip;
		ptrace(PTRACE_SETREGS, t->tid, 0, &r);
	}
	t->child_fix_rip = 0;
}

/* Answers a trapped call the platform owns; false when the Sentry must see it. */
bool trap_serve_owned(struct trap_thread *t, struct user_regs_struct *r)
{
	long ret;
	if (!trap_owned_call(t, r, &ret))
		return false;
	if (ret == TRAP_RET_RETRACE) {
		/* exit/exit_group: the host runs it with the thread(s) traced, so that the
		 * Sentry sees the exit stops */
		if ((long)r->orig_rax == SYS_exit_group)
			trap_seize_group(t->tgid);
		trap_seize(t);
		t->retrace = true;
		t->retrace_exit = false;
		t->retrace_rip = r->rip;
		if (t->in_slot) {
			trap_slot_answer(t, SLOT_CMD_RETRACE);
		} else {
			r->rip = STUB_RT_RETRACE;
			r->rax = r->orig_rax;
			ptrace(PTRACE_SETREGS, t->tid, 0, r);
			t->pstopped = false;
			ptrace(PTRACE_CONT, t->tid, 0, 0);
		}
		return true;
	}
	r->rax = (uint64_t)ret;
	if (t->in_slot) {
		t->sregs.rax = (uint64_t)ret;
		trap_slot_answer(t, SLOT_CMD_RETURN);
	} else {
		r->orig_rax = (uint64_t)-1;
		ptrace(PTRACE_SETREGS, t->tid, 0, r);
		trap_resume_or_detach(t, 0);
	}
	return true;
}

/* Decodes a ptrace stop of @t; false when the platform consumed it. */
bool trap_decode_stop(struct trap_thread *t, struct plat_event *ev, int status)
{
	int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
	struct user_regs_struct r;

	t->pstopped = true;
	t->stop = TS_OTHER;
	ev->sig = 0;
	ev->msg = 0;
	bool first = !t->started;
	t->started = true;
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		if (t->retrace) { /* a retraced call reached the base filter: run it */
			t->pstopped = false;
			ptrace(PTRACE_CONT, t->tid, 0, 0);
			return false;
		}
		t->stop = TS_SECCOMP;
		ev->kind = PLAT_EV_SYSCALL;
		return true;
	case PTRACE_EVENT_EXEC:
		ev->kind = PLAT_EV_EXEC;
		ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &ev->msg);
		t->exiting = false; /* a non-leader's exec takes over the leader's (exited) tid */
		trap_slot_release(t);
		trap_mm_put(t->mm);
		t->mm = NULL;
		t->sighand = false;
		t->retrace = false;
		t->alt_sp = t->alt_size = 0;
		if (t->sigs) {
			struct trap_sigs *n = trap_sigs_new(t->sigs, true);
			trap_sigs_put(t->sigs);
			t->sigs = n;
		}
		return true;
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		ev->kind = PLAT_EV_CLONE;
		ev->clone_kind = event;
		ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &ev->msg);
		trap_on_clone(t, (pid_t)ev->msg, event);
		return true;
	case PTRACE_EVENT_EXIT:
		ev->kind = PLAT_EV_EXITING;
		t->exiting = true;
		/* killed (exit_group, SIGKILL) while waiting in its slot: the reply it waited
		 * for is moot, and resuming must continue the exit stop, not answer the slot */
		if (t->in_slot) {
			t->in_slot = false;
			t->stop = TS_OTHER;
		}
		ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &ev->msg);
		return true;
	case PTRACE_EVENT_STOP:
		if (!first && sig != SIGSTOP && sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU) {
			/* a seized thread's notification (the end of a group stop): not a stop
			 * the ptrace platform would have reported (a new child's first stop is) */
			t->pstopped = false;
			ptrace(PTRACE_CONT, t->tid, 0, 0);
			return false;
		}
		ev->kind = PLAT_EV_GROUP_STOP;
		ev->sig = sig;
		return true;
	}
	if (sig == (SIGTRAP | 0x80)) {
		ev->kind = PLAT_EV_SYSCALL_EXIT;
		return true;
	}
	ev->sig = sig;
	if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &ev->info) < 0) {
		ev->kind = PLAT_EV_GROUP_STOP;
		return true;
	}
	ev->kind = PLAT_EV_SIGNAL;
	if (ev->info.si_code == SI_QUEUE)
		t->keep_attached = false; /* tr_queue_signal's signal (or merged into this one) */
	if (sig == SIGTRAP && ev->info.si_code == SI_KERNEL &&
	    ptrace(PTRACE_GETREGS, t->tid, 0, &r) == 0 && r.rip == STUB_RT_RETRACE + 3) {
		uint64_t rip = t->retrace ? t->retrace_rip : t->child_fix_rip;
		bool report = t->retrace && t->retrace_exit;
		if (rip) { /* the end of a retraced call: back to the app */
			r.rip = rip;
			ptrace(PTRACE_SETREGS, t->tid, 0, &r);
			t->retrace = false;
			t->child_fix_rip = 0;
			if (report) {
				ev->kind = PLAT_EV_SYSCALL_EXIT;
				ev->sig = 0;
				return true;
			}
			t->stop = TS_SYSCALL;
			trap_resume_or_detach(t, 0);
			return false;
		}
	}
	if (sig == SIGSYS && ev->info.si_code == 1 /* SYS_SECCOMP */ &&
	    ptrace(PTRACE_GETREGS, t->tid, 0, &r) == 0) {
		/* an attached thread's trap: a syscall stop like ptrace's */
		r.orig_rax = (uint64_t)ev->info.si_syscall;
		r.rax = (uint64_t)-ENOSYS;
		ptrace(PTRACE_SETREGS, t->tid, 0, &r);
		t->stop = TS_SYSCALL;
		trap_st_sigsys_stop++;
		if (trap_serve_owned(t, &r))
			return false;
		ev->kind = PLAT_EV_SYSCALL;
		ev->sig = 0;
		return true;
	}
	return true;
}

/* Queues the events of @t's death @status: the DEAD the loop's wait4 would have reported,
 * after those of its process's detached threads when @t is the leader (they died unseen).
 * @t itself is freed when its DEAD leaves the queue (tr_next_event): callers still hold it. */
void trap_queue_death(struct trap_thread *t, int status, const struct rusage *ru)
{
	struct plat_event ev = {.kind = PLAT_EV_DEAD, .tid = t->tid, .status = status};
	if (ru)
		ev.ru = *ru;
	if (t->tid == t->tgid) {
		for_each_thread(o) if (o->tgid == t->tgid && o != t && !o->attached)
		{
			struct plat_event d = {.kind = PLAT_EV_DEAD, .tid = o->tid, .status = status};
			trap_push_synth(&d);
			trap_thread_free(o);
		}
	}
	t->pstopped = false;
	t->in_slot = false;
	t->dead = true;
	trap_push_synth(&ev);
}

/* @t reported its exit stop (PTRACE_EVENT_EXIT) to a wait of the platform's own: it stays
 * there, reported as PLAT_EV_EXITING by the next next_event. Continuing it instead would
 * lose the event, and waiting for the death of a group leader whose siblings wait at
 * their own exit stops for the Sentry would never end. */
void trap_queue_exiting(struct trap_thread *t)
{
	struct plat_event ev = {.kind = PLAT_EV_EXITING, .tid = t->tid};
	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &ev.msg);
	t->pstopped = true;
	t->stop = TS_OTHER;
	t->exiting = true;
	t->in_slot = false;
	trap_push_synth(&ev);
}

int trap_wait_event(struct plat_event *ev)
{
	int status;
	struct rusage ru;
	for (;;) {
		/* WUNTRACED: a detached process stopped by a stop signal is reported too */
		pid_t pid = wait4(-1, &status, __WALL | WNOHANG | WUNTRACED | WCONTINUED, &ru);
		if (pid == 0 || (pid < 0 && errno == ECHILD))
			return -EAGAIN;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		struct trap_thread *t = trap_thread_get(pid);
		memset(ev, 0, sizeof(*ev));
		ev->tid = pid;
		ev->status = status;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			ev->kind = PLAT_EV_DEAD;
			ev->ru = ru;
			if (t->tid == t->tgid) { /* detached threads of the group died unseen */
				for_each_thread(o) if (o->tgid == t->tgid && o != t && !o->attached)
				{
					struct plat_event d = {.kind = PLAT_EV_DEAD, .tid = o->tid,
							       .status = status};
					trap_push_synth(&d);
					trap_thread_free(o);
				}
				trap_synth_requeue(ev); /* the leader last, as the host reports it */
			}
			trap_thread_free(t);
			return 0;
		}
		if (WIFCONTINUED(status))
			continue; /* the Sentry's own SIGCONT, already accounted for */
		if (WIFSTOPPED(status) && !t->attached) {
			/* a group stop of a detached process: each of its detached threads */
			for_each_thread(o) if (o->tgid == t->tgid && !o->attached && o != t)
			{
				struct plat_event g = {.kind = PLAT_EV_GROUP_STOP, .tid = o->tid,
						       .status = status, .sig = WSTOPSIG(status)};
				o->native_stop = true;
				trap_push_synth(&g);
			}
			t->native_stop = true;
			ev->kind = PLAT_EV_GROUP_STOP;
			ev->sig = WSTOPSIG(status);
			return 0;
		}
		if (t->child_fix_rip) {
			t->pstopped = true;
			trap_child_fix(t);
		}
		if (trap_decode_stop(t, ev, status))
			return 0;
	}
}

/* A caught signal bounced by the runtime: hand the thread off to ptrace and report the
 * signal as a ptrace signal-delivery stop would (its registers the interrupted ones). */
int trap_bounce_event(struct trap_thread *t, void *s, struct plat_event *ev)
{
	int sig = (int)slot_u64(s, SLOT_NR);
	siginfo_t info;

	memcpy(&info, (char *)s + SLOT_SIGINFO, sizeof(info));
	t->sregs.rax = slot_gregs(s)[G_RAX];
	t->sregs.orig_rax = (uint64_t)-1;
	if (sig < 1 || sig > 64 || info.si_signo != sig) {
		trap_slot_answer(t, SLOT_CMD_RETURN); /* not a signal (a forged slot): drop it */
		return -EAGAIN;
	}
	if (trap_handoff(t) < 0)
		return -EAGAIN;
	t->stop = TS_OTHER;
	ptrace(PTRACE_SETSIGINFO, t->tid, 0, &info); /* the int3's stop now carries it */
	memset(ev, 0, sizeof(*ev));
	ev->kind = PLAT_EV_SIGNAL;
	ev->tid = t->tid;
	ev->sig = sig;
	ev->status = (sig << 8) | 0x7f;
	ev->info = info;
	return 0;
}

