/* sentry/bpf/bpf_interp.h - runs a verified eBPF program (bpf_verifier.h) on a context.
 * Pure: no tasks, no guest memory, no helpers (the verifier admits none). */
#ifndef CVISOR_SENTRY_BPF_INTERP_H
#define CVISOR_SENTRY_BPF_INTERP_H
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

/* Runs @cnt insns at @insns with R1 pointing at @ctx (@ctx_size bytes, read-only) and a
 * 512-byte stack at R10. Returns R0 at exit. Memory accesses outside the context or the
 * stack, an unknown insn or more than 1M steps (longer than any path the verifier
 * walks) stop the program with 0 (deny) and set *@fault when @fault is not NULL: never happens to a
 * program the verifier accepted. */
uint64_t bpf_interp_run(const struct bpf_insn *insns, uint32_t cnt, const void *ctx,
			size_t ctx_size, int *fault);

#endif
