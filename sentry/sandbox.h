/* sentry/sandbox.h - starting a sandbox: what `cvisor do` and `cvisor create` ask for. */
#ifndef CVISOR_SENTRY_SANDBOX_H
#define CVISOR_SENTRY_SANDBOX_H
#include <stdbool.h>

struct sandbox_spec {
	const char *rootfs;      /* host directory; NULL: the host root through an overlay */
	bool rootfs_overlay;     /* writes to the rootfs stay in memory */
	const char *cwd;         /* in the sandbox; default "/" */
	char **argv;             /* argv[0] is resolved through PATH when it has no '/' */
	char **envp;
	const char *hostname;
	bool strace;
	const char *debug_log;
	unsigned uid, gid;
};

/* Runs the sandbox to completion. Returns the exit status of its init (0-255, 128+N for
 * death by signal N), or a negative errno when it could not start (message printed). */
int sandbox_run(const struct sandbox_spec *spec);
/* Installs the Sentry's crash handler (libunwind backtrace into the debug log). */
void sentry_crash_handler_install(void);

#endif
