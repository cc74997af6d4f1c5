/* Unit tests of sentry/seccomp_bpf.c: the validator against Linux's rules (hand-written
 * cases, then random programs compared with what this host's kernel accepts), the
 * interpreter, the precedence of verdicts across a chain, the translation into the stub's
 * host program (run through the interpreter), and filter reference counting.
 * Allocations are counted (malloc/calloc/free wrapped): every test must free what it made. */
/* wrap: malloc calloc free */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "sentry/seccomp_bpf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static long live_allocs;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
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
void __wrap_free(void *p)
{
	live_allocs -= p != NULL;
	__real_free(p);
}

static int no_leaks(void **state)
{
	assert_int_equal(live_allocs, 0);
	return 0;
}
#define STMT(c, k) ((struct sock_filter)BPF_STMT((c), (k)))
#define JMP(c, k, t, f) ((struct sock_filter)BPF_JUMP((c), (k), (t), (f)))
#define RET_K(k) STMT(BPF_RET | BPF_K, (k))
#define LD_NR STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))

static struct seccomp_data data_for(int nr)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = AUDIT_ARCH_X86_64;
	d.instruction_pointer = 0x401000;
	return d;
}

static void test_check_accepts(void **state)
{
	struct sock_filter one[] = {RET_K(SECCOMP_RET_ALLOW)};
	struct sock_filter typical[] = {
	    STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    RET_K(SECCOMP_RET_KILL_PROCESS),
	    LD_NR,
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1),
	    RET_K(SECCOMP_RET_ERRNO | EPERM),
	    STMT(BPF_ST, 0),
	    STMT(BPF_LDX | BPF_MEM, 0),
	    STMT(BPF_LD | BPF_W | BPF_LEN, 0),
	    STMT(BPF_ALU | BPF_RSH | BPF_K, 31),
	    STMT(BPF_ALU | BPF_DIV | BPF_X, 0), /* by X: allowed (0 at run time returns 0) */
	    STMT(BPF_MISC | BPF_TAX, 0),
	    STMT(BPF_JMP | BPF_JA, 0),
	    STMT(BPF_RET | BPF_A, 0),
	};
	static struct sock_filter max[SECCOMP_BPF_MAXINSNS];
	for (unsigned i = 0; i < N(max); i++)
		max[i] = RET_K(SECCOMP_RET_ALLOW);
	assert_int_equal(seccomp_bpf_check(one, 1), 0);
	assert_int_equal(seccomp_bpf_check(typical, N(typical)), 0);
	assert_int_equal(seccomp_bpf_check(max, N(max)), 0);
}

static void test_check_refuses(void **state)
{
	struct sock_filter ok = RET_K(SECCOMP_RET_ALLOW);
	struct sock_filter cases[][2] = {
	    {STMT(BPF_LD | BPF_B | BPF_ABS, 0), ok},	      /* byte load */
	    {STMT(BPF_LD | BPF_H | BPF_ABS, 0), ok},	      /* half-word load */
	    {STMT(BPF_LD | BPF_W | BPF_IND, 0), ok},	      /* indirect load */
	    {STMT(BPF_LD | BPF_W | BPF_ABS, 2), ok},	      /* unaligned */
	    {STMT(BPF_LD | BPF_W | BPF_ABS, 64), ok},	      /* past seccomp_data */
	    {STMT(BPF_LD | BPF_W | BPF_ABS, 0xfffff000), ok}, /* ancillary */
	    {STMT(BPF_ALU | BPF_DIV | BPF_K, 0), ok},	      /* division by zero */
	    {STMT(BPF_ALU | BPF_MOD | BPF_K, 3), ok},	      /* MOD: not seccomp's */
	    {STMT(BPF_ALU | BPF_LSH | BPF_K, 32), ok},	      /* shift >= 32 */
	    {STMT(BPF_ST, 16), ok},			      /* slot 16 */
	    {STMT(BPF_LD | BPF_MEM, 0), ok},		      /* read before write */
	    {STMT(BPF_JMP | BPF_JA, 1), ok},		      /* JA past the end */
	    {JMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ok},    /* jt past the end */
	    {JMP(BPF_JMP | BPF_JGT | BPF_K, 0, 0, 9), ok},    /* jf past the end */
	    {ok, STMT(BPF_LD | BPF_IMM, 0)},		      /* no final RET */
	    {STMT(0xffff, 0), ok},			      /* garbage opcode */
	    {STMT(BPF_MISC | 0x10, 0), ok},		      /* unknown MISC */
	};
	static struct sock_filter big[SECCOMP_BPF_MAXINSNS + 1];
	for (unsigned i = 0; i < N(cases); i++) {
		if (seccomp_bpf_check(cases[i], 2) != -EINVAL)
			fail_msg("case %u accepted", i);
	}
	/* a slot written on one path only */
	struct sock_filter one_path[] = {
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
	    STMT(BPF_ST, 1),
	    STMT(BPF_LD | BPF_MEM, 1),
	    RET_K(0),
	};
	assert_int_equal(seccomp_bpf_check(one_path, N(one_path)), -EINVAL);
	one_path[0].jf = 0; /* now both paths store first */
	assert_int_equal(seccomp_bpf_check(one_path, N(one_path)), 0);
	assert_int_equal(seccomp_bpf_check(&ok, 0), -EINVAL);
	for (unsigned i = 0; i < N(big); i++)
		big[i] = ok;
	assert_int_equal(seccomp_bpf_check(big, N(big)), -EINVAL);
}

