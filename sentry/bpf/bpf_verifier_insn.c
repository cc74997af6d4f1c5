/* sentry/bpf/bpf_verifier_insn.c - the verifier's rules for one instruction in one state
 * (Linux's do_check: check_alu_op, check_cond_jmp_op, the call and exit checks; loads and
 * stores are bpf_verifier_mem.c's): reserved fields, register reads and writes, scalar
 * tracking, pointer arithmetic, branches decided or refined by what is known.
 *
 * Pure; owns nothing (the walk in bpf_verifier.c owns the states). */
#include <errno.h>
#include <string.h>
#include "sentry/bpf/bpf_verifier_internal.h"

/* See bpf_verifier_internal.h. */
const char *vreg_type_name(uint8_t t)
{
	switch (t) {
	case VR_SCALAR:
		return "scalar";
	case VR_CTX:
		return "ctx";
	case VR_STACK:
		return "fp";
	}
	return "?";
}

static const char *const alu_names[16] = {"+=",	 "-=", "*=", "/=", "|=",   "&=",     "<<=", ">>=",
					  "neg", "%=", "^=", "=",  "s>>=", "endian", "?",   "?"};

/* Linux's check_reg_arg: a register number, a read of an initialised register, no write
 * of the frame pointer. */
int vreg_check(struct vwalk_ctx *vc, struct vstate *st, int regno, bool read, bool write)
{
	if (regno >= MAX_BPF_REG) {
		LOG("R%d is invalid\n", regno);
		return -EINVAL;
	}
	if (read && st->r[regno].type == VR_NOT_INIT) {
		LOG("R%d !read_ok\n", regno);
		return -EACCES;
	}
	if (write && regno == BPF_REG_10) {
		LOG("frame pointer is read only\n");
		return -EACCES;
	}
	return 0;
}

int vinsn_size(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	}
	return 8;
}

/* ---- ALU ---- */

static uint64_t bswap_n(uint64_t v, int bits)
{
	if (bits == 16)
		return __builtin_bswap16((uint16_t)v);
	if (bits == 32)
		return __builtin_bswap32((uint32_t)v);
	return __builtin_bswap64(v);
}

static int alu_neg_end(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in)
{
	uint8_t op = BPF_OP(in->code);
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	bool bad = op == BPF_NEG ? in->src_reg || in->off || in->imm
				 : in->src_reg || in->off || is64 ||
				       (in->imm != 16 && in->imm != 32 && in->imm != 64);
	if (bad) {
		LOG("BPF_%s uses reserved fields\n", op == BPF_NEG ? "NEG" : "END");
		return -EINVAL;
	}
	int err = vreg_check(vc, st, in->dst_reg, true, true);
	if (err)
		return err;
	struct vreg *d = &st->r[in->dst_reg];
	if (is_ptr(d)) { /* allowed with CAP_BPF: the result is just a number */
		mark_scalar(d, is64 ? tnum_unknown() : tnum_cast32(tnum_unknown()));
		return 0;
	}
	struct tnum v = d->var;
	if (op == BPF_NEG) {
		v = tnum_sub(tnum_const(0), is64 ? v : tnum_cast32(v));
		mark_scalar(d, is64 ? v : tnum_cast32(v));
		return 0;
	}
	uint64_t keep = in->imm == 64 ? ~0ULL : (1ULL << in->imm) - 1;
	v = (struct tnum){v.value & keep, v.mask & keep};
	if (BPF_SRC(in->code) == BPF_X) /* BPF_TO_BE: a byte permutation keeps what is known */
		v = (struct tnum){bswap_n(v.value, in->imm), bswap_n(v.mask, in->imm)};
	mark_scalar(d, v);
	return 0;
}

/* The signed lower bound of scalar @r (64-bit). */
static int64_t smin_of(const struct vreg *r)
{
	if (r->umax < (1ULL << 63) || r->umin >= (1ULL << 63))
		return (int64_t)r->umin;
	return INT64_MIN;
}

static int64_t smax_of(const struct vreg *r)
{
	if (r->umax < (1ULL << 63) || r->umin >= (1ULL << 63))
		return (int64_t)r->umax;
	return INT64_MAX;
}

