/* platform/ptrace/ptrace.c - the ptrace platform: stubs are traced host processes; the
 * seccomp filter turns traced syscalls into PTRACE_EVENT_SECCOMP stops.
 *
 * Owns: the stub's first moments (fork, caps and no_new_privs, filter, exec of the
 * loader), decoding wait statuses into plat_events, and syscall injection through the
 * loader's `syscall; int3` gadget. Must not know about files, pids as the app sees them,
 * or the syscall table.
 *
 * Stubs are not forked by the Sentry but by the stub factory (platform/stub_factory.c),
 * here pid 1 of the sandbox's host pid namespace when sentry/confine.c made one: it
 * reaps what it is parent of (SA_NOCLDWAIT), including orphans; when the Sentry dies it
 * dies (PDEATHSIG, EXITKILL), and with it the whole pid namespace. */
#include "platform/platform.h"
#include "platform/stub_layout.h"
#include "platform/stub_factory.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int sigchld_fd = -1;
/* Exit stops and deaths an injection's wait took from the loop's wait4: reported first
 * by pt_next_event (a lost death is a task the Sentry waits for forever). */
static struct plat_event *queued;
static int n_queued, cap_queued;

static void queue_event(const struct plat_event *ev)
{
	if (n_queued == cap_queued) {
		int cap = cap_queued ? cap_queued * 2 : 16;
		struct plat_event *q = realloc(queued, cap * sizeof(*q));
		if (!q)
			abort(); /* a lost event hangs the sandbox: not survivable either */
		queued = q;
		cap_queued = cap;
	}
	queued[n_queued++] = *ev;
	kill(getpid(), SIGCHLD); /* queued outside next_event too: the loop must not sleep on it */
}

/* @tid waits at its exit stop with the event still queued: it runs nothing again. */
static bool exit_queued(pid_t tid)
{
	for (int i = 0; i < n_queued; i++)
		if (queued[i].tid == tid && queued[i].kind == PLAT_EV_EXITING)
			return true;
	return false;
}

static int pt_init(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	sigchld_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return sigchld_fd < 0 ? -errno : 0;
}

static int pt_event_fd(void)
{
	return sigchld_fd;
}

static int pt_spawn(const struct plat_spawn *sp, pid_t *tid)
{
	/* the factory is the pid namespace's init: its forks cannot be CLONE_PARENT */
	return stub_factory_spawn(sp, -1, 0, tid);
}

static void decode_stop(struct plat_event *ev, int status)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;

	ev->sig = 0;
	ev->msg = 0;
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		ev->kind = PLAT_EV_SYSCALL;
		return;
	case PTRACE_EVENT_EXEC:
		ev->kind = PLAT_EV_EXEC;
		ptrace(PTRACE_GETEVENTMSG, ev->tid, 0, &ev->msg);
		return;
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		ev->kind = PLAT_EV_CLONE;
		ev->clone_kind = event;
		ptrace(PTRACE_GETEVENTMSG, ev->tid, 0, &ev->msg);
		return;
	case PTRACE_EVENT_EXIT:
		ev->kind = PLAT_EV_EXITING;
		ptrace(PTRACE_GETEVENTMSG, ev->tid, 0, &ev->msg);
		return;
	case PTRACE_EVENT_STOP:
		ev->kind = PLAT_EV_GROUP_STOP;
		ev->sig = sig;
		return;
	}
	if (sig == (SIGTRAP | 0x80)) {
		ev->kind = PLAT_EV_SYSCALL_EXIT;
		return;
	}
	/* A signal-delivery-stop, or a group-stop (GETSIGINFO fails with EINVAL). */
	ev->sig = sig;
	if (ptrace(PTRACE_GETSIGINFO, ev->tid, 0, &ev->info) < 0) {
		ev->kind = PLAT_EV_GROUP_STOP;
		return;
	}
	ev->kind = PLAT_EV_SIGNAL;
}

static int pt_next_event(struct plat_event *ev)
{
	int status;
	pid_t pid;
	struct rusage ru;

	if (n_queued) {
		*ev = queued[0];
		memmove(queued, queued + 1, --n_queued * sizeof(*queued));
		return 0;
	}
	bool drained = false;
	for (;;) {
		pid = wait4(-1, &status, __WALL | WNOHANG, &ru);
		if (pid > 0)
			break;
		if (pid == 0 || errno == ECHILD) {
			struct signalfd_siginfo si;
			if (drained)
				return -EAGAIN;
			/* Drain the signalfd, then look once more: a stop that raced with the
			 * drain is seen by this second waitpid, any later one re-arms epoll. */
			while (read(sigchld_fd, &si, sizeof(si)) == sizeof(si))
				;
			drained = true;
			continue;
		}
		if (errno != EINTR)
			return -errno;
	}
	memset(ev, 0, sizeof(*ev));
	ev->tid = pid;
	ev->status = status;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		ev->kind = PLAT_EV_DEAD;
		ev->ru = ru;
		return 0;
	}
	decode_stop(ev, status);
	return 0;
}

static int pt_regs_get(pid_t tid, struct plat_regs *regs)
{
	return ptrace(PTRACE_GETREGS, tid, 0, &regs->r) < 0 ? -errno : 0;
}

