/* runtime/state.h - a container's state under --root: ROOT/ID/state.json and friends.
 *
 * Layout of ROOT/ID/ (see runtime/README.md):
 *   state.json    what `state` prints plus cvisor's own fields (written atomically)
 *   start.fifo    the Sentry reads one byte from it before it execs the app (`start`)
 *   control.sock  the Sentry's control socket (exec, kill, ps, stats)
 *   config.json   a copy of the bundle's config, as create read it
 * The Sentry's host pid and its start time (field 22 of /proc/PID/stat) identify it: a
 * state whose Sentry is gone, or whose pid was reused, reads as "stopped". */
#ifndef CVISOR_RUNTIME_STATE_H
#define CVISOR_RUNTIME_STATE_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct container_state {
	char id[256];
	char bundle[4096];
	char rootfs[4096];
	char status[16]; /* creating created running stopped paused, as stored */
	pid_t pid;       /* the Sentry's host pid */
	uint64_t pid_start; /* its start time in clock ticks (pid reuse check) */
	char created[64];   /* RFC 3339 */
	char *annotations_json; /* object, compact JSON, or NULL */
	char cgroup_freezer[4096]; /* freezer cgroup directory or "" */
	char owner[64];
};

/* ROOT/ID into @buf. Returns 0, or -ENAMETOOLONG / -EINVAL for a bad id. */
int state_dir(const char *root, const char *id, char *buf, size_t size);
/* Whether @id is acceptable as a container id: runc's characters (letters, digits, _ + , - .),
 * at most 200 of them, not "." or "..". */
bool state_id_valid(const char *id);
/* Loads ROOT/ID/state.json. -ENOENT when there is no such container. */
int state_load(const char *root, const char *id, struct container_state *st);
/* Writes ROOT/ID/state.json atomically (temp file + rename). */
int state_save(const char *root, const struct container_state *st);
void state_free(struct container_state *st);
/* The status now: the stored one, or "stopped" when the Sentry is gone. */
const char *state_status(const struct container_state *st);
/* Whether the Sentry of @st is alive (and is the same process). */
bool state_sentry_alive(const struct container_state *st);
/* Start time of host process @pid in clock ticks; 0 when it is gone. */
uint64_t state_proc_start(pid_t pid);
/* The OCI state JSON of @st (runtime-spec "state"), newly allocated, pretty-printed. */
char *state_oci_json(const struct container_state *st);
/* Thaws the freezer cgroup of @st (writes THAWED to its freezer.state): a frozen process
 * does not die of SIGKILL until thawed. 0, or -errno (-ENOENT: no freezer cgroup). */
int state_freezer_thaw(const struct container_state *st);
/* Removes ROOT/ID and everything in it. */
int state_remove(const char *root, const char *id);
/* Current time, RFC 3339 with nanoseconds (UTC). */
void state_now_rfc3339(char *buf, size_t size);
/* Writes @text to @path atomically (temp + rename). */
int state_write_atomic(const char *path, const char *text);

#endif
