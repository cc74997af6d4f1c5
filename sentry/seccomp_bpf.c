/* sentry/seccomp_bpf.c - classic BPF for the app's seccomp filters: the validator (the
 * rules of Linux's bpf_check_classic and seccomp_check_filter, so a program the host
 * would refuse is refused with the same errno before any injection), the interpreter,
 * the translation into the stub's host program, strict mode's program, and the
 * reference-counted filter chain. Must not touch tasks, guest memory or the host. */
#include "sentry/seccomp_bpf.h"
#include <errno.h>
#include <linux/audit.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define BPF_MEMWORDS_MAX 16
#define ACTION_ONLY(v) ((int32_t)((v)&SECCOMP_RET_ACTION_FULL))

/* The opcodes a seccomp program may use: seccomp_check_filter's list plus the loads it
 * rewrites (a word of seccomp_data, the data's length). */
static bool is_allowed_code(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
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
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
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

/* One instruction's own constraints (bpf_check_classic's switch + seccomp's load rule). */
static int check_insn(const struct sock_filter *f, unsigned pc, unsigned len)
{
	switch (f->code) {
	case BPF_ALU | BPF_DIV | BPF_K:
		return f->k == 0 ? -EINVAL : 0;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		return f->k >= 32 ? -EINVAL : 0;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		return f->k >= BPF_MEMWORDS_MAX ? -EINVAL : 0;
	case BPF_JMP | BPF_JA:
		return f->k >= len - pc - 1 ? -EINVAL : 0;
	case BPF_LD | BPF_W | BPF_ABS:
		return f->k >= sizeof(struct seccomp_data) || (f->k & 3) ? -EINVAL : 0;
	}
	if (is_cond_jump(f->code) && (pc + f->jt + 1 >= len || pc + f->jf + 1 >= len))
		return -EINVAL;
	return 0;
}

/* Linux's check_load_and_stores: a scratch slot is read only after a store on every
 * path to the read (jumps only go forward, so one pass with per-target masks suffices). */
static int check_mem_init(const struct sock_filter *prog, unsigned len)
{
	uint16_t *masks = malloc(len * sizeof(*masks));
	uint16_t valid = 0;
	int r = 0;

	if (!masks)
		return -ENOMEM;
	memset(masks, 0xff, len * sizeof(*masks));
	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		valid &= masks[pc];
		switch (f->code) {
		case BPF_ST:
		case BPF_STX:
			valid |= 1u << f->k;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << f->k))) {
				r = -EINVAL;
				goto out;
			}
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f->k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (is_cond_jump(f->code)) {
				masks[pc + 1 + f->jt] &= valid;
				masks[pc + 1 + f->jf] &= valid;
				valid = 0xffff;
			}
		}
	}
out:
	free(masks);
	return r;
}

int seccomp_bpf_check(const struct sock_filter *prog, unsigned len)
{
	if (len == 0 || len > SECCOMP_BPF_MAXINSNS)
		return -EINVAL;
	for (unsigned pc = 0; pc < len; pc++) {
		if (!is_allowed_code(prog[pc].code))
			return -EINVAL;
		if (check_insn(&prog[pc], pc, len) < 0)
			return -EINVAL;
	}
	if (BPF_CLASS(prog[len - 1].code) != BPF_RET)
		return -EINVAL;
	return check_mem_init(prog, len);
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v, bool *div0)
{
	switch (op) {
	case BPF_ADD:
		return a + v;
	case BPF_SUB:
		return a - v;
	case BPF_MUL:
		return a * v;
	case BPF_DIV:
		if (!v) {
			*div0 = true; /* classic BPF: the program returns 0 */
			return 0;
		}
		return a / v;
	case BPF_AND:
		return a & v;
	case BPF_OR:
		return a | v;
	case BPF_XOR:
		return a ^ v;
	case BPF_LSH:
		return a << (v & 31);
	case BPF_RSH:
		return a >> (v & 31);
	case BPF_NEG:
		return -a;
	}
	return a;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ:
		return a == v;
	case BPF_JGT:
		return a > v;
	case BPF_JGE:
		return a >= v;
	case BPF_JSET:
		return (a & v) != 0;
	}
	return false;
}

