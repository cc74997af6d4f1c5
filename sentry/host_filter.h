/* sentry/host_filter.h - the Sentry's own seccomp filter: the host syscalls it may make
 * once set up, generated from sentry/host_syscalls.def. */
#ifndef CVISOR_SENTRY_HOST_FILTER_H
#define CVISOR_SENTRY_HOST_FILTER_H
#include <stdio.h>

/* Which network mode's lines of host_syscalls.def apply. */
enum host_net { HOST_NET_NONE, HOST_NET_SANDBOX, HOST_NET_HOST };

/* Which platform's lines apply (--platform: seccomp-trap adds its own, marked TRAP). */
enum host_plat { HOST_PLAT_PTRACE, HOST_PLAT_TRAP };

/* What a call outside the list does. */
enum host_filter_action {
	HOST_FILTER_KILL, /* the Sentry dies by SIGSYS at once (SECCOMP_RET_KILL_PROCESS) */
	HOST_FILTER_TRAP, /* SIGSYS handler: the syscall number into the debug log, then death
			   * by SIGSYS (the default while a --debug-log is open) */
	HOST_FILTER_LOG,  /* allowed and logged by the kernel (audit, dmesg): building the list */
	HOST_FILTER_OFF,  /* not installed (valgrind, which has no seccomp(2)) */
};

/* The action CVISOR_HOST_SECCOMP=kill|trap|log|off asks for; without it, TRAP when the
 * debug log is open, else KILL. Returns -EINVAL (message printed) for another value. */
int host_filter_action_from_env(void);

/* Parses --network's value (NULL: the default, sandbox). Returns enum host_net or -EINVAL. */
int host_net_parse(const char *network);

/* The platform named @name (plat->name, --platform). */
enum host_plat host_plat_of(const char *name);

/* Installs the filter on the calling (single-threaded) Sentry for @net and @pl with
 * @action. no_new_privs must be set already. Returns 0 or -errno (nothing installed). */
int host_filter_install(enum host_net net, enum host_plat pl, enum host_filter_action action);

/* How many distinct host syscalls @net allows on platform @pl. */
int host_filter_count(enum host_net net, enum host_plat pl);

/* `cvisor syscalls --host`: every entry of @net and @pl with its constraint and reason,
 * then the count (and the counts of the other modes and platforms). @markdown: a table
 * for docs/host_syscalls.md. */
void host_filter_print(FILE *out, enum host_net net, enum host_plat pl, int markdown);

#endif