/* Linux's check_reg_sane_offset for the number @num added to a @ptype pointer. */
static int sane_offset(struct vwalk_ctx *vc, const struct vreg *num, uint8_t ptype)
{
	int64_t smin = smin_of(num);
	if (tnum_is_const(num->var) &&
	    ((int64_t)num->var.value >= MAX_PTR_OFF || (int64_t)num->var.value <= -MAX_PTR_OFF)) {
		LOG("math between %s pointer and %lld is not allowed\n", vreg_type_name(ptype),
		    (long long)num->var.value);
		return -EINVAL;
	}
	if (smin == INT64_MIN) {
		LOG("math between %s pointer and register with unbounded min value is not "
		    "allowed\n",
		    vreg_type_name(ptype));
		return -EINVAL;
	}
	if (smin >= MAX_PTR_OFF || smin <= -MAX_PTR_OFF) {
		LOG("value %lld makes %s pointer be out of bounds\n", (long long)smin,
		    vreg_type_name(ptype));
		return -EINVAL;
	}
	return 0;
}

/* dst op= src where one of them is a pointer (Linux's adjust_reg_min_max_vals and
 * adjust_ptr_min_max_vals, with CAP_BPF and CAP_PERFMON). */
static int alu_ptr(struct vwalk_ctx *vc, struct vreg *d, const struct vreg *s,
		   const struct bpf_insn *in)
{
	uint8_t op = BPF_OP(in->code);
	if (is_ptr(d) && is_ptr(s)) {
		if (op == BPF_SUB) { /* pointer - pointer: a number */
			mark_scalar(d, tnum_unknown());
			return 0;
		}
		LOG("R%d pointer %s pointer prohibited\n", in->dst_reg, alu_names[op >> 4]);
		return -EACCES;
	}
	if (BPF_CLASS(in->code) == BPF_ALU) {
		if (op == BPF_SUB) { /* a meaningless number */
			mark_scalar(d, tnum_unknown());
			return 0;
		}
		LOG("R%d 32-bit pointer arithmetic prohibited\n", in->dst_reg);
		return -EACCES;
	}
	struct vreg ptr = is_ptr(d) ? *d : *s;
	const struct vreg *num = is_ptr(d) ? s : d;
	int err = sane_offset(vc, num, ptr.type);
	if (err)
		return err;
	switch (op) {
	case BPF_ADD:
		break;
	case BPF_SUB:
		if (!is_ptr(d)) {
			LOG("R%d tried to subtract pointer from scalar\n", in->dst_reg);
			return -EACCES;
		}
		if (ptr.type == VR_STACK) {
			LOG("R%d subtraction from stack pointer prohibited\n", in->dst_reg);
			return -EACCES;
		}
		break;
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		LOG("R%d bitwise operator %s on pointer prohibited\n", in->dst_reg,
		    alu_names[op >> 4]);
		return -EACCES;
	default:
		LOG("R%d pointer arithmetic with %s operator prohibited\n", in->dst_reg,
		    alu_names[op >> 4]);
		return -EACCES;
	}
	if (!tnum_is_const(num->var)) {
		/* the variable part's signed bounds (in umin/umax of a pointer) */
		int64_t pmin = ptr.var_off ? (int64_t)ptr.umin : 0;
		int64_t pmax = ptr.var_off ? (int64_t)ptr.umax : 0, lo, hi;
		bool ovf = op == BPF_ADD ? __builtin_add_overflow(pmin, smin_of(num), &lo) ||
					       __builtin_add_overflow(pmax, smax_of(num), &hi)
					 : __builtin_sub_overflow(pmin, smax_of(num), &lo) ||
					       __builtin_sub_overflow(pmax, smin_of(num), &hi);
		if (ovf || lo == INT64_MIN) {
			LOG("math between %s pointer and register with unbounded min value is not "
			    "allowed\n",
			    vreg_type_name(ptr.type));
			return -EINVAL;
		}
		if (lo >= MAX_PTR_OFF || lo <= -MAX_PTR_OFF) {
			LOG("value %lld makes %s pointer be out of bounds\n", (long long)lo,
			    vreg_type_name(ptr.type));
			return -EINVAL;
		}
		ptr.var_off = 1;
		ptr.umin = (uint64_t)lo;
		ptr.umax = (uint64_t)hi;
	} else {
		int64_t delta = (int64_t)num->var.value;
		int64_t off = op == BPF_ADD ? ptr.off + delta : ptr.off - delta;
		if (off >= MAX_PTR_OFF || off <= -MAX_PTR_OFF) {
			LOG("%s pointer offset %lld is not allowed\n", vreg_type_name(ptr.type),
			    (long long)off);
			return -EINVAL;
		}
		ptr.off = (int32_t)off;
	}
	*d = ptr;
	return 0;
}