/* The host kernel's answer for @prog: 0 or -errno. Tried in a child (the filter stays
 * there, and may refuse even its exit): the answer goes through shared memory. */
static int kernel_check(const struct sock_filter *prog, unsigned len)
{
	static volatile int *answer;
	pid_t pid;
	if (!answer) {
		answer =
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		assert_true(answer != MAP_FAILED);
	}
	*answer = -1000;
	pid = fork();
	if (pid == 0) {
		struct sock_fprog p = {(unsigned short)len, (struct sock_filter *)prog};
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p);
		*answer = r == 0 ? 0 : -errno;
		_exit(0);
	}
	if (waitpid(pid, NULL, 0) < 0)
		return -1001;
	return *answer;
}

static uint16_t random_code(void)
{
	static const uint16_t pool[] = {
	    BPF_LD | BPF_W | BPF_ABS,
	    BPF_LD | BPF_H | BPF_ABS,
	    BPF_LD | BPF_W | BPF_LEN,
	    BPF_LDX | BPF_W | BPF_LEN,
	    BPF_LD | BPF_IMM,
	    BPF_LDX | BPF_IMM,
	    BPF_LD | BPF_MEM,
	    BPF_LDX | BPF_MEM,
	    BPF_ST,
	    BPF_STX,
	    BPF_ALU | BPF_ADD | BPF_K,
	    BPF_ALU | BPF_DIV | BPF_K,
	    BPF_ALU | BPF_MOD | BPF_K,
	    BPF_ALU | BPF_LSH | BPF_K,
	    BPF_ALU | BPF_AND | BPF_X,
	    BPF_ALU | BPF_NEG,
	    BPF_JMP | BPF_JA,
	    BPF_JMP | BPF_JEQ | BPF_K,
	    BPF_JMP | BPF_JSET | BPF_X,
	    BPF_JMP | BPF_JGT | BPF_K,
	    BPF_MISC | BPF_TAX,
	    BPF_MISC | BPF_TXA,
	    BPF_RET | BPF_K,
	    BPF_RET | BPF_A,
	    BPF_LD | BPF_W | BPF_IND,
	};
	return pool[rand() % N(pool)];
}

static uint32_t random_k(uint16_t code)
{
	switch (rand() % 4) {
	case 0:
		return rand() % 4;
	case 1:
		return (rand() % 20) * 4; /* loads: in and past seccomp_data */
	case 2:
		return rand() % 40;
	default:
		return SECCOMP_RET_ALLOW;
	}
}

/* Random programs: our validator and the host kernel must agree on every one. */
static void test_check_matches_kernel(void **state)
{
	struct sock_filter p[8];
	int agree = 0, accepted = 0;
	srand(12345);
	for (int n = 0; n < 1500; n++) {
		unsigned len = 1 + rand() % N(p);
		for (unsigned i = 0; i < len; i++) {
			p[i].code = random_code();
			p[i].k = random_k(p[i].code);
			p[i].jt = rand() % 4;
			p[i].jf = rand() % 4;
		}
		if (rand() % 2)
			p[len - 1] = RET_K(SECCOMP_RET_ALLOW);
		int ours = seccomp_bpf_check(p, len), theirs = kernel_check(p, len);
		if (ours != theirs)
			fail_msg("program %d (len %u): ours %d, kernel %d", n, len, ours, theirs);
		agree++;
		accepted += ours == 0;
	}
	assert_int_equal(agree, 1500);
	assert_true(accepted > 50); /* the sample exercises both answers */
}

