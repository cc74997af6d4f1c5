/* cgroup_core_files.c - cgroup v2 core interface files of a child cgroup: cgroup.type
 * ("domain"; any write but "threaded" EINVAL), cgroup.events' populated key following a
 * process in the cgroup or below it, cgroup.threads listing each thread of a process,
 * cgroup.stat's nr_descendants, cgroup.max.depth and cgroup.max.descendants ("max" by
 * default; mkdir past them EAGAIN), a name with a newline EINVAL. */
/* syscalls: mount mkdir rmdir openat write read clone */
#include "cgroup_setup.h"
#include <dirent.h>
#include <pthread.h>

static int hold[2];

static void *parked(void *arg)
{
	char c;
	(void)arg;
	(void)!read(hold[0], &c, 1);
	return NULL;
}

/* A child with two threads, moved into @dir; reports its threads' tids through @tids. */
static pid_t threaded_child(const char *dir, pid_t tids[2], int *release_fd)
{
	int res[2];
	if (pipe(res) < 0 || pipe(hold) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t th;
		pid_t t[2] = {getpid(), 0};
		close(res[0]);
		close(hold[1]);
		if (cg_move(dir, getpid()) < 0 || pthread_create(&th, NULL, parked, NULL))
			_exit(2);
		/* the second thread's tid: the only one in /proc/self/task that is not ours */
		DIR *d = opendir("/proc/self/task");
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (atoi(e->d_name) > 0 && atoi(e->d_name) != getpid())
				t[1] = atoi(e->d_name);
		if (d)
			closedir(d);
		(void)!write(res[1], t, sizeof(t));
		pthread_join(th, NULL);
		_exit(0);
	}
	close(res[1]);
	close(hold[0]);
	if (read(res[0], tids, 2 * sizeof(pid_t)) != 2 * sizeof(pid_t))
		tids[0] = tids[1] = 0;
	close(res[0]);
	*release_fd = hold[1];
	return pid;
}

int main(void)
{
	const char *t = cg_setup();
	char p[512];
	TAP_PLAN(12);
	const char *a = cg_mkdir(t, "a");
	const char *b = a ? cg_mkdir(a, "b") : NULL;
	TAP_OK(b && cg_reads(b, "cgroup.type", "domain\n"), "a new cgroup's type is domain");
	TAP_ERRNO(cg_write(b, "cgroup.type", "domain"), EINVAL, "writing \"domain\" is EINVAL");
	TAP_OK(cg_reads(b, "cgroup.events", "populated 0\nfrozen 0\n") &&
		   cg_key(a, "cgroup.events", "populated") == 0,
	       "empty cgroups are not populated");

	pid_t tids[2] = {0, 0};
	int rel = -1;
	pid_t child = threaded_child(b, tids, &rel);
	TAP_OK(child > 0 && tids[1] > 0 && cg_key(b, "cgroup.events", "populated") == 1 &&
		   cg_key(a, "cgroup.events", "populated") == 1,
	       "a process below makes the cgroup and its parent populated");
	TAP_OK(cg_lists(b, "cgroup.threads", tids[0]) && cg_lists(b, "cgroup.threads", tids[1]) &&
		   cg_lists(b, "cgroup.procs", child) && !cg_lists(b, "cgroup.procs", tids[1]),
	       "cgroup.threads lists both threads, cgroup.procs only the process");
	if (child > 0)
		cg_release(child, rel);
	TAP_OK(cg_key(b, "cgroup.events", "populated") == 0, "populated 0 again after the exit");

	TAP_OK(cg_key(a, "cgroup.stat", "nr_descendants") == 1, "cgroup.stat: nr_descendants 1");
	TAP_OK(cg_reads(a, "cgroup.max.depth", "max\n") && cg_reads(a, "cgroup.max.descendants", "max\n"),
	       "max.depth and max.descendants start at max");
	TAP_OK(cg_write(a, "cgroup.max.depth", "1") == 0 && cg_reads(a, "cgroup.max.depth", "1\n"),
	       "cgroup.max.depth = 1");
	snprintf(p, sizeof(p), "%s/c", b);
	TAP_ERRNO(mkdir(p, 0755), EAGAIN, "a cgroup two levels below is EAGAIN");
	snprintf(p, sizeof(p), "%s/d", a);
	TAP_OK(cg_write(a, "cgroup.max.descendants", "1") == 0 && mkdir(p, 0755) < 0 &&
		   errno == EAGAIN,
	       "max.descendants = 1 with one child: a second child is EAGAIN");
	snprintf(p, sizeof(p), "%s/new\nline", t);
	TAP_ERRNO(mkdir(p, 0755), EINVAL, "a name with a newline is EINVAL");
	return TAP_DONE();
}
