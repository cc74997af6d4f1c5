/* sentry/bpf/bpf_verifier_jmp.c - the verifier's rules for conditional jumps (Linux's
 * check_cond_jmp_op, is_branch_taken, regs_refine_cond_op, sync_linked_regs): a branch
 * decided by what is known of both sides, else both walked, each with its registers
 * narrowed by the test (a constant side narrows the other, two unknown 64-bit numbers
 * narrow each other, a 32-bit test the low halves) and linked copies narrowed alike.
 *
 * Pure; owns nothing (the walk in bpf_verifier.c owns the states). */
#include <errno.h>
#include <string.h>
#include "sentry/bpf/bpf_verifier_internal.h"

/* What a comparison sees of an operand. */
struct vval {
	bool ptr;
	struct tnum var;
	uint64_t umin, umax;
	int64_t smin, smax;
};

static struct vval vval_of(const struct vreg *r, bool is32)
{
	struct vval v = {.ptr = is_ptr(r), .var = r->var, .umin = r->umin, .umax = r->umax};
	unsigned bits = is32 ? 32 : 64;
	if (is32) {
		v.var = tnum_cast32(r->var);
		if (r->umax > 0xffffffffULL) {
			v.umin = tnum_umin(v.var);
			v.umax = tnum_umax(v.var);
		}
	}
	uint64_t sign = 1ULL << (bits - 1);
	if (v.umax < sign) {
		v.smin = (int64_t)v.umin;
		v.smax = (int64_t)v.umax;
	} else if (v.umin >= sign) { /* all negative: the order is kept */
		v.smin = is32 ? (int32_t)v.umin : (int64_t)v.umin;
		v.smax = is32 ? (int32_t)v.umax : (int64_t)v.umax;
	} else {
		v.smin = is32 ? INT32_MIN : INT64_MIN;
		v.smax = is32 ? INT32_MAX : INT64_MAX;
	}
	return v;
}

#define JSET_NOT 0xff /* the fall-through of BPF_JSET */

/* Per test (op >> 4): its negation, the same test with the sides swapped, the unsigned
 * test of a signed one. */
static const struct {
	uint8_t neg, mirror, unsig;
} tests[16] = {
    [BPF_JEQ >> 4] = {BPF_JNE, BPF_JEQ, 0},    [BPF_JNE >> 4] = {BPF_JEQ, BPF_JNE, 0},
    [BPF_JSET >> 4] = {JSET_NOT, BPF_JSET, 0}, [BPF_JGT >> 4] = {BPF_JLE, BPF_JLT, 0},
    [BPF_JGE >> 4] = {BPF_JLT, BPF_JLE, 0},    [BPF_JLT >> 4] = {BPF_JGE, BPF_JGT, 0},
    [BPF_JLE >> 4] = {BPF_JGT, BPF_JGE, 0},    [BPF_JSGT >> 4] = {0, BPF_JSLT, BPF_JGT},
    [BPF_JSGE >> 4] = {0, BPF_JSLE, BPF_JGE},  [BPF_JSLT >> 4] = {0, BPF_JSGT, BPF_JLT},
    [BPF_JSLE >> 4] = {0, BPF_JSGE, BPF_JLE},
};

static uint8_t to_unsigned(uint8_t op)
{
	return tests[op >> 4].unsig;
}

static uint8_t negate(uint8_t op)
{
	return tests[op >> 4].neg;
}

static uint8_t flip(uint8_t op)
{
	return tests[op >> 4].mirror;
}

/* Whether "a op b" holds (1), fails (0) or may go either way (-1) for a in
 * [@amin, @amax] and b in [@bmin, @bmax] (@op BPF_JGT, JGE, JLT or JLE). */
static int order_taken(uint8_t op, uint64_t amin, uint64_t amax, uint64_t bmin, uint64_t bmax)
{
	switch (op) {
	case BPF_JGT:
		return amin > bmax ? 1 : amax <= bmin ? 0 : -1;
	case BPF_JGE:
		return amin >= bmax ? 1 : amax < bmin ? 0 : -1;
	case BPF_JLT:
		return amax < bmin ? 1 : amin >= bmax ? 0 : -1;
	case BPF_JLE:
		return amax <= bmin ? 1 : amin > bmax ? 0 : -1;
	}
	return -1;
}

/* Linux's is_branch_taken: 1 taken, 0 not taken, -1 unknown. */
static int branch_taken(uint8_t op, const struct vval *a, const struct vval *b)
{
	if (a->ptr || b->ptr) /* Linux's reg_not_null holds for neither context nor stack */
		return -1;
	bool differ = ((a->var.value ^ b->var.value) & ~(a->var.mask | b->var.mask)) ||
		      a->umin > b->umax || a->umax < b->umin;
	switch (op) {
	case BPF_JEQ:
	case BPF_JNE: {
		int eq = differ ? 0 : tnum_is_const(a->var) && tnum_is_const(b->var) ? 1 : -1;
		return eq < 0 ? -1 : op == BPF_JEQ ? eq : !eq;
	}
	case BPF_JSET:
		if (a->var.value & b->var.value)
			return 1;
		return (tnum_umax(a->var) & tnum_umax(b->var)) ? -1 : 0;
	case BPF_JGT:
	case BPF_JGE:
	case BPF_JLT:
	case BPF_JLE:
		return order_taken(op, a->umin, a->umax, b->umin, b->umax);
	}
	/* signed: flipping the sign bit maps the signed order onto the unsigned one */
	const uint64_t flip_sign = 1ULL << 63;
	return order_taken(to_unsigned(op), (uint64_t)a->smin ^ flip_sign,
			   (uint64_t)a->smax ^ flip_sign, (uint64_t)b->smin ^ flip_sign,
			   (uint64_t)b->smax ^ flip_sign);
}

