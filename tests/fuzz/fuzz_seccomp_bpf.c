/* tests/fuzz/fuzz_seccomp_bpf.c - libFuzzer target: the cBPF validator and interpreter
 * the Sentry runs for the app's own seccomp filters (sentry/seccomp_bpf.c). The input is
 * a struct seccomp_data followed by a program; a program the validator accepts is run
 * on the data (it must end, in bounds), and translated for the host when it can be. */
#include "sentry/seccomp_bpf.h"
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seccomp_data sd;
	if (size < sizeof(sd))
		return 0;
	memcpy(&sd, data, sizeof(sd));
	size_t n = (size - sizeof(sd)) / sizeof(struct sock_filter);
	if (n == 0 || n > 4096)
		return 0;
	struct sock_filter *prog = malloc(n * sizeof(*prog));
	if (!prog)
		return 0;
	memcpy(prog, data + sizeof(sd), n * sizeof(*prog));
	if (seccomp_bpf_check(prog, (unsigned)n) == 0)
		(void)seccomp_bpf_run(prog, (unsigned)n, &sd);
	free(prog);
	return 0;
}
