/* cgroup_ns_mount.c - cgroup v2 in a cgroup namespace: a process in cgroup "a" that
 * unshares CLONE_NEWCGROUP and mounts cgroup2 sees "a" as the root of that mount (its own
 * cgroup.procs, no sibling of "a"), and a mkdir there makes a child of "a";
 * /proc/self/cgroup is relative to "a" ("0::/", then "0::/b" after moving there). runc mounts
 * /sys/fs/cgroup this way in every container of Docker's (cgroupns=private): without it an
 * inner container sees the whole hierarchy, its siblings' cgroups included. */
/* syscalls: unshare mount mkdir openat read */
#include <sched.h>
#include "cgroup_setup.h"

/* Is the cgroup v2 line of /proc/self/cgroup @want? */
static bool self_cgroup_is(const char *want)
{
	char text[2048] = "";
	tap_read_file("/proc/self/cgroup", text, sizeof(text));
	char *v2 = !strncmp(text, "0::", 3) ? text : strstr(text, "\n0::"); /* v1 lines too */
	if (!v2)
		return false;
	v2 += *v2 == '\n';
	size_t n = strcspn(v2, "\n");
	return n == strlen(want) && !strncmp(v2, want, n);
}

int main(void)
{
	const char *t = cg_setup();
	char buf[512];
	TAP_PLAN(6);

	const char *a = cg_mkdir(t, "a");
	TAP_OK(a != NULL, "mkdir a below the test's cgroup");
	int sync[2];
	if (pipe(sync))
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		/* exit status bits: 1 the own cgroup.procs, 2 no sibling, 4 mkdir lands in a,
		 * 8 /proc/self/cgroup relative to the namespace */
		int bad = 0;
		char ns[256], own[16];
		close(sync[0]);
		if (cg_move(a, getpid()) || unshare(CLONE_NEWCGROUP))
			_exit(64);
		snprintf(ns, sizeof(ns), "%s", tap_path("ns"));
		mkdir(ns, 0755);
		if (mount("none", ns, "cgroup2", 0, NULL))
			_exit(65);
		snprintf(own, sizeof(own), "%d\n", (int)getpid());
		if (cg_read(ns, "cgroup.procs", buf, sizeof(buf)) < 0 || strcmp(buf, own))
			bad |= 1;
		struct stat st;
		snprintf(buf, sizeof(buf), "%s/%s", ns, strrchr(t, '/') + 1);
		if (stat(buf, &st) == 0)
			bad |= 2;
		if (!self_cgroup_is("0::/"))
			bad |= 8;
		snprintf(buf, sizeof(buf), "%s/b", ns);
		if (mkdir(buf, 0755) == 0) {
			snprintf(buf, sizeof(buf), "%s/b", a);
			if (stat(buf, &st) != 0)
				bad |= 4;
			snprintf(buf, sizeof(buf), "%s/b", ns);
			if (cg_move(buf, getpid()) || !self_cgroup_is("0::/b"))
				bad |= 8;
			cg_move(ns, getpid());
			rmdir(buf);
		} else {
			bad |= 4;
		}
		umount2(ns, MNT_DETACH);
		_exit(bad);
	}
	close(sync[1]);
	int st = tap_wait(pid);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	TAP_OK(code < 64,
	       "the child moved into a, unshared its cgroup namespace, mounted cgroup2"
	       " (status %d)",
	       code);
	TAP_OK(code < 64 && !(code & 1), "the mount's root is a: its cgroup.procs lists the child");
	TAP_OK(code < 64 && !(code & 2),
	       "the rest of the hierarchy (the test's own cgroup) is not seen");
	TAP_OK(code < 64 && !(code & 4), "mkdir b in that mount makes a/b");
	TAP_OK(code < 64 && !(code & 8),
	       "/proc/self/cgroup: 0::/ at the namespace's root, 0::/b in b");
	return TAP_DONE();
}
