/* platform/seccomp_trap/trap.c - the seccomp-trap platform: the TRACE class of the stub
 * filter raises SIGSYS (SECCOMP_RET_TRAP); the stub runtime (stub/loader.S) handles it
 * in the app's thread and talks to the Sentry through the thread's shared slot, so a
 * trapped syscall costs no ptrace stop. Threads are detached from ptrace while they run
 * on that path (a traced thread's every signal would be a ptrace stop); whatever needs
 * ptrace (clone, exec, exit, signals the Sentry sends, single steps, injection) seizes
 * the thread again first. See docs/design.md, "seccomp-trap platform".
 *
 * Owns: the per-thread state (trap.h), attaching and detaching, the slot scan and the
 * Sentry-side spin-then-sleep, and the plat_ops; ptrace stops are decoded in stops.c.
 * Must not know the syscall table, files or app pids. */
#include "platform/seccomp_trap/trap.h"
#include "platform/seccomp_trap/slot.h"
#include "platform/stub_factory.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <stddef.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The Sentry spins on the slots this long after its last reply before it sleeps. */
#define SPIN_NS 40000
/* A call unanswered this long is parked: its stub is told to stop spinning. */
#define HINT_NS 20000

static int sigchld_fd = -1, wake_fd = -1, ep_fd = -1;
struct trap_thread *trap_buckets[TRAP_NBUCKETS];
static int n_detached;           /* threads running off ptrace */
static bool sleeping;            /* HDR_SLEEPING is set in every region */
static int64_t last_reply_ns;
/* counters for --debug-log (what the adaptive waits cost) */
unsigned long trap_st_sigsys_stop;
static unsigned long st_slot_req, st_sleep, st_wake, st_handoff, st_retrace;
/* DEAD events of detached threads, and the like: never dropped (a lost death is a task the
 * Sentry waits for forever), so the queue grows */
static struct plat_event *trap_synth;
static int trap_n_synth, trap_cap_synth;
/* The threads that have a slot: what the Sentry scans (an array: the scan is the hot
 * loop of the spin). */
static struct trap_thread **watch;
static int n_watch, cap_watch;

static void watch_add(struct trap_thread *t)
{
	if (t->watched)
		return;
	if (n_watch == cap_watch) {
		int cap = cap_watch ? cap_watch * 2 : 64;
		struct trap_thread **w = realloc(watch, cap * sizeof(*w));
		if (!w)
			return; /* unwatched: it never detaches (can_detach checks) */
		watch = w;
		cap_watch = cap;
	}
	watch[n_watch++] = t;
	t->watched = true;
}

void trap_watch_remove(struct trap_thread *t)
{
	if (!t->watched)
		return;
	for (int i = 0; i < n_watch; i++)
		if (watch[i] == t) {
			watch[i] = watch[--n_watch];
			break;
		}
	t->watched = false;
}

