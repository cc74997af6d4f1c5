/* ns_uts.c - UTS namespaces: unshare(CLONE_NEWUTS) copies the names into a namespace of
 * its own (new /proc/self/ns/uts number) where sethostname/setdomainname change only it;
 * children share it; clone(CLONE_NEWUTS) copies again; the parent's names never change. */
/* syscalls: unshare sethostname setdomainname uname clone */
#include "ns_util.h"

static struct utsname before;

static int child(void *arg)
{
	struct utsname u;
	int bits = 0;
	unsigned long long old = ns_link_ino("self", "uts", "uts");
	if (unshare(CLONE_NEWUTS) < 0)
		return 0;
	unsigned long long mine = ns_link_ino("self", "uts", "uts");
	bits |= (mine && mine != old) << 0;
	bits |= (uname(&u) == 0 && !strcmp(u.nodename, before.nodename)) << 1;
	if (sethostname("cvisor-uts-a", 12) == 0 && setdomainname("dom-a", 5) == 0 &&
	    uname(&u) == 0)
		bits |= (!strcmp(u.nodename, "cvisor-uts-a") && !strcmp(u.domainname, "dom-a"))
			<< 2;
	/* a child shares the namespace; a CLONE_NEWUTS child gets a copy */
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		struct utsname c;
		_exit(uname(&c) == 0 && !strcmp(c.nodename, "cvisor-uts-a") &&
			      ns_link_ino("self", "uts", "uts") == mine
			  ? 0
			  : 1);
	}
	bits |= tap_exited(tap_wait(p), 0) << 3;
	p = syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0);
	if (p == 0) {
		struct utsname c;
		int ok = uname(&c) == 0 && !strcmp(c.nodename, "cvisor-uts-a") &&
			 ns_link_ino("self", "uts", "uts") != mine &&
			 sethostname("cvisor-uts-b", 12) == 0;
		_exit(ok ? 0 : 1);
	}
	bits |= (p > 0 && tap_exited(tap_wait(p), 0) && uname(&u) == 0 &&
		 !strcmp(u.nodename, "cvisor-uts-a"))
		<< 4;
	return bits;
}

int main(void)
{
	TAP_PLAN(6);
	uname(&before);
	int bits = ns_bits(child, NULL);
	TAP_OK(ns_bit(bits, 0), "unshare(CLONE_NEWUTS) gives a new uts namespace number");
	TAP_OK(ns_bit(bits, 1), "the new namespace starts with the old names");
	TAP_OK(ns_bit(bits, 2), "sethostname/setdomainname change it");
	TAP_OK(ns_bit(bits, 3), "a child shares the namespace");
	TAP_OK(ns_bit(bits, 4), "clone(CLONE_NEWUTS) copies; its changes stay in the copy");
	struct utsname after;
	uname(&after);
	TAP_OK(!strcmp(after.nodename, before.nodename) &&
		   !strcmp(after.domainname, before.domainname),
	       "the parent's names are unchanged");
	return TAP_DONE();
}
