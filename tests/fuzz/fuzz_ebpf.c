/* tests/fuzz/fuzz_ebpf.c - libFuzzer target: the eBPF verifier and interpreter of bpf(2)
 * (sentry/bpf/). The input is one flags byte (bit 0: CAP_PERFMON's uninitialised stack
 * reads, bit 1: CAP_BPF's loops), a struct bpf_cgroup_dev_ctx (12 bytes), then the program. Any
 * program is run (the interpreter must stay in bounds and end); a program the verifier accepts must
 * run without a fault and return 0 or 1, as the verifier promised. */
#include "sentry/bpf/bpf_interp.h"
#include "sentry/bpf/bpf_verifier.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t ctx[3];
	if (size < 1 + sizeof(ctx))
		return 0;
	memcpy(ctx, data + 1, sizeof(ctx));
	size_t n = (size - 1 - sizeof(ctx)) / sizeof(struct bpf_insn);
	if (n == 0 || n > 4096)
		return 0;
	struct bpf_insn *prog = malloc(n * sizeof(*prog));
	if (!prog)
		return 0;
	memcpy(prog, data + 1 + sizeof(ctx), n * sizeof(*prog));
	struct bpf_verify_req r = {.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
				   .insns = prog,
				   .cnt = (uint32_t)n,
				   .allow_uninit_stack = data[0] & 1,
				   .allow_loops = data[0] & 2};
	int err = bpf_verify(&r);
	int fault = 0;
	uint64_t ret = bpf_interp_run(prog, (uint32_t)n, ctx, sizeof(ctx), &fault);
	if (!err && (fault || ret > 1))
		abort(); /* the verifier let through a program that misbehaves */
	free(prog);
	return 0;
}