static void test_run(void **state)
{
	struct sock_filter prog[] = {
	    LD_NR,
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1),
	    RET_K(SECCOMP_RET_ERRNO | EPERM),
	    JMP(BPF_JMP | BPF_JGE | BPF_K, 400, 0, 1),
	    RET_K(SECCOMP_RET_TRAP | 9),
	    /* A = (nr * 2 + 1) & 0xff; X = A; M[2] = X; A = M[2]: RET A when nr == 100 */
	    STMT(BPF_ALU | BPF_MUL | BPF_K, 2),
	    STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
	    STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
	    STMT(BPF_MISC | BPF_TAX, 0),
	    STMT(BPF_STX, 2),
	    STMT(BPF_LD | BPF_MEM, 2),
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, 201, 0, 2),
	    STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
	    STMT(BPF_RET | BPF_A, 0),
	    /* a division by X == 0 ends the program with 0 (KILL_THREAD) */
	    JMP(BPF_JMP | BPF_JSET | BPF_K, 0x100, 0, 3),
	    STMT(BPF_LDX | BPF_IMM, 0),
	    STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
	    RET_K(SECCOMP_RET_ALLOW),
	    RET_K(SECCOMP_RET_LOG),
	};
	struct seccomp_data d;
	assert_int_equal(seccomp_bpf_check(prog, N(prog)), 0);
	d = data_for(SYS_getpid);
	assert_int_equal(seccomp_bpf_run(prog, N(prog), &d), SECCOMP_RET_ERRNO | EPERM);
	d = data_for(450);
	assert_int_equal(seccomp_bpf_run(prog, N(prog), &d), SECCOMP_RET_TRAP | 9);
	d = data_for(100);
	assert_int_equal(seccomp_bpf_run(prog, N(prog), &d), SECCOMP_RET_ERRNO | 201);
	d = data_for(128); /* (257) & 0xff = 1: JSET 0x100 false -> LOG */
	assert_int_equal(seccomp_bpf_run(prog, N(prog), &d), SECCOMP_RET_LOG);
	d = data_for(200); /* 401 & 0xff = 145 (0x91): no 0x100 -> LOG */
	assert_int_equal(seccomp_bpf_run(prog, N(prog), &d), SECCOMP_RET_LOG);
	prog[14].k = 0x10; /* 145 has 0x10: divide by X = 0 */
	assert_int_equal(seccomp_bpf_run(prog, N(prog), &d), 0);
}

static void test_args_and_ip(void **state)
{
	/* errno = low word of args[2] when the high word of the ip is 0x7e00 */
	struct sock_filter prog[] = {
	    STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, 0x7e00, 0, 3),
	    STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
	    STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
	    STMT(BPF_RET | BPF_A, 0),
	    RET_K(SECCOMP_RET_ALLOW),
	};
	struct seccomp_data d = data_for(1);
	d.args[2] = 0x100000000ULL | 33;
	assert_int_equal(seccomp_bpf_run(prog, N(prog), &d), SECCOMP_RET_ALLOW);
	d.instruction_pointer = 0x7e0000000002ULL;
	assert_int_equal(seccomp_bpf_run(prog, N(prog), &d), SECCOMP_RET_ERRNO | 33);
}

