/* netstack/packet_bpf.c - classic BPF socket filters (SO_ATTACH_FILTER) for AF_PACKET
 * sockets: Linux's checker (bpf_check_classic, check_load_and_stores) and an
 * interpreter with its semantics (a load past the end, or a division by a zero X,
 * ends the program with 0: drop; SKF_NET_OFF/SKF_LL_OFF offsets; the ancillary loads a
 * netstack without VLANs, marks or queues can answer).
 *
 * Owns: struct net_bpf. Must not: loop (classic BPF jumps only forward) or read outside
 * the data it is given: every program is checked before it is stored. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "netstack/packet.h"

static bool code_allowed(uint16_t code)
{
	switch (code) {
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_LDX | BPF_IMM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	default:
		return false;
	}
}

static bool is_cond_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/* The ancillary loads answered here (bpf_anc_helper's list minus netlink attributes and
 * the payload offset, which a packet socket's filter has no use for). */
static bool anc_known(uint32_t k)
{
	switch (k - (uint32_t)SKF_AD_OFF) {
	case SKF_AD_PROTOCOL:
	case SKF_AD_PKTTYPE:
	case SKF_AD_IFINDEX:
	case SKF_AD_MARK:
	case SKF_AD_QUEUE:
	case SKF_AD_HATYPE:
	case SKF_AD_RXHASH:
	case SKF_AD_CPU:
	case SKF_AD_ALU_XOR_X:
	case SKF_AD_VLAN_TAG:
	case SKF_AD_VLAN_TAG_PRESENT:
	case SKF_AD_RANDOM:
	case SKF_AD_VLAN_TPID:
		return true;
	default:
		return false;
	}
}

/* check_load_and_stores: every M[k] read is written first on every path. */
static int check_mem(const struct sock_filter *f, int len)
{
	uint16_t *masks = malloc((size_t)len * sizeof(*masks)), valid = 0;
	int err = 0;
	if (!masks)
		return -ENOMEM;
	memset(masks, 0xff, (size_t)len * sizeof(*masks));
	for (int pc = 0; pc < len && !err; pc++) {
		valid &= masks[pc];
		switch (f[pc].code) {
		case BPF_ST:
		case BPF_STX:
			valid |= (uint16_t)(1u << f[pc].k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << f[pc].k)))
				err = -EINVAL;
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f[pc].k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (is_cond_jump(f[pc].code)) {
				masks[pc + 1 + f[pc].jt] &= valid;
				masks[pc + 1 + f[pc].jf] &= valid;
				valid = 0xffff;
			}
		}
	}
	free(masks);
	return err;
}

/* bpf_check_classic */
static int bpf_check(const struct sock_filter *f, int len)
{
	if (!f || len <= 0 || len > BPF_MAXINSNS)
		return -EINVAL;
	for (int pc = 0; pc < len; pc++) {
		const struct sock_filter *t = &f[pc];
		if (!code_allowed(t->code))
			return -EINVAL;
		switch (t->code) {
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_MOD | BPF_K:
			if (t->k == 0)
				return -EINVAL;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (t->k >= 32)
				return -EINVAL;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (t->k >= BPF_MEMWORDS)
				return -EINVAL;
			break;
		case BPF_JMP | BPF_JA:
			if (t->k >= (uint32_t)(len - pc - 1))
				return -EINVAL;
			break;
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
			if (t->k >= (uint32_t)SKF_AD_OFF && !anc_known(t->k))
				return -EINVAL;
			break;
		default:
			if (is_cond_jump(t->code) &&
			    (pc + t->jt + 1 >= len || pc + t->jf + 1 >= len))
				return -EINVAL;
		}
	}
	uint16_t last = f[len - 1].code;
	if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
		return -EINVAL;
	return check_mem(f, len);
}

struct net_bpf *net_bpf_new(const struct sock_filter *insns, int len, int *err)
{
	*err = bpf_check(insns, len);
	if (*err)
		return NULL;
	struct net_bpf *p = malloc(sizeof(*p) + (size_t)len * sizeof(struct sock_filter));
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	p->len = len;
	memcpy(p->insns, insns, (size_t)len * sizeof(struct sock_filter));
	return p;
}

/* load_pointer: @size bytes at offset @k (negative: SKF_NET_OFF / SKF_LL_OFF relative);
 * false when outside the data. */
