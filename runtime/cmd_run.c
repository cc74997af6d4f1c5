/* runtime/cmd_run.c - `cvisor run [--bundle B] [--detach] [--pid-file F]
 * [--console-socket S] ID` (runc run): create + start. In the foreground it waits for the
 * Sentry, forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2 to the container's init,
 * deletes the container and exits with the app's status. */
#include "runtime/container.h"
#include "runtime/control_client.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int create_parse_flags(const char *verb, int argc, char **argv, struct create_opts *o,
		       bool *detach);

static volatile sig_atomic_t pending_sig;

static void on_signal(int sig)
{
	pending_sig = sig;
}

int cmd_run(struct global_opts *g, int argc, char **argv)
{
	struct create_opts o = {0};
	bool detach = false;
	pid_t pid;
	int status;

	if (create_parse_flags("run", argc, argv, &o, &detach) < 0)
		return 1;
	o.foreground = !detach;
	if (container_create(g, &o, &pid))
		return 1;
	if (container_start(g, o.id)) {
		struct container_state st;
		if (!state_load(g->root, o.id, &st)) {
			container_kill_sentry(&st, 2000);
			container_cgroups_remove(&st);
			state_free(&st);
		}
		state_remove(g->root, o.id);
		return 1;
	}
	if (detach)
		return 0;
	static const int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct sigaction sa = {.sa_handler = on_signal};
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaction(fwd[i], &sa, NULL);
	for (;;) {
		pid_t r = waitpid(pid, &status, 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = 255 << 8;
			break;
		}
		if (pending_sig) {
			int sig = pending_sig;
			pending_sig = 0;
			json_t *rep = ctl_request(g->root, o.id,
						  json_pack("{s:s, s:i}", "op", "kill", "signal", sig),
						  2000);
			json_decref(rep);
		}
	}
	struct container_state st;
	if (!state_load(g->root, o.id, &st)) {
		container_cgroups_remove(&st);
		snprintf(st.status, sizeof(st.status), "stopped");
		container_run_late_hooks(&st, OCI_HOOK_POSTSTOP);
		state_free(&st);
	}
	state_remove(g->root, o.id);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