/* Both operands are numbers: what is known of the result. */
static struct tnum alu_scalar(uint8_t op, struct tnum a, struct tnum b, unsigned bits)
{
	switch (op) {
	case BPF_ADD:
		return tnum_add(a, b);
	case BPF_SUB:
		return tnum_sub(a, b);
	case BPF_MUL:
		return tnum_mul(a, b);
	case BPF_AND:
		return tnum_and(a, b);
	case BPF_OR:
		return tnum_or(a, b);
	case BPF_XOR:
		return tnum_xor(a, b);
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (!tnum_is_const(b) || b.value >= bits)
			return tnum_unknown();
		if (op == BPF_LSH)
			return tnum_lshift(a, (unsigned)b.value);
		if (op == BPF_RSH)
			return tnum_rshift(a, (unsigned)b.value);
		return tnum_arshift(a, (unsigned)b.value, bits);
	case BPF_DIV:
	case BPF_MOD: /* Linux tracks nothing of quotients and remainders */
		return tnum_unknown();
	}
	return tnum_unknown();
}

/* Scalar @r seen as its low 32 bits (zero-extended). */
static void cast32(struct vreg *r)
{
	if (r->umax <= 0xffffffffULL)
		return;
	mark_scalar(r, tnum_cast32(r->var));
}

/* @r becomes a scalar known by @var and within [@lo, @hi] (Linux's reg_bounds_sync for
 * the unsigned bounds: each narrows the other). */
static void mark_bounded(struct vreg *r, struct tnum var, uint64_t lo, uint64_t hi)
{
	var = tnum_intersect(var, tnum_range(lo, hi));
	mark_scalar(r, var);
	r->umin = lo > r->umin ? lo : r->umin;
	r->umax = hi < r->umax ? hi : r->umax;
}

/* Linux's scalar_min_max_<op> for the unsigned bounds of a @bits-wide result of scalars
 * @a op @b: [*@lo, *@hi] (the whole range when an overflow is possible). */
static void alu_bounds(uint8_t op, const struct vreg *a, const struct vreg *b, unsigned bits,
		       uint64_t *lo, uint64_t *hi)
{
	uint64_t max = bits == 64 ? UINT64_MAX : 0xffffffffULL;
	*lo = 0;
	*hi = max;
	switch (op) {
	case BPF_ADD:
		if (a->umax <= max - b->umax) {
			*lo = a->umin + b->umin;
			*hi = a->umax + b->umax;
		}
		break;
	case BPF_SUB:
		if (a->umin >= b->umax) {
			*lo = a->umin - b->umax;
			*hi = a->umax - b->umin;
		}
		break;
	case BPF_MUL:
		if (a->umax <= 0xffffffffULL && b->umax <= 0xffffffffULL &&
		    (bits == 64 || a->umax * b->umax <= max)) {
			*lo = a->umin * b->umin;
			*hi = a->umax * b->umax;
		}
		break;
	case BPF_AND:
		*hi = a->umax < b->umax ? a->umax : b->umax;
		break;
	case BPF_OR:
		*lo = a->umin > b->umin ? a->umin : b->umin;
		break;
	case BPF_LSH:
		if (tnum_is_const(b->var) && !(a->umax >> (bits - 1 - b->var.value) >> 1)) {
			*lo = a->umin << b->var.value;
			*hi = a->umax << b->var.value;
		}
		break;
	case BPF_RSH:
		if (tnum_is_const(b->var)) {
			*lo = a->umin >> b->var.value;
			*hi = a->umax >> b->var.value;
		}
		break;
	}
}

