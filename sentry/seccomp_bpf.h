/* sentry/seccomp_bpf.h - the app's own seccomp filters as the Sentry keeps them: the
 * classic-BPF validator (Linux's bpf_check_classic + seccomp_check_filter rules), an
 * interpreter over struct seccomp_data, the translation of an app program into the one the
 * stub's host kernel enforces, and the reference-counted filter chain a task holds.
 *
 * Pure functions of their inputs: nothing here touches tasks, guest memory or the host.
 * sentry/syscalls/sys_seccomp.c decides when filters are installed and enforced. */
#ifndef CVISOR_SENTRY_SECCOMP_BPF_H
#define CVISOR_SENTRY_SECCOMP_BPF_H
#include <stdbool.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "platform/platform.h"

#define SECCOMP_BPF_MAXINSNS 4096
/* Linux's MAX_INSNS_PER_PATH: instructions of all filters of a task, each counted + 4. */
#define SECCOMP_BPF_MAX_PATH_INSNS ((1 << 18) / sizeof(struct sock_filter))

/* What the stub's host program must know of the stub: where the Sentry's injection gadget
 * makes its syscalls, and which syscalls the host runs (or refuses) without a stop in the
 * Sentry. Every other syscall stops in the Sentry anyway: for those the host program
 * answers SECCOMP_RET_TRACE | @trace_data at once and the Sentry applies the app's
 * filters itself, on the call's original arguments (seccomp_filter_chain_run). */
struct seccomp_bpf_host {
	uint64_t gadget_ip;	    /* instruction pointer of a gadget syscall (after it) */
	uint16_t trace_data;	    /* SECCOMP_RET_DATA of the prefix's TRACE verdicts */
	int mmap_nr;		    /* runs natively only with MAP_ANONYMOUS; -1: none */
	const uint16_t *native_nrs; /* syscalls the host runs or refuses without a stop */
	unsigned n_native;	    /* at most SECCOMP_BPF_MAX_NATIVE */
	/* the platform's stub runtime's own calls: allowed, never the app program's to judge */
	const struct plat_rt_call *rt_calls;
	unsigned n_rt_calls; /* at most SECCOMP_BPF_MAX_RT_CALLS */
	/* 0, or a second site (sharing the gadget's upper 32 bits) whose calls the Sentry
	 * made or judged (TRACE, as the gadget's), but for the numbers of @retrace_judged:
	 * the app's own calls the platform runs there unjudged (the app program judges) */
	uint64_t retrace_ip;
	const uint16_t *retrace_judged;
	unsigned n_retrace_judged; /* at most SECCOMP_BPF_MAX_RT_CALLS */
};
#define SECCOMP_BPF_MAX_RT_CALLS 8
#define SECCOMP_BPF_MAX_NATIVE 200

/* Checks @len instructions at @prog as Linux does before attaching a seccomp filter:
 * 1 <= len <= 4096, only the opcodes seccomp allows, no division by a zero constant,
 * shifts < 32, scratch slots < 16 and written before read on every path, jumps inside
 * the program, loads only of aligned words inside struct seccomp_data, last insn a RET.
 * Returns 0 or -EINVAL. */
int seccomp_bpf_check(const struct sock_filter *prog, unsigned len);

/* Runs validated program @prog on @data; returns its 32-bit verdict (action | data). */
uint32_t seccomp_bpf_run(const struct sock_filter *prog, unsigned len,
			 const struct seccomp_data *data);

/* Linux's ordering of actions: true when verdict @a is more restrictive than @b
 * (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW). */
bool seccomp_action_stricter(uint32_t a, uint32_t b);

/* Builds the program the stub's host kernel runs for validated app program @prog:
 *   - a prefix: a syscall made from the gadget, or one that stops in the Sentry anyway
 *     (not in @h's native list, not an anonymous mmap), returns TRACE | trace_data. So
 *     the Sentry's injected calls are never refused, the Sentry's rewritten native runs
 *     (exec's execveat, fork's clone) pass the host's re-check after the stop, and an
 *     app that jumps to the gadget stops in the Sentry, which applies its filters;
 *   - the app's program for the rest, with each RET of a SECCOMP_RET_TRACE verdict turned
 *     into RET_ERRNO(ENOSYS) (no tracer exists for the app: Linux answers ENOSYS), and
 *     each RET A turned into a jump to an epilogue that does the same at run time.
 *   - a call from @h's retrace site returns TRACE too (but for the numbers the app
 *     program judges there), and a stub runtime call of @h (its site, number and
 *     arguments) returns ALLOW: the app program never judges the platform's own calls
 *     (the Sentry's filter below still does);
 * Returns 0 and a malloc'd program in *@out / *@out_len, -ENOMEM, or -EINVAL when the
 * result would exceed 4096 instructions or @h's lists are too long. */
int seccomp_bpf_translate(const struct sock_filter *prog, unsigned len,
			  const struct seccomp_bpf_host *h, struct sock_filter **out,
			  unsigned *out_len);

/* The host program for strict mode (SECCOMP_SET_MODE_STRICT, emulated with a filter):
 * the same prefix, then read, write, exit and rt_sigreturn allowed, anything else
 * SECCOMP_RET_KILL_THREAD: the thread alone dies, or the process by SIGSYS when it is the
 * last thread (the Sentry reports that death as SIGKILL, as Linux's strict mode kills).
 * Returns 0 and a malloc'd program, -ENOMEM or -EINVAL. */
int seccomp_bpf_strict_program(const struct seccomp_bpf_host *h, struct sock_filter **out,
			       unsigned *out_len);
/* Whether strict mode lets syscall @nr run. */
bool seccomp_strict_allows(int nr);

/* One installed app filter. Filters form a chain (newest first) shared by the tasks that
 * inherited it: fork, clone and TSYNC take references; a task drops its own at exit. */
struct seccomp_filter {
	int refs;
	struct seccomp_filter *prev; /* older filter (a reference), NULL for the first */
	bool log;		     /* SECCOMP_FILTER_FLAG_LOG */
	unsigned len;
	struct sock_filter *prog; /* the app's program as validated (not translated) */
};

/* Returns a new filter (one reference) on top of @prev (takes a reference on @prev), with
 * a copy of @prog; NULL when out of memory. */
struct seccomp_filter *seccomp_filter_new(struct seccomp_filter *prev,
					  const struct sock_filter *prog, unsigned len, bool log);
/* Returns @f with one more reference (NULL passes through). */
struct seccomp_filter *seccomp_filter_get(struct seccomp_filter *f);
/* Drops one reference; frees the filter (and drops its reference on @prev) at zero. */
void seccomp_filter_put(struct seccomp_filter *f);
/* Number of filters in the chain of @f. */
int seccomp_filter_count(const struct seccomp_filter *f);
/* Instructions the chain counts against SECCOMP_BPF_MAX_PATH_INSNS. */
unsigned seccomp_filter_path_insns(const struct seccomp_filter *f);
/* Whether @anc is @f or one of its older filters (NULL is everyone's ancestor). */
bool seccomp_filter_is_ancestor(const struct seccomp_filter *anc, const struct seccomp_filter *f);
/* Runs every filter of the chain on @data as Linux does: the most restrictive verdict
 * wins; among equal actions the newest filter's verdict (its data) is kept. */
uint32_t seccomp_filter_chain_run(const struct seccomp_filter *f, const struct seccomp_data *data);

#endif
