/* sentry/bpf/bpf_verifier.c - the eBPF verifier (bpf_verifier.h): the structure checks
 * (opcodes, BPF_LD_IMM64 pairs, jump ranges, the control-flow graph) and the walk of every
 * path with Linux's register and stack rules. The arithmetic on what is known of scalars
 * is bpf_tnum.c's; the ALU, memory and branch rules are in bpf_verifier_insn.c.
 *
 * Owns the walk's states (freed before returning). Pure: no tasks, no guest memory. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sentry/bpf/bpf_verifier_internal.h"

void bpf_vlog_printf(struct bpf_vlog *log, const char *fmt, ...)
{
	if (!log || !log->level || !log->buf || log->size == 0)
		return;
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t want = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	size_t room = log->size - 1 - log->len;
	if (want > room) {
		want = room;
		log->truncated = true;
	}
	memcpy(log->buf + log->len, line, want);
	log->len += want;
	log->buf[log->len] = 0;
}

bool bpf_ctx_access_ok(uint32_t prog_type, int off, int size, bool write)
{
	/* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; } is read-only;
	 * access_type may be read in parts (Linux's cgroup_dev_is_valid_access). */
	if (prog_type != BPF_PROG_TYPE_CGROUP_DEVICE || write)
		return false;
	if (off < 0 || off + size > 12 || off % size)
		return false;
	if (off < 4)
		return size <= 4 && !(size & (size - 1));
	return size == 4;
}

/* ---- structure ---- */

static bool is_ldimm64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Linux's bpf_opcode_in_insntable: the opcodes its interpreter knows. */
static bool opcode_known(uint8_t code)
{
	uint8_t cls = BPF_CLASS(code), op = BPF_OP(code);
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_NEG)
			return BPF_SRC(code) == BPF_K;
		if (op == BPF_END)
			return cls == BPF_ALU;
		return op <= BPF_ARSH; /* ADD..ARSH (0x00-0xc0) */
	case BPF_JMP:
		if (op == BPF_JA || op == BPF_EXIT)
			return BPF_SRC(code) == BPF_K;
		if (op == BPF_CALL)
			return true; /* BPF_X: Linux's internal tail call; refused later */
		return op <= BPF_JSLE;
	case BPF_JMP32:
		return op != BPF_JA && op != BPF_CALL && op != BPF_EXIT && op <= BPF_JSLE;
	case BPF_LDX:
	case BPF_ST:
		return BPF_MODE(code) == BPF_MEM;
	case BPF_STX:
		return BPF_MODE(code) == BPF_MEM ||
		       (BPF_MODE(code) == BPF_ATOMIC &&
			(BPF_SIZE(code) == BPF_W || BPF_SIZE(code) == BPF_DW));
	case BPF_LD:
		if (BPF_MODE(code) == BPF_IMM)
			return BPF_SIZE(code) == BPF_DW;
		return (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND) &&
		       BPF_SIZE(code) != BPF_DW;
	}
	return false;
}