static int check_alu(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in)
{
	uint8_t op = BPF_OP(in->code);
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64, x = BPF_SRC(in->code) == BPF_X;
	if (op == BPF_NEG || op == BPF_END)
		return alu_neg_end(vc, st, in);
	if (x ? in->imm || in->off : in->src_reg || in->off) {
		LOG("BPF_%s uses reserved fields\n", op == BPF_MOV ? "MOV" : "ALU");
		return -EINVAL;
	}
	int err = x ? vreg_check(vc, st, in->src_reg, true, false) : 0;
	if (!err)
		err = vreg_check(vc, st, in->dst_reg, op != BPF_MOV, true);
	if (err)
		return err;
	struct vreg *d = &st->r[in->dst_reg];
	struct vreg s;
	if (x)
		s = st->r[in->src_reg];
	else
		mark_scalar(&s, tnum_const(is64 ? (uint64_t)(int64_t)in->imm : (uint32_t)in->imm));
	if (op == BPF_MOV) {
		if (!is64 && is_ptr(&s)) { /* a partial copy of a pointer is a number */
			mark_scalar(d, tnum_cast32(tnum_unknown()));
			return 0;
		}
		/* a copy of a scalar is linked to it (Linux's assign_scalar_id_before_mov):
		 * what a test teaches of one holds for the other */
		if (x && s.type == VR_SCALAR && (is64 || s.umax <= 0xffffffffULL)) {
			struct vreg *src = &st->r[in->src_reg];
			if (!src->id)
				src->id = vwalk_new_id(vc);
			s.id = src->id;
		}
		if (!is64)
			cast32(&s);
		*d = s;
		return 0;
	}
	unsigned bits = is64 ? 64 : 32;
	if (!x && (op == BPF_DIV || op == BPF_MOD) && in->imm == 0) {
		LOG("div by zero\n");
		return -EINVAL;
	}
	if (!x && (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    (in->imm < 0 || (unsigned)in->imm >= bits)) {
		LOG("invalid shift %d\n", in->imm);
		return -EINVAL;
	}
	if (is_ptr(d) || is_ptr(&s))
		return alu_ptr(vc, d, &s, in);
	struct vreg a = *d;
	if (!is64) {
		cast32(&a);
		cast32(&s);
	}
	struct tnum res = alu_scalar(op, a.var, s.var, bits);
	/* Linux's is_safe_to_compute_dst_reg_range: after a division, a modulo or a shift by
	 * an unknown or too large amount even the upper half of a 32-bit result is unknown */
	bool unsafe = op == BPF_DIV || op == BPF_MOD ||
		      ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
		       (!tnum_is_const(s.var) || s.var.value >= bits));
	if (unsafe) {
		mark_scalar(d, tnum_unknown());
		return 0;
	}
	uint64_t lo, hi;
	alu_bounds(op, &a, &s, bits, &lo, &hi);
	mark_bounded(d, is64 ? res : tnum_cast32(res), lo, hi);
	return 0;
}

/* ---- jumps ---- */

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
		return a->umin > b->umax ? 1 : a->umax <= b->umin ? 0 : -1;
	case BPF_JGE:
		return a->umin >= b->umax ? 1 : a->umax < b->umin ? 0 : -1;
	case BPF_JLT:
		return a->umax < b->umin ? 1 : a->umin >= b->umax ? 0 : -1;
	case BPF_JLE:
		return a->umax <= b->umin ? 1 : a->umin > b->umax ? 0 : -1;
	case BPF_JSGT:
		return a->smin > b->smax ? 1 : a->smax <= b->smin ? 0 : -1;
	case BPF_JSGE:
		return a->smin >= b->smax ? 1 : a->smax < b->smin ? 0 : -1;
	case BPF_JSLT:
		return a->smax < b->smin ? 1 : a->smin >= b->smax ? 0 : -1;
	case BPF_JSLE:
		return a->smax <= b->smin ? 1 : a->smin > b->smax ? 0 : -1;
	}
	return -1;
}

#define JSET_NOT 0xff

static uint8_t negate(uint8_t op)
{
	switch (op) {
	case BPF_JEQ:
		return BPF_JNE;
	case BPF_JNE:
		return BPF_JEQ;
	case BPF_JGT:
		return BPF_JLE;
	case BPF_JLE:
		return BPF_JGT;
	case BPF_JGE:
		return BPF_JLT;
	case BPF_JLT:
		return BPF_JGE;
	case BPF_JSET:
		return JSET_NOT;
	}
	return 0;
}