/* Narrows scalar @r, known to satisfy "r op b" (unsigned, 64-bit). False: impossible
 * (what branch_taken decides already). */
static bool refine(struct vreg *r, uint8_t op, uint64_t b)
{
	uint64_t lo = r->umin, hi = r->umax;
	struct tnum v = r->var;
	switch (op) {
	case BPF_JEQ:
		if (b < lo || b > hi || ((v.value ^ b) & ~v.mask))
			return false;
		v = tnum_const(b);
		lo = hi = b;
		break;
	case BPF_JNE:
		if (lo == b && hi == b)
			return false;
		lo += lo == b;
		hi -= hi == b;
		break;
	case BPF_JGT:
		if (b == UINT64_MAX)
			return false;
		lo = lo > b + 1 ? lo : b + 1;
		break;
	case BPF_JGE:
		lo = lo > b ? lo : b;
		break;
	case BPF_JLT:
		if (b == 0)
			return false;
		hi = hi < b - 1 ? hi : b - 1;
		break;
	case BPF_JLE:
		hi = hi < b ? hi : b;
		break;
	case BPF_JSET:
		if (b && !(b & (b - 1)) && (v.mask & b)) { /* one bit: now known set */
			v.value |= b;
			v.mask &= ~b;
		}
		break;
	case JSET_NOT:
		if (v.value & b)
			return false;
		v.value &= ~b;
		v.mask &= ~b;
		break;
	}
	v = tnum_intersect(v, tnum_range(lo, hi));
	lo = lo > tnum_umin(v) ? lo : tnum_umin(v);
	hi = hi < tnum_umax(v) ? hi : tnum_umax(v);
	if (lo > hi) { /* what is known contradicts itself: Linux goes on knowing nothing */
		mark_scalar(r, tnum_unknown());
		return true;
	}
	r->var = v;
	r->umin = lo;
	r->umax = hi;
	return true;
}

/* The unsigned test equivalent to "a op b" for scalar @a (its low half for @is32), or 0
 * when a signed test has none (then nothing is narrowed). */
static uint8_t refinable_op(uint8_t op, const struct vreg *a, uint64_t b, bool is32)
{
	struct vreg v = *a;
	if (is32)
		vreg_cast32(&v);
	uint64_t sign = is32 ? 1ULL << 31 : 1ULL << 63;
	bool nonneg = v.umax < sign && b < sign;
	if (to_unsigned(op)) /* a signed test of non-negative numbers is the unsigned one */
		return nonneg ? to_unsigned(op) : 0;
	return op;
}

/* refine() for a 64-bit test, or for a 32-bit one on @r's low half (what becomes known
 * of the low bits is kept with the upper ones). False: impossible. */
static bool refine_reg(struct vreg *r, uint8_t op, uint64_t b, bool is32)
{
	if (!is32)
		return refine(r, op, b);
	const uint64_t low_bits = 0xffffffffULL;
	struct vreg low = *r;
	vreg_cast32(&low);
	if (!refine(&low, op, b))
		return false;
	struct tnum v = {(r->var.value & ~low_bits) | low.var.value,
			 (r->var.mask & ~low_bits) | low.var.mask};
	if (r->umax <= low_bits) { /* the upper half is zero: the low half is all */
		r->var = v;
		r->umin = low.umin;
		r->umax = low.umax;
		return true;
	}
	uint64_t lo = r->umin, hi = r->umax;
	uint32_t id = r->id;
	vreg_bounded(r, v, lo, hi);
	if (r->umin > r->umax) /* a contradiction: Linux goes on knowing nothing */
		mark_scalar(r, tnum_unknown());
	r->id = id;
	return true;
}

static void sync_linked(struct vstate *st, int regno);

/* Linux's reg_bounds_sync after new bounds: known bits and bounds narrow each other; a
 * contradiction leaves nothing known (Linux's sanity check). */
static void bounds_sync(struct vreg *r)
{
	vreg_bounded(r, r->var, r->umin, r->umax);
	if (r->umin > r->umax)
		mark_scalar(r, tnum_unknown());
}

/* "r[@ra] op r[@rb]" holds for two scalars (Linux's regs_refine_cond_op, unsigned
 * 64-bit; the same register on both sides works as there). */
