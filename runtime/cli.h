/* runtime/cli.h - the cvisor command line: global flags (before the verb, any order, as
 * runc and runsc take them) and one cmd_<verb> per file. */
#ifndef CVISOR_RUNTIME_CLI_H
#define CVISOR_RUNTIME_CLI_H
#include <stdbool.h>

struct global_opts {
	const char *root;       /* --root: container state (default /var/run/cvisor) */
	const char *log;        /* --log */
	const char *log_format; /* --log-format text|json */
	const char *debug_log;  /* --debug-log */
	const char *platform;   /* --platform ptrace */
	const char *network;    /* --network sandbox|host|none */
	bool debug, strace, net_raw, rootless;
};

/* Prints "cvisor: <msg>" to stderr (and the --log file). Returns 1 (CLI exit code). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_do(struct global_opts *g, int argc, char **argv);
int cmd_syscalls(struct global_opts *g, int argc, char **argv);

#endif
