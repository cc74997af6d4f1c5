/* runtime/hooks.c - config.json hooks (runtime-spec "POSIX-platform Hooks"): fork, exec
 * the hook's path with its args and env (nothing inherited), the state JSON written to
 * its stdin through a pipe, waited for with its timeout.
 *
 * When: prestart and createRuntime after the Sentry exists in the container's network
 * namespace and before its netstack takes the interfaces over (Docker's libnetwork-setkey
 * moves the container's veth end in then); poststart after start; poststop at delete.
 * createContainer (end of create: the sandbox's mounts are set up) and startContainer
 * (start, before the container's program) run inside the container's namespaces, which
 * live in the Sentry: as processes of the sandbox (oci_hooks_run_in_sandbox, through its
 * control socket: path resolved in the container's root, root's credentials, the state on
 * stdin from a pipe, stdout and stderr the caller's stderr).
 * Must not: block without a bound (every wait has the hook's timeout, or none as runc). */
#include "runtime/hooks.h"
#include "runtime/control_client.h"
#include <errno.h>
#include <jansson.h>
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

/* One hook in the sandbox of container @id. Returns 0, or -1 with the reason in @why. */
static int run_one_in_sandbox(const char *root, const char *id, const struct oci_hook *h,
			      const char *state_json, char *why, size_t len)
{
	int in[2], fd = ctl_connect(root, id);
	if (fd < 0) {
		snprintf(why, len, "the sandbox does not answer: %s", strerror(-fd));
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* the state fits the pipe (runc's is a few hundred bytes): written before the hook
	 * runs, then EOF */
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	size_t n = strlen(state_json);
	ssize_t w = write(in[1], state_json, n);
	close(in[1]);
	if (w != (ssize_t)n) {
		snprintf(why, len, "the state does not fit a pipe");
		close(in[0]);
		close(fd);
		return -1;
	}
	char *const def_args[] = { h->path, NULL };
	json_t *req = json_pack("{s:s, s:s, s:o, s:o, s:s, s:i, s:i, s:[], s:[i,i,i], s:b}", "op",
				"exec", "path", h->path, "args",
				ctl_strv(h->args ? h->args : def_args), "env", ctl_strv(h->env),
				"cwd", "/", "uid", 0, "gid", 0, "groups", "stdio", 0, 1, 2,
				"killOnClose", 1);
	int fds[3] = { in[0], 2, 2 };
	json_t *rep = req ? ctl_call(fd, req, fds, 3, 30000) : NULL;
	close(in[0]);
	int r = -1;
	if (!rep) {
		snprintf(why, len, "the sandbox does not answer: %s", strerror(errno));
		goto out;
	}
	if (json_object_get(rep, "error")) {
		snprintf(why, len, "%s", json_string_value(json_object_get(rep, "error")));
		goto out;
	}
	json_decref(rep);
	/* its exit status; on timeout closing the connection kills it (killOnClose) */
	rep = ctl_recv(fd, h->timeout > 0 ? h->timeout * 1000 : -1);
	json_t *st = rep ? json_object_get(rep, "exit") : NULL;
	if (!json_is_integer(st)) {
		if (!rep && errno == ETIMEDOUT)
			snprintf(why, len, "timed out after %d s", h->timeout);
		else
			snprintf(why, len, "the sandbox ended");
		goto out;
	}
	int status = (int)json_integer_value(st);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		r = 0;
	else if (WIFEXITED(status))
		snprintf(why, len, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(why, len, "killed by signal %d", WTERMSIG(status));
out:
	json_decref(rep);
	close(fd);
	return r;
}

int oci_hooks_run_in_sandbox(const char *root, const char *id, const struct oci_config *c,
			     enum oci_hook_kind kind, const char *state_json, char *err,
			     size_t errlen)
{
	char why[4300];
	for (size_t i = 0; i < c->n_hooks[kind]; i++) {
		const struct oci_hook *h = &c->hooks[kind][i];
		if (run_one_in_sandbox(root, id, h, state_json, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s hook #%zu (%s): %s", oci_hook_names[kind], i,
				 h->path, why);
			return -1;
		}
	}
	return 0;
}