static void test_precedence_and_chain(void **state)
{
	struct sock_filter allow[] = {RET_K(SECCOMP_RET_ALLOW)};
	struct sock_filter errno1[] = {RET_K(SECCOMP_RET_ERRNO | 1)};
	struct sock_filter errno2[] = {RET_K(SECCOMP_RET_ERRNO | 2)};
	struct sock_filter trace[] = {RET_K(SECCOMP_RET_TRACE)};
	struct sock_filter killp[] = {RET_K(SECCOMP_RET_KILL_PROCESS)};
	struct seccomp_data d = data_for(0);

	assert_true(seccomp_action_stricter(SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD));
	assert_true(seccomp_action_stricter(SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP));
	assert_true(seccomp_action_stricter(SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO));
	assert_true(seccomp_action_stricter(SECCOMP_RET_ERRNO, SECCOMP_RET_USER_NOTIF));
	assert_true(seccomp_action_stricter(SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE));
	assert_true(seccomp_action_stricter(SECCOMP_RET_TRACE, SECCOMP_RET_LOG));
	assert_true(seccomp_action_stricter(SECCOMP_RET_LOG, SECCOMP_RET_ALLOW));
	assert_false(seccomp_action_stricter(SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 2));

	struct seccomp_filter *a = seccomp_filter_new(NULL, allow, 1, false);
	struct seccomp_filter *b = seccomp_filter_new(a, errno1, 1, false);
	struct seccomp_filter *c = seccomp_filter_new(b, errno2, 1, true);
	struct seccomp_filter *t = seccomp_filter_new(c, trace, 1, false);
	struct seccomp_filter *k = seccomp_filter_new(b, killp, 1, false);
	assert_int_equal(seccomp_filter_chain_run(NULL, &d), SECCOMP_RET_ALLOW);
	assert_int_equal(seccomp_filter_chain_run(a, &d), SECCOMP_RET_ALLOW);
	/* equal actions: the newest filter's data */
	assert_int_equal(seccomp_filter_chain_run(c, &d), SECCOMP_RET_ERRNO | 2);
	assert_int_equal(seccomp_filter_chain_run(t, &d), SECCOMP_RET_ERRNO | 2);
	assert_int_equal(seccomp_filter_chain_run(k, &d), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(seccomp_filter_count(t), 4);
	assert_int_equal(seccomp_filter_path_insns(t), 4 * 5);
	assert_true(seccomp_filter_is_ancestor(b, k));
	assert_true(seccomp_filter_is_ancestor(NULL, k));
	assert_false(seccomp_filter_is_ancestor(c, k));
	assert_true(c->log);
	/* dropping the newest keeps the shared older ones alive for @k */
	seccomp_filter_put(a);
	seccomp_filter_put(b);
	seccomp_filter_put(c);
	seccomp_filter_put(t);
	assert_int_equal(seccomp_filter_chain_run(k, &d), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(seccomp_filter_count(k), 3);
	seccomp_filter_put(k); /* frees all five (no_leaks checks) */
}

static const uint16_t natives[] = {SYS_sched_yield, SYS_futex, SYS_exit_group};
static const struct seccomp_bpf_host host = {
    .gadget_ip = 0x7e0000000002ULL,
    .trace_data = 0xc5ec,
    .mmap_nr = SYS_mmap,
    .native_nrs = natives,
    .n_native = N(natives),
};

static uint32_t run_host(const struct sock_filter *p, unsigned n, int nr, uint64_t ip,
			 uint64_t arg3, uint32_t arch)
{
	struct seccomp_data d = data_for(nr);
	d.instruction_pointer = ip;
	d.args[3] = arg3;
	d.arch = arch;
	return seccomp_bpf_run(p, n, &d);
}

static void test_translate(void **state)
{
	/* app: sched_yield -> TRACE, futex -> A = TRACE; RET A, exit_group -> A = ERRNO(7);
	 * RET A, anything else KILL_PROCESS */
	struct sock_filter app[] = {
	    LD_NR,
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sched_yield, 0, 1),
	    RET_K(SECCOMP_RET_TRACE | 3),
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_futex, 0, 2),
	    STMT(BPF_LD | BPF_IMM, SECCOMP_RET_TRACE),
	    STMT(BPF_RET | BPF_A, 0),
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 0, 2),
	    STMT(BPF_LD | BPF_IMM, SECCOMP_RET_ERRNO | 7),
	    STMT(BPF_RET | BPF_A, 0),
	    RET_K(SECCOMP_RET_KILL_PROCESS),
	};
	const uint32_t tr = SECCOMP_RET_TRACE | 0xc5ec, x86 = AUDIT_ARCH_X86_64;
	struct sock_filter *o;
	unsigned n;

	assert_int_equal(seccomp_bpf_translate(app, N(app), &host, &o, &n), 0);
	assert_int_equal(seccomp_bpf_check(o, n), 0); /* the host would accept it */
	/* the gadget and the calls that stop in the Sentry anyway: TRACE */
	assert_int_equal(run_host(o, n, SYS_sched_yield, host.gadget_ip, 0, x86), tr);
	assert_int_equal(run_host(o, n, SYS_getpid, 0x401000, 0, x86), tr);
	assert_int_equal(run_host(o, n, SYS_mmap, 0x401000, MAP_PRIVATE, x86), tr);
	/* native calls: the app's verdict, its TRACE turned into ENOSYS */
	assert_int_equal(run_host(o, n, SYS_sched_yield, 0x401000, 0, x86),
			 SECCOMP_RET_ERRNO | ENOSYS);
	assert_int_equal(run_host(o, n, SYS_futex, 0x401000, 0, x86), SECCOMP_RET_ERRNO | ENOSYS);
	assert_int_equal(run_host(o, n, SYS_exit_group, 0x401000, 0, x86), SECCOMP_RET_ERRNO | 7);
	assert_int_equal(run_host(o, n, SYS_mmap, 0x401000, MAP_ANONYMOUS | MAP_PRIVATE, x86),
			 SECCOMP_RET_KILL_PROCESS);
	/* other ABIs reach the app's program (x32 numbers, i386) */
	assert_int_equal(run_host(o, n, 0x40000000 | SYS_getpid, 0x401000, 0, x86),
			 SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_host(o, n, SYS_getpid, 0x401000, 0, AUDIT_ARCH_I386),
			 SECCOMP_RET_KILL_PROCESS);
	/* an ip whose low word only matches the gadget's is not the gadget */
	assert_int_equal(run_host(o, n, SYS_exit_group, 0x2, 0, x86), SECCOMP_RET_ERRNO | 7);
	free(o);

	/* too long once the prefix is added */
	static struct sock_filter big[SECCOMP_BPF_MAXINSNS];
	for (unsigned i = 0; i < N(big); i++)
		big[i] = RET_K(SECCOMP_RET_ALLOW);
	assert_int_equal(seccomp_bpf_translate(big, N(big), &host, &o, &n), -EINVAL);
}

