/* ns_setns.c - setns(2) with /proc/<pid>/ns files: back into one's original UTS namespace
 * (its names come back), into a sibling's namespace through /proc/<sibling>/ns/uts, into a
 * namespace whose processes are gone (the open file keeps it), and pid namespaces: a
 * descendant's becomes pid_for_children (the next child has its pid there); an unrelated
 * one is EINVAL. */
/* syscalls: setns unshare sethostname uname */
#include "ns_util.h"

static int child(void *arg)
{
	int bits = 0, sync[2], done[2];
	struct utsname u;
	char host[65];
	uname(&u);
	snprintf(host, sizeof(host), "%s", u.nodename);
	int orig = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (orig < 0 || pipe(sync) < 0 || pipe(done) < 0)
		return 0;
	/* a sibling with a namespace of its own */
	fflush(stdout);
	pid_t sib = fork();
	if (sib == 0) {
		char c = 0;
		if (unshare(CLONE_NEWUTS) == 0 && sethostname("cvisor-sib", 10) == 0)
			c = 1;
		write(sync[1], &c, 1);
		read(done[0], &c, 1);
		_exit(0);
	}
	char c = 0, path[64];
	read(sync[0], &c, 1);
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)sib);
	int sfd = open(path, O_RDONLY | O_CLOEXEC);
	bits |= (c == 1 && sfd >= 0 && setns(sfd, CLONE_NEWUTS) == 0 && uname(&u) == 0 &&
		 !strcmp(u.nodename, "cvisor-sib"))
		<< 0;
	write(done[1], &c, 1);
	tap_wait(sib);
	/* the sibling is gone: its namespace lives on through sfd */
	bits |= (setns(orig, CLONE_NEWUTS) == 0 && uname(&u) == 0 && !strcmp(u.nodename, host))
		<< 1;
	bits |=
	    (setns(sfd, CLONE_NEWUTS) == 0 && uname(&u) == 0 && !strcmp(u.nodename, "cvisor-sib"))
	    << 2;
	/* pid: a child's namespace (a descendant) becomes pid_for_children */
	int pidfd_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	pid_t init = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
	if (init == 0) {
		read(done[0], &c, 1); /* until the parent has joined */
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	int nfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nfd >= 0 && setns(nfd, CLONE_NEWPID) == 0) {
		int p2[2];
		pipe(p2);
		fflush(stdout);
		pid_t k = fork();
		if (k == 0) {
			pid_t me = getpid();
			write(p2[1], &me, sizeof(me));
			_exit(0);
		}
		pid_t inner = 0;
		read(p2[0], &inner, sizeof(inner));
		tap_wait(k);
		bits |= (inner == 2 && getpid() != 1) << 3;
	}
	bits |= (setns(pidfd_ns, CLONE_NEWPID) == 0) << 4; /* back to its own */
	write(done[1], &c, 1);
	tap_wait(init);
	return bits;
}

static int unrelated(void *arg)
{
	/* a pid namespace that is neither ours nor a descendant: EINVAL */
	int fd = *(int *)arg;
	return setns(fd, CLONE_NEWPID) == -1 && errno == EINVAL ? 1 : 0;
}

int main(void)
{
	TAP_PLAN(6);
	struct utsname before, after;
	uname(&before);
	int bits = ns_bits(child, NULL);
	TAP_OK(ns_bit(bits, 0), "setns into a sibling's uts namespace (/proc/<pid>/ns/uts)");
	TAP_OK(ns_bit(bits, 1), "setns back into the original one");
	TAP_OK(ns_bit(bits, 2), "an open ns file keeps a namespace without processes");
	TAP_OK(ns_bit(bits, 3),
	       "setns into a child's pid namespace: the next child is pid 2 there");
	TAP_OK(ns_bit(bits, 4), "setns back into one's own pid namespace");
	/* a child in its own pid namespace asks to enter a sibling's */
	int sync[2], hold[2];
	pipe(sync);
	pipe(hold);
	fflush(stdout);
	pid_t owner = fork();
	if (owner == 0) {
		pid_t in = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
		if (in == 0) {
			char c;
			read(hold[0], &c, 1);
			_exit(0);
		}
		write(sync[1], &in, sizeof(in));
		tap_wait(in);
		_exit(0);
	}
	pid_t in = 0;
	read(sync[0], &in, sizeof(in));
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)in);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r = fork();
	if (r == 0) {
		if (syscall(SYS_unshare, CLONE_NEWPID) < 0)
			_exit(2);
		pid_t k = fork(); /* k is pid 1 of a namespace unrelated to in's */
		if (k == 0)
			_exit(unrelated(&fd));
		_exit(WEXITSTATUS(tap_wait(k)));
	}
	int st = tap_wait(r);
	TAP_OK(fd >= 0 && tap_exited(st, 1), "setns into a non-descendant pid namespace is EINVAL");
	write(hold[1], "x", 1);
	tap_wait(owner);
	uname(&after);
	if (strcmp(before.nodename, after.nodename))
		TAP_DIAG("hostname changed!");
	return TAP_DONE();
}
