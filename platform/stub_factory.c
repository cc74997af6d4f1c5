/* platform/stub_factory.c - the stub factory of both backends: the first process the
 * Sentry forks, a stub like the others that never runs app code and stays stopped at its
 * loader trap. A new stub is a fork injected into the factory, which then execveats the
 * loader like any stub. So the Sentry itself never forks once its own seccomp filter is
 * on (sentry/host_filter.c), and a new stub inherits the factory's filter, no
 * capabilities, no_new_privs, root and cwd, and host fds (the channel, the loader, the
 * seccomp-trap wake-up eventfd) instead of the Sentry's.
 *
 * Owns the factory (its pid and registers at its loader trap). Injection into it is the
 * ptrace backend's (the gadget's RET_TRACE stop: both backends' base filters trace a
 * call made from the gadget). Must not know what the stubs will run. */
#include "platform/stub_factory.h"
#include "platform/stub_layout.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs in the forked child: become a stub. Never returns. */
static void __attribute__((noreturn)) stub_child(const struct plat_spawn *sp, pid_t sentry,
						 int wake_fd)
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
	if (dup2(sp->loader_fd, STUB_LOADER_FD) < 0 || dup2(sp->channel_fd, STUB_CHANNEL_FD) < 0 ||
	    (wake_fd >= 0 && dup2(wake_fd, STUB_WAKE_FD) < 0))
		_exit(126);
	syscall(SYS_close_range, 0, (wake_fd >= 0 ? STUB_WAKE_FD : STUB_CHANNEL_FD) - 1, 0);
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
#define FACTORY_DATA (STUB_PLAT_SCRATCH_ADDR + 0x1000)
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
static int factory_fork(unsigned long clone_flags, pid_t *tid)
{
	struct plat_regs r = factory_regs;
	unsigned long child = 0;
	int status;

	r.r.rip = STUB_GADGET_ADDR;
	r.r.orig_rax = (uint64_t)-1;
	r.r.rax = SYS_clone;
	r.r.rdi = clone_flags | SIGCHLD; /* fork(), the child's parent the factory or ours */
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
static int factory_start(const struct plat_spawn *sp, int wake_fd)
{
	pid_t sentry = getpid();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		stub_child(sp, sentry, wake_fd);
	if (waitpid(pid, &status, __WALL) < 0)
		return -errno;
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		log_err("stub %d did not stop at start (status 0x%x)", pid, status);
		return -ECHILD;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, PLAT_PTRACE_OPTS) < 0 ||
	    ptrace(PTRACE_CONT, pid, 0, 0) < 0) {
		int err = -errno;
		kill(pid, SIGKILL);
		return err;
	}
	return factory_boot(pid);
}

int stub_factory_spawn(const struct plat_spawn *sp, int wake_fd, unsigned long clone_flags,
		       pid_t *tid)
{
	int r;
	if (factory_pid < 0 && (r = factory_start(sp, wake_fd)) < 0)
		return r;
	return factory_fork(clone_flags, tid);
}
