/* sentry/bpf/bpf_verifier_mem.c - the verifier's rules for loads and stores (Linux's
 * check_mem_access for the context and the stack, check_stack_write_fixed_off and
 * check_stack_read_fixed_off): the context only where the program type allows, the
 * 512-byte stack at constant, aligned offsets, registers spilled to 8-byte slots (whole
 * or their low bytes) and filled back, zeroed bytes read back as zero.
 *
 * Pure; owns nothing (the walk in bpf_verifier.c owns the states). */
#include <errno.h>
#include <string.h>
#include "sentry/bpf/bpf_verifier_internal.h"

/* Where a load or store through register @regno lands: 0 and the offset from the
 * context's start or from the frame pointer in *@off, or -EACCES. */
static int mem_target(struct vwalk_ctx *vc, struct vstate *st, int regno, int16_t insn_off,
		      int size, bool write, int *off)
{
	const struct vreg *p = &st->r[regno];
	if (!is_ptr(p)) {
		LOG("R%d invalid mem access '%s'\n", regno, vreg_type_name(p->type));
		return -EACCES;
	}
	if (p->var_off) {
		LOG("R%d variable %s access prohibited\n", regno, vreg_type_name(p->type));
		return -EACCES;
	}
	if (p->type == VR_CTX && p->off) {
		LOG("dereference of modified ctx ptr R%d off=%d disallowed\n", regno, p->off);
		return -EACCES;
	}
	*off = p->off + insn_off;
	if (p->type == VR_STACK) {
		if (*off % size) {
			LOG("misaligned stack access off (0x0; 0x0)+%d+%d size %d\n", p->off,
			    insn_off, size);
			return -EACCES;
		}
		if (*off < -BPF_STACK_BYTES || *off + size > 0) {
			LOG("invalid %s stack R%d off=%d size=%d\n",
			    write ? "write to" : "read from", regno, *off, size);
			return -EACCES;
		}
	}
	return 0;
}

static int ctx_access(struct vwalk_ctx *vc, int off, int size, bool write)
{
	if (bpf_ctx_access_ok(vc->r->prog_type, off, size, write))
		return 0;
	if (vc->r->prog_type == BPF_PROG_TYPE_CGROUP_SKB)
		LOG("cvisor: __sk_buff access off=%d size=%d is not implemented\n", off, size);
	else
		LOG("invalid bpf_context access off=%d size=%d\n", off, size);
	return -EACCES;
}

/* Linux's coerce_reg_to_size: the low @size bytes of scalar @r, zero-extended. */
static void coerce(struct vreg *r, int size)
{
	if (size == 8)
		return;
	uint64_t keep = (1ULL << (size * 8)) - 1;
	if (r->umax <= keep)
		return;
	mark_scalar(r, (struct tnum){r->var.value & keep, r->var.mask & keep});
}

static bool is_zero(const struct vreg *r)
{
	return r->type == VR_SCALAR && tnum_is_const(r->var) && !r->var.value;
}

/* Linux's save_register_state: @r spilled to @slot's low @size bytes; its other bytes
 * that held a spill hold some value now. */
static void spill(struct vstate *st, int slot, const struct vreg *r, int size)
{
	uint8_t *b = &st->stack[slot * 8];
	st->spill[slot] = *r;
	if (size < 8 && r->umax >> (size * 8)) /* a narrowing spill is no copy */
		st->spill[slot].id = 0;
	for (int k = 0; k < 8; k++) {
		if (k < size)
			b[k] = VS_SPILL;
		else if (b[k] == VS_SPILL)
			b[k] = VS_MISC;
	}
}

/* A store of @size bytes at frame offset @off: of register @r (NULL: of the constant @imm,
 * BPF_ST). Linux's check_stack_write_fixed_off with CAP_BPF. */
static int stack_write(struct vwalk_ctx *vc, struct vstate *st, int off, int size,
		       const struct vreg *r, int32_t imm)
{
	int idx = off + BPF_STACK_BYTES, slot = idx / 8;
	uint8_t *b = &st->stack[slot * 8];
	bool aligned = !(idx % 8);
	if (r && aligned && r->type == VR_SCALAR) {
		spill(st, slot, r, size);
	} else if (!r && aligned) {
		struct vreg c;
		mark_scalar(&c, tnum_const((uint64_t)(int64_t)imm));
		spill(st, slot, &c, size);
	} else if (r && is_ptr(r)) {
		if (size != 8) {
			LOG("invalid size of register spill\n");
			return -EACCES;
		}
		spill(st, slot, r, 8);
	} else {
		if (b[0] == VS_SPILL) /* the spill is gone: its bytes are just bytes */
			for (int k = 0; k < 8; k++)
				if (b[k] != VS_INVALID)
					b[k] = VS_MISC;
		memset(&st->spill[slot], 0, sizeof(st->spill[slot]));
		bool zero = r ? is_zero(r) : imm == 0;
		memset(&st->stack[idx], zero ? VS_ZERO : VS_MISC, size);
	}
	return 0;
}

