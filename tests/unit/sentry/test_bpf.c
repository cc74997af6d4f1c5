/* Unit tests of sentry/bpf/: the verifier (runc's device filters accepted, each Linux
 * rule's refusal with its errno and message, path explosion bounded), the interpreter
 * (ALU/JMP semantics against C, runc's filters against a reference reading of the
 * rules, faults of unverified programs), tracked numbers, and the cgroup attachments
 * (effective programs, flags, release with the cgroup, program reference counts); random
 * programs get the verdict this host's kernel gives them.
 * Allocations are counted (malloc/calloc/realloc/free wrapped): every test frees all. */
/* wrap: malloc calloc realloc free */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "sentry/bpf/bpf_cgroup.h"
#include "sentry/bpf/bpf_interp.h"
#include "sentry/bpf/bpf_prog.h"
#include "sentry/bpf/bpf_tnum.h"
#include "sentry/bpf/bpf_verifier.h"
#include "tests/compat/bpf_util.h"
#include "vfs/fs/cgroupfs.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static long live_allocs;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);
	live_allocs += p != NULL;
	return p;
}
void *__wrap_calloc(size_t n, size_t m)
{
	void *p = __real_calloc(n, m);
	live_allocs += p != NULL;
	return p;
}
void *__wrap_realloc(void *p, size_t n)
{
	void *q = __real_realloc(p, n);
	live_allocs += !p && q;
	return q;
}
void __wrap_free(void *p)
{
	live_allocs -= p != NULL;
	__real_free(p);
}

static int no_leaks(void **state)
{
	assert_int_equal(live_allocs, 0);
	assert_int_equal(bpf_prog_live, 0);
	return 0;
}

static char logbuf[4096];

/* Verifies @n insns of a device program; the log in logbuf. */
static int verify(const struct bpf_insn *insns, uint32_t n)
{
	struct bpf_vlog log = {.level = 1, .buf = logbuf, .size = sizeof(logbuf)};
	logbuf[0] = 0;
	struct bpf_verify_req r = {
	    .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE, .insns = insns, .cnt = n, .log = &log};
	return bpf_verify(&r);
}

static uint64_t run_dev(const struct bpf_insn *insns, uint32_t n, unsigned type, unsigned acc,
			unsigned major, unsigned minor)
{
	uint32_t ctx[3] = {acc << 16 | type, major, minor};
	int fault = -1;
	uint64_t r = bpf_interp_run(insns, n, ctx, sizeof(ctx), &fault);
	assert_int_equal(fault, 0);
	return r;
}

/* ---- runc's filters ---- */

/* How runc means its rules: the first matching rule decides, else the default. */
static bool rules_allow(const struct bpf_dev_rule *rules, int n, bool def, unsigned type,
			unsigned acc, unsigned major, unsigned minor)
{
	for (int i = 0; i < n; i++) {
		const struct bpf_dev_rule *r = &rules[i];
		unsigned racc = 0;
		for (const char *c = r->access; *c; c++)
			racc |= *c == 'r'   ? BPF_DEVCG_ACC_READ
				: *c == 'w' ? BPF_DEVCG_ACC_WRITE
					    : BPF_DEVCG_ACC_MKNOD;
		if ((r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK) != type)
			continue;
		if ((acc & racc) != acc)
			continue;
		if ((r->major >= 0 && r->major != major) || (r->minor >= 0 && r->minor != minor))
			continue;
		return r->allow;
	}
	return def;
}

/* runc's default device list (libcontainer/specconv AllowedDevices) and deny-all. */
static const struct bpf_dev_rule runc_default[] = {
    {'c', -1, -1, "m", true}, {'b', -1, -1, "m", true},	   {'c', 1, 3, "rwm", true},
    {'c', 1, 8, "rwm", true}, {'c', 1, 7, "rwm", true},	   {'c', 5, 0, "rwm", true},
    {'c', 1, 5, "rwm", true}, {'c', 1, 9, "rwm", true},	   {'c', 136, -1, "rwm", true},
    {'c', 5, 2, "rwm", true}, {'c', 10, 200, "rwm", true},
};

static void test_runc_default_filter(void **state)
{
	struct bpf_insn p[128];
	int n = bpf_runc_devfilter(runc_default, N(runc_default), false, p);
	assert_int_equal(verify(p, n), 0);
	assert_non_null(strstr(logbuf, "processed"));
	const unsigned C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK;
	const unsigned R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;
	assert_int_equal(run_dev(p, n, C, R | W, 1, 3), 1); /* /dev/null */
	assert_int_equal(run_dev(p, n, C, R, 136, 7), 1);   /* a pty */
	assert_int_equal(run_dev(p, n, C, R, 1, 1), 0);	    /* /dev/mem */
	assert_int_equal(run_dev(p, n, C, M, 1, 1), 1);	    /* mknod of anything */
	assert_int_equal(run_dev(p, n, B, R, 8, 0), 0);	    /* /dev/sda */
	assert_int_equal(run_dev(p, n, B, M, 8, 0), 1);
	assert_int_equal(run_dev(p, n, C, R | W, 10, 200), 1); /* tun */
	assert_int_equal(run_dev(p, n, C, R | W, 10, 229), 0); /* fuse */
}