/* The seccomp-trap platform's host: its stub runtime's calls and its retrace site. */
static const struct plat_rt_call rt_calls[] = {
    {0x7e000000004aULL, SYS_futex, 2,
     {{0, 0x7e0000100000ULL, 0x7e0000900000ULL}, {1, FUTEX_WAIT, FUTEX_WAKE + 1}}},
    {0x7e0000000052ULL, SYS_sched_yield, 0, {{0}}},
};
static const uint16_t judged[] = {SYS_exit_group};
static const struct seccomp_bpf_host trap_host = {
    .gadget_ip = 0x7e0000000002ULL,
    .trace_data = 0xc5ec,
    .mmap_nr = SYS_mmap,
    .native_nrs = natives,
    .n_native = N(natives),
    .rt_calls = rt_calls,
    .n_rt_calls = N(rt_calls),
    .retrace_ip = 0x7e0000000022ULL,
    .retrace_judged = judged,
    .n_retrace_judged = N(judged),
};

static uint32_t run_futex(const struct sock_filter *p, unsigned n, uint64_t ip, uint64_t uaddr,
			  uint64_t op)
{
	struct seccomp_data d = data_for(SYS_futex);
	d.instruction_pointer = ip;
	d.args[0] = uaddr;
	d.args[1] = op;
	d.arch = AUDIT_ARCH_X86_64;
	return seccomp_bpf_run(p, n, &d);
}