uint32_t seccomp_bpf_run(const struct sock_filter *prog, unsigned len,
			 const struct seccomp_data *data)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS_MAX] = {0};
	const unsigned char *d = (const unsigned char *)data;

	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint32_t v = BPF_SRC(f->code) == BPF_X ? x : f->k;
		bool div0 = false;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (BPF_MODE(f->code) == BPF_ABS)
				memcpy(&a, d + f->k, sizeof(a));
			else if (BPF_MODE(f->code) == BPF_LEN)
				a = sizeof(*data);
			else if (BPF_MODE(f->code) == BPF_MEM)
				a = mem[f->k];
			else
				a = f->k;
			break;
		case BPF_LDX:
			if (BPF_MODE(f->code) == BPF_LEN)
				x = sizeof(*data);
			else if (BPF_MODE(f->code) == BPF_MEM)
				x = mem[f->k];
			else
				x = f->k;
			break;
		case BPF_ST:
			mem[f->k] = a;
			break;
		case BPF_STX:
			mem[f->k] = x;
			break;
		case BPF_ALU:
			a = alu(BPF_OP(f->code), a, v, &div0);
			if (div0)
				return 0;
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA)
				pc += f->k;
			else
				pc += jump_taken(BPF_OP(f->code), a, v) ? f->jt : f->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	return SECCOMP_RET_KILL_PROCESS; /* unreachable for a validated program */
}

bool seccomp_action_stricter(uint32_t a, uint32_t b)
{
	return ACTION_ONLY(a) < ACTION_ONLY(b);
}

#define EPILOGUE_LEN 6
#define LD_ABS(off) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JUMP(op, k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (jt), (jf)))
#define RET(k) ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k)))
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

#define ARG_HI(i) (ARG_LO(i) + 4)
#define IP_LO offsetof(struct seccomp_data, instruction_pointer)
#define IP_HI (IP_LO + 4)

/* Instructions of one stub runtime call's check (put_rt_call). */
static unsigned rt_call_len(const struct plat_rt_call *c)
{
	return 7 + 5 * (unsigned)c->ncond;
}

static unsigned rt_calls_len(const struct seccomp_bpf_host *h)
{
	unsigned n = 0;
	for (unsigned i = 0; i < h->n_rt_calls; i++)
		n += rt_call_len(&h->rt_calls[i]);
	return n;
}

/* Instructions before the arch check: the Sentry's own sites (put_prefix). */
static unsigned head_len(const struct seccomp_bpf_host *h)
{
	return 5 + (h->retrace_ip ? 2 + h->n_retrace_judged : 0);
}

static unsigned prefix_len(const struct seccomp_bpf_host *h)
{
	return head_len(h) + 7 + rt_calls_len(h) + h->n_native + 2;
}

/* One stub runtime call at @o, entered and left with A = nr: ALLOW when the site, the
 * number and every condition match, else on to the next instruction after it. */
static void put_rt_call(struct sock_filter *o, const struct plat_rt_call *c)
{
	const unsigned len = rt_call_len(c), reload = len - 1;
	unsigned i = 0;

	o[i] = JUMP(BPF_JEQ, (uint32_t)c->nr, 0, len - i - 1), i++;
	o[i++] = LD_ABS(IP_HI);
	o[i] = JUMP(BPF_JEQ, (uint32_t)(c->ip >> 32), 0, reload - i - 1), i++;
	o[i++] = LD_ABS(IP_LO);
	o[i] = JUMP(BPF_JEQ, (uint32_t)c->ip, 0, reload - i - 1), i++;
	for (int k = 0; k < c->ncond; k++) {
		int a = c->cond[k].arg;
		o[i++] = LD_ABS(ARG_HI(a));
		o[i] = JUMP(BPF_JEQ, (uint32_t)(c->cond[k].lo >> 32), 0, reload - i - 1), i++;
		o[i++] = LD_ABS(ARG_LO(a));
		o[i] = JUMP(BPF_JGE, (uint32_t)c->cond[k].lo, 0, reload - i - 1), i++;
		o[i] = JUMP(BPF_JGE, (uint32_t)c->cond[k].hi, reload - i - 1, 0), i++;
	}
	o[i++] = RET(SECCOMP_RET_ALLOW);
	o[i++] = LD_ABS(offsetof(struct seccomp_data, nr)); /* reload */
}

