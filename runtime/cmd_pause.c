/* runtime/cmd_pause.c - `cvisor pause ID` / `cvisor resume ID`: freezes and thaws the
 * Sentry and every stub through the freezer cgroup create put them in. pause returns once
 * the cgroup reads FROZEN (as runc: a task may take a moment to reach the freezer); one that
 * does not freeze within two seconds is thawed again and the pause fails. Without a
 * freezer cgroup (--ignore-cgroups, --rootless, no freezer controller) both fail with a
 * clear message. */
#include "runtime/container.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int freezer_write(const char *path, const char *state)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = write(fd, state, strlen(state)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static bool freezer_is(const char *path, const char *state)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && !strncmp(buf, state, strlen(state));
}

/* Writes @state and waits until the cgroup reports it (FREEZING passes through to FROZEN).
 * Returns 0, -ETIMEDOUT, or -errno of the write. */
static int freezer_set_wait(const char *path, const char *state)
{
	for (int i = 0; i < 200; i++) {
		int r = freezer_write(path, state); /* again: a task that forked meanwhile */
		if (r < 0)
			return r;
		if (freezer_is(path, state))
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static int freezer_set(struct global_opts *g, const char *verb, int argc, char **argv,
		       const char *want_status, const char *state, const char *new_status)
{
	struct container_state st;
	char path[4200];
	if (argc < 2 || argv[1][0] == '-')
		return cli_error("%s: usage: cvisor %s ID", verb, verb);
	if (container_load(g, argv[1], &st))
		return 1;
	const char *status = state_status(&st);
	if (strcmp(status, want_status)) {
		state_free(&st);
		return cli_error("%s: container %s is %s, not %s", verb, argv[1], status,
				 want_status);
	}
	if (!st.cgroup_freezer[0]) {
		state_free(&st);
		return cli_error("%s: container %s has no freezer cgroup (created with "
				 "--ignore-cgroups or --rootless, or no freezer controller)",
				 verb, argv[1]);
	}
	snprintf(path, sizeof(path), "/sys/fs/cgroup/freezer%s/freezer.state", st.cgroup_freezer);
	int r = freezer_set_wait(path, state);
	if (r < 0) {
		if (r == -ETIMEDOUT)
			freezer_write(path, "THAWED");
		state_free(&st);
		return cli_error("%s: %s: %s", verb, path,
				 r == -ETIMEDOUT ? "the container did not freeze in 2 s (thawed)"
						 : strerror(-r));
	}
	snprintf(st.status, sizeof(st.status), "%s", new_status);
	r = state_save(g->root, &st);
	state_free(&st);
	return r < 0 ? cli_error("%s: cannot write state: %s", verb, strerror(-r)) : 0;
}

int cmd_pause(struct global_opts *g, int argc, char **argv)
{
	return freezer_set(g, "pause", argc, argv, "running", "FROZEN", "paused");
}

int cmd_resume(struct global_opts *g, int argc, char **argv)
{
	return freezer_set(g, "resume", argc, argv, "paused", "THAWED", "running");
}
