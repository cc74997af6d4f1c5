/* runtime/hooks.c - config.json hooks (runtime-spec "POSIX-platform Hooks"): fork, exec
 * the hook's path with its args and env (nothing inherited), the state JSON written to
 * its stdin through a pipe, waited for with its timeout.
 *
 * When: prestart and createRuntime after the Sentry exists in the container's network
 * namespace and before its netstack takes the interfaces over (Docker's libnetwork-setkey
 * moves the container's veth end in then); poststart after start; poststop at delete.
 * createContainer and startContainer would run inside the container's namespaces, whose
 * mount tree is the Sentry's own, not a host one: cvisor does not run them (create warns).
 * Must not: block without a bound (every wait has the hook's timeout, or none as runc). */
#include "runtime/hooks.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Waits for @pid, at most @timeout seconds (0: forever). Returns its wait status, or -1
 * after killing it on timeout. */
static int wait_hook(pid_t pid, int timeout)
{
	int status;
	struct timespec start, now, nap = {0, 10 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, &status, timeout ? WNOHANG : 0);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -2;
		if (!timeout)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nanosleep(&nap, NULL);
	}
}

static int run_one(const struct oci_hook *h, const char *state_json, char *why, size_t len)
{
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pid == 0) {
		static char *const no_env[] = {NULL};
		char *const def_args[] = {h->path, NULL};
		dup2(in[0], 0);
		signal(SIGPIPE, SIG_DFL);
		execve(h->path, h->args ? h->args : def_args, h->env ? h->env : no_env);
		fprintf(stderr, "cvisor: hook %s: %s\n", h->path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	/* the hook may not read its stdin: a short write is not an error */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	size_t n = strlen(state_json), off = 0;
	while (off < n) {
		ssize_t w = write(in[1], state_json + off, n - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(in[1]);
	signal(SIGPIPE, old);
	int status = wait_hook(pid, h->timeout);
	if (status == -1) {
		snprintf(why, len, "timed out after %d s", h->timeout);
		return -1;
	}
	if (status == -2) {
		snprintf(why, len, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, len, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(why, len, "killed by signal %d", WTERMSIG(status));
	return -1;
}

int oci_hooks_run(const struct oci_config *c, enum oci_hook_kind kind, const char *state_json,
		  char *err, size_t errlen)
{
	char why[256];
	for (size_t i = 0; i < c->n_hooks[kind]; i++) {
		const struct oci_hook *h = &c->hooks[kind][i];
		if (run_one(h, state_json, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s hook #%zu (%s): %s", oci_hook_names[kind], i,
				 h->path, why);
			return -1;
		}
	}
	return 0;
}
