/* sentry/bpf/bpf_interp.c - the eBPF interpreter (bpf_interp.h): Linux's semantics of
 * every insn the verifier admits (ALU/ALU64 with division by zero giving 0 and modulo
 * by zero keeping the dividend, shifts masked to the width, byte swaps, JMP/JMP32,
 * loads and stores of 1/2/4/8 bytes, BPF_LD_IMM64). Every access is checked against the
 * context and the stack, and the run is bounded (1M steps), so even an unverified program
 * cannot touch the Sentry's memory or hang it.
 *
 * Owns nothing; pure. */
#include <stdbool.h>
#include <string.h>
#include "sentry/bpf/bpf_interp.h"

/* A verified program's longest run is a path the verifier walked: at most its limit of
 * insns processed (bpf_verifier.h). */
#define BPF_INTERP_MAX_STEPS 1000000

struct vm {
	uint64_t r[MAX_BPF_REG];
	uint8_t stack[512] __attribute__((aligned(8)));
	const uint8_t *ctx;
	size_t ctx_size;
};

/* The Sentry address @addr covers for @size bytes: inside the stack, or inside the
 * context when !@write. NULL otherwise. */
static uint8_t *vm_mem(struct vm *vm, uint64_t addr, int size, bool write)
{
	uintptr_t s = (uintptr_t)vm->stack, c = (uintptr_t)vm->ctx;
	if (addr >= s && addr <= s + sizeof(vm->stack) - (uint64_t)size)
		return vm->stack + (addr - s);
	if (!write && vm->ctx && addr >= c && vm->ctx_size >= (uint64_t)size &&
	    addr <= c + vm->ctx_size - (uint64_t)size)
		return (uint8_t *)(uintptr_t)addr;
	return NULL;
}

static int insn_size(uint8_t code)
{
	static const int sizes[4] = {4, 2, 1, 8}; /* BPF_W, BPF_H, BPF_B, BPF_DW */
	return sizes[BPF_SIZE(code) >> 3];
}

static uint64_t load(const uint8_t *p, int size)
{
	uint8_t b;
	uint16_t h;
	uint32_t w;
	uint64_t d;
	switch (size) {
	case 1:
		memcpy(&b, p, 1);
		return b;
	case 2:
		memcpy(&h, p, 2);
		return h;
	case 4:
		memcpy(&w, p, 4);
		return w;
	}
	memcpy(&d, p, 8);
	return d;
}

static void store(uint8_t *p, int size, uint64_t v)
{
	uint8_t b = (uint8_t)v;
	uint16_t h = (uint16_t)v;
	uint32_t w = (uint32_t)v;
	switch (size) {
	case 1:
		memcpy(p, &b, 1);
		break;
	case 2:
		memcpy(p, &h, 2);
		break;
	case 4:
		memcpy(p, &w, 4);
		break;
	default:
		memcpy(p, &v, 8);
	}
}

/* One ALU op; @is64 false: 32-bit operands, zero-extended result. */
static uint64_t alu(uint8_t op, uint64_t a, uint64_t b, bool is64, int imm, bool src_x, bool *bad)
{
	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	unsigned mask = is64 ? 63 : 31;
	uint64_t r;
	switch (op) {
	case BPF_ADD:
		r = a + b;
		break;
	case BPF_SUB:
		r = a - b;
		break;
	case BPF_MUL:
		r = a * b;
		break;
	case BPF_DIV:
		r = b ? a / b : 0;
		break;
	case BPF_MOD:
		r = b ? a % b : a;
		break;
	case BPF_OR:
		r = a | b;
		break;
	case BPF_AND:
		r = a & b;
		break;
	case BPF_XOR:
		r = a ^ b;
		break;
	case BPF_LSH:
		r = a << (b & mask);
		break;
	case BPF_RSH:
		r = a >> (b & mask);
		break;
	case BPF_ARSH:
		r = is64 ? (uint64_t)((int64_t)a >> (b & mask))
			 : (uint32_t)((int32_t)(uint32_t)a >> (b & mask));
		break;
	case BPF_NEG:
		r = -a;
		break;
	case BPF_MOV:
		r = b;
		break;
	case BPF_END:
		if (src_x) /* BPF_TO_BE on a little-endian machine */
			r = imm == 16	? __builtin_bswap16((uint16_t)a)
			    : imm == 32 ? __builtin_bswap32((uint32_t)a)
					: __builtin_bswap64(a);
		else
			r = imm == 16 ? (uint16_t)a : imm == 32 ? (uint32_t)a : a;
		return r;
	default:
		*bad = true;
		return 0;
	}
	return is64 ? r : (uint32_t)r;
}