static void refine_pair(struct vstate *st, int ra, int rb, uint8_t op)
{
	struct vreg *a = &st->r[ra], *b = &st->r[rb];
	uint32_t ida = a->id, idb = b->id;
	if (op == BPF_JGT || op == BPF_JGE) { /* as JLT / JLE with the sides swapped */
		op = op == BPF_JGT ? BPF_JLT : BPF_JLE;
		struct vreg *t = a;
		a = b;
		b = t;
	}
	switch (op) {
	case BPF_JEQ: {
		struct tnum v = tnum_intersect(a->var, b->var);
		uint64_t lo = a->umin > b->umin ? a->umin : b->umin;
		uint64_t hi = a->umax < b->umax ? a->umax : b->umax;
		a->var = b->var = v;
		a->umin = b->umin = lo;
		a->umax = b->umax = hi;
		break;
	}
	case BPF_JLE:
		a->umax = a->umax < b->umax ? a->umax : b->umax;
		b->umin = a->umin > b->umin ? a->umin : b->umin;
		break;
	case BPF_JLT:
		if (b->umax)
			a->umax = a->umax < b->umax - 1 ? a->umax : b->umax - 1;
		if (a->umin != UINT64_MAX)
			b->umin = a->umin + 1 > b->umin ? a->umin + 1 : b->umin;
		break;
	default:
		return;
	}
	bounds_sync(a);
	bounds_sync(b);
	st->r[ra].id = ida;
	st->r[rb].id = idb;
	sync_linked(st, ra);
	sync_linked(st, rb);
}

/* What is known of register @regno now holds for its linked copies, in registers and
 * spills (Linux's sync_linked_regs). */
static void sync_linked(struct vstate *st, int regno)
{
	const struct vreg *r = &st->r[regno];
	if (!r->id)
		return;
	for (int k = 0; k < MAX_BPF_REG; k++)
		if (k != regno && st->r[k].type == VR_SCALAR && st->r[k].id == r->id)
			st->r[k] = *r;
	for (int k = 0; k < BPF_STACK_BYTES / 8; k++)
		if (st->stack[k * 8] == VS_SPILL && st->spill[k].type == VR_SCALAR &&
		    st->spill[k].id == r->id)
			st->spill[k] = *r;
}

int vjmp_cond(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in, uint32_t i,
	      uint32_t *next)
{
	bool x = BPF_SRC(in->code) == BPF_X, is32 = BPF_CLASS(in->code) == BPF_JMP32;
	uint8_t op = BPF_OP(in->code);
	if (x ? in->imm != 0 : in->src_reg != 0) {
		LOG("BPF_JMP/JMP32 uses reserved fields\n");
		return -EINVAL;
	}
	int err = vreg_check(vc, st, in->dst_reg, true, false);
	if (!err && x)
		err = vreg_check(vc, st, in->src_reg, true, false);
	if (err)
		return err;
	struct vreg b;
	if (x)
		b = st->r[in->src_reg];
	else
		mark_scalar(&b, tnum_const(is32 ? (uint32_t)in->imm : (uint64_t)(int64_t)in->imm));
	struct vval va = vval_of(&st->r[in->dst_reg], is32), vb = vval_of(&b, is32);
	uint32_t target = i + in->off + 1;
	int taken = branch_taken(op, &va, &vb);
	if (taken >= 0) {
		*next = taken ? target : i + 1;
		return 0;
	}
	/* narrow the register compared with a constant (either side, as Linux) */
	const struct vreg *a = &st->r[in->dst_reg];
	uint8_t rop = 0;
	int rreg = in->dst_reg;
	uint64_t c = vb.var.value;
	if (a->type == VR_SCALAR && b.type == VR_SCALAR && tnum_is_const(vb.var)) {
		rop = refinable_op(op, a, c, is32);
	} else if (x && a->type == VR_SCALAR && b.type == VR_SCALAR && tnum_is_const(va.var)) {
		rreg = in->src_reg;
		c = va.var.value;
		rop = refinable_op(flip(op), &b, c, is32);
	}
	if (!rop) { /* two unknown numbers narrow each other (64-bit tests only) */
		uint8_t pop = x && !is32 && a->type == VR_SCALAR && b.type == VR_SCALAR
				  ? refinable_op(op, a, b.umax, false)
				  : 0;
		struct vstate other;
		memcpy(&other, st, sizeof(other));
		if (pop)
			refine_pair(&other, in->dst_reg, in->src_reg, pop);
		if ((err = vstate_push(vc, target, &other)))
			return err;
		if (pop)
			refine_pair(st, in->dst_reg, in->src_reg, negate(pop));
		*next = i + 1;
		return 0;
	}
	struct vstate other;
	memcpy(&other, st, sizeof(other));
	if (refine_reg(&other.r[rreg], rop, c, is32)) {
		sync_linked(&other, rreg);
		if ((err = vstate_push(vc, target, &other)))
			return err;
	}
	if (!refine_reg(&st->r[rreg], negate(rop), c, is32))
		return VINSN_EXIT; /* the fall-through cannot happen */
	sync_linked(st, rreg);
	*next = i + 1;
	return 0;
}