int64_t trap_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct trap_thread *trap_thread_find(pid_t tid)
{
	for (struct trap_thread *t = trap_buckets[tid % TRAP_NBUCKETS]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct trap_thread *trap_thread_get(pid_t tid)
{
	struct trap_thread *t = trap_thread_find(tid);
	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		abort(); /* a few hundred bytes per thread: out of memory is not survivable */
	t->tid = t->tgid = tid;
	t->attached = true; /* we hear of threads through ptrace */
	t->next = trap_buckets[tid % TRAP_NBUCKETS];
	trap_buckets[tid % TRAP_NBUCKETS] = t;
	return t;
}

void trap_thread_free(struct trap_thread *t)
{
	struct trap_thread **p = &trap_buckets[t->tid % TRAP_NBUCKETS];
	while (*p && *p != t)
		p = &(*p)->next;
	if (*p)
		*p = t->next;
	if (!t->attached)
		n_detached--;
	trap_slot_release(t);
	trap_mm_put(t->mm);
	trap_sigs_put(t->sigs);
	free(t);
}

void *trap_slot(struct trap_thread *t)
{
	return t->mm->base + (size_t)t->slot * STUB_SLOT_SIZE;
}

/* ---- attach and detach ---- */

int trap_seize(struct trap_thread *t)
{
	if (t->attached)
		return 0;
	if (ptrace(PTRACE_SEIZE, t->tid, 0, PLAT_PTRACE_OPTS) < 0)
		return -errno;
	t->attached = true;
	n_detached--;
	return 0;
}

void trap_seize_group(pid_t tgid)
{
	for_each_thread(t) if (t->tgid == tgid) trap_seize(t);
}

/* Replies to a thread waiting in its slot; it returns to the app (or retraces, or
 * stops at the hand-off int3). */
void trap_slot_answer(struct trap_thread *t, uint32_t cmd)
{
	void *s = trap_slot(t);
	slot_regs_store(s, &t->sregs);
	slot_set_u64(s, SLOT_MASK, t->smask);
	t->in_slot = false;
	last_reply_ns = trap_now_ns();
	if (cmd == SLOT_CMD_HANDOFF)
		st_handoff++;
	else if (cmd == SLOT_CMD_RETRACE)
		st_retrace++;
	if (slot_reply(s, cmd)) {
		st_wake++;
		slot_wake(s);
	}
}

void trap_push_synth(const struct plat_event *ev)
{
	if (trap_n_synth == trap_cap_synth) {
		int cap = trap_cap_synth ? trap_cap_synth * 2 : 64;
		struct plat_event *q = realloc(trap_synth, cap * sizeof(*q));
		if (!q)
			abort(); /* a lost event hangs the sandbox: not survivable either */
		trap_synth = q;
		trap_cap_synth = cap;
	}
	trap_synth[trap_n_synth++] = *ev;
	/* queued outside next_event too (a resume from a timer): the loop must not sleep on it */
	uint64_t one = 1;
	(void)!write(wake_fd, &one, sizeof(one));
}

void trap_synth_requeue(struct plat_event *ev)
{
	if (!trap_n_synth)
		return;
	trap_push_synth(ev);
	*ev = trap_synth[0];
	memmove(trap_synth, trap_synth + 1, --trap_n_synth * sizeof(trap_synth[0]));
}

/* Propagates what @t's set-up made true for its whole process. */
static void setup_propagate(struct trap_thread *t)
{
	for_each_thread(o) {
		if (o->tgid != t->tgid || o == t)
			continue;
		o->overlay = true; /* TSYNC */
		o->sighand = true;
		if (!o->mm) {
			o->mm = t->mm;
			t->mm->refs++;
		}
	}
}

static bool can_detach(struct trap_thread *t)
{
	return t->pstopped && !t->exiting && t->stop == TS_SYSCALL && !t->retrace &&
	       !t->child_fix_rip && !t->keep_attached;
}

/* Resumes ptrace-stopped @t, detached when it can run on the slot path. */
int trap_resume_or_detach(struct trap_thread *t, int sig)
{
	if (can_detach(t) && trap_setup(t) == 0 && (watch_add(t), t->watched)) {
		setup_propagate(t);
		void *s = trap_slot(t);
		__atomic_store_n(slot_state(s), SLOT_RUNNING, __ATOMIC_RELEASE);
		if (ptrace(PTRACE_DETACH, t->tid, 0, sig) == 0) {
			t->attached = false;
			t->pstopped = false;
			t->stop = TS_NONE;
			n_detached++;
			last_reply_ns = trap_now_ns();
			return 0;
		}
	}
	t->pstopped = false;
	t->stop = TS_NONE;
	return ptrace(PTRACE_CONT, t->tid, 0, sig) < 0 ? -errno : 0;
}

/* ---- ops ---- */

static int tr_init(void)
{
	sigset_t set;
	struct epoll_event ev = {.events = EPOLLIN};
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	sigchld_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (sigchld_fd < 0 || wake_fd < 0 || ep_fd < 0)
		return -errno;
	if (epoll_ctl(ep_fd, EPOLL_CTL_ADD, sigchld_fd, &ev) < 0 ||
	    epoll_ctl(ep_fd, EPOLL_CTL_ADD, wake_fd, &ev) < 0)
		return -errno;
	return 0;
}

static int tr_event_fd(void)
{
	return ep_fd;
}

#define KEEPER_ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* The pid namespace keeper: confined as a stub is (no fds, no capabilities,
 * no_new_privs, the root as cwd so that confine_late's pivot moves it) and with a filter
 * of its own that allows only waiting. Never returns. */
static void __attribute__((noreturn)) keeper_main(void)
{
	static struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    KEEPER_ALLOW(SYS_pause),
	    KEEPER_ALLOW(SYS_rt_sigreturn),
	    KEEPER_ALLOW(SYS_restart_syscall),
	    KEEPER_ALLOW(SYS_exit_group),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	struct sigaction sa = {.sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT};
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	syscall(SYS_close_range, 0, ~0U, 0);
	sigaction(SIGCHLD, &sa, NULL);
	if (chdir("/") < 0)
		_exit(126);
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	if (syscall(SYS_capset, &hdr, data) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		_exit(126);
	for (;;)
		pause();
}

/* In a fresh host pid namespace (sentry/confine.c) the Sentry's first fork is the
 * namespace's pid 1, which a SIGSTOP from inside cannot stop: a keeper that only waits is
 * made first, so stubs are ordinary members (it dies with the Sentry, and the namespace
 * with it). */
static void ensure_pidns_keeper(void)
{
	static bool done;
	struct stat a, b;
	if (done)
		return;
	done = true;
	/* a pid namespace unshared but still empty: pid_for_children cannot be followed
	 * (ENOENT) until its first process exists */
	if (stat("/proc/self/ns/pid", &a) < 0)
		return;
	if (stat("/proc/self/ns/pid_for_children", &b) == 0 ? a.st_dev == b.st_dev &&
								   a.st_ino == b.st_ino
							     : errno != ENOENT)
		return;
	pid_t k = fork();
	if (k == 0)
		keeper_main();
	if (k < 0)
		log_warn("seccomp-trap: no pid namespace keeper: %s", strerror(errno));
	else
		log_debug("seccomp-trap: pid namespace keeper %d", k);
}

/* Stubs come from the stub factory (platform/stub_factory.c), which is not the pid
 * namespace's init here (the keeper is): its forks are CLONE_PARENT, so every stub is
 * the Sentry's host child and the death of a detached one is still the Sentry's
 * waitpid. */
static int tr_spawn(const struct plat_spawn *sp, pid_t *tid)
{
	ensure_pidns_keeper();
	int r = stub_factory_spawn(sp, wake_fd, CLONE_PARENT, tid);
	if (r == 0)
		trap_thread_get(*tid);
	return r;
}

/* One pass over the watched slots; 0 and an event when a request was posted. */
static int scan_slots(struct plat_event *ev)
{
	for (int i = 0; i < n_watch; i++) {
		struct trap_thread *t = watch[i];
		if (t->in_slot && !t->hinted && t->mm && t->slot &&
		    trap_now_ns() - t->taken_ns > HINT_NS) {
			/* no answer for a while: the call is parked, so the stub stops spinning
			 * and sleeps on its futex (a quick partner, a pipe's, finds it spinning) */
			t->hinted = true;
			__atomic_store_n((uint32_t *)((char *)trap_slot(t) + SLOT_HINT), 1,
					 __ATOMIC_RELEASE);
		}
		/* attached ones too: a SIGSYS delivered just before a trap_seize posts here */
		/* an exiting thread's request is moot: killed in its handler, it left it posted */
		if (t->pstopped || t->in_slot || t->exiting || !t->mm || !t->slot)
			continue;
		void *s = trap_slot(t);
		if (!slot_has_request(s))
			continue;
		t->in_slot = true;
		t->hinted = false;
		t->taken_ns = trap_now_ns();
		st_slot_req++;
		slot_regs_load(s, &t->sregs);
		t->smask = slot_u64(s, SLOT_MASK);
		if (*(volatile uint32_t *)((char *)s + SLOT_KIND) == 1) {
			if (trap_bounce_event(t, s, ev) == 0)
				return 0;
			continue;
		}
		if (trap_serve_owned(t, &t->sregs))
			continue;
		memset(ev, 0, sizeof(*ev));
		ev->kind = PLAT_EV_SYSCALL;
		ev->tid = t->tid;
		return 0;
	}
	return -EAGAIN;
}

static int running_threads(void)
{
	int n = 0;
	for (int i = 0; i < n_watch; i++)
		n += !watch[i]->in_slot && !watch[i]->pstopped;
	return n;
}

static void set_sleeping(bool on)
{
	sleeping = on;
	for (int i = 0; i < n_watch; i++)
		if (watch[i]->mm && watch[i]->mm->base)
			__atomic_store_n((uint32_t *)(watch[i]->mm->base + HDR_SLEEPING), on,
					 __ATOMIC_SEQ_CST);
}

static int synth_pop(struct plat_event *ev)
{
	if (!trap_n_synth)
		return -EAGAIN;
	*ev = trap_synth[0];
	memmove(trap_synth, trap_synth + 1, --trap_n_synth * sizeof(trap_synth[0]));
	struct trap_thread *t = ev->kind == PLAT_EV_DEAD ? trap_thread_find(ev->tid) : NULL;
	if (t && t->dead)
		trap_thread_free(t); /* reaped by a wait of the platform's own */
	return 0;
}

static int next_event(struct plat_event *ev);

/* Events queued while looking for one (a hand-off that met a death) are never left
 * behind: the eventfd that announced them may have been drained since. */
static int tr_next_event(struct plat_event *ev)
{
	if (synth_pop(ev) == 0)
		return 0;
	int r = next_event(ev);
	if (r == -EAGAIN)
		r = synth_pop(ev);
	return r;
}

static int next_event(struct plat_event *ev)
{
	if (sleeping)
		set_sleeping(false);
	if (trap_wait_event(ev) == 0 || scan_slots(ev) == 0)
		return 0;
	/* Spin while a replied-to thread is likely to come back soon (and some thread runs:
	 * parked ones come back only through the Sentry). */
	for (unsigned i = 0; running_threads() && trap_now_ns() - last_reply_ns < SPIN_NS; i++) {
		if (scan_slots(ev) == 0)
			return 0;
		if ((i & 15) == 15) {
			if (trap_wait_event(ev) == 0)
				return 0;
			sched_yield(); /* a stub on this core gets to run */
		}
		__builtin_ia32_pause();
	}
	struct signalfd_siginfo si;
	uint64_t v;
	while (read(sigchld_fd, &si, sizeof(si)) == sizeof(si))
		;
	(void)!read(wake_fd, &v, sizeof(v));
	set_sleeping(true);
	if ((++st_sleep & 1023) == 0)
		log_debug("seccomp-trap: %lu slot requests, %lu SIGSYS stops, %lu sleeps, "
			  "%lu futex wakes, %lu hand-offs, %lu retraces",
			  st_slot_req, trap_st_sigsys_stop, st_sleep, st_wake, st_handoff, st_retrace);
	/* After the flag: a request posted before it is seen here, any later one writes
	 * the eventfd; a stop that raced with the drain is seen by this waitpid. */
	if (trap_wait_event(ev) == 0 || scan_slots(ev) == 0)
		return 0;
	return -EAGAIN;
}

static int tr_regs_get(pid_t tid, struct plat_regs *regs)
{
	struct trap_thread *t = trap_thread_get(tid);
	if (t->in_slot) {
		regs->r = t->sregs;
		return 0;
	}
	trap_child_fix(t);
	return ptrace(PTRACE_GETREGS, tid, 0, &regs->r) < 0 ? -errno : 0;
}

static int tr_regs_set(pid_t tid, const struct plat_regs *regs)
{
	struct trap_thread *t = trap_thread_get(tid);
	if (t->in_slot) {
		uint64_t fs = t->sregs.fs_base;
		t->sregs = regs->r;
		if (regs->r.fs_base != fs && regs->r.fs_base && trap_handoff(t) == 0)
			return ptrace(PTRACE_SETREGS, tid, 0, &regs->r) < 0 ? -errno : 0;
		return 0;
	}
	trap_child_fix(t);
	if (!regs->r.fs_base) {
		/* registers read in the slot without rdfsbase: the fs base is the thread's */
		struct user_regs_struct r = regs->r, cur;
		if (ptrace(PTRACE_GETREGS, tid, 0, &cur) == 0)
			r.fs_base = cur.fs_base, r.gs_base = cur.gs_base;
		return ptrace(PTRACE_SETREGS, tid, 0, &r) < 0 ? -errno : 0;
	}
	return ptrace(PTRACE_SETREGS, tid, 0, &regs->r) < 0 ? -errno : 0;
}

static int tr_resume(pid_t tid, int sig)
{
	struct trap_thread *t = trap_thread_get(tid);
	if (t->native_stop && !t->pstopped && !t->in_slot) {
		t->native_stop = false; /* the host's SIGCONT (the Sentry sends it) resumes it */
		return sig ? (syscall(SYS_tgkill, t->tgid, tid, sig) < 0 ? -errno : 0) : 0;
	}
	if (t->in_slot && !sig) {
		trap_slot_answer(t, SLOT_CMD_RETURN);
		return 0;
	}
	if (t->in_slot && trap_handoff(t) < 0)
		return -ESRCH;
	trap_child_fix(t);
	if (trap_needs_swap(t, sig)) {
		struct plat_event ev;
		int r = trap_deliver_swapped(t, sig, false, &ev);
		if (r == 1)
			trap_push_synth(&ev);
		if (r != 0)
			return r < 0 ? r : 0;
		sig = 0;
	}
	return trap_resume_or_detach(t, sig);
}

static int tr_resume_step(pid_t tid, int sig)
{
	struct trap_thread *t = trap_thread_get(tid);
	if (t->in_slot && trap_handoff(t) < 0)
		return -ESRCH;
	trap_child_fix(t);
	if (trap_needs_swap(t, sig)) {
		struct plat_event ev;
		int r = trap_deliver_swapped(t, sig, true, &ev);
		if (r == 1)
			trap_push_synth(&ev);
		return r < 0 ? r : 0;
	}
	t->pstopped = false;
	t->stop = TS_NONE;
	return ptrace(PTRACE_SINGLESTEP, tid, 0, sig) < 0 ? -errno : 0;
}

static bool is_exec(long nr)
{
	return nr == SYS_execve || nr == SYS_execveat;
}

static int tr_syscall_run(pid_t tid, bool want_exit)
{
	struct trap_thread *t = trap_thread_get(tid);
	struct user_regs_struct r;
	long ret;

	if (t->in_slot && (long)t->sregs.orig_rax == SYS_rt_sigaction && t->sighand &&
	    trap_handoff(t) < 0)
		return -ESRCH;
	if (t->in_slot) {
		r = t->sregs;
		trap_sigaction_call(t, &r, &ret); /* runtime not in: only recorded */
		if (is_exec((long)r.orig_rax))
			trap_seize_group(t->tgid);
		if (trap_seize(t) < 0)
			return -ESRCH;
		t->retrace = true;
		t->retrace_exit = want_exit;
		t->retrace_rip = r.rip;
		trap_slot_answer(t, SLOT_CMD_RETRACE);
		return 0;
	}
	trap_child_fix(t);
	if (t->pstopped && t->stop == TS_SYSCALL && ptrace(PTRACE_GETREGS, tid, 0, &r) == 0) {
		if (trap_sigaction_call(t, &r, &ret)) {
			r.rax = (uint64_t)ret;
			r.orig_rax = (uint64_t)-1;
			ptrace(PTRACE_SETREGS, tid, 0, &r);
			return trap_resume_or_detach(t, 0);
		}
		if (is_exec((long)r.orig_rax))
			trap_seize_group(t->tgid);
		t->retrace = true;
		t->retrace_exit = want_exit;
		t->retrace_rip = r.rip;
		r.rip = STUB_RT_RETRACE;
		r.rax = r.orig_rax;
		ptrace(PTRACE_SETREGS, tid, 0, &r);
		t->pstopped = false;
		t->stop = TS_NONE;
		return ptrace(PTRACE_CONT, tid, 0, 0) < 0 ? -errno : 0;
	}
	/* a real seccomp stop, or a clone/exec event inside a retraced call */
	if (t->pstopped && t->stop == TS_SECCOMP && ptrace(PTRACE_GETREGS, tid, 0, &r) == 0)
		trap_sigaction_call(t, &r, &ret); /* runtime not in yet: only recorded */
	if (t->retrace) {
		t->retrace_exit = want_exit;
		want_exit = false; /* the retrace int3 reports the exit */
	}
	t->pstopped = false;
	t->stop = TS_NONE;
	return ptrace(want_exit ? PTRACE_SYSCALL : PTRACE_CONT, tid, 0, 0) < 0 ? -errno : 0;
}

static long tr_inject(pid_t tid, const struct plat_regs *cur, long nr, const uint64_t args[6],
		      int *deferred_sig)
{
	struct trap_thread *t = trap_thread_get(tid);
	*deferred_sig = 0;
	if (t->in_slot && trap_handoff(t) < 0)
		return -ESRCH;
	trap_child_fix(t);
	if (is_exec(nr))
		trap_seize_group(t->tgid);
	return trap_inject(t, &cur->r, nr, args, deferred_sig);
}

/* The app's mask: the host's, with SIGSYS as the app set it (the runtime keeps the host's
 * SIGSYS unblocked once its action is in: tr_sigmask_set). */
/* The host's blocked mask of running thread @tid (/proc/<tid>/status SigBlk). 0 or -errno. */
static int host_sigblk(pid_t tid, uint64_t *mask)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = 0;
	const char *l = strstr(buf, "\nSigBlk:");
	if (!l)
		return -ESRCH;
	*mask = strtoull(l + 8, NULL, 16);
	return 0;
}

/* Every signal but SIGKILL and SIGSTOP: what a thread blocks while it runs the stub
 * runtime's SIGSYS handler (its sa_mask is full). */
#define RUNTIME_BLOCKED (~0ULL & ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1))))

/* The app's mask of a thread that is neither stopped nor waiting in its slot. Inside the
 * runtime's handler the host shows the handler's full mask; the app's own is then the one
 * in the slot (the runtime posted it with its request, or the Sentry's answer holds the
 * one sigreturn restores). */
static int running_sigmask(struct trap_thread *t, uint64_t *mask)
{
	int err = host_sigblk(t->tid, mask);
	if (err)
		return err;
	if (t->mm && t->slot && (*mask & RUNTIME_BLOCKED) == RUNTIME_BLOCKED)
		*mask = slot_u64(trap_slot(t), SLOT_MASK);
	return 0;
}

static int tr_sigmask_get(pid_t tid, uint64_t *mask)
{
	struct trap_thread *t = trap_thread_get(tid);
	if (t->in_slot)
		*mask = t->smask;
	else if (ptrace(PTRACE_GETSIGMASK, tid, sizeof(*mask), mask) < 0 &&
		 running_sigmask(t, mask) < 0)
		return -errno;
	if (t->sighand && t->sigsys_blocked)
		*mask |= 1ULL << (SIGSYS - 1);
	return 0;
}

static int tr_sigmask_set(pid_t tid, uint64_t mask)
{
	struct trap_thread *t = trap_thread_get(tid);
	if (t->sighand) {
		t->sigsys_blocked = mask & (1ULL << (SIGSYS - 1));
		mask &= ~(1ULL << (SIGSYS - 1));
	}
	if (t->in_slot) {
		t->smask = mask;
		return 0;
	}
	return ptrace(PTRACE_SETSIGMASK, tid, sizeof(mask), &mask) < 0 ? -errno : 0;
}

static int tr_siginfo_set(pid_t tid, const siginfo_t *info)
{
	struct trap_thread *t = trap_thread_get(tid);
	if (t->in_slot && trap_handoff(t) < 0)
		return -ESRCH;
	return ptrace(PTRACE_SETSIGINFO, tid, 0, info) < 0 ? -errno : 0;
}

static int tr_kill(pid_t tid, int sig)
{
	struct trap_thread *t = trap_thread_find(tid);
	if (t)
		trap_seize(t); /* the signal's stop, or the thread's death, must reach us */
	return syscall(SYS_tkill, tid, sig) < 0 ? -errno : 0;
}

/* A thread waiting in its slot is handed off first, so that it is stopped at its call as
 * on ptrace, and any thread stays attached until the signal's stop: a detached thread
 * would take it natively (a SIGSTOP would stop its whole process unseen). */
static int tr_queue_signal(pid_t tgid, pid_t tid, const siginfo_t *info)
{
	struct trap_thread *t = trap_thread_find(tid);
	siginfo_t si = *info;
	if (t) {
		if (t->in_slot && trap_handoff(t) < 0)
			return -ESRCH;
		trap_seize(t);
		t->keep_attached = true;
	}
	return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, si.si_signo, &si) < 0 ? -errno : 0;
}

/* The stub runtime's own calls (stub/loader.S): an app's seccomp filter stacked on the
 * stub never judges them (sentry/seccomp_bpf.c), or a filter refusing futex or
 * sched_yield (strict mode refuses both) would hang or kill the runtime in the middle of
 * serving the app's trapped call, and the Sentry would never hear of a request whose
 * wake-up write was refused. Each is pinned to its site and its arguments to what the
 * runtime passes, so that app code jumping there gains nothing it could not do in its
 * own memory. */
static const struct plat_rt_call rt_calls[] = {
    {STUB_RT_FUTEX + 2, SYS_futex, 2,
     {{0, STUB_SLOTS_ADDR, STUB_SLOTS_ADDR + STUB_SLOTS_SIZE}, {1, FUTEX_WAIT, FUTEX_WAIT + 1}}},
    {STUB_RT_YIELD + 2, SYS_sched_yield, 0, {{0}}},
    {STUB_RT_WAKE + 2, SYS_write, 1, {{0, STUB_WAKE_FD, STUB_WAKE_FD + 1}}},
    {STUB_RT_SIGRETURN_IP, SYS_rt_sigreturn, 0, {{0}}},
};

/* Calls the platform runs from STUB_RT_RETRACE for the app without the Sentry's
 * judgement (trap_owned_call's TRAP_RET_RETRACE): the app's filters judge them there. Every
 * other call from that site is an injection or a call the Sentry judged (an app that
 * jumps there while detached gets ENOSYS from the TRACE that answers it). */
static const uint16_t retrace_judged[] = {SYS_exit, SYS_exit_group, SYS_rt_sigsuspend};

const struct plat_ops plat_seccomp_trap_ops = {
	.name = "seccomp-trap",
	.rt_calls = rt_calls,
	.n_rt_calls = sizeof(rt_calls) / sizeof(rt_calls[0]),
	.retrace_ip = STUB_RT_RETRACE + 2,
	.retrace_judged = retrace_judged,
	.n_retrace_judged = sizeof(retrace_judged) / sizeof(retrace_judged[0]),
	.init = tr_init,
	.spawn = tr_spawn,
	.event_fd = tr_event_fd,
	.next_event = tr_next_event,
	.regs_get = tr_regs_get,
	.regs_set = tr_regs_set,
	.resume = tr_resume,
	.resume_step = tr_resume_step,
	.syscall_run = tr_syscall_run,
	.inject = tr_inject,
	.sigmask_get = tr_sigmask_get,
	.sigmask_set = tr_sigmask_set,
	.siginfo_set = tr_siginfo_set,
	.kill = tr_kill,
	.queue_signal = tr_queue_signal,
};
