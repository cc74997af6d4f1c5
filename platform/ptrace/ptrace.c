/* platform/ptrace/ptrace.c - the ptrace platform: stubs are traced host processes; the
 * seccomp filter turns traced syscalls into PTRACE_EVENT_SECCOMP stops.
 *
 * Owns: the stub's first moments (fork, caps and no_new_privs, filter, exec of the
 * loader), decoding wait statuses into plat_events, and syscall injection through the
 * loader's `syscall; int3` gadget. Must not know about files, pids as the app sees them,
 * or the syscall table.
 *
 * Stubs are not forked by the Sentry but by a *stub factory*: the first process the
 * Sentry forks (pid 1 of the sandbox's host pid namespace when sentry/confine.c made
 * one), a stub like the others that never runs app code and stays stopped at its loader
 * trap. A new stub is a fork injected into the factory, which then execveats the loader
 * like any stub. So the Sentry itself never forks once its own seccomp filter is on
 * (sentry/host_filter.c), and a new stub inherits the factory's filter, no capabilities,
 * no_new_privs and host fds (the channel and the loader) instead of the Sentry's. The
 * factory reaps what it is parent of (SA_NOCLDWAIT), including orphans when it is the
 * namespace's init; when the Sentry dies it dies (PDEATHSIG, EXITKILL), and with it the
 * whole pid namespace. */
#include "platform/platform.h"
#include "platform/stub_layout.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PTRACE_OPTS                                                                                \
	(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |                        \
	 PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL |       \
	 PTRACE_O_TRACESYSGOOD)

static int sigchld_fd = -1;

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