static int pt_regs_set(pid_t tid, const struct plat_regs *regs)
{
	return ptrace(PTRACE_SETREGS, tid, 0, &regs->r) < 0 ? -errno : 0;
}

static int pt_resume(pid_t tid, int sig)
{
	return ptrace(PTRACE_CONT, tid, 0, sig) < 0 ? -errno : 0;
}

static int pt_resume_step(pid_t tid, int sig)
{
	return ptrace(PTRACE_SINGLESTEP, tid, 0, sig) < 0 ? -errno : 0;
}

static int pt_syscall_run(pid_t tid, bool want_exit)
{
	return ptrace(want_exit ? PTRACE_SYSCALL : PTRACE_CONT, tid, 0, 0) < 0 ? -errno : 0;
}

static long pt_inject(pid_t tid, const struct plat_regs *cur, long nr, const uint64_t args[6],
		      int *deferred_sig)
{
	struct plat_regs r = *cur;
	int status;

	*deferred_sig = 0;
	if (exit_queued(tid))
		return -ESRCH;
	r.r.rip = STUB_GADGET_ADDR;
	r.r.orig_rax = (uint64_t)-1; /* skip a pending syscall; no restart fix-ups */
	r.r.rax = nr;
	r.r.rdi = args[0];
	r.r.rsi = args[1];
	r.r.rdx = args[2];
	r.r.r10 = args[3];
	r.r.r8 = args[4];
	r.r.r9 = args[5];
	if (ptrace(PTRACE_SETREGS, tid, 0, &r.r) < 0 || ptrace(PTRACE_CONT, tid, 0, 0) < 0)
		return -ESRCH;
	for (;;) {
		struct rusage ru;
		if (wait4(tid, &status, __WALL, &ru) < 0) {
			if (errno == EINTR)
				continue;
			return -ESRCH;
		}
		if (!WIFSTOPPED(status)) {
			/* died: the loop's next wait4(-1) will not see it again */
			struct plat_event ev = {.kind = PLAT_EV_DEAD, .tid = tid, .status = status,
						.ru = ru};
			queue_event(&ev);
			return -ESRCH;
		}
		int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
		if (event == PTRACE_EVENT_EXIT) {
			/* killed (a sibling's exit_group, SIGKILL): it stays at its exit stop,
			 * reported next. Continuing it would lose the event, and a group leader's
			 * death is not reported while its siblings wait at their exit stops for
			 * the Sentry: waiting for it would never end. */
			struct plat_event ev = {.kind = PLAT_EV_EXITING, .tid = tid, .status = status};
			ptrace(PTRACE_GETEVENTMSG, tid, 0, &ev.msg);
			queue_event(&ev);
			return -ESRCH;
		}
		if (event == PTRACE_EVENT_SECCOMP) {
			/* Our injected call reached the filter as TRACE: let it run. */
			ptrace(PTRACE_CONT, tid, 0, 0);
			continue;
		}
		if (event == 0 && sig == SIGTRAP) {
			siginfo_t si;
			if (ptrace(PTRACE_GETREGS, tid, 0, &r.r) < 0)
				return -ESRCH;
			if (r.r.rip == STUB_GADGET_ADDR + 3 &&
			    ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 && si.si_code == SI_KERNEL)
				return (long)r.r.rax;
		}
		if (event == 0 && sig != SIGTRAP && sig != SIGSTOP)
			*deferred_sig = sig; /* keep the latest; the Sentry re-sends what matters */
		else if (event == 0 && sig == SIGTRAP)
			return -EFAULT; /* a trap elsewhere: the gadget page is gone */
		ptrace(PTRACE_CONT, tid, 0, 0);
	}
}

static int pt_sigmask_get(pid_t tid, uint64_t *mask)
{
	return ptrace(PTRACE_GETSIGMASK, tid, sizeof(*mask), mask) < 0 ? -errno : 0;
}

static int pt_sigmask_set(pid_t tid, uint64_t mask)
{
	return ptrace(PTRACE_SETSIGMASK, tid, sizeof(mask), &mask) < 0 ? -errno : 0;
}

static int pt_siginfo_set(pid_t tid, const siginfo_t *info)
{
	return ptrace(PTRACE_SETSIGINFO, tid, 0, info) < 0 ? -errno : 0;
}

static int pt_kill(pid_t tid, int sig)
{
	/* tkill: @tid may be any thread, not only a group leader */
	return syscall(SYS_tkill, tid, sig) < 0 ? -errno : 0;
}

static int pt_queue_signal(pid_t tgid, pid_t tid, const siginfo_t *info)
{
	siginfo_t si = *info;
	return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, si.si_signo, &si) < 0 ? -errno : 0;
}

const struct plat_ops plat_ptrace_ops = {
	.name = "ptrace",
	.init = pt_init,
	.spawn = pt_spawn,
	.event_fd = pt_event_fd,
	.next_event = pt_next_event,
	.regs_get = pt_regs_get,
	.regs_set = pt_regs_set,
	.resume = pt_resume,
	.resume_step = pt_resume_step,
	.syscall_run = pt_syscall_run,
	.inject = pt_inject,
	.sigmask_get = pt_sigmask_get,
	.sigmask_set = pt_sigmask_set,
	.siginfo_set = pt_siginfo_set,
	.kill = pt_kill,
	.queue_signal = pt_queue_signal,
};

const struct plat_ops *plat = &plat_ptrace_ops;
