/* sentry/bpf/bpf_tnum.h - tracked numbers: what the eBPF verifier knows of a 64-bit value,
 * bit by bit (a bit of @mask set: unknown; else the bit of @value). The arithmetic is the
 * one Linux's verifier uses (kernel/bpf/tnum.c): each result holds every value the
 * operation can produce from values the operands hold. Pure functions. */
#ifndef CVISOR_SENTRY_BPF_TNUM_H
#define CVISOR_SENTRY_BPF_TNUM_H
#include <stdbool.h>
#include <stdint.h>

struct tnum {
	uint64_t value, mask;
};

static inline struct tnum tnum_const(uint64_t v)
{
	return (struct tnum){v, 0};
}
static inline struct tnum tnum_unknown(void)
{
	return (struct tnum){0, ~0ULL};
}
static inline bool tnum_is_const(struct tnum a)
{
	return !a.mask;
}
/* Smallest and largest unsigned value @a may hold. */
static inline uint64_t tnum_umin(struct tnum a)
{
	return a.value;
}
static inline uint64_t tnum_umax(struct tnum a)
{
	return a.value | a.mask;
}
/* Every value in [@min, @max] (and possibly more). */
struct tnum tnum_range(uint64_t min, uint64_t max);
struct tnum tnum_add(struct tnum a, struct tnum b);
struct tnum tnum_sub(struct tnum a, struct tnum b);
struct tnum tnum_and(struct tnum a, struct tnum b);
struct tnum tnum_or(struct tnum a, struct tnum b);
struct tnum tnum_xor(struct tnum a, struct tnum b);
struct tnum tnum_mul(struct tnum a, struct tnum b);
struct tnum tnum_lshift(struct tnum a, unsigned shift);
struct tnum tnum_rshift(struct tnum a, unsigned shift);
/* Arithmetic shift of the low @bits (32 or 64) bits of @a. */
struct tnum tnum_arshift(struct tnum a, unsigned shift, unsigned bits);
/* Values both @a and @b may hold. */
struct tnum tnum_intersect(struct tnum a, struct tnum b);
/* The low 32 bits, zero-extended. */
struct tnum tnum_cast32(struct tnum a);
/* Whether every value @a may hold is one @range may hold. */
bool tnum_in(struct tnum range, struct tnum a);

#endif
