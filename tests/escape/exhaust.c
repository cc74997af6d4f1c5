/* tests/escape/exhaust.c - exhausting the Sentry's own host fds: every open host file of
 * the app is a host fd of the Sentry (RLIMIT_NOFILE 65536 there, docs/security.md). With
 * its own limit raised to 1M, the app opens host-backed files until refused: the refusal
 * must be EMFILE or ENFILE (never a dead Sentry), and once it closes them all is normal
 * again, fork and exec included. */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	struct rlimit rl = {1 << 20, 1 << 20};
	static int fds[200000];
	int n = 0, e = 0;

	tap(setrlimit(RLIMIT_NOFILE, &rl) == 0, "RLIMIT_NOFILE raised to 1M", strerror(errno));
	while (n < (int)(sizeof(fds) / sizeof(fds[0]))) {
		int fd = open("/bin/busybox", O_RDONLY);
		if (fd < 0) {
			e = errno;
			break;
		}
		fds[n++] = fd;
	}
	char why[96];
	snprintf(why, sizeof(why), "%d opens, then errno %d (%s)", n, e, strerror(e));
	tap(e == EMFILE || e == ENFILE, "host-backed opens end in EMFILE/ENFILE", why);
	printf("# %s\n", why);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	int fd = open("/bin/busybox", O_RDONLY);
	tap(fd >= 0, "after closing them, opening works again", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	tap(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork and exec still work",
	    "they do not");
	return tap_end();
}
