/* bpf_util.h - what the bpf(2) compat tests share: instruction builders, the raw
 * syscall, a program loader, reading a program's id and tag, and runc 1.1's device
 * filter generator (libcontainer/cgroups/ebpf/devicefilter: one block per rule, jumping
 * to the next block on a mismatch, then the default verdict). libc and uapi headers only,
 * so the unit tests of the Sentry's verifier can use it too. */
#ifndef CVISOR_TESTS_COMPAT_BPF_UTIL_H
#define CVISOR_TESTS_COMPAT_BPF_UTIL_H
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BI(c, d, s, o, i)                                                                          \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define BI_MOV64_IMM(d, v) BI(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, v)
#define BI_MOV32_IMM(d, v) BI(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, v)
#define BI_MOV64_REG(d, s) BI(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define BI_MOV32_REG(d, s) BI(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define BI_ALU32_IMM(op, d, v) BI(BPF_ALU | (op) | BPF_K, d, 0, 0, v)
#define BI_ALU64_IMM(op, d, v) BI(BPF_ALU64 | (op) | BPF_K, d, 0, 0, v)
#define BI_LDX(size, d, s, o) BI(BPF_LDX | BPF_MEM | (size), d, s, o, 0)
#define BI_STX(size, d, s, o) BI(BPF_STX | BPF_MEM | (size), d, s, o, 0)
#define BI_ST(size, d, o, v) BI(BPF_ST | BPF_MEM | (size), d, 0, o, v)
#define BI_JMP_IMM(op, d, v, o) BI(BPF_JMP | (op) | BPF_K, d, 0, o, v)
#define BI_JMP_REG(op, d, s, o) BI(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define BI_JA(o) BI(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define BI_EXIT() BI(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static inline long bpf_sys(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* BPF_PROG_LOAD of @n insns of @type with license "GPL" and, when @log is not NULL, a
 * level-1 verifier log. Returns the fd or -1 with errno. */
static inline int bpf_load(uint32_t type, const struct bpf_insn *insns, uint32_t n, char *log,
			   uint32_t log_size)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insn_cnt = n;
	a.insns = (uintptr_t)insns;
	a.license = (uintptr_t) "GPL";
	if (log) {
		log[0] = 0;
		a.log_level = 1;
		a.log_buf = (uintptr_t)log;
		a.log_size = log_size;
	}
	return (int)bpf_sys(BPF_PROG_LOAD, &a);
}

/* BPF_OBJ_GET_INFO_BY_FD of program @fd into @info. 0 or -1. */
static inline int bpf_info(int fd, struct bpf_prog_info *info)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	memset(info, 0, sizeof(*info));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(*info);
	a.info.info = (uintptr_t)info;
	return (int)bpf_sys(BPF_OBJ_GET_INFO_BY_FD, &a);
}

/* The id of program @fd, 0 on error. */
static inline uint32_t bpf_id(int fd)
{
	struct bpf_prog_info info;
	return bpf_info(fd, &info) ? 0 : info.id;
}

/* A rule of an OCI spec's linux.resources.devices: type 'c' or 'b', -1 for any major or
 * minor, access of "rwm". */
struct bpf_dev_rule {
	char type;
	int64_t major, minor;
	const char *access;
	bool allow;
};

/* runc 1.1's device filter for @rules (no "a" rules) then @default_allow, into @out
 * (room for 6 + 9 per rule + 2 insns). Returns the number of insns. */
static inline int bpf_runc_devfilter(const struct bpf_dev_rule *rules, int n, bool default_allow,
				     struct bpf_insn *out)
{
	int len = 0, next[8 * 16], nnext = 0;
	out[len++] = BI_LDX(BPF_W, 2, 1, 0); /* R2 <- type */
	out[len++] = BI_ALU32_IMM(BPF_AND, 2, 0xffff);
	out[len++] = BI_LDX(BPF_W, 3, 1, 0); /* R3 <- access */
	out[len++] = BI_ALU32_IMM(BPF_RSH, 3, 16);
	out[len++] = BI_LDX(BPF_W, 4, 1, 4); /* R4 <- major */
	out[len++] = BI_LDX(BPF_W, 5, 1, 8); /* R5 <- minor */
	for (int r = 0; r < n; r++) {
		int acc = 0;
		for (const char *c = rules[r].access; *c; c++)
			acc |= *c == 'r'   ? BPF_DEVCG_ACC_READ
			       : *c == 'w' ? BPF_DEVCG_ACC_WRITE
					   : BPF_DEVCG_ACC_MKNOD;
		nnext = 0;
		next[nnext++] = len;
		out[len++] = BI_JMP_IMM(
		    BPF_JNE, 2, rules[r].type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, 0);
		if (acc != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)) {
			out[len++] = BI_MOV32_REG(1, 3);
			out[len++] = BI_ALU32_IMM(BPF_AND, 1, acc);
			next[nnext++] = len;
			out[len++] = BI_JMP_REG(BPF_JNE, 1, 3, 0);
		}
		if (rules[r].major >= 0) {
			next[nnext++] = len;
			out[len++] = BI_JMP_IMM(BPF_JNE, 4, (int32_t)rules[r].major, 0);
		}
		if (rules[r].minor >= 0) {
			next[nnext++] = len;
			out[len++] = BI_JMP_IMM(BPF_JNE, 5, (int32_t)rules[r].minor, 0);
		}
		out[len++] = BI_MOV32_IMM(0, rules[r].allow ? 1 : 0);
		out[len++] = BI_EXIT();
		for (int j = 0; j < nnext; j++) /* "goto next block" */
			out[next[j]].off = (int16_t)(len - next[j] - 1);
	}
	out[len++] = BI_MOV32_IMM(0, default_allow ? 1 : 0);
	out[len++] = BI_EXIT();
	return len;
}

#endif
