/* clone_exit_signal.c - the signal a child's death sends (clone's exit signal) and who
 * gets it: a child cloned with SIGUSR1 sends it to its parent, which must wait with
 * __WCLONE; once orphaned and reparented (to a subreaper, or to pid 1 of a pid namespace:
 * runc's exec'd processes leave their background children there) it sends SIGCHLD
 * instead and is an ordinary child ("we don't want people slaying init", Linux's
 * reparent_leader), so a pid 1 without handlers survives; CLONE_PARENT takes the
 * cloner's own exit signal, not the one in the flags; a parent that exec'd since the
 * clone gets SIGCHLD; a pid 1 without a handler drops its own SIGUSR1 child's exit signal
 * (and lives). Each receiver blocks SIGUSR1 and SIGCHLD and reads sigpending. */
/* syscalls: clone wait4 prctl rt_sigprocmask rt_sigpending unshare execve getppid */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* fork with @flags (an exit signal and CLONE_PARENT at most): the raw clone */
static pid_t clone_flags(unsigned long flags)
{
	fflush(stdout);
	return (pid_t)syscall(SYS_clone, flags, 0, NULL, NULL, 0);
}

static void block_usr1_chld(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

/* 1 when @sig is pending for the caller, else 0 */
static int pending(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigpending(&s);
	return sigismember(&s, sig) == 1;
}

/* The middle process: clones a child with exit signal SIGUSR1 that waits until it is
 * reparented, then exits (the child exits 7 once getppid() changed). */
static void middle_then_exit(void)
{
	pid_t me = getpid();
	pid_t c = clone_flags(SIGUSR1);
	if (c == 0) {
		for (int i = 0; i < 2000 && getppid() == me; i++)
			usleep(1000);
		_exit(getppid() != me ? 7 : 8);
	}
	_exit(c > 0 ? 0 : 1);
}

/* The reaper's side (a subreaper or a pid 1): bits 0 it reaped the orphan with a plain
 * waitpid (status 7), 1 SIGCHLD pending, 2 no SIGUSR1 pending. @unblocked: pid 1 keeps
 * SIGUSR1 unblocked and default (it would die of it). */
static int reap_orphan(bool unblocked)
{
	int bits = 0, st;
	if (unblocked) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGCHLD);
		sigprocmask(SIG_BLOCK, &s, NULL);
	} else {
		block_usr1_chld();
	}
	pid_t m = fork();
	if (m == 0)
		middle_then_exit();
	waitpid(m, &st, 0); /* the middle process: an ordinary child */
	pid_t r;
	while ((r = waitpid(-1, &st, 0)) < 0 && errno == EINTR)
		;
	bits |= (r > 0 && r != m && tap_exited(st, 7)) << 0;
	if (r < 0) /* not an ordinary child: reap it anyway before looking at the signals */
		while (waitpid(-1, &st, __WALL) < 0 && errno == EINTR)
			;
	bits |= pending(SIGCHLD) << 1;
	bits |= !pending(SIGUSR1) << 2;
	return bits;
}

static int subreaper_case(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return 0;
	return reap_orphan(false);
}

