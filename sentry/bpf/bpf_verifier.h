/* sentry/bpf/bpf_verifier.h - the eBPF verifier of BPF_PROG_LOAD: Linux's rules
 * (kernel/bpf/verifier.c) for the program types the Sentry loads (bpf_prog.h).
 *
 * Structure first: known opcodes, well-formed BPF_LD_IMM64 pairs (no map references: the
 * Sentry has no maps), jumps inside the program, a last insn that is an exit or a jump,
 * no unreachable insn, back-edges only with @allow_loops (CAP_BPF). Then every path is
 * walked with what is known of each register (not initialised, a scalar with its known
 * bits and unsigned bounds, the context pointer, the frame pointer) and of the 512-byte
 * stack: reserved fields, reads of uninitialised registers or stack, writes of R10,
 * pointer arithmetic, context accesses only at the offsets and sizes the program type
 * allows, division by a zero constant, shifts out of range, helper calls (none
 * implemented), R0 at exit inside the program type's range; each loop is walked around
 * until it ends (an identical state met again on the way is an infinite loop).
 * Errors are Linux's errnos with Linux's messages in the log.
 *
 * Pure: nothing here touches tasks, guest memory or files (the caller answers whether a
 * map fd is open through @fd_is_open). */
#ifndef CVISOR_SENTRY_BPF_VERIFIER_H
#define CVISOR_SENTRY_BPF_VERIFIER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

/* Linux's BPF_COMPLEXITY_LIMIT_INSNS (also the largest insn_cnt with CAP_BPF) and
 * BPF_COMPLEXITY_LIMIT_JMP_SEQ (pending branches). */
#define BPF_VERIFY_MAX_INSNS 1000000
#define BPF_VERIFY_MAX_PENDING 8192
#define BPF_STACK_BYTES 512

/* The verifier log (bpf(2)'s log_buf): messages are kept only when @level is non-zero;
 * what does not fit in @size - 1 bytes is cut and @truncated set. */
struct bpf_vlog {
	unsigned level;
	char *buf; /* Sentry memory, @size bytes; NULL: no log */
	size_t size, len;
	bool truncated;
};
void bpf_vlog_printf(struct bpf_vlog *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct bpf_verify_req {
	uint32_t prog_type;	       /* BPF_PROG_TYPE_CGROUP_DEVICE or _CGROUP_SKB */
	uint32_t expected_attach_type; /* CGROUP_SKB: INET_EGRESS widens R0 to [0, 3] */
	const struct bpf_insn *insns;
	uint32_t cnt;
	/* Whether @fd is an open fd of the loader (a map fd of BPF_LD_IMM64: -EBADF when
	 * not, -EINVAL when it is, as no fd is a map). NULL: never open. */
	bool (*fd_is_open)(void *arg, int fd);
	void *fd_arg;
	bool allow_uninit_stack; /* CAP_PERFMON: reads of unwritten stack are unknown values */
	bool allow_loops;	 /* CAP_BPF: back-edges, each loop walked to its end */
	struct bpf_vlog *log;	 /* may be NULL */
	uint32_t processed;	 /* out: insns walked */
};

/* Verifies @r's program. Returns 0, -EINVAL (malformed), -EACCES (unsafe access),
 * -E2BIG (too complex), -EBADF (a map fd that is not open) or -ENOMEM. */
int bpf_verify(struct bpf_verify_req *r);

/* Whether the program type's context may be accessed at @off for @size bytes (@write:
 * a store), as Linux's is_valid_access of that type. */
bool bpf_ctx_access_ok(uint32_t prog_type, int off, int size, bool write);

#endif
