/* ns_pid.c - pid namespaces: after unshare(CLONE_NEWPID) the caller keeps its pid and its
 * next child is pid 1 of the new namespace (getppid 0 there), later children are 2, 3...;
 * the parent sees them under its own numbers; orphans in the namespace go to its pid 1,
 * which reaps them; the death of pid 1 kills every other process of the namespace, after
 * which fork fails with ENOMEM; a procfs mounted in the namespace (in a mount namespace of
 * its own) lists only its processes and /proc/self is the caller's number there. */
/* syscalls: unshare clone getpid getppid wait4 kill mount getdents64 readlinkat */
#include "mount_isolate.h"
#include "ns_util.h"
#include <dirent.h>

/* pid 1: forks a child that forks a grandchild and exits; the grandchild waits to see
 * getppid() == 1 and exits; pid 1 must reap it. Bits 0..3. */
static int init_reaps(void)
{
	int bits = 0, p[2];
	bits |= (getpid() == 1 && getppid() == 0) << 0;
	pipe(p);
	fflush(stdout);
	pid_t a = fork();
	if (a == 0) {
		pid_t b = fork();
		if (b == 0) {
			for (int i = 0; i < 2000 && getppid() != 1; i++)
				usleep(1000);
			_exit(getppid() == 1 ? 7 : 8);
		}
		write(p[1], &b, sizeof(b));
		_exit(0);
	}
	pid_t b = 0;
	read(p[0], &b, sizeof(b));
	bits |= (a == 2 && b == 3) << 1;
	tap_wait(a);
	int st;
	pid_t r = waitpid(-1, &st, 0); /* the orphan came to us */
	bits |= (r == b && tap_exited(st, 7)) << 2;
	bits |= (waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD) << 3;
	return bits;
}

static int unshare_then_fork(void *arg)
{
	pid_t me = getpid();
	if (unshare(CLONE_NEWPID) < 0)
		return 0;
	int bits = (getpid() == me) << 0; /* the caller is not moved */
	fflush(stdout);
	pid_t init = fork();
	if (init == 0)
		_exit(init_reaps());
	int st = tap_wait(init);
	int ib = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	bits |= (init > 1 && (ib & 15) == 15) << 1;
	/* pid 1 is dead: no more pids in that namespace */
	errno = 0;
	pid_t again = fork();
	if (again == 0)
		_exit(0);
	bits |= (again == -1 && errno == ENOMEM) << 2;
	if (again > 0)
		tap_wait(again);
	return bits;
}

/* pid 1 forks a sleeper holding a pipe's write end, then exits: the sleeper dies with it
 * (the pipe shows EOF once pid 1 is reaped). */
static int init_dies(void *arg)
{
	int p[2];
	if (pipe(p) < 0 || unshare(CLONE_NEWPID) < 0)
		return 0;
	fflush(stdout);
	pid_t init = fork();
	if (init == 0) {
		pid_t s = fork();
		if (s == 0) {
			close(p[0]);
			for (;;)
				pause();
		}
		_exit(s == 2 ? 0 : 1);
	}
	close(p[1]);
	int st = tap_wait(init);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	char buf[8];
	/* nothing was written: EOF means every writer (the sleeper) is gone */
	ssize_t n = read(p[0], buf, sizeof(buf));
	return (tap_exited(st, 0) ? 1 : 0) | (n == 0 ? 2 : 0);
}

/* In a new pid and mount namespace, pid 1 mounts proc: it lists 1 and its child only. */
static int proc_view(void *arg)
{
	if (unshare(CLONE_NEWPID) < 0)
		return 0;
	fflush(stdout);
	pid_t init = fork();
	if (init == 0) {
		int bits = 0, hold[2];
		const char *base = mnt_isolate();
		char dir[256], path[300], link[64];
		snprintf(dir, sizeof(dir), "%s/proc", base);
		mkdir(dir, 0555);
		if (mount("proc", dir, "proc", 0, NULL) < 0)
			_exit(0);
		pipe(hold);
		pid_t k = fork();
		if (k == 0) {
			char c;
			read(hold[0], &c, 1);
			_exit(0);
		}
		DIR *d = opendir(dir);
		int n = 0, seen1 = 0, seenk = 0;
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] < '0' || e->d_name[0] > '9')
				continue;
			n++;
			seen1 |= atoi(e->d_name) == 1;
			seenk |= atoi(e->d_name) == k;
		}
		if (d)
			closedir(d);
		bits |= (n == 2 && seen1 && seenk && k == 2) << 0;
		snprintf(path, sizeof(path), "%s/self", dir);
		ssize_t l = readlink(path, link, sizeof(link) - 1);
		bits |= (l > 0 && (link[l] = 0, !strcmp(link, "1"))) << 1;
		snprintf(path, sizeof(path), "%s/%d/status", dir, (int)k);
		char st[2048] = "";
		tap_read_file(path, st, sizeof(st));
		bits |= (strstr(st, "\nPid:\t2\n") && strstr(st, "\nPPid:\t1\n") &&
			 strstr(st, "\nNSpid:\t2\n"))
			<< 2;
		/* the parent namespace's procfs: NSpid has a column per level, ours last */
		tap_read_file("/proc/self/status", st, sizeof(st));
		char *ns = strstr(st, "\nNSpid:\t");
		char *nl = ns ? strchr(ns + 1, '\n') : NULL;
		bits |= (ns && nl && !strncmp(nl - 2, "\t1", 2) && nl - 2 > ns + 8) << 3;
		write(hold[1], "x", 1);
		tap_wait(k);
		umount2(dir, MNT_DETACH);
		_exit(bits);
	}
	int st = tap_wait(init);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 0;
}

int main(void)
{
	TAP_PLAN(10);
	int bits = ns_bits(unshare_then_fork, NULL);
	TAP_OK(ns_bit(bits, 0), "unshare(CLONE_NEWPID) leaves the caller's pid");
	TAP_OK(ns_bit(bits, 1), "its first child is pid 1 (getppid 0); orphans are reaped by it");
	TAP_OK(ns_bit(bits, 2), "after pid 1 died, fork is ENOMEM");
	bits = ns_bits(init_dies, NULL);
	TAP_OK(ns_bit(bits, 0), "pid 1 exits normally");
	TAP_OK(ns_bit(bits, 1), "its death killed the rest of the namespace");
	(void)tap_tmpdir(); /* made by the owner, who removes it; proc_view's pid 1 mounts on it */
	bits = ns_bits(proc_view, NULL);
	TAP_OK(ns_bit(bits, 0), "a procfs mounted inside lists the namespace's pids only");
	TAP_OK(ns_bit(bits, 1), "its /proc/self is the caller's number there");
	TAP_OK(ns_bit(bits, 2), "status shows Pid/PPid/NSpid in the namespace");
	TAP_OK(ns_bit(bits, 3), "the parent's procfs shows NSpid at every level, 1 last");
	/* the parent's namespaces did not change */
	TAP_OK(ns_link_ino("self", "pid", "pid") &&
		   ns_link_ino("self", "pid_for_children", "pid") ==
		       ns_link_ino("self", "pid", "pid"),
	       "the test's own pid namespace and pid_for_children are untouched");
	return TAP_DONE();
}
