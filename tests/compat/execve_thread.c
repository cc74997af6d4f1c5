/* execve_thread.c - execve from a thread that is not the leader: the other threads die,
 * the exec'ing thread takes over the process id (execve(2), "All threads other than the
 * calling thread are destroyed"), the parent sees one exit. Go programs (runc) exec this
 * way. */
/* syscalls: execve clone gettid getpid wait4 */
#include "tap.h"
#include <pthread.h>
#include <sys/syscall.h>

static char pidbuf[32];

static void *spin(void *a)
{
	for (;;)
		pause();
	return NULL;
}

static void *do_exec(void *a)
{
	char *argv[] = { "execve_thread", "child", pidbuf, NULL };
	execv("/proc/self/exe", argv);
	_exit(99);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "child")) {
		/* the new image: one thread whose tid is the old process id */
		pid_t want = atoi(argv[2]);
		_exit(getpid() == want && syscall(SYS_gettid) == want ? 0 : 3);
	}
	TAP_PLAN(2);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t;
		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		for (int i = 0; i < 3; i++)
			pthread_create(&t, NULL, spin, NULL);
		pthread_create(&t, NULL, do_exec, NULL);
		for (;;)
			pause();
	}
	int st = tap_wait(pid);
	TAP_OK(tap_exited(st, 0), "the new image runs with pid == tid == the old pid (status %#x)",
	       st);
	TAP_ERRNO(waitpid(-1, &st, WNOHANG), ECHILD, "nothing else to reap");
	return TAP_DONE();
}
