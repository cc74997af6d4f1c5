/* seccomp_einval.c - programs and arguments Linux refuses: EINVAL for bad programs (empty,
 * too long, bad opcode, unaligned or out-of-range load, jump out of range, no final RET,
 * scratch read before write, division by zero, shift >= 32), bad flags and ops; EFAULT for
 * bad pointers; strict mode after a filter: EINVAL. */
/* syscalls: seccomp prctl */
#include "tap.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define RET_ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static long load(struct sock_filter *f, unsigned short n)
{
	struct sock_fprog p = {n, f};
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p);
}

int main(void)
{
	static struct sock_filter big[4097];
	struct sock_filter ok[] = {RET_ALLOW};
	struct sock_filter bad_op[] = {BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET_ALLOW};
	struct sock_filter unaligned[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), RET_ALLOW};
	struct sock_filter past[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), RET_ALLOW};
	struct sock_filter jump[] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5), RET_ALLOW};
	struct sock_filter ja[] = {BPF_STMT(BPF_JMP | BPF_JA, 1), RET_ALLOW};
	struct sock_filter no_ret[] = {RET_ALLOW, BPF_STMT(BPF_LD | BPF_IMM, 0)};
	struct sock_filter mem[] = {BPF_STMT(BPF_LD | BPF_MEM, 3), RET_ALLOW};
	struct sock_filter div0[] = {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET_ALLOW};
	struct sock_filter shift[] = {BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), RET_ALLOW};
	struct sock_filter mod[] = {BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), RET_ALLOW};
	struct sock_fprog bad_ptr = {1, tap_badptr()};
	pid_t pid;

	TAP_PLAN(18);
	TAP_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "no_new_privs");
	for (int i = 0; i < 4097; i++)
		big[i] = (struct sock_filter)RET_ALLOW;
	TAP_ERRNO(load(ok, 0), EINVAL, "empty program");
	TAP_ERRNO(load(big, 4097), EINVAL, "4097 instructions");
	TAP_ERRNO(load(bad_op, 2), EINVAL, "byte load (opcode seccomp refuses)");
	TAP_ERRNO(load(unaligned, 2), EINVAL, "unaligned word load");
	TAP_ERRNO(load(past, 2), EINVAL, "load past struct seccomp_data");
	TAP_ERRNO(load(jump, 2), EINVAL, "conditional jump out of the program");
	TAP_ERRNO(load(ja, 2), EINVAL, "JA out of the program");
	TAP_ERRNO(load(no_ret, 2), EINVAL, "last instruction not a RET");
	TAP_ERRNO(load(mem, 2), EINVAL, "scratch slot read before written");
	TAP_ERRNO(load(div0, 2), EINVAL, "division by constant zero");
	TAP_ERRNO(load(shift, 2), EINVAL, "shift by 32");
	TAP_ERRNO(load(mod, 2), EINVAL, "BPF_MOD (not in seccomp's list)");
	TAP_ERRNO(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, tap_badptr()), EFAULT,
		  "bad struct sock_fprog pointer");
	TAP_ERRNO(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &bad_ptr), EFAULT,
		  "bad filter pointer");
	TAP_ERRNO(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 1U << 20, NULL), EINVAL,
		  "unknown flag");
	TAP_ERRNO(syscall(SYS_seccomp, 77, 0, NULL), EINVAL, "unknown operation");
	pid = fork();
	if (pid == 0) {
		struct sock_fprog p = {1, ok};
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0)
			_exit(2);
		errno = 0;
		_exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL) == -1 &&
			      errno == EINVAL
			  ? 0
			  : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "strict mode after a filter: EINVAL");
	return TAP_DONE();
}