/* A load of @size bytes at frame offset @off into *@dst (Linux's
 * check_stack_read_fixed_off). 0 or -EACCES. */
static int stack_read(struct vwalk_ctx *vc, struct vstate *st, int off, int size, struct vreg *dst)
{
	int idx = off + BPF_STACK_BYTES, slot = idx / 8;
	const uint8_t *b = &st->stack[slot * 8];
	const struct vreg *sp = &st->spill[slot];
	int spill_size = 0;
	while (b[0] == VS_SPILL && spill_size < 8 && b[spill_size] == VS_SPILL)
		spill_size++;
	if (spill_size == 8 && size == 8) { /* a fill: the register as spilled */
		*dst = *sp;
		return 0;
	}
	if (spill_size && !(sp->type == VR_SCALAR)) {
		LOG("invalid size of register fill\n");
		return -EACCES;
	}
	if (spill_size && size <= spill_size && !(idx % 8)) { /* a narrow fill */
		*dst = *sp;
		coerce(dst, size);
		return 0;
	}
	int spilled = 0, zeros = 0;
	for (int k = 0; k < size; k++) {
		uint8_t t = st->stack[idx + k];
		spilled += t == VS_SPILL;
		zeros += t == VS_ZERO;
		if (t == VS_INVALID && !vc->r->allow_uninit_stack) {
			LOG("invalid read from stack off %d+%d size %d\n", off, k, size);
			return -EACCES;
		}
	}
	if (zeros == size || (spilled == size && is_zero(sp)))
		mark_scalar(dst, tnum_const(0));
	else
		mark_sized(dst, size);
	return 0;
}

int vmem_ldx(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in)
{
	int size = vinsn_size(in->code), off;
	int err = vreg_check(vc, st, in->src_reg, true, false);
	if (!err)
		err = vreg_check(vc, st, in->dst_reg, false, true);
	if (!err)
		err = mem_target(vc, st, in->src_reg, in->off, size, false, &off);
	if (err)
		return err;
	struct vreg val;
	if (st->r[in->src_reg].type == VR_CTX) {
		if ((err = ctx_access(vc, off, size, false)))
			return err;
		mark_sized(&val, size);
	} else if ((err = stack_read(vc, st, off, size, &val))) {
		return err;
	}
	st->r[in->dst_reg] = val;
	return 0;
}

int vmem_store(struct vwalk_ctx *vc, struct vstate *st, const struct bpf_insn *in)
{
	bool stx = BPF_CLASS(in->code) == BPF_STX;
	int size = vinsn_size(in->code), off;
	if (stx && BPF_MODE(in->code) == BPF_MEM && in->imm) {
		LOG("BPF_STX uses reserved fields\n");
		return -EINVAL;
	}
	if (!stx && in->src_reg) {
		LOG("BPF_ST uses reserved fields\n");
		return -EINVAL;
	}
	int err = stx ? vreg_check(vc, st, in->src_reg, true, false) : 0;
	if (!err)
		err = vreg_check(vc, st, in->dst_reg, true, false);
	if (err)
		return err;
	const struct vreg *d = &st->r[in->dst_reg];
	if (d->type == VR_CTX && (!stx || BPF_MODE(in->code) == BPF_ATOMIC)) {
		LOG("BPF_%s stores into R%d ctx is not allowed\n", stx ? "ATOMIC" : "ST",
		    in->dst_reg);
		return -EACCES;
	}
	if (stx && BPF_MODE(in->code) == BPF_ATOMIC) {
		LOG("cvisor: BPF_ATOMIC is not implemented\n");
		return -EINVAL;
	}
	if ((err = mem_target(vc, st, in->dst_reg, in->off, size, true, &off)))
		return err;
	if (d->type == VR_CTX)
		return ctx_access(vc, off, size, true);
	struct vreg val;
	if (stx)
		val = st->r[in->src_reg];
	return stack_write(vc, st, off, size, stx ? &val : NULL, in->imm);
}
