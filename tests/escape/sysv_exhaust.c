/* tests/escape/sysv_exhaust.c - exhausting what SysV IPC makes the Sentry hold (its
 * memory, its host fds): with the namespace's limits raised as root may, shm segments
 * (each a Sentry memfd), semaphores and message bytes are refused at the sandbox-wide
 * bounds (ENOSPC, ENOSPC, ENOMEM: docs/syscalls.md) with the Sentry alive, and all is
 * normal again once they are removed, fork and exec included. Under cvisor only: Linux
 * has no such sandbox-wide bounds. */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static int sysctl(const char *name, const char *val)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	int fd = open(path, O_WRONLY);
	int ok = fd >= 0 && write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static int fork_exec_ok(void)
{
	pid_t p = fork();
	if (p == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	int st;
	return p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int ids[40000];

int main(void)
{
	char why[128];
	int n = 0, e = 0;
	printf("1..9\n");
	tap(sysctl("shmmni", "32768") == 0 && sysctl("msgmnb", "1073741824") == 0,
	    "shmmni and msgmnb raised", strerror(errno));

	while (n < 40000 && (ids[n] = shmget(IPC_PRIVATE, 4096, 0600)) >= 0)
		n++;
	e = errno;
	snprintf(why, sizeof(why), "%d segments, then errno %d (%s)", n, e, strerror(e));
	tap(n >= 4096 && n < 40000 && e == ENOSPC, "shm segments end in ENOSPC", why);
	tap(fork_exec_ok(), "fork and exec work meanwhile", strerror(errno));
	for (int i = 0; i < n; i++)
		shmctl(ids[i], IPC_RMID, NULL);
	int again = shmget(IPC_PRIVATE, 4096, 0600);
	tap(again >= 0 && shmctl(again, IPC_RMID, NULL) == 0, "removed, a segment can be made again",
	    strerror(errno));

	n = 0;
	while (n < 40000 && (ids[n] = semget(IPC_PRIVATE, 32000, 0600)) >= 0)
		n++;
	e = errno;
	snprintf(why, sizeof(why), "%d sets of 32000, then errno %d (%s)", n, e, strerror(e));
	tap(n > 0 && n < 32000 && e == ENOSPC, "semaphores end in ENOSPC", why);
	for (int i = 0; i < n; i++)
		semctl(ids[i], 0, IPC_RMID);

	int q = msgget(IPC_PRIVATE, 0600);
	static struct {
		long type;
		char text[8192];
	} m = { 1, "" };
	long sent = 0;
	while (msgsnd(q, &m, sizeof(m.text), IPC_NOWAIT) == 0)
		sent++;
	e = errno;
	snprintf(why, sizeof(why), "%ld messages of 8 KiB, then errno %d (%s)", sent, e,
		 strerror(e));
	tap(sent > 1000 && e == ENOMEM, "message bytes end in ENOMEM", why);
	tap(fork_exec_ok(), "fork and exec work meanwhile", strerror(errno));
	tap(msgctl(q, IPC_RMID, NULL) == 0, "the queue is removed", strerror(errno));
	q = msgget(IPC_PRIVATE, 0600);
	tap(q >= 0 && msgsnd(q, &m, sizeof(m.text), IPC_NOWAIT) == 0,
	    "and messages can be sent again", strerror(errno));
	return tap_bad;
}
