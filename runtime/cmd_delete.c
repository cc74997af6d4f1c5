/* runtime/cmd_delete.c - `cvisor delete [--force] ID`: removes a stopped container's state
 * (and its cgroups); --force first kills its Sentry. A missing container is an error
 * unless --force; a running one without --force gets runc's "cannot delete container ID
 * that is not stopped: running". */
#include "runtime/container.h"
#include <errno.h>
#include <string.h>

int cmd_delete(struct global_opts *g, int argc, char **argv)
{
	struct container_state st;
	bool force = false, bv;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (cli_flag_bool("force", argv[i], &bv) > 0 || cli_flag_bool("f", argv[i], &bv) > 0)
			force = bv;
		else
			return cli_error("delete: unknown flag %s", argv[i]);
	}
	if (i >= argc)
		return cli_error("delete: usage: cvisor delete [--force] ID");
	const char *id = argv[i];
	if (cli_check_id(id))
		return 1;
	if (force) {
		int r = state_load(g->root, id, &st);
		if (r == -ENOENT)
			return 0;
		if (r == 0)
			state_free(&st);
	}
	if (container_load(g, id, &st))
		return 1;
	const char *status = state_status(&st);
	if (strcmp(status, "stopped") && strcmp(status, "created") && !force) {
		state_free(&st);
		return cli_error("cannot delete container %s that is not stopped: %s", id, status);
	}
	/* a created container's app never ran: like runc, delete ends it. A paused one is
	 * frozen: SIGKILL takes effect once it is thawed */
	if (!strcmp(status, "paused")) {
		container_kill_sentry(&st, 0);
		state_freezer_thaw(&st);
	}
	container_kill_sentry(&st, 5000);
	if (state_sentry_alive(&st)) {
		state_free(&st);
		return cli_error("delete %s: its sandbox (pid %d) does not die", id, st.pid);
	}
	container_cgroups_remove(&st);
	snprintf(st.status, sizeof(st.status), "stopped");
	container_run_late_hooks(&st, OCI_HOOK_POSTSTOP);
	state_free(&st);
	int r = state_remove(g->root, id);
	if (r < 0)
		return cli_error("delete %s: %s", id, strerror(-r));
	return 0;
}
