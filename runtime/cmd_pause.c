/* runtime/cmd_pause.c - `cvisor pause ID` / `cvisor resume ID`: freezes and thaws the
 * Sentry and every stub through the freezer cgroup create put them in. Without one
 * (--ignore-cgroups, --rootless, no freezer controller) they fail with a clear message. */
#include "runtime/container.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, state, strlen(state)) < 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		state_free(&st);
		return cli_error("%s: %s: %s", verb, path, strerror(err));
	}
	close(fd);
	snprintf(st.status, sizeof(st.status), "%s", new_status);
	int r = state_save(g->root, &st);
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
