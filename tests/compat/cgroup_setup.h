/* cgroup_setup.h - what every cgroup v2 test does first: a private mount namespace
 * (mount_isolate.h: / rprivate, a tmpfs under the test's dir) with cgroup2 mounted in it,
 * and a cgroup of its own, "cvisor-compat-<pid>", below the hierarchy's root. Nothing is
 * mounted in the caller's namespace; the test's main process never moves; every cgroup
 * made through cg_mkdir is removed at exit (children first), after the test has killed
 * and reaped the processes it put there.
 *
 * Natively the hierarchy is the host's (a few empty cgroups exist while the test runs);
 * when cgroup2 cannot be mounted the whole test is skipped. Controllers: the test's
 * cgroup gets those its parent (the root) delegates; cg_delegate() enables more at the
 * root only when the hierarchy is private to the test (its root holds no process but the
 * test's own), never on a shared host hierarchy. */
#ifndef CVISOR_TESTS_COMPAT_CGROUP_SETUP_H
#define CVISOR_TESTS_COMPAT_CGROUP_SETUP_H
#include "mount_isolate.h"
#include <signal.h>
#include <sys/mount.h>

static char cg_root[256]; /* where cgroup2 is mounted */
static char cg_test[320]; /* the test's own cgroup */
static char cg_made[16][384];
static int cg_nmade;
static unsigned cg_root_enabled; /* bits of cg_ctrls enabled at the root by cg_delegate */
static const char *const cg_ctrls[] = {"cpuset", "cpu", "io", "memory", "pids", "hugetlb"};

static void cg_cleanup(void)
{
	char p[512];
	if (getpid() != tap_owner)
		return;
	for (int i = cg_nmade - 1; i >= 0; i--)
		rmdir(cg_made[i]);
	for (int i = 0; i < 6; i++)
		if (cg_root_enabled & (1u << i)) {
			snprintf(p, sizeof(p), "%s/cgroup.subtree_control", cg_root);
			int fd = open(p, O_WRONLY);
			if (fd >= 0) {
				dprintf(fd, "-%s", cg_ctrls[i]);
				close(fd);
			}
		}
	umount2(cg_root, MNT_DETACH);
}

/* Writes @val to @dir/@file in one write(2). Returns 0 or -1 with errno. */
static inline int cg_write(const char *dir, const char *file, const char *val)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	int fd = open(p, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, val, strlen(val));
	int err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* Reads @dir/@file into @buf. Returns the length or -1. */
static inline ssize_t cg_read(const char *dir, const char *file, char *buf, size_t size)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return tap_read_file(p, buf, size);
}

/* Is @word a space-separated word of @list? */
static inline bool cg_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* Does @dir/@file read exactly @want? (A diagnostic line shows what it read.) */
static inline bool cg_reads(const char *dir, const char *file, const char *want)
{
	char buf[256];
	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return false;
	if (strcmp(buf, want)) {
		TAP_DIAG("%s: \"%s\", want \"%s\"", file, buf, want);
		return false;
	}
	return true;
}

/* The value of "key N" in @dir/@file (cgroup.events, pids.events), or -1. */
static inline long cg_key(const char *dir, const char *file, const char *key)
{
	char buf[1024];
	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	size_t n = strlen(key);
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, n) && l[n] == ' ')
			return strtol(l + n + 1, NULL, 10);
	return -1;
}

/* mkdir @parent/@name, removed at exit. Returns the path (static slot) or NULL. */
static inline const char *cg_mkdir(const char *parent, const char *name)
{
	if (cg_nmade == 16)
		return NULL;
	char *p = cg_made[cg_nmade];
	snprintf(p, sizeof(cg_made[0]), "%s/%s", parent, name);
	if (mkdir(p, 0755) < 0)
		return NULL;
	cg_nmade++;
	return p;
}

/* Mounts cgroup2 privately and makes the test's cgroup (skips the test when cgroup2
 * cannot be mounted). Returns the test's cgroup. */
static inline const char *cg_setup(void)
{
	const char *base = mnt_isolate();
	snprintf(cg_root, sizeof(cg_root), "%s/cg", base);
	if (mkdir(cg_root, 0755) < 0) {
		printf("Bail out! mkdir %s: %s\n", cg_root, strerror(errno));
		exit(1);
	}
	if (mount("none", cg_root, "cgroup2", 0, NULL) < 0)
		TAP_SKIP_ALL("cgroup2 cannot be mounted here");
	atexit(cg_cleanup);
	char name[64];
	snprintf(name, sizeof(name), "cvisor-compat-%d", (int)getpid());
	const char *t = cg_mkdir(cg_root, name);
	if (!t) {
		printf("Bail out! mkdir of the test's cgroup: %s\n", strerror(errno));
		exit(1);
	}
	snprintf(cg_test, sizeof(cg_test), "%s", t);
	return cg_test;
}

/* Is the hierarchy private to this test: does its root hold no process but ours? */
static inline bool cg_private(void)
{
	char buf[4096];
	if (cg_read(cg_root, "cgroup.procs", buf, sizeof(buf)) < 0)
		return false;
	for (char *l = buf; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		if (atoi(l) != (int)getpid())
			return false;
	return true;
}

/* Makes @ctrl available in the test's cgroup: true when the root delegates it already,
 * or the hierarchy is private and the root could enable it (undone at exit). */
static inline bool cg_delegate(const char *ctrl)
{
	char buf[256];
	if (cg_read(cg_test, "cgroup.controllers", buf, sizeof(buf)) >= 0 && cg_word(buf, ctrl))
		return true;
	if (cg_read(cg_root, "cgroup.controllers", buf, sizeof(buf)) < 0 || !cg_word(buf, ctrl))
		return false;
	if (!cg_private())
		return false;
	char v[32];
	snprintf(v, sizeof(v), "+%s", ctrl);
	if (cg_write(cg_root, "cgroup.subtree_control", v) < 0)
		return false;
	for (int i = 0; i < 6; i++)
		if (!strcmp(cg_ctrls[i], ctrl))
			cg_root_enabled |= 1u << i;
	return true;
}

/* Forks a child that waits on a pipe until cg_release (or dies). Returns its pid. */
static inline pid_t cg_sleeper(int *release_fd)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	*release_fd = p[1];
	return pid;
}

/* Ends a cg_sleeper child and reaps it. */
static inline void cg_release(pid_t pid, int release_fd)
{
	close(release_fd);
	tap_wait(pid);
}

/* Writes @pid into @dir/cgroup.procs. 0 or -1 with errno. */
static inline int cg_move(const char *dir, pid_t pid)
{
	char v[32];
	snprintf(v, sizeof(v), "%d\n", (int)pid);
	return cg_write(dir, "cgroup.procs", v);
}

/* Does @dir/cgroup.procs list @pid? */
static inline bool cg_lists(const char *dir, const char *file, pid_t pid)
{
	char buf[4096];
	if (cg_read(dir, file, buf, sizeof(buf)) < 0)
		return false;
	for (char *l = buf; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		if (atoi(l) == (int)pid)
			return true;
	return false;
}
#endif