/* Runs in the forked child: become a stub. Never returns. */
static void __attribute__((noreturn)) stub_child(const struct plat_spawn *sp, pid_t sentry)
{
	static char *const argv[] = {"cvisor-stub", NULL};
	static char *const envp[] = {NULL};
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* 0: the factory is pid 1 of a new pid namespace, its parent is outside */
	if (getppid() != sentry && getppid() != 0)
		_exit(126);
	/* Fixed host fds; nothing else. Stdio of the app is virtual (the Sentry's). */
	if (dup2(sp->loader_fd, STUB_LOADER_FD) < 0 || dup2(sp->channel_fd, STUB_CHANNEL_FD) < 0)
		_exit(126);
	syscall(SYS_close_range, 0, STUB_CHANNEL_FD - 1, 0);
	syscall(SYS_close_range, STUB_LOADER_FD + 1, ~0U, 0);
	setsid();
	/* the root as cwd: sentry/confine.c's pivot_root moves it (and every stub forked
	 * from here) into the empty root; any other cwd would stay behind on the host */
	if (chdir("/") < 0)
		_exit(126);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(126);
	raise(SIGSTOP);
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	if (syscall(SYS_capset, &hdr, data) < 0)
		_exit(126);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(126);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, sp->filter) < 0)
		_exit(126);
	syscall(SYS_execveat, STUB_LOADER_FD, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

/* Waits for the next stop of @pid. Returns its wait status, or -errno. */
static int wait_stop(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFSTOPPED(status) ? status : -ESRCH;
}

/* Where the factory keeps what each new stub's execveat of the loader reads (its scratch
 * page, copied into every fork). */
#define FACTORY_DATA (STUB_SCRATCH_ADDR + 0x3000)
struct factory_data {
	char argv0[16];      /* "cvisor-stub" */
	uint64_t argv[2];    /* {argv0, NULL} */
	uint64_t envp[1];    /* {NULL} */
	char empty[8];       /* "" for AT_EMPTY_PATH */
	uint64_t sigchld[4]; /* struct kernel_sigaction: SIG_DFL, SA_NOCLDWAIT */
};

static pid_t factory_pid = -1;
static struct plat_regs factory_regs; /* at its loader trap */

/* Drives the freshly spawned @pid through its execveat of the loader to the loader's
 * entry trap, then sets it up as the factory. Returns 0 or -errno (@pid killed). */
static int factory_boot(pid_t pid)
{
	static const int expect[] = {PTRACE_EVENT_SECCOMP, PTRACE_EVENT_EXEC, 0};
	struct factory_data d = {.argv0 = "cvisor-stub"};
	struct iovec local = {&d, sizeof(d)}, remote = {(void *)(uintptr_t)FACTORY_DATA, sizeof(d)};
	int status, deferred, r = -ECHILD;

	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		if (i && ptrace(PTRACE_CONT, pid, 0, 0) < 0)
			goto out_kill;
		status = wait_stop(pid);
		if (status < 0 || (status >> 16) != expect[i] ||
		    (!expect[i] && WSTOPSIG(status) != SIGTRAP)) {
			log_err("stub factory %d: unexpected stop 0x%x at step %zu", pid, status,
				i);
			goto out_kill;
		}
	}
	if (ptrace(PTRACE_GETREGS, pid, 0, &factory_regs.r) < 0 ||
	    factory_regs.r.rip != STUB_LOADER_TRAP_RIP)
		goto out_kill;
	d.argv[0] = FACTORY_DATA + offsetof(struct factory_data, argv0);
	d.sigchld[1] = SA_NOCLDWAIT;
	if (process_vm_writev(pid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof(d))
		goto out_kill;
	uint64_t args[6] = {SIGCHLD, FACTORY_DATA + offsetof(struct factory_data, sigchld), 0, 8};
	factory_pid = pid;
	r = (int)plat_ptrace_ops.inject(pid, &factory_regs, SYS_rt_sigaction, args, &deferred);
	if (r == 0)
		return 0;
	factory_pid = -1;
out_kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	return r < 0 ? r : -ECHILD;
}

/* Forks a new stub from the factory and sets it off on its execveat of the loader: its
 * next stop is that call's seccomp stop, as for a stub spawned by stub_child. Returns 0
 * and its tid (in the Sentry's pid namespace) in *@tid, or -errno. */
static int factory_fork(pid_t *tid)
{
	struct plat_regs r = factory_regs;
	unsigned long child = 0;
	int status;

	r.r.rip = STUB_GADGET_ADDR;
	r.r.orig_rax = (uint64_t)-1;
	r.r.rax = SYS_clone;
	r.r.rdi = SIGCHLD; /* fork(): the child's parent is the factory */
	r.r.rsi = r.r.rdx = r.r.r10 = r.r.r8 = r.r.r9 = 0;
	if (ptrace(PTRACE_SETREGS, factory_pid, 0, &r.r) < 0 ||
	    ptrace(PTRACE_CONT, factory_pid, 0, 0) < 0)
		goto out_dead;
	for (;;) {
		if ((status = wait_stop(factory_pid)) < 0)
			goto out_dead;
		int event = status >> 16;
		if (event == PTRACE_EVENT_FORK)
			ptrace(PTRACE_GETEVENTMSG, factory_pid, 0, &child); /* pid in our ns */
		if (event == 0 && WSTOPSIG(status) == SIGTRAP) {
			if (ptrace(PTRACE_GETREGS, factory_pid, 0, &r.r) < 0)
				goto out_dead;
			if (r.r.rip == STUB_GADGET_ADDR + 3)
				break;
		}
		/* the fork's seccomp and fork stops; a SIGCHLD of a stub it reaped: dropped */
		ptrace(PTRACE_CONT, factory_pid, 0, 0);
	}
	if ((long)r.r.rax < 0)
		return (int)r.r.rax;
	if (!child)
		return -ECHILD;
	status = wait_stop((pid_t)child); /* the auto-attached child's first SIGSTOP */
	if (status < 0 || ptrace(PTRACE_GETREGS, (pid_t)child, 0, &r.r) < 0) {
		kill((pid_t)child, SIGKILL);
		return -ECHILD;
	}
	r.r.rip = STUB_GADGET_ADDR;
	r.r.orig_rax = (uint64_t)-1;
	r.r.rax = SYS_execveat;
	r.r.rdi = STUB_LOADER_FD;
	r.r.rsi = FACTORY_DATA + offsetof(struct factory_data, empty);
	r.r.rdx = FACTORY_DATA + offsetof(struct factory_data, argv);
	r.r.r10 = FACTORY_DATA + offsetof(struct factory_data, envp);
	r.r.r8 = AT_EMPTY_PATH;
	if (ptrace(PTRACE_SETREGS, (pid_t)child, 0, &r.r) < 0 ||
	    ptrace(PTRACE_CONT, (pid_t)child, 0, 0) < 0) {
		kill((pid_t)child, SIGKILL);
		return -ECHILD;
	}
	*tid = (pid_t)child;
	return 0;
out_dead:
	log_err("stub factory %d is gone", factory_pid);
	factory_pid = -1;
	return -ESRCH;
}

/* Forks the factory from the Sentry (stub_child). Returns 0 or -errno. */
static int factory_start(const struct plat_spawn *sp)
{
	pid_t sentry = getpid();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		stub_child(sp, sentry);
	if (waitpid(pid, &status, __WALL) < 0)
		return -errno;
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		log_err("stub %d did not stop at start (status 0x%x)", pid, status);
		return -ECHILD;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_OPTS) < 0 ||
	    ptrace(PTRACE_CONT, pid, 0, 0) < 0) {
		int err = -errno;
		kill(pid, SIGKILL);
		return err;
	}
	return factory_boot(pid);
}

static int pt_spawn(const struct plat_spawn *sp, pid_t *tid)
{
	int r;
	if (factory_pid < 0 && (r = factory_start(sp)) < 0)
		return r;
	return factory_fork(tid);
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

	bool drained = false;
	for (;;) {
		pid = waitpid(-1, &status, __WALL | WNOHANG);
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
		if (waitpid(tid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -ESRCH;
		}
		if (!WIFSTOPPED(status))
			return -ESRCH; /* died: the loop's next waitpid(-1) will not see it again */
		int sig = WSTOPSIG(status), event = (unsigned)status >> 16;
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
		if (event == PTRACE_EVENT_EXIT) {
			ptrace(PTRACE_CONT, tid, 0, 0);
			continue;
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
