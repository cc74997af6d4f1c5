/* sentry/bpf/bpf_verifier_internal.h - what the verifier's two files share: the state of
 * a path (registers and stack) and the per-insn rules (bpf_verifier_insn.c) the walk
 * (bpf_verifier.c) applies. Private to sentry/bpf/bpf_verifier*.c. */
#ifndef CVISOR_SENTRY_BPF_VERIFIER_INTERNAL_H
#define CVISOR_SENTRY_BPF_VERIFIER_INTERNAL_H
#include "sentry/bpf/bpf_tnum.h"
#include "sentry/bpf/bpf_verifier.h"

enum vreg_type { VR_NOT_INIT = 0, VR_SCALAR, VR_CTX, VR_STACK };

/* What is known of a register. Unused fields stay zero: states are compared bytewise. */
struct vreg {
	uint8_t type;
	uint8_t var_off;     /* a pointer moved by an unknown amount */
	uint16_t pad;	     /* zero */
	int32_t off;	     /* a pointer's constant offset */
	struct tnum var;     /* a scalar's known bits */
	uint64_t umin, umax; /* a scalar's unsigned bounds; a var_off pointer's signed ones */
};

enum vslot { VS_INVALID = 0, VS_MISC, VS_SPILL };

struct vstate {
	struct vreg r[MAX_BPF_REG];
	uint8_t stack[BPF_STACK_BYTES];		/* enum vslot per byte, fp-512 first */
	struct vreg spill[BPF_STACK_BYTES / 8]; /* registers spilled to 8-byte slots */
};

struct walk;
struct vwalk_ctx {
	struct walk *walk;
	struct bpf_verify_req *r;
};

#define VINSN_EXIT 1
/* Checks insn @i in state @st and applies it: 0 and the next insn in *@next,
 * VINSN_EXIT (the path ended), or -errno. Conditional jumps queue the other branch
 * (vstate_push). */
int vinsn_check(struct vwalk_ctx *vc, struct vstate *st, uint32_t i, uint32_t *next);
/* Queues insn @insn in state @st to be walked later: 0, -E2BIG or -ENOMEM. */
int vstate_push(struct vwalk_ctx *vc, uint32_t insn, const struct vstate *st);

#endif
