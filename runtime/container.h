/* runtime/container.h - what create, run, delete and exec share: forking the Sentry for a
 * bundle, the console socket, cgroups for the Sentry (freezer, memory, cpu, pids). */
#ifndef CVISOR_RUNTIME_CONTAINER_H
#define CVISOR_RUNTIME_CONTAINER_H
#include "runtime/cli.h"
#include "runtime/state.h"
#include "runtime/oci_config.h"
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

struct create_opts {
	const char *id;
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool foreground; /* `run` without --detach: stay in the caller's session */
};

/* Forks the Sentry for @o's bundle and waits until it is ready (its app not started).
 * Writes ROOT/ID/state.json ("created") and the pid file. Returns 0 and the Sentry's pid
 * in *@pid, or 1 after printing why (the CLI exit code). */
int container_create(struct global_opts *g, const struct create_opts *o, pid_t *pid);
/* Tells a created container's Sentry to exec the app. Returns 0 or 1 (message printed). */
int container_start(struct global_opts *g, const char *id);
/* Kills the Sentry (SIGKILL) and waits up to @ms milliseconds for it to be gone. */
void container_kill_sentry(const struct container_state *st, int ms);
/* Runs config.json's poststart or poststop hooks of @st's bundle (failures are warnings). */
void container_run_late_hooks(const struct container_state *st, enum oci_hook_kind kind);
/* Removes the cgroups made for the container (named in @st). */
void container_cgroups_remove(const struct container_state *st);
/* Writes linux.resources JSON @res to the container's cgroups. Prints a warning per
 * setting it cannot apply. Returns the number applied. */
int container_cgroups_apply(const char *cgpath, const char *res_json);
/* Sends @fd to the unix socket at @path as runc does for --console-socket. 0 or -errno. */
int container_send_console(const char *path, int fd);
/* Opens a pty pair: master in *@master, slave in *@slave. 0 or -errno. */
int container_openpty(int *master, int *slave);
/* Writes @pid to @path atomically. */
int container_write_pid_file(const char *path, pid_t pid);
/* Loads the state of @id or prints "container ID does not exist". 0 or 1. */
int container_load(struct global_opts *g, const char *id, struct container_state *st);

#endif