static int pidns_case(void)
{
	if (unshare(CLONE_NEWPID) < 0)
		return 0x80;
	pid_t init = fork();
	if (init == 0)
		_exit(getpid() == 1 ? reap_orphan(true) : 0);
	int st = tap_wait(init);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 0x40 | (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* pid 1 of a new pid namespace clones a SIGUSR1 child itself, SIGUSR1 unblocked and
 * default: dropped (a pid 1 drops what it has no handler for). Returns 0x20 | 1 when it
 * lived and reaped the child with __WCLONE, else its death signal | 0x40. */
static int pidns_direct_case(void)
{
	if (unshare(CLONE_NEWPID) < 0)
		return 0x80;
	pid_t init = fork();
	if (init == 0) {
		int st;
		pid_t c = clone_flags(SIGUSR1);
		if (c == 0)
			_exit(0);
		pid_t r = waitpid(c, &st, __WCLONE);
		usleep(20000); /* a SIGUSR1 would have ended us by now */
		_exit(0x20 | (r == c && tap_exited(st, 0)));
	}
	int st = tap_wait(init);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 0x40 | (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* The direct parent of a SIGUSR1 child: bits 0 SIGUSR1 pending, 1 no SIGCHLD pending,
 * 2 a plain waitpid does not see it (ECHILD), 3 __WCLONE reaps it. */
static int direct_case(void)
{
	int bits = 0, st;
	block_usr1_chld();
	pid_t c = clone_flags(SIGUSR1);
	if (c == 0)
		_exit(0);
	while (!pending(SIGUSR1) && !pending(SIGCHLD))
		usleep(1000);
	usleep(20000);
	bits |= pending(SIGUSR1) << 0;
	bits |= !pending(SIGCHLD) << 1;
	bits |= (waitpid(c, &st, WNOHANG) == -1 && errno == ECHILD) << 2;
	bits |= (waitpid(c, &st, __WCLONE) == c && tap_exited(st, 0)) << 3;
	return bits;
}

/* CLONE_PARENT | SIGUSR1 from a child (exit signal SIGCHLD): the sibling it makes is
 * ours and its death sends SIGCHLD. Bits 0 SIGCHLD, 1 no SIGUSR1, 2 plain waitpid. */
static int clone_parent_case(void)
{
	int bits = 0, st, p[2], go[2];
	block_usr1_chld();
	pipe(p);
	pipe(go);
	pid_t a = fork();
	if (a == 0) {
		pid_t b = clone_flags(CLONE_PARENT | SIGUSR1);
		if (b == 0) { /* exits once a's SIGCHLD was taken: two would merge into one */
			char c;
			close(go[1]);
			read(go[0], &c, 1);
			_exit(5);
		}
		write(p[1], &b, sizeof(b));
		_exit(0);
	}
	close(go[0]);
	pid_t b = 0;
	read(p[0], &b, sizeof(b));
	waitpid(a, &st, 0);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	struct timespec ts = {2, 0};
	siginfo_t si;
	sigtimedwait(&s, &si, &ts); /* a's */
	write(go[1], "x", 1);
	si.si_pid = 0;
	bits |= (sigtimedwait(&s, &si, &ts) == SIGCHLD && si.si_pid == b) << 0;
	bits |= !pending(SIGUSR1) << 1;
	bits |= (b > 0 && waitpid(b, &st, 0) == b && tap_exited(st, 5)) << 2;
	close(go[1]);
	return bits;
}

/* A parent that exec'd since it cloned a SIGUSR1 child gets SIGCHLD for it. Runs as
 * "exec-phase" after the exec: bits 0 SIGCHLD, 1 no SIGUSR1, 2 __WALL reaps it. */
static int after_exec(pid_t c, int fd)
{
	int bits = 0, st;
	block_usr1_chld(); /* (the mask survives exec; again for clarity) */
	write(fd, "x", 1);
	for (int i = 0; i < 2000 && !pending(SIGCHLD) && !pending(SIGUSR1); i++)
		usleep(1000);
	usleep(20000);
	bits |= pending(SIGCHLD) << 0;
	bits |= !pending(SIGUSR1) << 1;
	bits |= (waitpid(c, &st, __WALL) == c && tap_exited(st, 0)) << 2;
	return bits;
}

static int exec_case(const char *self)
{
	int p[2];
	block_usr1_chld();
	pipe(p);
	pid_t c = clone_flags(SIGUSR1);
	if (c == 0) {
		char b;
		close(p[1]);
		read(p[0], &b, 1);
		_exit(0);
	}
	close(p[0]);
	char cs[16], fs[16];
	snprintf(cs, sizeof(cs), "%d", c);
	snprintf(fs, sizeof(fs), "%d", p[1]);
	execl(self, self, "exec-phase", cs, fs, (char *)NULL);
	return 0x80;
}

static int run(int (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	int st = tap_wait(pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *self_path;
static int exec_case_run(void)
{
	return exec_case(self_path);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "exec-phase"))
		return after_exec(atoi(argv[2]), atoi(argv[3]));
	self_path = "/proc/self/exe";
	TAP_PLAN(15);

	int b = run(direct_case);
	TAP_OK(b >= 0 && (b & 1), "a SIGUSR1 child's death sends its parent SIGUSR1");
	TAP_OK(b >= 0 && (b & 2), "... and no SIGCHLD");
	TAP_OK(b >= 0 && (b & 4), "... a plain waitpid does not see it (ECHILD)");
	TAP_OK(b >= 0 && (b & 8), "... waitpid with __WCLONE reaps it");

	b = run(subreaper_case);
	TAP_OK(b >= 0 && (b & 1), "reparented to a subreaper: a plain waitpid reaps it");
	TAP_OK(b >= 0 && (b & 2), "... its death sends the subreaper SIGCHLD");
	TAP_OK(b >= 0 && (b & 4), "... and not SIGUSR1");

	if (geteuid() != 0) {
		TAP_SKIP("pid namespaces need root");
		TAP_SKIP("pid namespaces need root");
		TAP_SKIP("pid namespaces need root");
	} else {
		b = run(pidns_case);
		TAP_OK(b >= 0 && !(b & 0xc0), "pid 1 of a pid namespace survives its orphan's death "
					      "(status 0x%x)", b);
		TAP_OK(b >= 0 && !(b & 0xc0) && (b & 7) == 7,
		       "... reaps it with a plain waitpid and got SIGCHLD, not SIGUSR1");
		b = run(pidns_direct_case);
		TAP_OK(b == 0x21, "pid 1's own SIGUSR1 child: the exit signal is dropped, pid 1 "
				  "lives and reaps it (status 0x%x)", b);
	}

	b = run(clone_parent_case);
	TAP_OK(b >= 0 && (b & 1), "CLONE_PARENT|SIGUSR1: the grandparent gets SIGCHLD");
	TAP_OK(b >= 0 && (b & 2), "... and not SIGUSR1 (the cloner's exit signal is taken)");
	TAP_OK(b >= 0 && (b & 4), "... a plain waitpid reaps it");

	b = run(exec_case_run);
	TAP_OK(b >= 0 && b != 0x80 && (b & 3) == 3,
	       "a parent that exec'd since the clone gets SIGCHLD, not SIGUSR1");
	TAP_OK(b >= 0 && b != 0x80 && (b & 4), "... and reaps it with __WALL");
	return TAP_DONE();
}