static void test_runc_random_filters(void **state)
{
	srand(1234);
	for (int round = 0; round < 300; round++) {
		struct bpf_dev_rule rules[12];
		static const char *const accs[] = {"r", "w", "m", "rw", "rm", "wm", "rwm"};
		int nr = rand() % 12;
		for (int i = 0; i < nr; i++) {
			rules[i].type = rand() % 2 ? 'c' : 'b';
			rules[i].major = rand() % 3 ? rand() % 4 : -1;
			rules[i].minor = rand() % 3 ? rand() % 4 : -1;
			rules[i].access = accs[rand() % 7];
			rules[i].allow = rand() % 2;
		}
		bool def = rand() % 2;
		struct bpf_insn p[256];
		int n = bpf_runc_devfilter(rules, nr, def, p);
		assert_int_equal(verify(p, n), 0);
		for (int k = 0; k < 40; k++) {
			unsigned type = 1 + rand() % 2, acc = rand() % 8;
			unsigned maj = rand() % 5, min = rand() % 5;
			bool want = rules_allow(rules, nr, def, type, acc, maj, min);
			assert_int_equal(run_dev(p, n, type, acc, maj, min), want);
		}
	}
}

/* ---- refusals ---- */

struct refusal {
	const char *what;
	struct bpf_insn p[6];
	int n, err;
	const char *msg;
};