static void test_translate_stub_runtime(void **state)
{
	/* strict mode's program: it refuses futex and sched_yield, which the runtime makes */
	const uint32_t x86 = AUDIT_ARCH_X86_64, tr = SECCOMP_RET_TRACE | 0xc5ec;
	const uint64_t slot = 0x7e0000110000ULL;
	struct sock_filter *o;
	unsigned n;

	assert_int_equal(seccomp_bpf_strict_program(&trap_host, &o, &n), 0);
	assert_int_equal(seccomp_bpf_check(o, n), 0);
	/* the runtime's own calls from their sites: allowed */
	assert_int_equal(run_futex(o, n, 0x7e000000004aULL, slot, FUTEX_WAIT), SECCOMP_RET_ALLOW);
	assert_int_equal(run_futex(o, n, 0x7e000000004aULL, 0x7e0000100000ULL, FUTEX_WAKE),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(run_host(o, n, SYS_sched_yield, 0x7e0000000052ULL, 0, x86),
			 SECCOMP_RET_ALLOW);
	/* the same site with other arguments, another site or another number: the app's */
	assert_int_equal(run_futex(o, n, 0x7e000000004aULL, 0x7e0000900000ULL, FUTEX_WAIT),
			 SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_futex(o, n, 0x7e000000004aULL, 0x7f0000110000ULL, FUTEX_WAIT),
			 SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_futex(o, n, 0x7e000000004aULL, slot, FUTEX_REQUEUE),
			 SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_futex(o, n, 0x7f000000004aULL, slot, FUTEX_WAIT),
			 SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_futex(o, n, 0x401000, slot, FUTEX_WAIT), SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_host(o, n, SYS_sched_yield, 0x7e000000004aULL, 0, x86),
			 SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_host(o, n, SYS_exit_group, 0x7e0000000052ULL, 0, x86),
			 SECCOMP_RET_KILL_THREAD);
	/* the retrace site: the Sentry's calls TRACE, but for the ones the app judges there */
	assert_int_equal(run_host(o, n, SYS_futex, 0x7e0000000022ULL, 0, x86), tr);
	assert_int_equal(run_host(o, n, SYS_sched_yield, 0x7e0000000022ULL, 0, x86), tr);
	assert_int_equal(run_host(o, n, SYS_exit_group, 0x7e0000000022ULL, 0, x86),
			 SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_host(o, n, SYS_read, 0x7e0000000022ULL, 0, x86), tr);
	/* the gadget and everything else as without the platform's sites */
	assert_int_equal(run_host(o, n, SYS_exit_group, 0x7e0000000002ULL, 0, x86), tr);
	assert_int_equal(run_host(o, n, SYS_exit_group, 0x22, 0, x86), SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_host(o, n, SYS_read, 0x401000, 0, x86), tr);
	free(o);

	/* a retrace site outside the gadget's 4 GiB is refused */
	struct seccomp_bpf_host bad = trap_host;
	bad.retrace_ip = 0x7f0000000022ULL;
	assert_int_equal(seccomp_bpf_strict_program(&bad, &o, &n), -EINVAL);
}

static void test_strict_program(void **state)
{
	const uint32_t x86 = AUDIT_ARCH_X86_64, tr = SECCOMP_RET_TRACE | 0xc5ec;
	struct sock_filter *o;
	unsigned n;
	assert_int_equal(seccomp_bpf_strict_program(&host, &o, &n), 0);
	assert_int_equal(seccomp_bpf_check(o, n), 0);
	assert_int_equal(run_host(o, n, SYS_sched_yield, 0x401000, 0, x86),
			 SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_host(o, n, SYS_exit_group, 0x401000, 0, x86),
			 SECCOMP_RET_KILL_THREAD);
	assert_int_equal(run_host(o, n, SYS_read, 0x401000, 0, x86), tr); /* the Sentry checks */
	assert_int_equal(run_host(o, n, SYS_mmap, host.gadget_ip, 0, x86), tr);
	free(o);
	assert_true(seccomp_strict_allows(SYS_read));
	assert_true(seccomp_strict_allows(SYS_write));
	assert_true(seccomp_strict_allows(SYS_exit));
	assert_true(seccomp_strict_allows(SYS_rt_sigreturn));
	assert_false(seccomp_strict_allows(SYS_exit_group));
	assert_false(seccomp_strict_allows(SYS_getpid));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_check_accepts, no_leaks),
	    cmocka_unit_test_teardown(test_check_refuses, no_leaks),
	    cmocka_unit_test_teardown(test_check_matches_kernel, no_leaks),
	    cmocka_unit_test_teardown(test_run, no_leaks),
	    cmocka_unit_test_teardown(test_args_and_ip, no_leaks),
	    cmocka_unit_test_teardown(test_precedence_and_chain, no_leaks),
	    cmocka_unit_test_teardown(test_translate, no_leaks),
	    cmocka_unit_test_teardown(test_strict_program, no_leaks),
	    cmocka_unit_test_teardown(test_translate_stub_runtime, no_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
