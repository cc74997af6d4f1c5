/* platform/stub_factory.h - how both backends make stub processes (stub_factory.c).
 * Internal to platform/: the Sentry sees only plat_ops.spawn. */
#ifndef CVISOR_PLATFORM_STUB_FACTORY_H
#define CVISOR_PLATFORM_STUB_FACTORY_H
#include "platform/platform.h"
#include <sys/ptrace.h>

/* The ptrace options of every stub (the factory's, inherited by what it forks). */
#define PLAT_PTRACE_OPTS                                                                           \
	(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |                        \
	 PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL |       \
	 PTRACE_O_TRACESYSGOOD)

/* Makes a new stub: forks the factory from the Sentry on the first call (a stub that
 * holds @sp's filter, fds and, when @wake_fd >= 0, STUB_WAKE_FD, and never runs app
 * code), then injects a fork into the factory (clone with @clone_flags | SIGCHLD:
 * CLONE_PARENT makes the new stub the Sentry's child) and sets the child off on its
 * execveat of the loader. Its next stop is that call's seccomp stop, for the backend's
 * event loop. Returns 0 and the new tid in *@tid, or -errno. */
int stub_factory_spawn(const struct plat_spawn *sp, int wake_fd, unsigned long clone_flags,
		       pid_t *tid);

#endif
