/* ns_user.c - user namespaces, created unprivileged (as uid 65534): ids read as the
 * overflow id 65534 until uid_map is written; the map is written once, by the namespace's
 * owner for its own id; gid_map needs "deny" in setgroups first; then getuid/getgid
 * answer the mapped ids, the creator has every capability in the namespace but none over
 * the sandbox's objects (a root-owned 0600 file stays closed, the parent's hostname
 * cannot be set), unmapped ids cannot be set (EINVAL), and stat shows file owners through
 * the maps (unmapped: 65534). */
/* syscalls: unshare getuid getgid setuid capget sethostname openat newfstatat */
#include "ns_util.h"
#include <linux/capability.h>

static const char *secret, *mine;

static int child(void *arg)
{
	int bits = 0;
	char path[64], buf[256];
	if (ns_become_nobody() < 0 || unshare(CLONE_NEWUSER) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)getpid());
	bits |=
	    (getuid() == 65534 && getgid() == 65534 && tap_read_file(path, buf, sizeof(buf)) == 0)
	    << 0; /* an empty map */
	/* gid_map before setgroups=deny: EPERM */
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)getpid());
	bool gid_early = ns_write(path, "0 65534 1\n") == -1 && errno == EPERM;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)getpid());
	bool other_id = ns_write(path, "0 0 1\n") == -1 && errno == EPERM; /* not its own id */
	bool uid_ok = ns_write(path, "0 65534 1\n") == 0;
	bool uid_twice = ns_write(path, "0 65534 1\n") == -1 && errno == EPERM;
	bits |= (gid_early && other_id) << 1;
	bits |= (uid_ok && uid_twice && getuid() == 0 && geteuid() == 0) << 2;
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)getpid());
	bool deny = ns_write(path, "deny") == 0;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)getpid());
	bits |= (deny && ns_write(path, "0 65534 1\n") == 0 && getgid() == 0 &&
		 tap_read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, "65534"))
		<< 3;
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	bool caps = syscall(SYS_capget, &h, d) == 0 && (d[0].effective & (1u << CAP_SYS_ADMIN));
	/* capabilities in the namespace do not reach the sandbox's objects */
	int fd = open(secret, O_RDONLY);
	bool closed = fd == -1 && errno == EACCES;
	bool nohost = sethostname("cvisor-user", 11) == -1 && errno == EPERM;
	bits |= (caps && closed && nohost) << 4;
	bits |= (setuid(12345) == -1 && errno == EINVAL) << 5;
	/* stat shows owners through the maps: unmapped ones as 65534 */
	struct stat s1, s2;
	bits |= (stat(secret, &s1) == 0 && s1.st_uid == 65534 && s1.st_gid == 65534 &&
		 stat(mine, &s2) == 0 && s2.st_uid == 0 && s2.st_gid == 0)
		<< 7;
	/* a UTS namespace of its own is the namespace's to change */
	struct utsname u;
	bits |= (unshare(CLONE_NEWUTS) == 0 && sethostname("cvisor-user", 11) == 0 &&
		 uname(&u) == 0 && !strcmp(u.nodename, "cvisor-user"))
		<< 6;
	return bits;
}

int main(void)
{
	TAP_PLAN(8);
	if (!ns_unpriv_userns_ok())
		TAP_SKIP_ALL("this host forbids unprivileged user namespaces");
	secret = strdup(tap_path("secret"));
	tap_write_file(secret, "s");
	chmod(secret, 0600);
	mine = strdup(tap_path("mine"));
	tap_write_file(mine, "m");
	chown(mine, 65534, 65534);
	chmod(tap_tmpdir(), 0755);
	struct utsname before, after;
	uname(&before);
	int bits = ns_bits(child, NULL);
	TAP_OK(ns_bit(bits, 0), "ids are the overflow id 65534 before the maps");
	TAP_OK(ns_bit(bits, 1), "gid_map before setgroups=deny, or another's id: EPERM");
	TAP_OK(ns_bit(bits, 2), "uid_map of one's own id, once: getuid() is 0 inside");
	TAP_OK(ns_bit(bits, 3), "setgroups=deny, then gid_map: getgid() is 0 inside");
	TAP_OK(ns_bit(bits, 4),
	       "full capabilities inside, none over the sandbox's files and hostname");
	TAP_OK(ns_bit(bits, 5), "setuid to an unmapped id is EINVAL");
	TAP_OK(ns_bit(bits, 6), "sethostname in a UTS namespace the user namespace owns");
	TAP_OK(ns_bit(bits, 7), "stat shows owners through the maps (unmapped: 65534)");
	uname(&after);
	if (strcmp(before.nodename, after.nodename))
		TAP_DIAG("the hostname changed");
	return TAP_DONE();
}
