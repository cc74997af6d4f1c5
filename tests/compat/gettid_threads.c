/* gettid_threads.c - getpid is shared by all threads; gettid differs; /proc/self/task lists them. */
/* syscalls: gettid getpid getdents64 */
#include "tap.h"
#include <dirent.h>
#include <pthread.h>

static pid_t tid, pid;
static int go[2], done[2];

static void *worker(void *arg)
{
	char c;

	tid = gettid();
	pid = getpid();
	write(go[1], "g", 1);
	read(done[0], &c, 1);
	return NULL;
}

int main(void)
{
	pthread_t t;
	char c, path[64];
	DIR *d;
	struct dirent *e;
	int n = 0, seen = 0;

	TAP_PLAN(3);
	pipe(go);
	pipe(done);
	pthread_create(&t, NULL, worker, NULL);
	read(go[0], &c, 1);
	TAP_OK(pid == getpid(), "same pid in the thread");
	TAP_OK(tid != gettid() && tid > 0, "different tid");
	d = opendir("/proc/self/task");
	snprintf(path, sizeof(path), "%d", tid);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] != '.')
			n++;
		if (!strcmp(e->d_name, path))
			seen = 1;
	}
	TAP_OK(n == 2 && seen, "/proc/self/task lists 2 tasks incl. the thread");
	write(done[1], "d", 1);
	pthread_join(t, NULL);
	return TAP_DONE();
}
