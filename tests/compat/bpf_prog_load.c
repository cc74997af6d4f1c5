/* bpf_prog_load.c - BPF_PROG_LOAD of BPF_PROG_TYPE_CGROUP_DEVICE: what the verifier
 * refuses, with Linux's errno (and its message in the log), bounded loops it accepts, the attribute
 * checks, the CGROUP_SKB program cilium/ebpf loads to probe BPF_PROG_ATTACH, program ids
 * (GET_NEXT_ID, GET_FD_BY_ID, ENOENT once the last fd is closed), the info's copies of
 * the insns and name, and EPERM without privileges. */
/* syscalls: bpf */
#include "tap.h"
#include "bpf_util.h"

#define LOAD(insns)                                                                                \
	bpf_load(BPF_PROG_TYPE_CGROUP_DEVICE, insns, sizeof(insns) / sizeof(insns[0]), log,        \
		 sizeof(log))

static char log[4096];

int main(void)
{
	TAP_PLAN(40);
	{
		const struct bpf_insn p[] = {BI(0xff, 0, 0, 0, 0), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "unknown opcode: EINVAL");
		TAP_OK(strstr(log, "unknown opcode ff") != NULL, "... the log says so (%s)", log);
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_REG(0, 2), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EACCES, "read of uninitialised R2: EACCES");
		TAP_OK(strstr(log, "R2 !read_ok") != NULL, "... \"R2 !read_ok\" in the log");
	}
	{
		const struct bpf_insn p[] = {BI_LDX(BPF_W, 0, 1, 12), BI_MOV64_IMM(0, 1),
					     BI_EXIT()};
		TAP_ERRNO(LOAD(p), EACCES, "context load past struct bpf_cgroup_dev_ctx: EACCES");
		TAP_OK(strstr(log, "invalid bpf_context access off=12 size=4") != NULL,
		       "... \"invalid bpf_context access\" in the log");
	}
	{
		const struct bpf_insn p[] = {BI_LDX(BPF_DW, 0, 1, 0), BI_MOV64_IMM(0, 1),
					     BI_EXIT()};
		TAP_ERRNO(LOAD(p), EACCES, "8-byte context load: EACCES");
	}
	{
		const struct bpf_insn p[] = {BI_LDX(BPF_H, 0, 1, 4), BI_MOV64_IMM(0, 1), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EACCES, "2-byte load of major: EACCES");
	}
	{
		const struct bpf_insn p[] = {BI_LDX(BPF_H, 2, 1, 2), BI_LDX(BPF_B, 3, 1, 1),
					     BI_MOV64_IMM(0, 1), BI_EXIT()};
		TAP_OK(LOAD(p) >= 0, "1- and 2-byte loads of access_type are fine");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(0, 1), BI_STX(BPF_W, 1, 0, 4), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EACCES, "store into the context: EACCES");
	}
	{
		const struct bpf_insn p[] = {BI_ST(BPF_W, 1, 0, 1), BI_MOV64_IMM(0, 1), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EACCES, "BPF_ST into the context: EACCES");
	}
	{
		const struct bpf_insn p[] = {BI_EXIT()};
		TAP_ERRNO(LOAD(p), EACCES, "exit without R0: EACCES");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(0, 2), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "R0 = 2 at exit (outside [0, 1]): EINVAL");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_REG(0, 1), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "returning the context pointer: EINVAL");
	}
	{
		const struct bpf_insn p[] = {BI_LDX(BPF_W, 0, 1, 8), BI_JMP_IMM(BPF_JGT, 0, 1, 1),
					     BI_EXIT(), BI_MOV64_IMM(0, 0), BI_EXIT()};
		TAP_OK(LOAD(p) >= 0, "R0 bounded to [0, 1] by a branch is accepted");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(0, 1), BI_JA(5), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "jump out of range: EINVAL");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(0, 1)};
		TAP_ERRNO(LOAD(p), EINVAL, "last insn not an exit: EINVAL");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(0, 1), BI_JA(-1), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "an infinite loop: EINVAL");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(2, 0), BI_ALU64_IMM(BPF_ADD, 2, 1),
					     BI_JMP_IMM(BPF_JLT, 2, 10, -2), BI_MOV64_IMM(0, 1),
					     BI_EXIT()};
		TAP_OK(LOAD(p) >= 0, "a loop of 10 rounds is accepted");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(2, 0), BI_JMP_IMM(BPF_JEQ, 2, 0, -1),
					     BI_MOV64_IMM(0, 1), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "a loop that never ends: EINVAL");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(0, 1), BI_EXIT(), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "an unreachable insn: EINVAL");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(10, 0), BI_MOV64_IMM(0, 1), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EACCES, "writing R10: EACCES");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(0, 1), BI_ALU64_IMM(BPF_DIV, 0, 0),
					     BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "division by a zero constant: EINVAL");
	}
	{
		const struct bpf_insn p[] = {BI(BPF_JMP | BPF_CALL, 0, 0, 0, 100000),
					     BI_MOV64_IMM(0, 1), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EINVAL, "a call of an unknown helper: EINVAL");
	}
	{
		/* r2 = map fd 1000 (not open) */
		const struct bpf_insn p[] = {
		    BI(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_MAP_FD, 0, 1000), BI(0, 0, 0, 0, 0),
		    BI_MOV64_IMM(0, 1), BI_EXIT()};
		TAP_ERRNO(LOAD(p), EBADF, "BPF_LD_IMM64 of a closed map fd: EBADF");
	}
	{
		const struct bpf_insn p[] = {BI_MOV64_IMM(2, 1), BI_STX(BPF_DW, 10, 2, -8),
					     BI_LDX(BPF_DW, 0, 10, -8), BI_EXIT()};
		TAP_OK(LOAD(p) >= 0, "a spill to the stack and back keeps R0 = 1");
	}
	{
		const struct bpf_insn p[] = {BI_LDX(BPF_DW, 0, 10, -16), BI_MOV64_IMM(0, 1),
					     BI_EXIT()};
		TAP_OK(LOAD(p) >= 0, "a read of uninitialised stack is allowed with CAP_PERFMON");
	}
	const struct bpf_insn ok[] = {BI_MOV64_IMM(0, 1), BI_EXIT()};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)ok;
	a.license = (uintptr_t) "GPL";
	TAP_ERRNO(bpf_sys(BPF_PROG_LOAD, &a), E2BIG, "insn_cnt 0: E2BIG");
	a.insn_cnt = 2;
	a.license = (uintptr_t)tap_badptr();
	TAP_ERRNO(bpf_sys(BPF_PROG_LOAD, &a), EFAULT, "a bad license pointer: EFAULT");
	a.license = (uintptr_t) "GPL";
	a.insns = (uintptr_t)tap_badptr();
	TAP_ERRNO(bpf_sys(BPF_PROG_LOAD, &a), EFAULT, "a bad insns pointer: EFAULT");
	a.insns = (uintptr_t)ok;
	a.log_level = 1;
	a.log_buf = (uintptr_t)log;
	a.log_size = 64;
	TAP_ERRNO(bpf_sys(BPF_PROG_LOAD, &a), ENOSPC, "a 64-byte log is too small: ENOSPC");
	a.log_level = 0;
	TAP_ERRNO(bpf_sys(BPF_PROG_LOAD, &a), EINVAL, "a log buffer without a log level: EINVAL");
	a.log_size = 0;
	a.log_buf = 0;
	strcpy(a.prog_name, "bad name");
	TAP_ERRNO(bpf_sys(BPF_PROG_LOAD, &a), EINVAL, "a program name with a space: EINVAL");
	memset(a.prog_name, 0, sizeof(a.prog_name));
	a.prog_type = 0x7fff;
	TAP_ERRNO(bpf_sys(BPF_PROG_LOAD, &a), EINVAL, "an unknown program type: EINVAL");
	/* cilium/ebpf's BPF_PROG_ATTACH probe (runc 1.1) */
	a.prog_type = BPF_PROG_TYPE_CGROUP_SKB;
	int skb = (int)bpf_sys(BPF_PROG_LOAD, &a);
	TAP_OK(skb >= 0, "a CGROUP_SKB program returning 0 loads");
	close(skb);

	/* ids */
	strcpy(a.prog_name, "cvisor_t.1");
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	int fd = (int)bpf_sys(BPF_PROG_LOAD, &a);
	struct bpf_prog_info info;
	struct bpf_insn back[4];
	memset(&info, 0, sizeof(info));
	info.xlated_prog_insns = (uintptr_t)back;
	info.xlated_prog_len = sizeof(back);
	union bpf_attr ia;
	memset(&ia, 0, sizeof(ia));
	ia.info.bpf_fd = fd;
	ia.info.info_len = sizeof(info);
	ia.info.info = (uintptr_t)&info;
	TAP_OK(bpf_sys(BPF_OBJ_GET_INFO_BY_FD, &ia) == 0 && !strcmp(info.name, "cvisor_t.1") &&
		   info.xlated_prog_len == sizeof(ok) && !memcmp(back, ok, sizeof(ok)) &&
		   info.gpl_compatible,
	       "info: name, insns, GPL");
	union bpf_attr ida;
	memset(&ida, 0, sizeof(ida));
	ida.start_id = info.id - 1;
	TAP_OK(bpf_sys(BPF_PROG_GET_NEXT_ID, &ida) == 0 && ida.next_id == info.id,
	       "BPF_PROG_GET_NEXT_ID finds it");
	memset(&ida, 0, sizeof(ida));
	ida.prog_id = info.id;
	int fd2 = (int)bpf_sys(BPF_PROG_GET_FD_BY_ID, &ida);
	TAP_OK(fd2 >= 0 && fd2 != fd && bpf_id(fd2) == info.id &&
		   (fcntl(fd2, F_GETFD) & FD_CLOEXEC),
	       "BPF_PROG_GET_FD_BY_ID: a second close-on-exec fd of the same program");
	close(fd);
	close(fd2);
	TAP_ERRNO(bpf_sys(BPF_PROG_GET_FD_BY_ID, &ida), ENOENT,
		  "the id is gone with the last fd: ENOENT");

	pid_t pid = fork();
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		errno = 0;
		a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
		_exit(bpf_sys(BPF_PROG_LOAD, &a) < 0 && errno == EPERM ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "without capabilities: EPERM");
	return TAP_DONE();
}