/* Linux's resolve_pseudo_ldimm64 and opcode check. */
static int check_opcodes(struct bpf_verify_req *r)
{
	const struct bpf_insn *p = r->insns;
	for (uint32_t i = 0; i < r->cnt; i++) {
		if (BPF_CLASS(p[i].code) == BPF_LDX &&
		    (BPF_MODE(p[i].code) != BPF_MEM || p[i].imm != 0)) {
			bpf_vlog_printf(r->log, "BPF_LDX uses reserved fields\n");
			return -EINVAL;
		}
		if (!is_ldimm64(&p[i])) {
			if (!opcode_known(p[i].code)) {
				bpf_vlog_printf(r->log, "unknown opcode %02x\n", p[i].code);
				return -EINVAL;
			}
			continue;
		}
		if (i == r->cnt - 1 || p[i + 1].code || p[i + 1].dst_reg || p[i + 1].src_reg ||
		    p[i + 1].off) {
			bpf_vlog_printf(r->log, "invalid bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		switch (p[i].src_reg) {
		case 0:
			break;
		case BPF_PSEUDO_MAP_FD:
		case BPF_PSEUDO_MAP_VALUE:
			if (!r->fd_is_open || !r->fd_is_open(r->fd_arg, p[i].imm)) {
				bpf_vlog_printf(r->log, "fd %d is not pointing to valid bpf_map\n",
						p[i].imm);
				return -EBADF;
			}
			bpf_vlog_printf(r->log, "fd %d is not pointing to valid bpf_map\n",
					p[i].imm);
			return -EINVAL;
		default:
			bpf_vlog_printf(r->log, "unrecognized bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		i++;
	}
	return 0;
}

/* Whether insn @i has a jump target (conditional, JA). */
static bool has_target(const struct bpf_insn *in)
{
	uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

/* Linux's check_subprogs: jump ranges and the last insn. */
static int check_jumps(struct bpf_verify_req *r)
{
	const struct bpf_insn *p = r->insns;
	for (uint32_t i = 0; i < r->cnt; i++) {
		if (is_ldimm64(&p[i])) {
			i++;
			continue;
		}
		if (!has_target(&p[i]))
			continue;
		int64_t to = (int64_t)i + p[i].off + 1;
		if (to < 0 || to >= r->cnt) {
			bpf_vlog_printf(r->log, "jump out of range from insn %u to %lld\n", i,
					(long long)to);
			return -EINVAL;
		}
	}
	uint8_t last = p[r->cnt - 1].code;
	if (last != (BPF_JMP | BPF_EXIT) && last != (BPF_JMP | BPF_JA)) {
		bpf_vlog_printf(r->log, "last insn is not an exit or jmp\n");
		return -EINVAL;
	}
	return 0;
}

/* Linux's check_cfg: a depth-first walk of the control-flow graph; an edge to an insn
 * still on the walk's stack is a loop (refused without CAP_BPF). Marks jump targets in
 * @target (state pruning). */
static int check_cfg(struct bpf_verify_req *r, uint8_t *target)
{
	const struct bpf_insn *p = r->insns;
	uint32_t n = r->cnt;
	uint8_t *color = calloc(n, 1); /* 0 unseen, 1 on the stack, 2 done */
	uint32_t *stack = malloc(sizeof(*stack) * n);
	uint8_t *half = calloc(n, 1); /* second halves of BPF_LD_IMM64 */
	int err = 0;
	if (!color || !stack || !half) {
		err = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i + 1 < n; i++)
		if (is_ldimm64(&p[i]))
			half[++i] = 1;
	uint32_t sp = 0;
	stack[sp++] = 0;
	color[0] = 1;
	while (sp) {
		uint32_t i = stack[sp - 1];
		const struct bpf_insn *in = &p[i];
		int64_t succ[2];
		int ns = 0;
		uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		if (is_ldimm64(in)) {
			succ[ns++] = i + 2;
		} else if ((cls == BPF_JMP || cls == BPF_JMP32) && op == BPF_EXIT) {
		} else if (cls == BPF_JMP && op == BPF_JA) {
			succ[ns++] = (int64_t)i + in->off + 1;
		} else if (has_target(in)) {
			succ[ns++] = i + 1;
			succ[ns++] = (int64_t)i + in->off + 1;
		} else {
			succ[ns++] = i + 1;
		}
		bool pushed = false;
		for (int k = 0; k < ns && !pushed; k++) {
			int64_t to = succ[k];
			if (to >= n) {
				bpf_vlog_printf(r->log, "jump out of range from insn %u to %lld\n",
						i, (long long)to);
				err = -EINVAL;
				goto out;
			}
			if (half[to]) {
				bpf_vlog_printf(r->log,
						"jump into the middle of ldimm64 insn %lld\n",
						(long long)to - 1);
				err = -EINVAL;
				goto out;
			}
			if (k == 1 || (ns == 1 && has_target(in)))
				target[to] = 1;
			if (color[to] == 1 && !r->allow_loops) {
				bpf_vlog_printf(r->log, "back-edge from insn %u to %lld\n", i,
						(long long)to);
				err = -EINVAL;
				goto out;
			}
			if (color[to] == 0) {
				color[to] = 1;
				stack[sp++] = (uint32_t)to;
				pushed = true;
			}
		}
		if (!pushed) {
			color[i] = 2;
			sp--;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!color[i] && !half[i]) {
			bpf_vlog_printf(r->log, "unreachable insn %u\n", i);
			err = -EINVAL;
			goto out;
		}
	}
out:
	free(color);
	free(stack);
	free(half);
	return err;
}

/* ---- the walk ---- */

/* States stored at jump targets (Linux's explored states). Each knows the state stored
 * before it on its path (@parent) and how many walks below it are unfinished
 * (@branches, Linux's branch counts): a walk reaching a stored state's insn in an
 * identical state stops there when that state is finished (what follows was verified),
 * and is an infinite loop when it is not (the walk came around to it). */
#define PRUNE_PER_INSN 8
#define PRUNE_TOTAL 4096

struct seen {
	struct seen *next;   /* at the same insn */
	struct seen *parent; /* the walk's previous stored state */
	unsigned branches;
	struct vstate st;
};

struct pending {
	uint32_t insn;
	struct seen *cp; /* the last state stored on its path */
	struct vstate st;
};

struct walk {
	struct bpf_verify_req *r;
	const uint8_t *target;
	struct seen **seen; /* per insn */
	uint8_t *nseen;
	unsigned total_seen;
	struct seen *cp;       /* the current walk's last stored state */
	uint32_t next_id;      /* scalar ids handed out */
	struct vstate scratch; /* prune's canonical state */
	struct pending *pend;  /* grows to BPF_VERIFY_MAX_PENDING */
	unsigned npend, cap;
};

uint32_t vwalk_new_id(struct vwalk_ctx *vc)
{
	return ++vc->walk->next_id;
}

/* @st with its scalar ids renumbered in order of appearance and the ids only one value
 * holds dropped (Linux compares states through an id map): the form states are stored
 * and compared in. */
static void canonical(const struct vstate *st, struct vstate *out)
{
	memcpy(out, st, sizeof(*out));
	struct vreg *v[MAX_BPF_REG + BPF_STACK_BYTES / 8];
	unsigned nv = 0;
	for (int k = 0; k < MAX_BPF_REG; k++)
		v[nv++] = &out->r[k];
	for (int k = 0; k < BPF_STACK_BYTES / 8; k++)
		if (out->stack[k * 8] == VS_SPILL)
			v[nv++] = &out->spill[k];
	uint32_t from[MAX_BPF_REG + BPF_STACK_BYTES / 8], count[MAX_BPF_REG + BPF_STACK_BYTES / 8];
	unsigned nid = 0;
	for (unsigned k = 0; k < nv; k++) {
		if (!v[k]->id)
			continue;
		unsigned j = 0;
		while (j < nid && from[j] != v[k]->id)
			j++;
		if (j == nid) {
			from[nid] = v[k]->id;
			count[nid++] = 0;
		}
		count[j]++;
		v[k]->id = j + 1;
	}
	for (unsigned k = 0; k < nv; k++)
		if (v[k]->id && count[v[k]->id - 1] < 2)
			v[k]->id = 0;
}

/* A walk ended (an exit, a prune, an impossible branch): its stored states may be
 * finished now (Linux's update_branch_counts). */
static void walk_finished(struct seen *cp)
{
	for (; cp; cp = cp->parent)
		if (--cp->branches)
			break;
}

/* At jump target @i in state @st: 1 when the walk may stop (an identical finished state),
 * -EINVAL when it came around a loop to an identical state, else 0 (@st is stored when
 * there is room). */
static int prune(struct walk *w, uint32_t i, const struct vstate *cur)
{
	if (!w->target[i])
		return 0;
	struct vstate *st = &w->scratch;
	canonical(cur, st);
	for (struct seen *s = w->seen[i]; s; s = s->next) {
		if (memcmp(&s->st, st, sizeof(*st)))
			continue;
		if (s->branches) {
			bpf_vlog_printf(w->r->log, "infinite loop detected at insn %u\n", i);
			return -EINVAL;
		}
		return 1;
	}
	if (w->nseen[i] >= PRUNE_PER_INSN || w->total_seen >= PRUNE_TOTAL)
		return 0;
	struct seen *s = malloc(sizeof(*s));
	if (!s)
		return 0;
	memcpy(&s->st, st, sizeof(*st));
	s->next = w->seen[i];
	s->parent = w->cp;
	s->branches = 1; /* the current walk; it replaces itself in its parent's count */
	w->cp = s;
	w->seen[i] = s;
	w->nseen[i]++;
	w->total_seen++;
	return 0;
}

int vstate_push(struct vwalk_ctx *vc, uint32_t insn, const struct vstate *st)
{
	struct walk *w = vc->walk;
	if (w->npend >= BPF_VERIFY_MAX_PENDING) {
		bpf_vlog_printf(w->r->log, "The sequence of %d jumps is too complex.\n",
				BPF_VERIFY_MAX_PENDING);
		return -E2BIG;
	}
	if (w->npend == w->cap) {
		unsigned cap = w->cap ? w->cap * 2 : 16;
		struct pending *p = realloc(w->pend, sizeof(*p) * cap);
		if (!p)
			return -ENOMEM;
		w->pend = p;
		w->cap = cap;
	}
	memcpy(&w->pend[w->npend].st, st, sizeof(*st));
	w->pend[w->npend].cp = w->cp;
	if (w->cp)
		w->cp->branches++;
	w->pend[w->npend++].insn = insn;
	return 0;
}

static void vstate_init(struct vstate *st)
{
	memset(st, 0, sizeof(*st));
	st->r[1].type = VR_CTX;
	st->r[10].type = VR_STACK;
}

static int walk_paths(struct walk *w, struct vstate *st)
{
	struct bpf_verify_req *r = w->r;
	struct vwalk_ctx vc = {.walk = w, .r = r};
	uint32_t i = 0;
	vstate_init(st);
	for (;;) {
		if (++r->processed > BPF_VERIFY_MAX_INSNS) {
			bpf_vlog_printf(r->log, "BPF program is too large. Processed %u insn\n",
					r->processed);
			return -E2BIG;
		}
		int err = prune(w, i, st);
		if (err < 0)
			return err;
		bool done = err == 1;
		uint32_t next = i;
		if (!done) {
			err = vinsn_check(&vc, st, i, &next);
			if (err < 0)
				return err;
			done = err == VINSN_EXIT;
		}
		if (!done) {
			i = next;
			continue;
		}
		walk_finished(w->cp);
		if (!w->npend)
			return 0;
		w->npend--;
		i = w->pend[w->npend].insn;
		w->cp = w->pend[w->npend].cp;
		memcpy(st, &w->pend[w->npend].st, sizeof(*st));
	}
}

int bpf_verify(struct bpf_verify_req *r)
{
	r->processed = 0;
	if (r->cnt == 0)
		return -EINVAL;
	int err = check_opcodes(r);
	if (!err)
		err = check_jumps(r);
	if (err)
		return err;
	struct walk w = {.r = r};
	uint8_t *target = calloc(r->cnt, 1);
	struct vstate *st = malloc(sizeof(*st));
	w.seen = calloc(r->cnt, sizeof(*w.seen));
	w.nseen = calloc(r->cnt, 1);
	if (!target || !st || !w.seen || !w.nseen) {
		err = -ENOMEM;
		goto out;
	}
	w.target = target;
	err = check_cfg(r, target);
	if (!err)
		err = walk_paths(&w, st);
	if (!err)
		bpf_vlog_printf(r->log,
				"processed %u insns (limit %d) max_states_per_insn %d total_states "
				"%u peak_states %u mark_read 0\n",
				r->processed, BPF_VERIFY_MAX_INSNS, PRUNE_PER_INSN, w.total_seen,
				w.total_seen);
out:
	if (w.seen) {
		for (uint32_t i = 0; i < r->cnt; i++) {
			while (w.seen[i]) {
				struct seen *s = w.seen[i];
				w.seen[i] = s->next;
				free(s);
			}
		}
	}
	free(w.seen);
	free(w.nseen);
	free(w.pend);
	free(target);
	free(st);
	return err;
}
