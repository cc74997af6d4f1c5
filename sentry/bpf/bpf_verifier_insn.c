/* sentry/bpf/bpf_verifier_insn.c - the verifier's rules for one instruction in one state
 * (Linux's do_check: check_alu_op, the call and exit checks; loads and stores are
 * bpf_verifier_mem.c's, conditional jumps bpf_verifier_jmp.c's): reserved fields,
 * register reads and writes, scalar tracking (known bits and unsigned bounds), pointer
 * arithmetic, linked copies.
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
/* See bpf_verifier_internal.h. */
void vreg_cast32(struct vreg *r)
{
	if (r->umax <= 0xffffffffULL)
		return;
	mark_scalar(r, tnum_cast32(r->var));
}

/* @r becomes a scalar known by @var and within [@lo, @hi] (Linux's reg_bounds_sync for
 * the unsigned bounds: each narrows the other). */
/* See bpf_verifier_internal.h. */
void vreg_bounded(struct vreg *r, struct tnum var, uint64_t lo, uint64_t hi)
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
			vreg_cast32(&s);
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
		vreg_cast32(&a);
		vreg_cast32(&s);
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
	vreg_bounded(d, is64 ? res : tnum_cast32(res), lo, hi);
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
	return vjmp_cond(vc, st, in, i, next);
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
