/* sentry/bpf/bpf_tnum.c - tracked-number arithmetic for the eBPF verifier (bpf_tnum.h).
 * Pure functions; owns nothing. */
#include "sentry/bpf/bpf_tnum.h"

struct tnum tnum_range(uint64_t min, uint64_t max)
{
	uint64_t chi = min ^ max;
	unsigned bits = chi ? 64 - (unsigned)__builtin_clzll(chi) : 0;
	if (bits > 63)
		return tnum_unknown();
	uint64_t delta = (1ULL << bits) - 1;
	return (struct tnum){min & ~delta, delta};
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
	uint64_t sm = a.mask + b.mask, sv = a.value + b.value;
	uint64_t chi = (sm + sv) ^ sv;
	uint64_t mu = chi | a.mask | b.mask;
	return (struct tnum){sv & ~mu, mu};
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
	uint64_t dv = a.value - b.value;
	uint64_t chi = (dv + a.mask) ^ (dv - b.mask);
	uint64_t mu = chi | a.mask | b.mask;
	return (struct tnum){dv & ~mu, mu};
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.value | a.mask, beta = b.value | b.mask;
	uint64_t v = a.value & b.value;
	return (struct tnum){v, alpha & beta & ~v};
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask | b.mask;
	return (struct tnum){v, mu & ~v};
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.value ^ b.value, mu = a.mask | b.mask;
	return (struct tnum){v & ~mu, mu};
}

/* Long multiplication: each known-one bit of @a adds @b's unknown bits, each unknown bit
 * of @a adds all of @b's possibly-set bits. */
struct tnum tnum_mul(struct tnum a, struct tnum b)
{
	uint64_t acc_v = a.value * b.value;
	struct tnum acc_m = tnum_const(0);
	while (a.value || a.mask) {
		if (a.value & 1)
			acc_m = tnum_add(acc_m, (struct tnum){0, b.mask});
		else if (a.mask & 1)
			acc_m = tnum_add(acc_m, (struct tnum){0, b.value | b.mask});
		a = tnum_rshift(a, 1);
		b = tnum_lshift(b, 1);
	}
	return tnum_add(tnum_const(acc_v), acc_m);
}

struct tnum tnum_lshift(struct tnum a, unsigned shift)
{
	return (struct tnum){a.value << shift, a.mask << shift};
}

struct tnum tnum_rshift(struct tnum a, unsigned shift)
{
	return (struct tnum){a.value >> shift, a.mask >> shift};
}

struct tnum tnum_arshift(struct tnum a, unsigned shift, unsigned bits)
{
	if (bits == 32)
		return tnum_cast32((struct tnum){(uint64_t)(int64_t)((int32_t)a.value >> shift),
						 (uint64_t)(int64_t)((int32_t)a.mask >> shift)});
	return (struct tnum){(uint64_t)((int64_t)a.value >> shift),
			     (uint64_t)((int64_t)a.mask >> shift)};
}

struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask & b.mask;
	return (struct tnum){v & ~mu, mu};
}

struct tnum tnum_cast32(struct tnum a)
{
	return (struct tnum){a.value & 0xffffffffULL, a.mask & 0xffffffffULL};
}

bool tnum_in(struct tnum range, struct tnum a)
{
	if (a.mask & ~range.mask)
		return false;
	return range.value == (a.value & ~range.mask);
}
