/* ns_ipc.c - IPC namespaces as objects: unshare(CLONE_NEWIPC) and clone(CLONE_NEWIPC)
 * give new /proc/<pid>/ns/ipc numbers, children share their parent's, and setns(2) with
 * an ipc ns file joins it (nstype CLONE_NEWIPC or 0). */
/* syscalls: unshare clone setns */
#include "ns_util.h"

static int child(void *arg)
{
	int bits = 0;
	unsigned long long host = ns_link_ino("self", "ipc", "ipc");
	int orig = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	if (orig < 0 || unshare(CLONE_NEWIPC) < 0)
		return 0;
	unsigned long long mine = ns_link_ino("self", "ipc", "ipc");
	bits |= (mine && mine != host) << 0;
	fflush(stdout);
	pid_t p = fork();
	if (p == 0)
		_exit(ns_link_ino("self", "ipc", "ipc") == mine ? 0 : 1);
	bits |= tap_exited(tap_wait(p), 0) << 1;
	p = syscall(SYS_clone, CLONE_NEWIPC | SIGCHLD, 0, 0, 0, 0);
	if (p == 0) {
		unsigned long long c = ns_link_ino("self", "ipc", "ipc");
		_exit(c && c != mine && c != host ? 0 : 1);
	}
	bits |= (p > 0 && tap_exited(tap_wait(p), 0)) << 2;
	bits |= (setns(orig, CLONE_NEWIPC) == 0 && ns_link_ino("self", "ipc", "ipc") == host) << 3;
	if (unshare(CLONE_NEWIPC) == 0)
		bits |= (setns(orig, 0) == 0 && ns_link_ino("self", "ipc", "ipc") == host) << 4;
	return bits;
}

int main(void)
{
	TAP_PLAN(5);
	int bits = ns_bits(child, NULL);
	TAP_OK(ns_bit(bits, 0), "unshare(CLONE_NEWIPC) gives a new ipc namespace");
	TAP_OK(ns_bit(bits, 1), "a child shares it");
	TAP_OK(ns_bit(bits, 2), "clone(CLONE_NEWIPC) gives the child another one");
	TAP_OK(ns_bit(bits, 3), "setns(fd, CLONE_NEWIPC) goes back");
	TAP_OK(ns_bit(bits, 4), "setns(fd, 0) accepts any type");
	return TAP_DONE();
}
