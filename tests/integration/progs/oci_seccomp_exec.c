/* oci_seccomp_exec.c - helper of tests/integration/oci_seccomp.sh, built static and run
 * inside a sandbox: reads an OCI config.json, turns its linux.seccomp into BPF with
 * runtime/oci_seccomp.c, installs it (no_new_privs, seccomp(2)) and execs the rest of its
 * arguments. It is what the Sentry's preload does for a container's first process, done
 * by the process itself, until the runtime calls seccomp_task_preload.
 * Usage: oci-seccomp-exec CONFIG.json CMD [ARG]... (exit 125 when the filter cannot be
 * built or installed, with one line on stderr). */
#include "runtime/oci_seccomp.h"
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_fprog prog;
	json_error_t je;
	char err[512] = "";
	unsigned flags;
	json_t *cfg, *sc;

	if (argc < 3) {
		fprintf(stderr, "usage: %s CONFIG.json CMD [ARG]...\n", argv[0]);
		return 125;
	}
	cfg = json_load_file(argv[1], 0, &je);
	if (!cfg) {
		fprintf(stderr, "%s: %s\n", argv[1], je.text);
		return 125;
	}
	sc = json_object_get(json_object_get(cfg, "linux"), "seccomp");
	if (oci_seccomp_build(sc, &prog, &flags, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 125;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0) {
		fprintf(stderr, "seccomp: %s\n", strerror(errno));
		return 125;
	}
	execv(argv[2], argv + 2);
	fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
	return 127;
}