static const struct refusal refusals[] = {
    {"unknown opcode", {BI(0xff, 0, 0, 0, 0), BI_EXIT()}, 2, EINVAL, "unknown opcode ff"},
    {"bad register", {BI_MOV64_IMM(11, 0), BI_EXIT()}, 2, EINVAL, "R11 is invalid"},
    {"uninit read", {BI_MOV64_REG(0, 3), BI_EXIT()}, 2, EACCES, "R3 !read_ok"},
    {"no R0", {BI_EXIT()}, 1, EACCES, "R0 !read_ok"},
    {"R0 = 2", {BI_MOV64_IMM(0, 2), BI_EXIT()}, 2, EINVAL, "should have been in (0x0; 0x1)"},
    {"R0 = ctx", {BI_MOV64_REG(0, 1), BI_EXIT()}, 2, EINVAL, "not a known value (ctx)"},
    {"R0 unknown", {BI_LDX(BPF_W, 0, 1, 4), BI_EXIT()}, 2, EINVAL, "should have been in"},
    {"write R10",
     {BI_MOV64_IMM(10, 1), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EACCES,
     "frame pointer is read only"},
    {"ctx past end",
     {BI_LDX(BPF_W, 0, 1, 12), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EACCES,
     "invalid bpf_context access off=12 size=4"},
    {"ctx misaligned",
     {BI_LDX(BPF_W, 0, 1, 2), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EACCES,
     "invalid bpf_context access off=2 size=4"},
    {"ctx major narrow",
     {BI_LDX(BPF_B, 0, 1, 4), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EACCES,
     "invalid bpf_context access"},
    {"ctx store",
     {BI_MOV64_IMM(0, 1), BI_STX(BPF_W, 1, 0, 0), BI_EXIT()},
     3,
     EACCES,
     "invalid bpf_context access"},
    {"ctx st",
     {BI_ST(BPF_W, 1, 0, 0), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EACCES,
     "BPF_ST stores into R1 ctx"},
    {"modified ctx",
     {BI_ALU64_IMM(BPF_ADD, 1, 4), BI_LDX(BPF_W, 0, 1, 0), BI_MOV64_IMM(0, 1), BI_EXIT()},
     4,
     EACCES,
     "dereference of modified ctx ptr"},
    {"ctx 32-bit arith",
     {BI_ALU32_IMM(BPF_ADD, 1, 4), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EACCES,
     "32-bit pointer arithmetic prohibited"},
    {"ctx and",
     {BI_ALU64_IMM(BPF_AND, 1, 4), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EACCES,
     "bitwise operator &= on pointer"},
    {"scalar deref",
     {BI_MOV64_IMM(2, 0), BI_LDX(BPF_W, 0, 2, 0), BI_EXIT()},
     3,
     EACCES,
     "invalid mem access 'scalar'"},
    {"stack out",
     {BI_MOV64_IMM(2, 1), BI_STX(BPF_DW, 10, 2, 8), BI_MOV64_IMM(0, 1), BI_EXIT()},
     4,
     EACCES,
     "invalid write to stack"},
    {"stack deep",
     {BI_MOV64_IMM(2, 1), BI_STX(BPF_DW, 10, 2, -520), BI_MOV64_IMM(0, 1), BI_EXIT()},
     4,
     EACCES,
     "invalid write to stack"},
    {"stack misaligned",
     {BI_MOV64_IMM(2, 1), BI_STX(BPF_W, 10, 2, -6), BI_MOV64_IMM(0, 1), BI_EXIT()},
     4,
     EACCES,
     "misaligned stack access"},
    {"stack uninit", {BI_LDX(BPF_DW, 0, 10, -8), BI_EXIT()}, 2, EACCES, "invalid read from stack"},
    {"ptr spill size",
     {BI_STX(BPF_W, 10, 1, -8), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EACCES,
     "invalid size of register spill"},
    {"jump range", {BI_MOV64_IMM(0, 1), BI_JA(3), BI_EXIT()}, 3, EINVAL, "jump out of range"},
    {"jump negative", {BI_MOV64_IMM(0, 1), BI_JA(-5), BI_EXIT()}, 3, EINVAL, "jump out of range"},
    {"back-edge",
     {BI_MOV64_IMM(0, 1), BI_JMP_IMM(BPF_JEQ, 0, 1, -2), BI_EXIT()},
     3,
     EINVAL,
     "back-edge"},
    {"unreachable",
     {BI_MOV64_IMM(0, 1), BI_EXIT(), BI_MOV64_IMM(0, 1), BI_EXIT()},
     4,
     EINVAL,
     "unreachable insn 2"},
    {"last insn", {BI_MOV64_IMM(0, 1)}, 1, EINVAL, "last insn is not an exit or jmp"},
    {"div zero",
     {BI_MOV64_IMM(0, 1), BI_ALU32_IMM(BPF_MOD, 0, 0), BI_EXIT()},
     3,
     EINVAL,
     "div by zero"},
    {"shift",
     {BI_MOV64_IMM(0, 1), BI_ALU32_IMM(BPF_LSH, 0, 32), BI_EXIT()},
     3,
     EINVAL,
     "invalid shift 32"},
    {"mov reserved",
     {BI(BPF_ALU64 | BPF_MOV | BPF_K, 0, 1, 0, 1), BI_EXIT()},
     2,
     EINVAL,
     "BPF_MOV uses reserved fields"},
    {"alu reserved",
     {BI_MOV64_IMM(0, 1), BI(BPF_ALU64 | BPF_ADD | BPF_X, 0, 0, 0, 7), BI_EXIT()},
     3,
     EINVAL,
     "BPF_ALU uses reserved fields"},
    {"end 64 in alu64",
     {BI_MOV64_IMM(0, 1), BI(BPF_ALU64 | BPF_END, 0, 0, 0, 16), BI_EXIT()},
     3,
     EINVAL,
     "unknown opcode"},
    {"end bad width",
     {BI_MOV64_IMM(0, 1), BI(BPF_ALU | BPF_END, 0, 0, 0, 8), BI_EXIT()},
     3,
     EINVAL,
     "BPF_END uses reserved fields"},
    {"jmp reserved",
     {BI_MOV64_IMM(0, 1), BI(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0, 5), BI_EXIT()},
     3,
     EINVAL,
     "BPF_JMP/JMP32 uses reserved fields"},
    {"exit reserved",
     {BI_MOV64_IMM(0, 1), BI(BPF_JMP | BPF_EXIT, 0, 0, 0, 1)},
     2,
     EINVAL,
     "BPF_EXIT uses reserved fields"},
    {"helper",
     {BI(BPF_JMP | BPF_CALL, 0, 0, 0, 5), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EINVAL,
     "helper function #5 is not implemented"},
    {"bad helper",
     {BI(BPF_JMP | BPF_CALL, 0, 0, 0, -1), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EINVAL,
     "invalid func unknown#-1"},
    {"bpf2bpf",
     {BI(BPF_JMP | BPF_CALL, 0, 1, 0, 1), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EINVAL,
     "bpf-to-bpf calls"},
    {"ld abs",
     {BI(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 0), BI_MOV64_IMM(0, 1), BI_EXIT()},
     3,
     EINVAL,
     "BPF_LD_[ABS|IND]"},
    {"ldimm64 cut",
     {BI_MOV64_IMM(0, 1), BI(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1)},
     2,
     EINVAL,
     "invalid bpf_ld_imm64 insn"},
    {"ldimm64 map",
     {BI(BPF_LD | BPF_IMM | BPF_DW, 0, 1, 0, 3), BI(0, 0, 0, 0, 0), BI_EXIT()},
     3,
     EBADF,
     "not pointing to valid bpf_map"},
    {"ldimm64 middle",
     {BI_MOV64_IMM(0, 1), BI_JA(1), BI(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1), BI(0, 0, 0, 0, 0),
      BI_EXIT()},
     5,
     EINVAL,
     "jump into the middle of ldimm64"},
    {"atomic",
     {BI_MOV64_IMM(2, 1), BI_STX(BPF_DW, 10, 2, -8),
      BI(BPF_STX | BPF_ATOMIC | BPF_DW, 10, 2, -8, BPF_ADD), BI_MOV64_IMM(0, 1), BI_EXIT()},
     5,
     EINVAL,
     "BPF_ATOMIC is not implemented"},
};

static void test_refusals(void **state)
{
	for (size_t i = 0; i < N(refusals); i++) {
		const struct refusal *r = &refusals[i];
		int err = verify(r->p, (uint32_t)r->n);
		if (err != -r->err || !strstr(logbuf, r->msg))
			fail_msg("%s: got %d (%s), want -%d (%s)", r->what, err, logbuf, r->err,
				 r->msg);
	}
}

static void test_accepts(void **state)
{
	/* bounded by a branch; a spill and fill; narrow context loads; a known branch that
	 * hides an invalid return; 32-bit jumps; byte swaps keep known bits */
	const struct bpf_insn a[] = {BI_LDX(BPF_W, 0, 1, 8), BI_JMP_IMM(BPF_JGT, 0, 1, 1),
				     BI_EXIT(), BI_MOV64_IMM(0, 0), BI_EXIT()};
	assert_int_equal(verify(a, N(a)), 0);
	const struct bpf_insn b[] = {BI_STX(BPF_DW, 10, 1, -16), BI_LDX(BPF_DW, 2, 10, -16),
				     BI_LDX(BPF_H, 0, 2, 0), BI_ALU64_IMM(BPF_AND, 0, 1),
				     BI_EXIT()};
	assert_int_equal(verify(b, N(b)), 0);
	const struct bpf_insn c[] = {BI_MOV64_IMM(2, 5), BI_JMP_IMM(BPF_JEQ, 2, 5, 2),
				     BI_MOV64_IMM(0, 7), BI_EXIT(),
				     BI_MOV64_IMM(0, 1), BI_EXIT()};
	assert_int_equal(verify(c, N(c)), 0);
	const struct bpf_insn d[] = {
	    BI_LDX(BPF_W, 2, 1, 0), BI(BPF_JMP32 | BPF_JSGT | BPF_K, 2, 0, 2, -1),
	    BI_MOV32_IMM(0, 1),	    BI_EXIT(),
	    BI_MOV32_IMM(0, 0),	    BI_EXIT()};
	assert_int_equal(verify(d, N(d)), 0);
	const struct bpf_insn e[] = {BI_MOV64_IMM(0, 0x0100),
				     BI(BPF_ALU | BPF_END | BPF_X, 0, 0, 0, 16), BI_EXIT()};
	assert_int_equal(verify(e, N(e)), 0);
	assert_int_equal(run_dev(e, N(e), 0, 0, 0, 0), 1);
	/* the same program twice in a row is verified to the same result */
	assert_int_equal(verify(a, N(a)), 0);
}

static int verify_loops(const struct bpf_insn *insns, uint32_t n)
{
	struct bpf_vlog log = {.level = 1, .buf = logbuf, .size = sizeof(logbuf)};
	logbuf[0] = 0;
	struct bpf_verify_req r = {.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
				   .insns = insns,
				   .cnt = n,
				   .allow_loops = true,
				   .log = &log};
	return bpf_verify(&r);
}

/* With CAP_BPF loops are walked around until they end. */
static void test_loops(void **state)
{
	const struct bpf_insn counted[] = {BI_MOV64_IMM(2, 0), BI_ALU64_IMM(BPF_ADD, 2, 1),
					   BI_JMP_IMM(BPF_JLT, 2, 10, -2), BI_MOV64_IMM(0, 1),
					   BI_EXIT()};
	assert_int_equal(verify_loops(counted, N(counted)), 0);
	assert_int_equal(run_dev(counted, N(counted), 2, 2, 1, 3), 1);
	/* bounded by an unknown start: the bounds move each time around */
	const struct bpf_insn masked[] = {
	    BI_LDX(BPF_W, 2, 1, 4),	 BI_ALU64_IMM(BPF_AND, 2, 7),
	    BI_ALU64_IMM(BPF_ADD, 2, 1), BI_JMP_IMM(BPF_JLT, 2, 10, -2),
	    BI_MOV64_IMM(0, 1),		 BI_EXIT()};
	assert_int_equal(verify_loops(masked, N(masked)), 0);
	assert_int_equal(run_dev(masked, N(masked), 2, 2, 5, 0), 1);
	/* the same state around the loop again */
	const struct bpf_insn same[] = {BI_MOV64_IMM(2, 0), BI_JMP_IMM(BPF_JEQ, 2, 0, -1),
					BI_MOV64_IMM(0, 1), BI_EXIT()};
	assert_int_equal(verify_loops(same, N(same)), -EINVAL);
	assert_non_null(strstr(logbuf, "infinite loop detected at insn 1"));
	/* a counter without a bound: too many insns */
	const struct bpf_insn unbounded[] = {BI_MOV64_IMM(2, 0), BI_ALU64_IMM(BPF_ADD, 2, 1),
					     BI_JMP_IMM(BPF_JNE, 2, 0, -2), BI_MOV64_IMM(0, 1),
					     BI_EXIT()};
	assert_int_equal(verify_loops(unbounded, N(unbounded)), -E2BIG);
	/* a 32-bit test narrows the low half; the other side of the test may be the one */
	const struct bpf_insn low[] = {
	    BI_LDX(BPF_W, 3, 1, 4),	  BI_MOV64_IMM(5, 2),
	    BI_ALU64_IMM(BPF_XOR, 3, -1), BI(BPF_JMP32 | BPF_JEQ | BPF_X, 5, 3, -2, 0),
	    BI_MOV64_IMM(0, 1),		  BI_EXIT()};
	assert_int_equal(verify_loops(low, N(low)), 0);
}

/* 20 diamonds, each setting a different bit: 2^20 distinct paths. */
static void test_path_explosion(void **state)
{
	struct bpf_insn p[20 * 3 + 8];
	int n = 0;
	p[n++] = BI_MOV64_IMM(3, 0);
	p[n++] = BI_LDX(BPF_W, 4, 1, 4);
	for (int i = 0; i < 20; i++) {
		p[n++] = BI_JMP_IMM(BPF_JSET, 4, 1 << i, 1);
		p[n++] = BI_JA(1);
		p[n++] = BI_ALU64_IMM(BPF_OR, 3, 1 << i);
	}
	p[n++] = BI_MOV64_IMM(0, 1);
	p[n++] = BI_EXIT();
	struct bpf_vlog log = {.level = 1, .buf = logbuf, .size = sizeof(logbuf)};
	struct bpf_verify_req r = {
	    .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE, .insns = p, .cnt = n, .log = &log};
	assert_int_equal(bpf_verify(&r), -E2BIG);
	assert_non_null(strstr(logbuf, "BPF program is too large"));
}

/* ---- the interpreter ---- */

static uint64_t run(const struct bpf_insn *p, uint32_t n)
{
	int fault = -1;
	uint64_t r = bpf_interp_run(p, n, NULL, 0, &fault);
	assert_int_equal(fault, 0);
	return r;
}

#define RUN(...)                                                                                   \
	({                                                                                         \
		const struct bpf_insn p_[] = {__VA_ARGS__};                                        \
		run(p_, N(p_));                                                                    \
	})

static void test_interp_alu(void **state)
{
	assert_int_equal(RUN(BI_MOV64_IMM(0, 7), BI_ALU64_IMM(BPF_DIV, 0, 2), BI_EXIT()), 3);
	assert_int_equal(RUN(BI_MOV64_IMM(0, 7), BI_MOV64_IMM(1, 0),
			     BI(BPF_ALU64 | BPF_DIV | BPF_X, 0, 1, 0, 0), BI_EXIT()),
			 0);
	assert_int_equal(RUN(BI_MOV64_IMM(0, 7), BI_MOV64_IMM(1, 0),
			     BI(BPF_ALU64 | BPF_MOD | BPF_X, 0, 1, 0, 0), BI_EXIT()),
			 7);
	assert_int_equal(RUN(BI_MOV64_IMM(0, -1), BI_MOV64_IMM(1, 0),
			     BI(BPF_ALU | BPF_MOD | BPF_X, 0, 1, 0, 0), BI_EXIT()),
			 0xffffffffULL);
	assert_int_equal(RUN(BI_MOV64_IMM(0, -1), BI_ALU32_IMM(BPF_ADD, 0, 1), BI_EXIT()), 0);
	assert_int_equal(RUN(BI_MOV64_IMM(0, -1), BI_ALU64_IMM(BPF_RSH, 0, 60), BI_EXIT()), 15);
	assert_int_equal(RUN(BI_MOV64_IMM(0, -16), BI_ALU64_IMM(BPF_ARSH, 0, 2), BI_EXIT()),
			 (uint64_t)-4);
	assert_int_equal(RUN(BI_MOV32_IMM(0, -16), BI_ALU32_IMM(BPF_ARSH, 0, 2), BI_EXIT()),
			 0xfffffffcULL);
	assert_int_equal(RUN(BI_MOV64_IMM(0, 1), BI_MOV64_IMM(1, 65),
			     BI(BPF_ALU64 | BPF_LSH | BPF_X, 0, 1, 0, 0), BI_EXIT()),
			 2);
	assert_int_equal(RUN(BI_MOV64_IMM(0, 5), BI(BPF_ALU64 | BPF_NEG, 0, 0, 0, 0), BI_EXIT()),
			 (uint64_t)-5);
	assert_int_equal(
	    RUN(BI_MOV64_IMM(0, 0x12345678), BI(BPF_ALU | BPF_END | BPF_X, 0, 0, 0, 32), BI_EXIT()),
	    0x78563412);
	assert_int_equal(
	    RUN(BI_MOV64_IMM(0, 0x12345678), BI(BPF_ALU | BPF_END | BPF_K, 0, 0, 0, 16), BI_EXIT()),
	    0x5678);
	assert_int_equal(RUN(BI(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 0x55667788),
			     BI(0, 0, 0, 0, 0x11223344), BI_EXIT()),
			 0x1122334455667788ULL);
	/* JMP32 compares the low halves, signed */
	assert_int_equal(RUN(BI(BPF_LD | BPF_IMM | BPF_DW, 2, 0, 0, -1), BI(0, 0, 0, 0, 1),
			     BI_MOV64_IMM(0, 1), BI(BPF_JMP32 | BPF_JSLT | BPF_K, 2, 0, 1, 0),
			     BI_MOV64_IMM(0, 0), BI_EXIT()),
			 1);
	assert_int_equal(RUN(BI(BPF_LD | BPF_IMM | BPF_DW, 2, 0, 0, -1), BI(0, 0, 0, 0, 1),
			     BI_MOV64_IMM(0, 1), BI_JMP_IMM(BPF_JSLT, 2, 0, 1), BI_MOV64_IMM(0, 0),
			     BI_EXIT()),
			 0);
	/* the stack: a store and loads of parts */
	assert_int_equal(
	    RUN(BI_ST(BPF_DW, 10, -8, 0x01020304), BI_LDX(BPF_H, 0, 10, -6), BI_EXIT()), 0x0102);
}

static void test_interp_faults(void **state)
{
	uint32_t ctx[3] = {0};
	int fault = 0;
	const struct bpf_insn oob[] = {BI_LDX(BPF_W, 0, 1, 12), BI_EXIT()};
	assert_int_equal(bpf_interp_run(oob, 2, ctx, sizeof(ctx), &fault), 0);
	assert_int_equal(fault, 1);
	const struct bpf_insn wr[] = {BI_ST(BPF_W, 1, 0, 1), BI_MOV64_IMM(0, 1), BI_EXIT()};
	assert_int_equal(bpf_interp_run(wr, 3, ctx, sizeof(ctx), &fault), 0);
	assert_int_equal(fault, 1);
	const struct bpf_insn loop[] = {BI_MOV64_IMM(0, 1), BI_JA(-1), BI_EXIT()};
	assert_int_equal(bpf_interp_run(loop, 3, ctx, sizeof(ctx), &fault), 0);
	assert_int_equal(fault, 1);
	const struct bpf_insn call[] = {BI(BPF_JMP | BPF_CALL, 0, 0, 0, 1), BI_EXIT()};
	assert_int_equal(bpf_interp_run(call, 2, ctx, sizeof(ctx), &fault), 0);
	assert_int_equal(fault, 1);
	const struct bpf_insn off[] = {BI_MOV64_IMM(0, 1), BI_JA(100)};
	assert_int_equal(bpf_interp_run(off, 2, ctx, sizeof(ctx), &fault), 0);
	assert_int_equal(fault, 1);
}

static void test_tnum(void **state)
{
	struct tnum x = tnum_range(0, 0xffff);
	assert_true(tnum_in(tnum_range(0, 0xffff), tnum_and(tnum_unknown(), tnum_const(0xff))));
	assert_true(tnum_is_const(tnum_add(tnum_const(3), tnum_const(4))));
	assert_int_equal(tnum_add(tnum_const(3), tnum_const(4)).value, 7);
	assert_int_equal(tnum_umax(tnum_rshift(x, 8)), 0xff);
	assert_int_equal(tnum_mul(tnum_const(6), tnum_const(7)).value, 42);
	assert_true(tnum_is_const(tnum_mul(tnum_const(6), tnum_const(7))));
	assert_int_equal(tnum_arshift(tnum_const(0x80000000), 4, 32).value, 0xf8000000);
	assert_int_equal(tnum_umax(tnum_sub(tnum_const(10), tnum_range(0, 3))) >= 10, 1);
	assert_false(tnum_in(tnum_range(0, 1), tnum_const(2)));
}

/* ---- against this host's kernel ---- */

/* A random store (a constant, or a register holding one) to the stack, maybe a zeroing
 * store, then a load returned in R0: spills, narrow fills, zeroed bytes. */
static int random_stack_prog(struct bpf_insn *p)
{
	static const int sz[] = {BPF_B, BPF_H, BPF_W, BPF_DW};
	int n = 0;
	int off1 = -8 - 8 * (rand() % 2) + (rand() % 3 ? 0 : 4);
	int off2 = -8 - 8 * (rand() % 2) + (rand() % 3 ? 0 : 4);
	int v = rand() % 3 ? rand() % 3 : 0;
	if (rand() % 2) {
		p[n++] = BI_ST(sz[rand() % 4], 10, off1, v);
	} else {
		p[n++] = BI_MOV64_IMM(6, v);
		p[n++] = BI_STX(sz[rand() % 4], 10, 6, off1);
	}
	if (rand() % 2)
		p[n++] = BI_ST(sz[rand() % 4], 10, -8 - 8 * (rand() % 2), 0);
	p[n++] = BI_LDX(sz[rand() % 4], 0, 10, off2);
	p[n++] = BI_EXIT();
	return n;
}

/* A random program: often a prologue that loads the context and spills, then a body of
 * ALU, loads, stores, forward jumps and exits, then R0 of 0..3 and an exit. */
static int random_prog(struct bpf_insn *p)
{
	static const int ops[] = {BPF_ADD, BPF_SUB,  BPF_AND, BPF_OR,  BPF_XOR, BPF_LSH,
				  BPF_RSH, BPF_ARSH, BPF_MUL, BPF_DIV, BPF_MOD};
	static const int imms[] = {0, 1, 2, 3, 31, 32, 63, 64, -1, 0xffff};
	static const int jops[] = {BPF_JEQ,  BPF_JNE,  BPF_JGT,	 BPF_JGE,  BPF_JLT, BPF_JLE,
				   BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET};
	static const int offs[] = {-16, -8, -4, 0, 2, 4, 8, 12};
	static const int sizes[] = {BPF_B, BPF_H, BPF_W, BPF_DW};
	if (rand() % 4 == 0)
		return random_stack_prog(p);
	int n = 0, back = rand() % 8 ? 0 : 3; /* loops in some */
	bool prologue = rand() % 3;
	if (prologue) {
		p[n++] = BI_LDX(BPF_W, 2, 1, 0);
		p[n++] = BI_LDX(BPF_W, 3, 1, 4);
		p[n++] = BI_LDX(BPF_H, 4, 1, 2);
		p[n++] = BI_MOV64_IMM(5, rand() % 7);
		p[n++] = BI_MOV64_IMM(0, 0);
		p[n++] = BI_STX(BPF_DW, 10, 2, -8);
	}
	int end = n + 3 + rand() % 10;
	for (; n < end; n++) {
		int d = rand() % 6, s = rand() % 11;
		int alu = rand() % 2 ? BPF_ALU64 : BPF_ALU, jmp = rand() % 3 ? BPF_JMP : BPF_JMP32;
		if (prologue && s > 5 && s != 10)
			s = rand() % 6;
		switch (rand() % 8) {
		case 0:
			p[n] = BI_MOV64_IMM(d, imms[rand() % 10] & 1);
			break;
		case 1:
			p[n] = BI(alu | BPF_MOV | BPF_X, d, s, 0, 0);
			break;
		case 2:
			p[n] = BI(alu | ops[rand() % 11] | BPF_K, d, 0, 0, imms[rand() % 10]);
			break;
		case 3:
			p[n] = BI(alu | ops[rand() % 11] | BPF_X, d, s, 0, 0);
			break;
		case 4:
			p[n] = BI_LDX(sizes[rand() % 4], d,
				      rand() % 2   ? 1
				      : rand() % 2 ? 10
						   : s,
				      offs[rand() % 8]);
			break;
		case 5:
			if (rand() % 2)
				p[n] = BI_STX(sizes[rand() % 4], rand() % 3 ? 10 : 1, s,
					      offs[rand() % 8]);
			else
				p[n] = BI_ST(sizes[rand() % 4], rand() % 3 ? 10 : 1,
					     offs[rand() % 8], imms[rand() % 10]);
			break;
		case 6:
			if (rand() % 2)
				p[n] = BI(jmp | jops[rand() % 11] | BPF_K, d, 0, rand() % 4 - back,
					  imms[rand() % 10]);
			else
				p[n] =
				    BI(jmp | jops[rand() % 11] | BPF_X, d, s, rand() % 4 - back, 0);
			break;
		default:
			p[n] = BI_EXIT();
		}
	}
	p[n++] = rand() % 2 ? BI_MOV64_IMM(0, rand() % 2) : BI_ALU64_IMM(BPF_AND, 0, rand() % 4);
	p[n++] = BI_EXIT();
	return n;
}

/* The verifier never accepts what this host's kernel refuses nor refuses what it accepts
 * (programs with loops, without helpers), and mostly refuses with the kernel's errno (the
 * kernel's bounds differ from ours in the first error of some nonsense programs). */
static void test_matches_kernel(void **state)
{
	const struct bpf_insn ok[] = {BI_MOV64_IMM(0, 1), BI_EXIT()};
	int fd = bpf_load(BPF_PROG_TYPE_CGROUP_DEVICE, ok, 2, NULL, 0);
	if (fd < 0)
		skip(); /* not root, or no bpf(2) here */
	close(fd);
	srand(77);
	int rounds = 20000, differ = 0, accepted = 0;
	for (int r = 0; r < rounds; r++) {
		struct bpf_insn p[32];
		int n = random_prog(p);
		fd = bpf_load(BPF_PROG_TYPE_CGROUP_DEVICE, p, (uint32_t)n, NULL, 0);
		int kernel = fd >= 0 ? 0 : -errno;
		if (fd >= 0)
			close(fd);
		struct bpf_verify_req q = {.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
					   .insns = p,
					   .cnt = (uint32_t)n,
					   .allow_uninit_stack = true,
					   .allow_loops = true};
		int ours = bpf_verify(&q);
		if ((ours == 0) != (kernel == 0)) {
			for (int i = 0; i < n; i++)
				print_message("  %d: code %02x dst %d src %d off %d imm %d\n", i,
					      p[i].code, p[i].dst_reg, p[i].src_reg, p[i].off,
					      p[i].imm);
			fail_msg("program %d: kernel %d, ours %d", r, kernel, ours);
		}
		accepted += ours == 0;
		differ += ours != kernel;
	}
	assert_true(accepted > rounds / 50);
	assert_true(differ < rounds / 200);
}

/* ---- cgroups ---- */

static struct bpf_prog *prog_of(int64_t r0)
{
	struct bpf_insn *p = malloc(2 * sizeof(*p));
	p[0] = BI_MOV64_IMM(0, (int32_t)r0);
	p[1] = BI_EXIT();
	struct bpf_prog *prog;
	assert_int_equal(bpf_prog_new(BPF_PROG_TYPE_CGROUP_DEVICE, 0, p, 2, &prog), 0);
	return prog;
}

static int check(struct cgroup *cg)
{
	return bpf_cgroup_dev_check(cg, BPF_DEVCG_DEV_CHAR, 1, 3, BPF_DEVCG_ACC_READ);
}

static void test_cgroup_effective(void **state)
{
	struct cgroup *root = cgroup_root(), *a, *b;
	assert_int_equal(cgroup_mkdir(root, "a", 1, &a), 0);
	assert_int_equal(cgroup_mkdir(a, "b", 1, &b), 0);
	struct bpf_prog *allow = prog_of(1), *deny = prog_of(0);
	uint32_t ids[4], total, flags;

	assert_int_equal(check(b), 0);
	assert_int_equal(bpf_cgroup_attach(a, deny, NULL, BPF_F_ALLOW_OVERRIDE), 0);
	assert_int_equal(check(b), -EPERM);
	assert_int_equal(check(root), 0);
	assert_int_equal(bpf_cgroup_attach(b, allow, NULL, 0), 0);
	assert_int_equal(check(b), 0); /* overridden */
	assert_int_equal(bpf_cgroup_query(b, true, ids, 4, &total, &flags), 1);
	assert_int_equal(ids[0], allow->id);
	assert_int_equal(bpf_cgroup_attach(a, allow, NULL, BPF_F_ALLOW_MULTI), -EPERM);
	assert_int_equal(bpf_cgroup_detach(b, NULL), 0);
	assert_int_equal(bpf_cgroup_detach(a, NULL), 0);

	assert_int_equal(bpf_cgroup_attach(a, deny, NULL, BPF_F_ALLOW_MULTI), 0);
	assert_int_equal(bpf_cgroup_attach(b, allow, NULL, BPF_F_ALLOW_MULTI), 0);
	assert_int_equal(check(b), -EPERM); /* every level runs */
	assert_int_equal(bpf_cgroup_query(b, true, ids, 1, &total, &flags), 1);
	assert_int_equal(total, 2);
	assert_int_equal(bpf_cgroup_attach(b, allow, NULL, BPF_F_ALLOW_MULTI), -EINVAL);
	assert_int_equal(bpf_cgroup_attach(b, deny, allow, BPF_F_ALLOW_MULTI | BPF_F_REPLACE), 0);
	assert_int_equal(bpf_cgroup_query(b, false, ids, 4, &total, &flags), 1);
	assert_int_equal(ids[0], deny->id);
	assert_int_equal(flags, BPF_F_ALLOW_MULTI);
	assert_int_equal(bpf_cgroup_detach(b, NULL), -EINVAL);
	assert_int_equal(bpf_cgroup_detach(b, allow), -ENOENT);

	/* the attachments hold the programs; removal of the cgroups drops them */
	bpf_prog_put(allow);
	bpf_prog_put(deny);
	assert_int_equal(bpf_prog_live, 1);
	/* as cgroupfs's rmdir: the removed hook runs while the directory's inode still
	 * holds the cgroup */
	cgroup_get(b);
	assert_int_equal(cgroup_rmdir(b), 0);
	bpf_cgroup_release(b);
	cgroup_put(b);
	assert_int_equal(bpf_prog_live, 1);
	cgroup_get(a);
	assert_int_equal(cgroup_rmdir(a), 0);
	bpf_cgroup_release(a);
	cgroup_put(a);
	assert_int_equal(bpf_prog_live, 0);
	cgroup_tree_reset();
	assert_int_equal(cgroup_live, 0);
	/* the three cgroups' names came from strndup (libc's own malloc, not wrapped) and
	 * went to the wrapped free */
	assert_int_equal(live_allocs, -3);
	live_allocs = 0;
}

static void test_prog_ids(void **state)
{
	struct bpf_prog *p = prog_of(1), *q = prog_of(0);
	assert_ptr_equal(bpf_prog_find(p->id), p);
	assert_int_equal(bpf_prog_next_id(p->id), q->id);
	assert_int_equal(bpf_prog_next_id(q->id), 0);
	uint32_t id = p->id;
	bpf_prog_put(p);
	assert_null(bpf_prog_find(id));
	assert_int_equal(bpf_prog_next_id(0), q->id);
	bpf_prog_put(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_runc_default_filter, no_leaks),
	    cmocka_unit_test_teardown(test_runc_random_filters, no_leaks),
	    cmocka_unit_test_teardown(test_refusals, no_leaks),
	    cmocka_unit_test_teardown(test_accepts, no_leaks),
	    cmocka_unit_test_teardown(test_path_explosion, no_leaks),
	    cmocka_unit_test_teardown(test_loops, no_leaks),
	    cmocka_unit_test_teardown(test_interp_alu, no_leaks),
	    cmocka_unit_test_teardown(test_interp_faults, no_leaks),
	    cmocka_unit_test_teardown(test_tnum, no_leaks),
	    cmocka_unit_test_teardown(test_matches_kernel, no_leaks),
	    cmocka_unit_test_teardown(test_cgroup_effective, no_leaks),
	    cmocka_unit_test_teardown(test_prog_ids, no_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
