/* ns_cgroup.c - cgroup namespaces: after unshare(CLONE_NEWCGROUP) the caller's cgroup is
 * the root of its view: /proc/self/cgroup's "0::" line says "/", a process in a sibling
 * cgroup shows as "/../sibling", a cgroup2 mount made inside is rooted at the namespace's
 * cgroup (its cgroup.procs lists the caller), and /proc/self/ns/cgroup changes. */
/* syscalls: unshare mount mkdir openat read write readlink */
#include "cgroup_setup.h"

/* The path of @pid's "0::" line in /proc/PID/cgroup into @out. 0 or -1. */
static int v2_path(pid_t pid, char *out, size_t size)
{
	char p[64], buf[4096];
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)pid);
	if (tap_read_file(p, buf, sizeof(buf)) < 0)
		return -1;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, "0::", 3)) {
			size_t n = strcspn(l + 3, "\n");
			snprintf(out, size, "%.*s", (int)n, l + 3);
			return 0;
		}
	return -1;
}

int main(void)
{
	const char *t = cg_setup();
	char before[64] = "", after[64] = "", mnt[512];
	TAP_PLAN(6);
	const char *a = cg_mkdir(t, "a"), *b = cg_mkdir(t, "b");
	int rel = -1;
	pid_t sib = cg_sleeper(&rel);
	TAP_OK(a && b && sib > 0 && cg_move(b, sib) == 0, "a sibling process in cgroup b");
	snprintf(mnt, sizeof(mnt), "%s/inner", tap_tmpdir());
	mkdir(mnt, 0755);

	int res[2];
	if (pipe(res) < 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		char self[512] = "", other[512] = "";
		int ok[4] = {0, 0, 0, 0};
		close(res[0]);
		(void)!readlink("/proc/self/ns/cgroup", before, sizeof(before) - 1);
		if (cg_move(a, getpid()) == 0 && unshare(CLONE_NEWCGROUP) == 0) {
			(void)!readlink("/proc/self/ns/cgroup", after, sizeof(after) - 1);
			ok[0] = v2_path(getpid(), self, sizeof(self)) == 0 && !strcmp(self, "/");
			ok[1] = v2_path(sib, other, sizeof(other)) == 0 && !strcmp(other, "/../b");
			ok[2] = mount("none", mnt, "cgroup2", 0, NULL) == 0 &&
				cg_lists(mnt, "cgroup.procs", getpid());
			ok[3] = before[0] && after[0] && strcmp(before, after) != 0;
			if (!ok[0] || !ok[1])
				printf("# seen: self \"%s\", sibling \"%s\"\n", self, other);
			umount2(mnt, MNT_DETACH);
		}
		(void)!write(res[1], ok, sizeof(ok));
		_exit(0);
	}
	close(res[1]);
	int ok[4] = {0, 0, 0, 0};
	bool got = read(res[0], ok, sizeof(ok)) == sizeof(ok);
	tap_wait(child);
	TAP_OK(got && ok[0], "the namespace's own cgroup reads as /");
	TAP_OK(got && ok[1], "a sibling cgroup's process reads as /../b");
	TAP_OK(got && ok[2], "a cgroup2 mount inside is rooted at the namespace's cgroup");
	TAP_OK(got && ok[3], "/proc/self/ns/cgroup names a new namespace");
	cg_release(sib, rel);
	TAP_OK(cg_key(a, "cgroup.events", "populated") == 0, "cgroup a is empty again");
	return TAP_DONE();
}
