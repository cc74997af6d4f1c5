/* cgroup_cpu_files.c - cgroup v2 cpu and cpuset interface files: cpu.max ("max PERIOD"
 * by default, "QUOTA PERIOD" written and read back, a quota longer than the period for
 * several CPUs, "max" alone keeps the period, bad quotas and periods EINVAL), cpu.weight
 * (100 by default, 1..10000, ERANGE outside), cpu.stat's usage keys, cpuset.cpus /
 * cpuset.mems (a list read back in canonical form, a CPU that does not exist EINVAL) and
 * their .effective files. */
/* syscalls: mount mkdir openat write read */
#include "cgroup_setup.h"

#define PLAN_CPU 10
#define PLAN_CPUSET 6

static void cpu_files(const char *t)
{
	char buf[1024];
	TAP_OK(cg_write(t, "cgroup.subtree_control", "+cpu") == 0, "enabling cpu");
	const char *a = cg_mkdir(t, "a");
	TAP_OK(a && cg_reads(a, "cpu.max", "max 100000\n"), "cpu.max starts at \"max 100000\"");
	TAP_OK(cg_write(a, "cpu.max", "50000 100000") == 0 && cg_reads(a, "cpu.max", "50000 100000\n"),
	       "cpu.max = 50000 100000");
	TAP_OK(cg_write(a, "cpu.max", "12000000 1000000") == 0 &&
		   cg_reads(a, "cpu.max", "12000000 1000000\n"),
	       "a quota of twelve periods (several CPUs)");
	TAP_OK(cg_write(a, "cpu.max", "max") == 0 && cg_reads(a, "cpu.max", "max 1000000\n"),
	       "\"max\" alone keeps the period");
	TAP_ERRNO(cg_write(a, "cpu.max", "50000 100"), EINVAL, "a period under 1ms is EINVAL");
	TAP_ERRNO(cg_write(a, "cpu.max", "abc 100000"), EINVAL, "a quota that is no number is EINVAL");
	TAP_OK(cg_reads(a, "cpu.weight", "100\n"), "cpu.weight starts at 100");
	TAP_OK(cg_write(a, "cpu.weight", "10000") == 0 && cg_reads(a, "cpu.weight", "10000\n"),
	       "cpu.weight = 10000");
	bool keys = cg_read(a, "cpu.stat", buf, sizeof(buf)) > 0 && cg_key(a, "cpu.stat", "usage_usec") >= 0 &&
		    cg_key(a, "cpu.stat", "user_usec") >= 0 && cg_key(a, "cpu.stat", "system_usec") >= 0;
	TAP_OK(keys && cg_write(a, "cpu.weight", "0") < 0 && errno == ERANGE,
	       "cpu.stat has usage_usec, user_usec, system_usec; cpu.weight 0 is ERANGE");
}

static void cpuset_files(const char *t)
{
	char eff[256], buf[256];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	TAP_OK(cg_write(t, "cgroup.subtree_control", "+cpuset") == 0, "enabling cpuset");
	const char *a = cg_mkdir(t, "b");
	TAP_OK(a && cg_reads(a, "cpuset.cpus", "\n"), "cpuset.cpus starts empty");
	TAP_OK(cg_read(a, "cpuset.cpus.effective", eff, sizeof(eff)) > 0 &&
		   cg_read(t, "cpuset.cpus.effective", buf, sizeof(buf)) > 0 && !strcmp(eff, buf),
	       "an empty cpuset.cpus means the parent's effective CPUs (%s)", strtok(buf, "\n"));
	TAP_OK(cg_write(a, "cpuset.cpus", "0") == 0 && cg_reads(a, "cpuset.cpus", "0\n") &&
		   cg_reads(a, "cpuset.cpus.effective", "0\n"),
	       "cpuset.cpus = 0, and effective follows");
	char bad[32];
	snprintf(bad, sizeof(bad), "%ld", ncpu + 64);
	TAP_ERRNO(cg_write(a, "cpuset.cpus", bad), EINVAL, "a CPU that does not exist is EINVAL");
	TAP_OK(cg_write(a, "cpuset.mems", "0") == 0 && cg_reads(a, "cpuset.mems", "0\n") &&
		   cg_reads(a, "cpuset.mems.effective", "0\n"),
	       "cpuset.mems = 0, and effective follows");
}

int main(void)
{
	const char *t = cg_setup();
	TAP_PLAN(PLAN_CPU + PLAN_CPUSET);
	if (cg_delegate("cpu")) {
		cpu_files(t);
	} else {
		for (int i = 0; i < PLAN_CPU; i++)
			TAP_SKIP("the cpu controller is not available to the test's cgroup");
	}
	if (cg_delegate("cpuset")) {
		cpuset_files(t);
	} else {
		for (int i = 0; i < PLAN_CPUSET; i++)
			TAP_SKIP("the cpuset controller is not available to the test's cgroup");
	}
	return TAP_DONE();
}