/* "a op b" as "b op' a". */
static uint8_t flip(uint8_t op)
{
	switch (op) {
	case BPF_JGT:
		return BPF_JLT;
	case BPF_JLT:
		return BPF_JGT;
	case BPF_JGE:
		return BPF_JLE;
	case BPF_JLE:
		return BPF_JGE;
	case BPF_JSGT:
		return BPF_JSLT;
	case BPF_JSLT:
		return BPF_JSGT;
	case BPF_JSGE:
		return BPF_JSLE;
	case BPF_JSLE:
		return BPF_JSGE;
	}
	return op; /* JEQ, JNE, JSET */
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
		cast32(&v);
	uint64_t sign = is32 ? 1ULL << 31 : 1ULL << 63;
	bool nonneg = v.umax < sign && b < sign;
	switch (op) {
	case BPF_JSGT:
		return nonneg ? BPF_JGT : 0;
	case BPF_JSGE:
		return nonneg ? BPF_JGE : 0;
	case BPF_JSLT:
		return nonneg ? BPF_JLT : 0;
	case BPF_JSLE:
		return nonneg ? BPF_JLE : 0;
	}
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
	cast32(&low);
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
	mark_bounded(r, v, lo, hi);
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
	mark_bounded(r, r->var, r->umin, r->umax);
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

static int check_cond(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in,
		      uint32_t i, uint32_t *next)
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

static int check_call(struct vwalk_ctx *vc, const struct bpf_insn *in)
{
	if (BPF_SRC(in->code) != BPF_K || (in->src_reg != BPF_PSEUDO_CALL && in->off != 0) ||
	    (in->src_reg != 0 && in->src_reg != BPF_PSEUDO_CALL &&
	     in->src_reg != BPF_PSEUDO_KFUNC_CALL) ||
	    in->dst_reg != 0) {
		LOG("BPF_CALL uses reserved fields\n");
		return -EINVAL;
	}
	if (in->src_reg == BPF_PSEUDO_CALL)
		LOG("cvisor: bpf-to-bpf calls are not implemented\n");
	else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
		LOG("calling kernel functions is not supported\n");
	else if (in->imm <= 0 || in->imm >= __BPF_FUNC_MAX_ID)
		LOG("invalid func unknown#%d\n", in->imm);
	else
		LOG("cvisor: helper function #%d is not implemented\n", in->imm);
	return -EINVAL;
}

static int check_exit(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in)
{
	if (in->imm || in->src_reg || in->dst_reg) {
		LOG("BPF_EXIT uses reserved fields\n");
		return -EINVAL;
	}
	const struct vreg *r0 = &st->r[0];
	if (r0->type == VR_NOT_INIT) {
		LOG("R0 !read_ok\n");
		return -EACCES;
	}
	if (r0->type != VR_SCALAR) {
		LOG("At program exit the register R0 is not a known value (%s)\n",
		    vreg_type_name(r0->type));
		return -EINVAL;
	}
	uint64_t hi = vc->r->prog_type == BPF_PROG_TYPE_CGROUP_SKB &&
			      vc->r->expected_attach_type == BPF_CGROUP_INET_EGRESS
			  ? 3
			  : 1;
	if (!tnum_in(tnum_range(0, hi), r0->var) && r0->umax > hi) {
		LOG("At program exit the register R0 has value (0x%llx; 0x%llx) should have been "
		    "in (0x0; 0x%llx)\n",
		    (unsigned long long)r0->var.value, (unsigned long long)r0->var.mask,
		    (unsigned long long)hi);
		return -EINVAL;
	}
	return VINSN_EXIT;
}

static int check_jmp(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in, uint32_t i,
		     uint32_t *next)
{
	switch (BPF_OP(in->code)) {
	case BPF_CALL:
		return check_call(vc, in);
	case BPF_EXIT:
		return check_exit(vc, st, in);
	case BPF_JA:
		if (in->imm || in->src_reg || in->dst_reg) {
			LOG("BPF_JA uses reserved fields\n");
			return -EINVAL;
		}
		*next = i + in->off + 1;
		return 0;
	}
	return check_cond(vc, st, in, i, next);
}

int vinsn_check(struct vwalk_ctx *vc, struct vstate *st, uint32_t i, uint32_t *next)
{
	const struct bpf_insn *in = &vc->r->insns[i];
	int err;
	*next = i + 1;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return check_alu(vc, st, in);
	case BPF_LDX:
		return vmem_ldx(vc, st, in);
	case BPF_ST:
	case BPF_STX:
		return vmem_store(vc, st, in);
	case BPF_JMP:
	case BPF_JMP32:
		return check_jmp(vc, st, in, i, next);
	case BPF_LD:
		if (BPF_MODE(in->code) != BPF_IMM) {
			LOG("BPF_LD_[ABS|IND] instructions not allowed for this program type\n");
			return -EINVAL;
		}
		if ((err = vreg_check(vc, st, in->dst_reg, false, true)))
			return err;
		mark_scalar(&st->r[in->dst_reg],
			    tnum_const((uint32_t)in->imm | (uint64_t)(uint32_t)in[1].imm << 32));
		*next = i + 2;
		return 0;
	}
	LOG("unknown insn class %d\n", BPF_CLASS(in->code));
	return -EINVAL;
}
