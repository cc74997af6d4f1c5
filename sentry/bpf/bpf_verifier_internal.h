/* sentry/bpf/bpf_verifier_internal.h - what the verifier's files share: the state of
 * a path (registers and stack) and the per-insn rules (bpf_verifier_insn.c, _mem.c,
 * _jmp.c) the walk (bpf_verifier.c) applies. Private to sentry/bpf/bpf_verifier*.c. */
#ifndef CVISOR_SENTRY_BPF_VERIFIER_INTERNAL_H
#define CVISOR_SENTRY_BPF_VERIFIER_INTERNAL_H
#include <string.h>
#include "sentry/bpf/bpf_tnum.h"
#include "sentry/bpf/bpf_verifier.h"

#define LOG(...) bpf_vlog_printf(vc->r->log, __VA_ARGS__)
#define MAX_PTR_OFF (1 << 29) /* Linux's BPF_MAX_VAR_OFF */

enum vreg_type { VR_NOT_INIT = 0, VR_SCALAR, VR_CTX, VR_STACK };

/* What is known of a register. Unused fields stay zero: states are compared bytewise. */
struct vreg {
	uint8_t type;
	uint8_t var_off;     /* a pointer moved by an unknown amount */
	uint16_t pad;	     /* zero */
	uint32_t id;	     /* a scalar copied by a move: its copies have the same (0: none) */
	uint32_t pad2;	     /* zero */
	int32_t off;	     /* a pointer's constant offset */
	struct tnum var;     /* a scalar's known bits */
	uint64_t umin, umax; /* a scalar's unsigned bounds; a var_off pointer's signed ones */
};

/* What a stack byte holds (Linux's STACK_*): nothing written, some value, zero, a part of
 * the register spilled to its 8-byte slot (the slot's low bytes, from its lowest address). */
enum vslot { VS_INVALID = 0, VS_MISC, VS_ZERO, VS_SPILL };

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

static inline bool is_ptr(const struct vreg *r)
{
	return r->type == VR_CTX || r->type == VR_STACK;
}

/* @r becomes a scalar known by @var (bounds from its bits). */
static inline void mark_scalar(struct vreg *r, struct tnum var)
{
	memset(r, 0, sizeof(*r));
	r->type = VR_SCALAR;
	r->var = var;
	r->umin = tnum_umin(var);
	r->umax = tnum_umax(var);
}

/* An unknown value of @size bytes, zero-extended (a load). */
static inline void mark_sized(struct vreg *r, int size)
{
	mark_scalar(r, size == 8 ? tnum_unknown() : tnum_range(0, (1ULL << (size * 8)) - 1));
}

/* "ctx", "fp", "scalar". */
const char *vreg_type_name(uint8_t t);
/* Linux's check_reg_arg: a register number, a read of an initialised register (@read),
 * no write of the frame pointer (@write). 0, -EINVAL or -EACCES. */
int vreg_check(struct vwalk_ctx *vc, struct vstate *st, int regno, bool read, bool write);
/* Bytes a load or store of @code moves. */
int vinsn_size(uint8_t code);
/* Scalar @r seen as its low 32 bits (zero-extended). */
void vreg_cast32(struct vreg *r);
/* @r becomes a scalar known by @var and within [@lo, @hi] (Linux's reg_bounds_sync for
 * the unsigned bounds: each narrows the other). */
void vreg_bounded(struct vreg *r, struct tnum var, uint64_t lo, uint64_t hi);
/* A conditional jump at insn @i (bpf_verifier_jmp.c): 0 and the next insn in *@next (the
 * other branch queued), VINSN_EXIT (no branch can be taken) or -errno. */
int vjmp_cond(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in, uint32_t i,
	      uint32_t *next);
/* BPF_LDX and BPF_ST/BPF_STX (bpf_verifier_mem.c): 0 or -errno. */
int vmem_ldx(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in);
int vmem_store(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in);

#define VINSN_EXIT 1
/* Checks insn @i in state @st and applies it: 0 and the next insn in *@next,
 * VINSN_EXIT (the path ended), or -errno. Conditional jumps queue the other branch
 * (vstate_push). */
int vinsn_check(struct vwalk_ctx *vc, struct vstate *st, uint32_t i, uint32_t *next);
/* A new id linking the copies of a scalar (Linux's scalar ids). */
uint32_t vwalk_new_id(struct vwalk_ctx *vc);
/* Queues insn @insn in state @st to be walked later: 0, -E2BIG or -ENOMEM. */
int vstate_push(struct vwalk_ctx *vc, uint32_t insn, const struct vstate *st);

#endif
