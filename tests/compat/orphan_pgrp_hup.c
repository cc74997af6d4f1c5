/* orphan_pgrp_hup.c - a process group that becomes orphaned while one of its members is
 * stopped gets SIGHUP then SIGCONT (POSIX, Linux's kill_orphaned_pgrp): when the last
 * member whose parent is in another group of the same session exits, and when such a
 * parent's exit reparents the group's members out of the session. Without a stopped
 * member nothing is sent. The members handle SIGHUP and SIGCONT and report them. */
/* syscalls: setsid setpgid kill wait4 prctl rt_sigaction */
#include "tap.h"
#include <signal.h>
#include <sys/prctl.h>

static int report = -1, pids = -1;
static volatile sig_atomic_t hupped;

static void on_sig(int sig)
{
	char c = sig == SIGHUP ? 'H' : 'C';
	hupped |= sig == SIGHUP;
	write(report, &c, 1);
}

/* In a member: handles SIGHUP/SIGCONT, tells the test its pid (to clean up), stops itself
 * when @stop, then waits for SIGHUP (at most @ms) and exits. */
static void member_body(bool stop, int ms)
{
	struct sigaction sa = {.sa_handler = on_sig};
	pid_t me = getpid();
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCONT, &sa, NULL);
	write(pids, &me, sizeof(me));
	if (stop)
		raise(SIGSTOP);
	for (int i = 0; i < ms / 10 && !hupped; i++)
		usleep(10000);
	_exit(0);
}

/* A member of the caller's process group (see member_body). */
static pid_t member(bool stop)
{
	fflush(stdout);
	pid_t g = fork();
	if (g == 0)
		member_body(stop, stop ? 1500 : 200);
	return g;
}

/* Waits until @g is stopped (as its parent). */
static void wait_stopped(pid_t g)
{
	int st;
	waitpid(g, &st, WUNTRACED);
}

/* Case "exit": in a new session S, a child C makes its own group and a stopped member G;
 * C exits, G's group has no more link in the session: G gets H then C. */
static void case_exit(bool stop)
{
	setsid();
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		pid_t g = member(stop);
		if (stop)
			wait_stopped(g);
		else
			usleep(50000);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
}

/* Case "reparent": session leader S is the link; its child G (own group, stopped) loses
 * it when S exits and goes to a reaper outside the session: G gets H then C. */
static void case_reparent(void)
{
	setsid();
	fflush(stdout);
	pid_t g = fork();
	if (g == 0) {
		setpgid(0, 0);
		member_body(true, 1500);
	}
	setpgid(g, g);
	wait_stopped(g);
	_exit(0);
}

/* Runs @fn(@arg) in a child with a report pipe; returns what the members wrote before
 * they exited (1.5 s at most; the reaper here is the caller, a subreaper in another
 * session); a member still there then is killed. */
static void run(void (*fn)(bool), bool arg, char *out, size_t n)
{
	int p[2], q[2];
	pipe(p);
	pipe(q);
	fflush(stdout);
	pid_t s = fork();
	if (s == 0) {
		close(p[0]);
		close(q[0]);
		report = p[1];
		pids = q[1];
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	close(q[1]);
	size_t got = 0;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 150 && got < n - 1; i++) {
		ssize_t r = read(p[0], out + got, n - 1 - got);
		if (r > 0)
			got += r;
		else if (r == 0)
			break;
		else
			usleep(10000);
	}
	out[got] = 0;
	close(p[0]);
	pid_t g;
	while (read(q[0], &g, sizeof(g)) == sizeof(g))
		kill(g, SIGKILL); /* a member nobody woke (gone already: ESRCH) */
	close(q[0]);
	int st;
	while (waitpid(-1, &st, 0) > 0) /* s and the orphans that came to us */
		;
}

static void reparent_wrap(bool unused)
{
	case_reparent();
}

int main(void)
{
	char got[16];
	TAP_PLAN(3);
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	/* (both are pending when the member resumes: their handlers may run in either order) */
	run(case_exit, true, got, sizeof(got));
	TAP_OK(!strcmp(got, "HC") || !strcmp(got, "CH"),
	       "the last linked member exits: the stopped group gets SIGHUP and SIGCONT (got \"%s\")",
	       got);
	run(case_exit, false, got, sizeof(got));
	TAP_OK(!strcmp(got, ""), "no stopped member: nothing is sent (got \"%s\")", got);
	run(reparent_wrap, false, got, sizeof(got));
	TAP_OK(!strcmp(got, "HC") || !strcmp(got, "CH"),
	       "the parent that linked it exits: the reparented stopped group gets SIGHUP and "
	       "SIGCONT (got \"%s\")", got);
	return TAP_DONE();
}