static bool cond(uint8_t op, uint64_t a, uint64_t b, bool is32, bool *bad)
{
	if (is32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	int64_t sa = is32 ? (int32_t)a : (int64_t)a, sb = is32 ? (int32_t)b : (int64_t)b;
	switch (op) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JLT:
		return a < b;
	case BPF_JLE:
		return a <= b;
	case BPF_JSET:
		return a & b;
	case BPF_JSGT:
		return sa > sb;
	case BPF_JSGE:
		return sa >= sb;
	case BPF_JSLT:
		return sa < sb;
	case BPF_JSLE:
		return sa <= sb;
	}
	*bad = true;
	return false;
}

uint64_t bpf_interp_run(const struct bpf_insn *insns, uint32_t cnt, const void *ctx,
			size_t ctx_size, int *fault)
{
	struct vm vm;
	memset(&vm, 0, sizeof(vm));
	vm.ctx = ctx;
	vm.ctx_size = ctx_size;
	vm.r[1] = (uintptr_t)ctx;
	vm.r[10] = (uintptr_t)(vm.stack + sizeof(vm.stack));
	bool bad = false;
	uint64_t steps = 0;
	for (uint64_t pc = 0; pc < cnt && !bad && steps++ <= BPF_INTERP_MAX_STEPS;) {
		const struct bpf_insn *in = &insns[pc];
		uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		bool x = BPF_SRC(in->code) == BPF_X; /* for ALU and JMP classes */
		if (in->dst_reg >= MAX_BPF_REG || in->src_reg >= MAX_BPF_REG)
			break;
		uint64_t *d = &vm.r[in->dst_reg], s = x ? vm.r[in->src_reg] : 0;
		switch (cls) {
		case BPF_ALU:
		case BPF_ALU64: {
			bool is64 = cls == BPF_ALU64;
			if (!x)
				s = is64 ? (uint64_t)(int64_t)in->imm : (uint32_t)in->imm;
			*d = alu(op, *d, s, is64, in->imm, x, &bad);
			pc++;
			break;
		}
		case BPF_LDX: {
			uint64_t from = vm.r[in->src_reg] + (uint64_t)(int64_t)in->off;
			const uint8_t *p = vm_mem(&vm, from, insn_size(in->code), false);
			if (!p)
				goto fault;
			*d = load(p, insn_size(in->code));
			pc++;
			break;
		}
		case BPF_ST:
		case BPF_STX: {
			if (BPF_MODE(in->code) != BPF_MEM)
				goto fault;
			uint64_t to = *d + (uint64_t)(int64_t)in->off;
			uint8_t *p = vm_mem(&vm, to, insn_size(in->code), true);
			if (!p)
				goto fault;
			store(p, insn_size(in->code),
			      cls == BPF_ST ? (uint64_t)(int64_t)in->imm : vm.r[in->src_reg]);
			pc++;
			break;
		}
		case BPF_LD:
			if (in->code != (BPF_LD | BPF_IMM | BPF_DW) || pc + 1 >= cnt)
				goto fault;
			*d = (uint32_t)in->imm | (uint64_t)(uint32_t)in[1].imm << 32;
			pc += 2;
			break;
		case BPF_JMP:
		case BPF_JMP32:
			if (cls == BPF_JMP && op == BPF_EXIT) {
				if (fault)
					*fault = 0;
				return vm.r[0];
			}
			if (cls == BPF_JMP && op == BPF_JA) {
				pc += (int64_t)in->off + 1;
				break;
			}
			if (op == BPF_CALL)
				goto fault;
			if (!x)
				s = cls == BPF_JMP32 ? (uint32_t)in->imm
						     : (uint64_t)(int64_t)in->imm;
			pc += cond(op, *d, s, cls == BPF_JMP32, &bad) ? (int64_t)in->off + 1 : 1;
			break;
		default:
			goto fault;
		}
	}
fault:
	if (fault)
		*fault = 1;
	return 0;
}