/* The prefix (see seccomp_bpf_translate). It ends with A = 0, as an app program expects
 * at its first instruction; the app's program starts right after it. */
static void put_prefix(struct sock_filter *o, const struct seccomp_bpf_host *h)
{
	const unsigned head = head_len(h), rt = rt_calls_len(h), n = h->n_native;
	const unsigned tr = head + 7 + rt + n, app = tr + 1, trace_at = head - 1;
	const uint32_t trace = SECCOMP_RET_TRACE | h->trace_data;
	unsigned i = 0;

	/* the gadget (and the retrace site, but for its calls the app's own) answer TRACE */
	o[i++] = LD_ABS(IP_HI);
	o[i] = JUMP(BPF_JEQ, (uint32_t)(h->gadget_ip >> 32), 0, head - i - 1), i++;
	o[i++] = LD_ABS(IP_LO);
	if (h->retrace_ip) {
		o[i] = JUMP(BPF_JEQ, (uint32_t)h->gadget_ip, trace_at - i - 1, 0), i++;
		o[i] = JUMP(BPF_JEQ, (uint32_t)h->retrace_ip, 0, head - i - 1), i++;
		o[i++] = LD_ABS(offsetof(struct seccomp_data, nr));
		for (unsigned k = 0; k < h->n_retrace_judged; k++, i++)
			o[i] = JUMP(BPF_JEQ, h->retrace_judged[k], head - i - 1, 0);
	} else {
		o[i] = JUMP(BPF_JEQ, (uint32_t)h->gadget_ip, 0, head - i - 1), i++;
	}
	o[i++] = RET(trace); /* trace_at */
	o[i++] = LD_ABS(offsetof(struct seccomp_data, arch));
	o[i] = JUMP(BPF_JEQ, AUDIT_ARCH_X86_64, 0, app - i - 1), i++; /* other ABIs: never stop */
	o[i++] = LD_ABS(offsetof(struct seccomp_data, nr));
	o[i] = JUMP(BPF_JGE, 0x40000000, app - i - 1, 0), i++; /* x32: never stops */
	for (unsigned k = 0; k < h->n_rt_calls; k++) {
		put_rt_call(o + i, &h->rt_calls[k]);
		i += rt_call_len(&h->rt_calls[k]);
	}
	o[i] = JUMP(BPF_JEQ, (uint32_t)h->mmap_nr, 0, 2), i++;
	o[i++] = LD_ABS(ARG_LO(3));
	o[i] = JUMP(BPF_JSET, MAP_ANONYMOUS, app - i - 1, tr - i - 1), i++;
	for (unsigned k = 0; k < n; k++, i++)
		o[i] = JUMP(BPF_JEQ, h->native_nrs[k], app - i - 1, 0);
	o[tr] = RET(trace);
	o[app] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, 0);
}

