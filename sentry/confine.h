/* sentry/confine.h - the host-side confinement of the Sentry and its stubs (issue 11):
 * fresh host namespaces, an empty read-only root, rlimits, capabilities, no_new_privs and
 * the Sentry's own seccomp filter. The order is docs/security.md's "Set-up sequence". */
#ifndef CVISOR_SENTRY_CONFINE_H
#define CVISOR_SENTRY_CONFINE_H
#include <stdbool.h>
#include <sys/types.h>

struct sandbox_spec;

/* Step 1, before the Sentry opens the rootfs or forks its first stub: fresh host mount
 * (a slave of the host's), pid (for the stubs: the Sentry's first child is its init),
 * ipc, uts and, when @spec->fresh_netns, net namespaces. Any network namespace to join
 * must have been joined before (runtime/container.c). Without CAP_SYS_ADMIN (rootless)
 * nothing is unshared and confine_late skips the pivot. Returns 0 or -errno (printed). */
int confine_early(const struct sandbox_spec *spec);

/* Whether confine_early put the stubs in a host pid namespace of their own (where the
 * Sentry, outside it, sends signals with si_pid 0). */
/* The host pid namespace of the stubs (the first fork is its pid 1), after the platform's
 * init: it may make threads, which a process with a pending pid namespace cannot. */
int confine_pid_ns(void);
bool confine_stubs_in_pid_ns(void);

/* @host_tid (a stub thread, as the Sentry numbers it) as the stubs' own pid namespace
 * numbers it: what a syscall run natively by a stub must be given. Returns it, or -ESRCH. */
pid_t confine_stub_tid(pid_t host_tid);

/* Step 2, after set-up (every host file, bind source, socket and stub the Sentry needs
 * exists) and before the app's first instruction: pivot into an empty read-only root
 * holding only a procfs, rlimits on the Sentry, capabilities down to the file-owner set,
 * no_new_privs, then the host syscall filter (sentry/host_filter.h). From here on the
 * Sentry opens nothing by an absolute path but below /proc. Returns 0 or -errno
 * (printed); the caller must not run the app then. */
int confine_late(const struct sandbox_spec *spec);

#endif
