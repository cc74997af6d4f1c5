/* sentry/sandbox.h - starting a sandbox: what `cvisor do` and `cvisor create` ask for. */
#ifndef CVISOR_SENTRY_SANDBOX_H
#define CVISOR_SENTRY_SANDBOX_H
#include <stdbool.h>

struct task;

struct sandbox_spec {
	const char *rootfs;      /* host directory; NULL: the host root through an overlay */
	bool rootfs_overlay;     /* writes to the rootfs stay in memory */
	bool rootfs_readonly;    /* OCI root.readonly (runtime/cmd_create.c) */
	const char *cwd;         /* in the sandbox; default "/" */
	char **argv;             /* argv[0] is resolved through PATH when it has no '/' */
	char **envp;
	const char *hostname;
	bool strace;
	bool net_raw; /* --net-raw: raw and packet sockets allowed (with CAP_NET_RAW) */
	const char *debug_log;
	unsigned uid, gid;
	/* pin: the Sentry and every stub run on CPU @pin_cpu (a trapped syscall then needs no
	 * cross-core wake-up: ~6x faster here; multi-threaded apps lose parallelism). */
	bool pin;
	int pin_cpu;
	/* OCI create/start: when ready_fd >= 0 the Sentry writes one byte to it once the
	 * sandbox is set up (init's stub exists, nothing of the app has run) and then runs
	 * its loop (the control socket serves the OCI createContainer and startContainer
	 * hooks), init held, until one byte on start_fd execs the app. -1: start at once. */
	int ready_fd, start_fd;
	/* OCI --console-socket: init's stdio is a sandbox pty proxied to the host pty slave
	 * @console_fd (consumed; its master went to the console socket; sentry/console.h).
	 * Otherwise init gets cvisor's own stdio. */
	bool console;
	int console_fd;
	/* Extra set-up hook run after the mount namespace and init task exist and before
	 * start (bind mounts, rlimits, OCI process fields). Returns 0 or -errno. */
	int (*setup_hook)(void *arg, struct task *init);
	void *setup_arg;
	/* enum net_mode (netstack/netns.h): 0 = NET_MODE_NONE (loopback only),
	 * 1 = NET_MODE_SANDBOX (takes over the host namespace's interfaces),
	 * 2 = NET_MODE_HOST (TCP/UDP sockets are host sockets). */
	int net_mode;
	/* Host confinement (sentry/confine.h): --network's value (NULL: sandbox), which
	 * host syscalls the Sentry keeps; fresh_netns: a new host net namespace (none was
	 * joined and the network is not the host's). */
	const char *network;
	bool fresh_netns;
};


/* Runs the sandbox to completion. Returns the exit status of its init (0-255, 128+N for
 * death by signal N), or a negative errno when it could not start (message printed). */
int sandbox_run(const struct sandbox_spec *spec);
/* Installs the Sentry's crash handler (libunwind backtrace into the debug log). */
void sentry_crash_handler_install(void);

#endif