static bool load(const struct net_bpf_ctx *c, int64_t k, int size, uint32_t *out)
{
	int64_t off = (int64_t)c->start + k;
	if (k < 0) {
		if (k >= SKF_NET_OFF && c->net_off >= 0)
			off = c->net_off + (k - SKF_NET_OFF);
		else if (k >= SKF_LL_OFF && k < SKF_NET_OFF && c->mac_off >= 0)
			off = c->mac_off + (k - SKF_LL_OFF);
		else
			return false;
	}
	if (off < 0 || off + size > (int64_t)c->len)
		return false;
	const uint8_t *p = c->data + off;
	*out = size == 4 ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	       : size == 2 ? (uint32_t)(p[0] << 8 | p[1])
			   : p[0];
	return true;
}

static uint32_t anc_load(const struct net_bpf_ctx *c, uint32_t k, uint32_t a, uint32_t x)
{
	uint32_t r = 0;
	switch (k - (uint32_t)SKF_AD_OFF) {
	case SKF_AD_PROTOCOL:
		return c->protocol;
	case SKF_AD_PKTTYPE:
		return c->pkttype;
	case SKF_AD_IFINDEX:
		return c->ifindex;
	case SKF_AD_HATYPE:
		return c->hatype;
	case SKF_AD_ALU_XOR_X:
		return a ^ x;
	case SKF_AD_RANDOM:
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint32_t)rand();
		return r;
	default:
		return 0; /* no marks, queues, hashes or VLAN tags here */
	}
}

static int size_of(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

uint32_t net_bpf_run(const struct net_bpf *prog, const struct net_bpf_ctx *c)
{
	uint32_t a = 0, x = 0, m[BPF_MEMWORDS] = {0};
	for (int pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->insns[pc];
		uint32_t v = BPF_SRC(f->code) == BPF_X ? x : f->k;
		switch (BPF_CLASS(f->code)) {
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: a += v; break;
			case BPF_SUB: a -= v; break;
			case BPF_MUL: a *= v; break;
			case BPF_DIV:
				if (!v)
					return 0;
				a /= v;
				break;
			case BPF_MOD:
				if (!v)
					return 0;
				a %= v;
				break;
			case BPF_AND: a &= v; break;
			case BPF_OR: a |= v; break;
			case BPF_XOR: a ^= v; break;
			case BPF_LSH: a <<= (v & 31); break;
			case BPF_RSH: a >>= (v & 31); break;
			case BPF_NEG: a = (uint32_t)-(int32_t)a; break;
			}
			break;
		case BPF_LD:
			switch (BPF_MODE(f->code)) {
			case BPF_ABS:
				if (f->k >= (uint32_t)SKF_AD_OFF) {
					a = anc_load(c, f->k, a, x);
					break;
				}
				if (!load(c, (int32_t)f->k, size_of(f->code), &a))
					return 0;
				break;
			case BPF_IND:
				if (!load(c, (int32_t)(x + f->k), size_of(f->code), &a))
					return 0;
				break;
			case BPF_LEN: a = (uint32_t)(c->len - c->start); break;
			case BPF_IMM: a = f->k; break;
			case BPF_MEM: a = m[f->k]; break;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(f->code)) {
			case BPF_LEN: x = (uint32_t)(c->len - c->start); break;
			case BPF_IMM: x = f->k; break;
			case BPF_MEM: x = m[f->k]; break;
			case BPF_MSH: {
				uint32_t b;
				if (!load(c, (int32_t)f->k, 1, &b))
					return 0;
				x = (b & 0xf) << 2;
				break;
			}
			}
			break;
		case BPF_ST: m[f->k] = a; break;
		case BPF_STX: m[f->k] = x; break;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : f->k;
		case BPF_JMP:
			switch (BPF_OP(f->code)) {
			case BPF_JA: pc += (int)f->k; break;
			case BPF_JEQ: pc += a == v ? f->jt : f->jf; break;
			case BPF_JGT: pc += a > v ? f->jt : f->jf; break;
			case BPF_JGE: pc += a >= v ? f->jt : f->jf; break;
			case BPF_JSET: pc += (a & v) ? f->jt : f->jf; break;
			}
			break;
		}
	}
	return 0; /* unreachable for a checked program (it ends with a RET) */
}
