/* sentry/control.h - the Sentry's control socket: how `cvisor exec`, `kill`, `ps` and
 * `events --stats` reach a running sandbox.
 *
 * A SOCK_SEQPACKET unix socket at ROOT/ID/control.sock, served from the Sentry's event
 * loop (never blocking it). One JSON object per message, at most CONTROL_MSG_MAX bytes:
 *
 *   {"op":"kill","signal":15,"all":false}       -> {"ok":true} | {"error":"...","errno":N}
 *   {"op":"ps"}                                  -> {"processes":[{"pid","ppid","hostPid",
 *                                                    "uid","comm","cmd","state"}...]}
 *   {"op":"exec","args":[...],"env":[...],"cwd":"/","uid":0,"gid":0,"groups":[...],
 *    "caps":{"bounding":N,...},"noNewPrivileges":b,"stdio":[0,1,2]}
 *     + SCM_RIGHTS: the fds named by "stdio" (the caller's stdin/out/err), in that order
 *                                                -> {"pid":VPID,"hostPid":N} | {"error"...}
 *                                                   later {"exit":WAIT_STATUS}
 *
 * exec'd processes are children of the Sentry's "pid 0" (as in gVisor: getppid() is 0
 * for them), a hidden thread group outside the pid table, so init never sees them as
 * its children and their exit status goes back over the connection that asked. */
#ifndef CVISOR_SENTRY_CONTROL_H
#define CVISOR_SENTRY_CONTROL_H
#include <stdbool.h>
#include <stdint.h>

#define CONTROL_MSG_MAX 65536

struct thread_group;

/* Credentials, capabilities and limits of a process started from a config (init) or by
 * exec: what an OCI process object asks for. */
struct control_proc {
	uint32_t uid, gid;
	uint32_t ngroups;
	uint32_t groups[64];
	bool has_caps;
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	bool no_new_privs;
	int n_rlimits;
	struct {
		int resource;
		uint64_t soft, hard;
	} rlimits[16];
	bool has_umask;
	uint32_t umask;
};

/* Applies @p to thread group @tg (before it has run any app code). */
void control_proc_apply(struct thread_group *tg, const struct control_proc *p);

/* Creates the control socket at @path (replacing a stale one) and watches it from the
 * event loop (loop_init must have run). Returns 0 or -errno. */
int control_start(const char *path);

struct sock_fprog;
/* Keeps a copy of the container's linux.seccomp program: every process `cvisor exec`
 * starts gets it (seccomp_task_preload) before its first instruction. 0 or -ENOMEM. */
int control_set_seccomp(const struct sock_fprog *prog, unsigned flags);

#endif
