/* runtime/cmd_kill.c - `cvisor kill [--all] ID [SIGNAL]` (default SIGTERM; names like TERM,
 * SIGKILL or numbers). A running container's init (or, with --all, every process) gets
 * the signal through the control socket; a created one (app not started) or one whose
 * Sentry no longer answers is ended by SIGKILL to the Sentry; so is a paused one (frozen:
 * its cgroup is thawed for the kill to land), which refuses other signals. A stopped one:
 * runc's "container not running" (exit 1), except with --all. */
#include "runtime/container.h"
#include "runtime/control_client.h"
#include "runtime/oci_config.h"
#include <errno.h>
#include <signal.h>
#include <string.h>

int cmd_kill(struct global_opts *g, int argc, char **argv)
{
	struct container_state st;
	bool all = false, bv;
	int i, sig = SIGTERM;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (cli_flag_bool("all", argv[i], &bv) > 0 || cli_flag_bool("a", argv[i], &bv) > 0)
			all = bv;
		else
			return cli_error("kill: unknown flag %s", argv[i]);
	}
	if (i >= argc || argc - i > 2)
		return cli_error("kill: usage: cvisor kill [--all] ID [SIGNAL]");
	const char *id = argv[i++];
	if (cli_check_id(id))
		return 1;
	if (i < argc && (sig = oci_signal_from_name(argv[i])) < 0)
		return cli_error("kill: unknown signal %s", argv[i]);
	if (container_load(g, id, &st))
		return 1;
	const char *status = state_status(&st);
	int ret = 0;
	if (!strcmp(status, "stopped")) {
		/* runc's ErrNotRunning, word for word: containerd's shim matches "container
		 * not running" to treat a kill of an exited container as done */
		ret = all ? 0 : cli_error("container not running");
	} else if (!strcmp(status, "paused")) {
		/* the Sentry is frozen and serves nothing: as runc, SIGKILL ends it (and the
		 * cgroup is thawed so that the kill takes effect); other signals wait for resume */
		if (sig == SIGKILL) {
			container_kill_sentry(&st, 0);
			state_freezer_thaw(&st);
		} else {
			ret = cli_error("kill %s: container paused: only SIGKILL reaches it before "
					"resume",
					id);
		}
	} else if (!strcmp(status, "created") || !strcmp(status, "creating")) {
		/* the Sentry waits for the start fifo (serving only hooks): the app never ran */
		if (sig && sig != SIGCONT && sig != SIGCHLD && sig != SIGWINCH && sig != SIGURG)
			container_kill_sentry(&st, 0);
	} else {
		json_t *rep = ctl_request(g->root, id,
					  json_pack("{s:s, s:i, s:b}", "op", "kill", "signal", sig,
						    "all", all),
					  5000);
		if (!rep) {
			int err = errno;
			if (sig == SIGKILL)
				container_kill_sentry(&st, 0);
			else
				ret = cli_error("kill %s: the sandbox does not answer: %s", id,
						strerror(err));
		} else if (json_object_get(rep, "error")) {
			if (sig == SIGKILL)
				container_kill_sentry(&st, 0);
			else
				ret = cli_error("kill %s: %s", id,
						json_string_value(json_object_get(rep, "error")));
		}
		json_decref(rep);
	}
	state_free(&st);
	return ret;
}
