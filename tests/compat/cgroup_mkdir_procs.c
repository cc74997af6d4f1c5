/* cgroup_mkdir_procs.c - cgroup v2: mkdir makes a cgroup with the core files, writing a
 * pid to cgroup.procs moves that process (and /proc/<pid>/cgroup follows), populated in
 * cgroup.events, ESRCH/EINVAL for bad pids, EEXIST for a second mkdir. */
/* syscalls: mount mkdir openat write read */
#include "cgroup_setup.h"

int main(void)
{
	const char *t = cg_setup();
	char buf[512], want[512];
	struct stat st;
	TAP_PLAN(16);

	TAP_OK(cg_read(cg_root, "cgroup.controllers", buf, sizeof(buf)) >= 0,
	       "the root has cgroup.controllers");
	TAP_OK(stat(tap_path("cg/cgroup.freeze"), &st) < 0 && errno == ENOENT,
	       "the root has no cgroup.freeze");
	const char *a = cg_mkdir(t, "a");
	TAP_OK(a != NULL, "mkdir makes a cgroup");
	TAP_ERRNO(mkdir(a, 0755), EEXIST, "a second mkdir is EEXIST");
	TAP_OK(cg_read(a, "cgroup.type", buf, sizeof(buf)) > 0 && !strcmp(buf, "domain\n"),
	       "cgroup.type is domain");
	TAP_OK(cg_read(a, "cgroup.procs", buf, sizeof(buf)) == 0, "cgroup.procs starts empty");
	TAP_OK(cg_key(a, "cgroup.events", "populated") == 0, "cgroup.events: populated 0");

	int rel = -1;
	pid_t child = cg_sleeper(&rel);
	TAP_OK(cg_move(a, child) == 0, "writing a pid to cgroup.procs");
	TAP_OK(cg_lists(a, "cgroup.procs", child), "cgroup.procs lists it");
	TAP_OK(!cg_lists(t, "cgroup.procs", child), "and the former cgroup does not");
	TAP_OK(cg_key(a, "cgroup.events", "populated") == 1 &&
		   cg_key(t, "cgroup.events", "populated") == 1,
	       "populated 1 in the cgroup and its parent");
	snprintf(buf, sizeof(buf), "/proc/%d/cgroup", (int)child);
	char text[2048] = "";
	tap_read_file(buf, text, sizeof(text));
	snprintf(want, sizeof(want), "0::%s/a\n", t + strlen(cg_root));
	char *v2 = !strncmp(text, "0::", 3) ? text : strstr(text, "\n0::"); /* v1 lines too */
	TAP_OK(v2 && !strncmp(v2 + (*v2 == '\n'), want, strlen(want)),
	       "/proc/<pid>/cgroup has %.*s", (int)strlen(want) - 1, want);
	TAP_ERRNO(cg_write(a, "cgroup.procs", "999999999"), ESRCH, "an unknown pid is ESRCH");
	TAP_ERRNO(cg_write(a, "cgroup.procs", "abc"), EINVAL, "a non-number is EINVAL");
	TAP_ERRNO(cg_write(a, "cgroup.freeze", "2"), ERANGE, "cgroup.freeze 2 is ERANGE");

	cg_release(child, rel);
	TAP_OK(cg_key(a, "cgroup.events", "populated") == 0, "populated 0 once it exited");
	return TAP_DONE();
}
