/* ns_pid_exec_orphan.c - runc's `exec` into a running container, without runc: a
 * subreaper holds a pid namespace whose pid 1 has no handlers and reaps nothing (like
 * `sleep`); an "exec" joins it as runc's nsexec does (a child cloned with CLONE_PARENT
 * setns()es into the namespace and clones the process with CLONE_PARENT again, so the
 * subreaper is its parent, outside the namespace: getppid() 0); that process starts a
 * background child and exits. The child is adopted by the namespace's pid 1 (getppid()
 * 1), dies later, and pid 1 lives on through all of it; the subreaper reaps the exec'd
 * process with a plain waitpid; killing pid 1 from outside ends the namespace. */
/* syscalls: clone setns unshare getppid wait4 prctl kill openat */
#include "ns_util.h"
#include <signal.h>

static pid_t clone_parent(void)
{
	fflush(stdout);
	return (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
}

struct report {
	pid_t init, exec_pid; /* as the subreaper sees them */
	int exec_ppid;        /* getppid() of the exec'd process */
	int bg_ppid;          /* getppid() of its background child once adopted */
	int bg_nspid;         /* the background child's pid in the namespace */
};

/* The exec'd process: a background child that waits for its adoption, reports and exits
 * a little later; then it exits itself. */
static void exec_body(int w)
{
	struct report r = {0};
	setsid();
	r.exec_ppid = getppid();
	write(w, &r.exec_ppid, sizeof(r.exec_ppid));
	fflush(stdout);
	pid_t b = fork();
	if (b == 0) {
		pid_t me = getpid();
		for (int i = 0; i < 2000 && getppid() != 1; i++)
			usleep(1000);
		int pp = getppid();
		write(w, &pp, sizeof(pp));
		write(w, &me, sizeof(me));
		usleep(100000);
		_exit(0);
	}
	_exit(0);
}

/* runc exec's stages: S0 (our child) clones S1 with CLONE_PARENT; S1 joins the namespace
 * of @init and clones the exec'd process with CLONE_PARENT; S1 sends its pid on @w, the
 * exec'd process reports on @x; both stages exit. */
static void exec_stages(pid_t init, int w, int x)
{
	pid_t s1 = clone_parent();
	if (s1 == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
			_exit(1);
		pid_t s2 = clone_parent();
		if (s2 == 0)
			exec_body(x);
		write(w, &s2, sizeof(s2));
		_exit(s2 > 0 ? 0 : 1);
	}
	_exit(s1 > 0 ? 0 : 1);
}

static int body(void *arg)
{
	int bits = 0, p[2], q[2], st;
	struct report r = {0};
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || pipe(p) < 0 || pipe(q) < 0)
		return 0;
	/* the container: C0 unshares and forks pid 1, then exits (runc run -d) */
	fflush(stdout);
	pid_t c0 = fork();
	if (c0 == 0) {
		if (unshare(CLONE_NEWPID) < 0)
			_exit(1);
		fflush(stdout);
		pid_t i = fork();
		if (i == 0) {
			setsid();
			for (;;)
				pause();
		}
		write(p[1], &i, sizeof(i));
		_exit(0);
	}
	read(p[0], &r.init, sizeof(r.init));
	tap_wait(c0);
	/* the exec */
	fflush(stdout);
	pid_t s0 = fork();
	if (s0 == 0)
		exec_stages(r.init, p[1], q[1]);
	read(p[0], &r.exec_pid, sizeof(r.exec_pid));
	read(q[0], &r.exec_ppid, sizeof(r.exec_ppid));
	read(q[0], &r.bg_ppid, sizeof(r.bg_ppid));
	read(q[0], &r.bg_nspid, sizeof(r.bg_nspid));
	/* reap the stages and the exec'd process: all ours */
	int reaped_exec = 0, others = 0;
	pid_t w;
	while ((w = waitpid(-1, &st, WNOHANG)) != -1 || errno == EINTR) {
		if (w == r.exec_pid && tap_exited(st, 0))
			reaped_exec = 1;
		else if (w > 0 && w != r.init)
			others++;
		else if (w == r.init)
			break;
		if (reaped_exec && others >= 2)
			break;
		usleep(1000);
	}
	bits |= (r.exec_ppid == 0) << 0;
	bits |= (reaped_exec && others >= 2) << 1;
	bits |= (r.bg_ppid == 1 && r.bg_nspid > 1) << 2;
	usleep(300000); /* the background child has died meanwhile: a zombie of pid 1 */
	bits |= (waitpid(r.init, &st, WNOHANG) == 0) << 3;
	kill(r.init, SIGKILL);
	st = tap_wait(r.init);
	bits |= (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << 4;
	bits |= (waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD) << 5;
	return bits;
}

int main(void)
{
	TAP_PLAN(6);
	if (geteuid() != 0) {
		for (int i = 0; i < 6; i++)
			TAP_SKIP("pid namespaces need root");
		return TAP_DONE();
	}
	int bits = ns_bits(body, NULL);
	TAP_OK(ns_bit(bits, 0), "the exec'd process's parent is outside the namespace (getppid 0)");
	TAP_OK(ns_bit(bits, 1), "the subreaper reaps both stages and the exec'd process");
	TAP_OK(ns_bit(bits, 2), "its background child is adopted by the namespace's pid 1");
	TAP_OK(ns_bit(bits, 3), "pid 1 lives on after the exec'd process and its child died");
	TAP_OK(ns_bit(bits, 4), "SIGKILL from outside ends pid 1");
	TAP_OK(ns_bit(bits, 5), "nothing is left to reap");
	return TAP_DONE();
}
