/* unshare_mnt_thread.c - unshare(CLONE_NEWNS) in one thread of a process (as Go programs
 * do on a locked OS thread): that thread gets its own mount namespace and fs context
 * (root, cwd), the other threads keep theirs. The test first isolates itself. */
/* syscalls: unshare mount chdir */
#include "mount_isolate.h"
#include <pthread.h>

static const char *x, *marker, *d;
static int seen_in_thread, cwd_ok, unshared;

static void *worker(void *arg)
{
	char cwd[512];
	unshared = unshare(CLONE_NEWNS) == 0;
	if (unshared && mount("t", x, "tmpfs", 0, NULL) == 0)
		seen_in_thread = tap_write_file(marker, "m") == 0 && access(marker, F_OK) == 0;
	/* the thread's cwd is its own now: chdir here leaves the main thread's alone */
	cwd_ok = chdir(d) == 0 && getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, d);
	return NULL;
}

int main(void)
{
	char before[512], after[512];
	pthread_t th;
	TAP_PLAN(5);
	mnt_isolate();
	x = strdup(tap_path("x"));
	marker = strdup(tap_path("x/marker"));
	d = strdup(tap_path("d"));
	mkdir(x, 0755);
	mkdir(d, 0755);
	getcwd(before, sizeof(before));
	TAP_OK(pthread_create(&th, NULL, worker, NULL) == 0 && pthread_join(th, NULL) == 0 &&
		       unshared,
	       "unshare(CLONE_NEWNS) in a thread");
	TAP_OK(seen_in_thread, "the thread mounts in its namespace");
	TAP_OK(access(marker, F_OK) == -1 && errno == ENOENT,
	       "the main thread does not see that mount");
	TAP_OK(cwd_ok, "the thread changed its cwd");
	TAP_OK(getcwd(after, sizeof(after)) && !strcmp(before, after),
	       "the main thread's cwd did not move");
	return TAP_DONE();
}