static bool is_trace(uint32_t v)
{
	return (v & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE;
}

int seccomp_bpf_translate(const struct sock_filter *prog, unsigned len,
			  const struct seccomp_bpf_host *h, struct sock_filter **out,
			  unsigned *out_len)
{
	bool ret_a = false;
	unsigned n, epi, pre;
	struct sock_filter *o;

	if (h->n_native > SECCOMP_BPF_MAX_NATIVE || h->n_rt_calls > SECCOMP_BPF_MAX_RT_CALLS ||
	    h->n_retrace_judged > SECCOMP_BPF_MAX_RT_CALLS ||
	    (h->retrace_ip && h->retrace_ip >> 32 != h->gadget_ip >> 32))
		return -EINVAL;
	for (unsigned i = 0; i < h->n_rt_calls; i++)
		if (h->rt_calls[i].ncond < 0 || h->rt_calls[i].ncond > 2)
			return -EINVAL;
	pre = prefix_len(h);
	for (unsigned pc = 0; pc < len; pc++)
		if (prog[pc].code == (BPF_RET | BPF_A))
			ret_a = true;
	n = pre + len + (ret_a ? EPILOGUE_LEN : 0);
	if (n > SECCOMP_BPF_MAXINSNS)
		return -EINVAL;
	o = malloc(n * sizeof(*o));
	if (!o)
		return -ENOMEM;
	put_prefix(o, h);
	epi = pre + len;
	for (unsigned pc = 0; pc < len; pc++) {
		struct sock_filter f = prog[pc];
		unsigned at = pre + pc;
		if (f.code == (BPF_RET | BPF_K) && is_trace(f.k))
			f = RET(SECCOMP_RET_ERRNO | ENOSYS);
		else if (f.code == (BPF_RET | BPF_A))
			f = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, epi - at - 1);
		o[at] = f;
	}
	if (ret_a) {
		/* X is free at a RET: keep the verdict there while A is masked. */
		o[epi + 0] = (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TAX, 0);
		o[epi + 1] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
							  SECCOMP_RET_ACTION_FULL);
		o[epi + 2] = JUMP(BPF_JEQ, SECCOMP_RET_TRACE, 0, 1);
		o[epi + 3] = RET(SECCOMP_RET_ERRNO | ENOSYS);
		o[epi + 4] = (struct sock_filter)BPF_STMT(BPF_MISC | BPF_TXA, 0);
		o[epi + 5] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
	}
	*out = o;
	*out_len = n;
	return 0;
}

bool seccomp_strict_allows(int nr)
{
	return nr == SYS_read || nr == SYS_write || nr == SYS_exit || nr == SYS_rt_sigreturn;
}

int seccomp_bpf_strict_program(const struct seccomp_bpf_host *h, struct sock_filter **out,
			       unsigned *out_len)
{
	static const struct sock_filter strict[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 5),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_read, 4, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 3, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit, 2, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rt_sigreturn, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	return seccomp_bpf_translate(strict, sizeof(strict) / sizeof(strict[0]), h, out, out_len);
}

/* ---- the filter chain ---- */

struct seccomp_filter *seccomp_filter_new(struct seccomp_filter *prev,
					  const struct sock_filter *prog, unsigned len, bool log)
{
	struct seccomp_filter *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->prog = malloc(len * sizeof(*prog));
	if (!f->prog) {
		free(f);
		return NULL;
	}
	memcpy(f->prog, prog, len * sizeof(*prog));
	f->len = len;
	f->log = log;
	f->refs = 1;
	f->prev = seccomp_filter_get(prev);
	return f;
}

struct seccomp_filter *seccomp_filter_get(struct seccomp_filter *f)
{
	if (f)
		f->refs++;
	return f;
}

void seccomp_filter_put(struct seccomp_filter *f)
{
	while (f && --f->refs == 0) {
		struct seccomp_filter *prev = f->prev;
		free(f->prog);
		free(f);
		f = prev;
	}
}

int seccomp_filter_count(const struct seccomp_filter *f)
{
	int n = 0;
	for (; f; f = f->prev)
		n++;
	return n;
}

unsigned seccomp_filter_path_insns(const struct seccomp_filter *f)
{
	unsigned n = 0;
	for (; f; f = f->prev)
		n += f->len + 4;
	return n;
}

bool seccomp_filter_is_ancestor(const struct seccomp_filter *anc, const struct seccomp_filter *f)
{
	if (!anc)
		return true;
	for (; f; f = f->prev)
		if (f == anc)
			return true;
	return false;
}

uint32_t seccomp_filter_chain_run(const struct seccomp_filter *f, const struct seccomp_data *data)
{
	uint32_t ret = SECCOMP_RET_ALLOW;
	for (; f; f = f->prev) {
		uint32_t cur = seccomp_bpf_run(f->prog, f->len, data);
		if (seccomp_action_stricter(cur, ret))
			ret = cur;
	}
	return ret;
}
