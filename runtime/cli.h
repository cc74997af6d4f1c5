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
	bool network_set;       /* --network was given (the default is not an explicit ask) */
	bool systemd_cgroup;    /* --systemd-cgroup: refused by verbs that would need it */
	bool ignore_cgroups;    /* --ignore-cgroups: no cgroup (freezer) for the Sentry */
	const char *argv0;      /* /proc/self/exe is used to re-run cvisor; this is for msgs */
};

/* The global options of this run (for cli_error's --log). */
extern struct global_opts *cli_globals;

/* Prints "cvisor: <msg>" to stderr (and the --log file). Returns 1 (CLI exit code). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like cli_error but at level "warning": the command goes on. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Checks a container id given on the command line as runc does (runtime/state.h's
 * state_id_valid). Returns 0, or 1 (the CLI exit code) after runc's message: "container id
 * cannot be empty" or "invalid container ID format: ID". */
int cli_check_id(const char *id);
/* Appends a debug line to --log when --debug is given. */
void cli_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Verb flag parsing shared by the cmd_*.c files: matches --NAME VALUE, --NAME=VALUE and
 * -NAME VALUE at argv[*i]. Returns 1 and sets *@out (advancing *@i past a separate
 * value), 0 when argv[*i] is another flag, -1 when the value is missing. */
int cli_flag_value(const char *name, int *i, int argc, char **argv, const char **out);
/* Matches a boolean flag --NAME, -NAME, --NAME=true/false. Returns 1 and sets *@out. */
int cli_flag_bool(const char *name, const char *arg, bool *out);

/* The sandbox's enum net_mode for --network @v (runtime/cmd_do.c): "none"; "host" (TCP
 * and UDP sockets are host sockets); "sandbox" when cvisor runs in a network namespace
 * of its own, else (the host's initial one) an error for an explicit ask of `do`,
 * loopback only ("none") for its default, host mode for a container. Returns 0 with
 * *@mode set, or 1 (message printed). */
int cli_net_mode(const char *verb, const char *v, bool explicit_ask, bool container, int *mode);
/* --network's name of enum net_mode @mode ("none", "sandbox", "host"): the Sentry's host
 * syscall filter is chosen by it (sentry/confine.c). */
const char *cli_net_mode_name(int mode);

int cmd_do(struct global_opts *g, int argc, char **argv);
int cmd_syscalls(struct global_opts *g, int argc, char **argv);
int cmd_create(struct global_opts *g, int argc, char **argv);
int cmd_start(struct global_opts *g, int argc, char **argv);
int cmd_run(struct global_opts *g, int argc, char **argv);
int cmd_state(struct global_opts *g, int argc, char **argv);
int cmd_kill(struct global_opts *g, int argc, char **argv);
int cmd_delete(struct global_opts *g, int argc, char **argv);
int cmd_exec(struct global_opts *g, int argc, char **argv);
int cmd_ps(struct global_opts *g, int argc, char **argv);
int cmd_list(struct global_opts *g, int argc, char **argv);
int cmd_events(struct global_opts *g, int argc, char **argv);
int cmd_pause(struct global_opts *g, int argc, char **argv);
int cmd_resume(struct global_opts *g, int argc, char **argv);
int cmd_update(struct global_opts *g, int argc, char **argv);
int cmd_spec(struct global_opts *g, int argc, char **argv);
int cmd_features(struct global_opts *g, int argc, char **argv);
int cmd_checkpoint(struct global_opts *g, int argc, char **argv);

#endif
