/* cgroup_subtree_control.c - cgroup v2 cgroup.subtree_control: syntax (EINVAL), a
 * controller the parent does not offer (ENOENT), enabling shows the controller's files
 * in the children, the no-internal-process rule for a domain controller (EBUSY both
 * ways), disabling while a child uses it (EBUSY). */
/* syscalls: mount mkdir openat write read */
#include "cgroup_setup.h"

int main(void)
{
	const char *t = cg_setup();
	char buf[512], v[64];
	/* a domain controller (not threaded): memory, io or hugetlb, whichever is there */
	const char *dom = NULL;
	static const char *const doms[] = {"memory", "io", "hugetlb"};
	for (int i = 0; i < 3 && !dom; i++)
		if (cg_delegate(doms[i]))
			dom = doms[i];
	TAP_PLAN(13);

	TAP_ERRNO(cg_write(t, "cgroup.subtree_control", "memory"), EINVAL, "no +/- is EINVAL");
	TAP_ERRNO(cg_write(t, "cgroup.subtree_control", "+nosuch"), EINVAL,
		  "an unknown controller is EINVAL");
	const char *a = cg_mkdir(t, "a");
	TAP_OK(a && cg_read(a, "cgroup.subtree_control", buf, sizeof(buf)) == 0,
	       "a new cgroup enables nothing (an empty file)");
	if (!dom) {
		for (int i = 0; i < 10; i++)
			TAP_SKIP("no domain controller delegated to the test's cgroup");
		return TAP_DONE();
	}
	TAP_DIAG("domain controller: %s", dom);
	snprintf(v, sizeof(v), "+%s", dom);
	TAP_ERRNO(cg_write(a, "cgroup.subtree_control", v), ENOENT,
		  "enabling what the parent does not offer is ENOENT");
	TAP_OK(cg_write(t, "cgroup.subtree_control", v) == 0, "enabling %s in the parent", dom);
	TAP_OK(cg_read(a, "cgroup.controllers", buf, sizeof(buf)) > 0 && cg_word(buf, dom),
	       "the child's cgroup.controllers lists it");
	snprintf(buf, sizeof(buf), "%s/%s.max", a, dom);
	bool has_file = !strcmp(dom, "hugetlb") || access(buf, F_OK) == 0;
	TAP_OK(has_file, "the child has %s's files", dom);

	int rel = -1;
	pid_t child = cg_sleeper(&rel);
	const char *b = cg_mkdir(a, "b");
	TAP_OK(b && cg_move(a, child) == 0, "a process in a cgroup that enables nothing");
	TAP_ERRNO(cg_write(a, "cgroup.subtree_control", v), EBUSY,
		  "enabling a domain controller there is EBUSY");
	TAP_OK(cg_move(b, child) == 0 && cg_write(a, "cgroup.subtree_control", v) == 0,
	       "fine once the process moved down");
	TAP_ERRNO(cg_move(a, child), EBUSY, "moving a process into it is EBUSY");
	snprintf(v, sizeof(v), "-%s", dom);
	TAP_ERRNO(cg_write(t, "cgroup.subtree_control", v), EBUSY,
		  "disabling while a child enables it is EBUSY");
	TAP_OK(cg_write(a, "cgroup.subtree_control", v) == 0 &&
		   cg_write(t, "cgroup.subtree_control", v) == 0,
	       "disabling bottom-up");
	cg_release(child, rel);
	return TAP_DONE();
}
