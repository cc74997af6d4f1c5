/* cgroup_memory_files.c - cgroup v2 memory interface files: memory.max ("max" by default;
 * bytes, with k/M/G suffixes, rounded down to a page; bad values EINVAL), memory.high /
 * memory.low / memory.min / memory.swap.max defaults and writes, memory.current counting a
 * process's touched anonymous memory, memory.stat's anon key, memory.events' keys. */
/* syscalls: mount mkdir openat write read mmap */
#include "cgroup_setup.h"
#include <sys/mman.h>

#define PLAN 10
#define TOUCH (16u << 20)

/* A child that moves itself into @dir, touches TOUCH bytes and waits; returns its pid. */
static pid_t toucher(const char *dir, int *release_fd)
{
	int p[2], ready[2];
	if (pipe(p) < 0 || pipe(ready) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char c = 0;
		close(p[1]);
		close(ready[0]);
		if (cg_move(dir, getpid()) < 0)
			_exit(2);
		char *m = mmap(NULL, TOUCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			_exit(3);
		memset(m, 1, TOUCH);
		(void)!write(ready[1], &c, 1);
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	char c;
	close(p[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		close(p[1]);
		tap_wait(pid);
		return -1;
	}
	close(ready[0]);
	*release_fd = p[1];
	return pid;
}

static void memory_files(const char *t)
{
	TAP_OK(cg_write(t, "cgroup.subtree_control", "+memory") == 0, "enabling memory");
	const char *a = cg_mkdir(t, "a");
	TAP_OK(a && cg_reads(a, "memory.max", "max\n") && cg_reads(a, "memory.high", "max\n") &&
		   cg_reads(a, "memory.low", "0\n") && cg_reads(a, "memory.min", "0\n") &&
		   cg_reads(a, "memory.swap.max", "max\n"),
	       "defaults: max, high max, low 0, min 0, swap.max max");
	TAP_OK(cg_write(a, "memory.max", "1M") == 0 && cg_reads(a, "memory.max", "1048576\n"),
	       "memory.max = 1M reads 1048576");
	TAP_OK(cg_write(a, "memory.max", "1048577") == 0 && cg_reads(a, "memory.max", "1048576\n"),
	       "a size is rounded down to a page");
	TAP_ERRNO(cg_write(a, "memory.max", "lots"), EINVAL, "a size that is no number is EINVAL");
	TAP_OK(cg_write(a, "memory.max", "max") == 0 && cg_write(a, "memory.high", "64M") == 0 &&
		   cg_reads(a, "memory.high", "67108864\n"),
	       "memory.max back to max; memory.high = 64M");
	TAP_OK(cg_write(a, "memory.low", "4096") == 0 && cg_reads(a, "memory.low", "4096\n"),
	       "memory.low = 4096");

	int rel = -1;
	long before = -1, after = -1;
	char buf[64];
	if (cg_read(a, "memory.current", buf, sizeof(buf)) > 0)
		before = atol(buf);
	pid_t pid = toucher(a, &rel);
	if (pid > 0 && cg_read(a, "memory.current", buf, sizeof(buf)) > 0)
		after = atol(buf);
	TAP_OK(pid > 0 && after >= before + (long)TOUCH / 2,
	       "memory.current grows by a process's touched memory (%ld -> %ld)", before, after);
	TAP_OK(pid > 0 && cg_key(a, "memory.stat", "anon") >= (long)TOUCH / 2,
	       "memory.stat's anon counts it (%ld)", cg_key(a, "memory.stat", "anon"));
	TAP_OK(cg_key(a, "memory.events", "low") >= 0 && cg_key(a, "memory.events", "high") >= 0 &&
		   cg_key(a, "memory.events", "max") >= 0 && cg_key(a, "memory.events", "oom") >= 0 &&
		   cg_key(a, "memory.events", "oom_kill") >= 0,
	       "memory.events has low, high, max, oom, oom_kill");
	if (pid > 0)
		cg_release(pid, rel);
}

int main(void)
{
	const char *t = cg_setup();
	TAP_PLAN(PLAN);
	if (cg_delegate("memory")) {
		memory_files(t);
	} else {
		for (int i = 0; i < PLAN; i++)
			TAP_SKIP("the memory controller is not available to the test's cgroup");
	}
	return TAP_DONE();
}
