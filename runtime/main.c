/* runtime/main.c - cvisor's entry: global flags, then the verb. Unknown flags and verbs
 * get one clear line and exit status 1; nothing here touches a sandbox directly. */
#include "runtime/cli.h"
#include "runtime/state.h"
#include "platform/platform.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CVISOR_VERSION "0.1.0"

struct global_opts *cli_globals;

/* One line to the --log file: JSON ({"level","msg","time"}, what containerd reads back on a
 * failure) or text. Never fails the caller. */
static void log_line(const char *level, const char *msg)
{
	struct global_opts *g = cli_globals;
	char when[64];
	if (!g || !g->log)
		return;
	FILE *f = fopen(g->log, "ae");
	if (!f)
		return;
	state_now_rfc3339(when, sizeof(when));
	if (g->log_format && !strcmp(g->log_format, "json")) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", when);
		char *t = json_dumps(j, JSON_COMPACT);
		if (t)
			fprintf(f, "%s\n", t);
		free(t);
		json_decref(j);
	} else {
		fprintf(f, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
	}
	fclose(f);
}

static void vreport(const char *level, const char *fmt, va_list ap)
{
	char msg[4096];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strcmp(level, "debug"))
		fprintf(stderr, "cvisor: %s%s\n", strcmp(level, "warning") ? "" : "warning: ", msg);
	log_line(level, msg);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error", fmt, ap);
	va_end(ap);
	return 1;
}

int cli_check_id(const char *id)
{
	if (!id || !*id)
		return cli_error("container id cannot be empty");
	if (!state_id_valid(id))
		return cli_error("invalid container ID format: %s", id);
	return 0;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning", fmt, ap);
	va_end(ap);
}

void cli_debug(const char *fmt, ...)
{
	va_list ap;
	if (!cli_globals || !cli_globals->debug)
		return;
	va_start(ap, fmt);
	vreport("debug", fmt, ap);
	va_end(ap);
}

static void usage(FILE *out)
{
	fputs("usage: cvisor [global flags] <command> [flags] [args]\n\n"
	      "OCI commands (as runc and runsc):\n"
	      "  create --bundle B [--pid-file F] [--console-socket S] ID\n"
	      "  start ID | run [--bundle B] [--detach] ID | state ID | delete [--force] ID\n"
	      "  kill [--all] ID [SIGNAL] | exec [flags] ID -- CMD | exec --process F ID\n"
	      "  ps [--format table|json] ID | list [--format table|json] | events [--stats] ID\n"
	      "  pause ID | resume ID | update --resources FILE ID | spec | features\n"
	      "cvisor's own:\n"
	      "  do [flags] -- CMD [ARGS]   run CMD in a fresh sandbox (host root through an\n"
	      "                             in-memory overlay, or --rootfs DIR)\n"
	      "  syscalls [--markdown|--json]  print the syscall table\n\n"
	      "global flags: --root DIR --log FILE --log-format text|json --debug --debug-log FILE\n"
	      "              --strace --platform ptrace|seccomp-trap --network sandbox|host|none --net-raw\n"
	      "              --rootless --ignore-cgroups --systemd-cgroup --version\n",
	      out);
}

struct verb {
	const char *name;
	int (*fn)(struct global_opts *, int, char **);
};

static const struct verb verbs[] = {
	{"do", cmd_do},		{"syscalls", cmd_syscalls}, {"create", cmd_create},
	{"start", cmd_start},	{"run", cmd_run},	    {"state", cmd_state},
	{"kill", cmd_kill},	{"delete", cmd_delete},	    {"exec", cmd_exec},
	{"ps", cmd_ps},		{"list", cmd_list},	    {"events", cmd_events},
	{"pause", cmd_pause},	{"resume", cmd_resume},	    {"update", cmd_update},
	{"spec", cmd_spec},	{"features", cmd_features}, {"checkpoint", cmd_checkpoint},
	{"restore", cmd_checkpoint},
};

/* See cli.h. */
int cli_flag_value(const char *flag, int *i, int argc, char **argv, const char **out)
{
	const char *a = argv[*i];
	size_t n = strlen(flag);
	if (a[0] == '-' && a[1] != '-')
		a++; /* runc accepts -root as well as --root */
	else
		a += 2;
	if (strncmp(a, flag, n))
		return 0;
	if (a[n] == '=') {
		*out = a + n + 1;
		return 1;
	}
	if (a[n])
		return 0;
	if (*i + 1 >= argc) {
		*out = NULL;
		return -1;
	}
	*out = argv[++*i];
	return 1;
}

int cli_flag_bool(const char *name, const char *arg, bool *out)
{
	size_t n = strlen(name);
	const char *a = arg;
	if (a[0] != '-')
		return 0;
	a += a[1] == '-' ? 2 : 1;
	if (strncmp(a, name, n))
		return 0;
	if (!a[n]) {
		*out = true;
		return 1;
	}
	if (a[n] != '=')
		return 0;
	*out = strcmp(a + n + 1, "false") && strcmp(a + n + 1, "0");
	return 1;
}

int main(int argc, char **argv)
{
	struct global_opts g = {.root = "/var/run/cvisor", .platform = PLAT_DEFAULT_NAME,
				.network = "sandbox", .log_format = "text"};
	int i;

	cli_globals = &g;
	g.argv0 = argv[0];
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v, *ignored = NULL;
		int r;
		if (!strcmp(a, "--version") || !strcmp(a, "-v")) {
			printf("cvisor version %s\nspec: 1.1.0\nplatform: %s\n", CVISOR_VERSION,
			       g.platform);
			return 0;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		bool bmatched = false, ignored_b = false;
		const struct {
			const char *name;
			bool *dst;
		} bflags[] = {{"debug", &g.debug},
			      {"strace", &g.strace},
			      {"net-raw", &g.net_raw},
			      {"rootless", &g.rootless},
			      {"systemd-cgroup", &g.systemd_cgroup},
			      {"ignore-cgroups", &g.ignore_cgroups},
			      /* runsc flags Docker users pass that need nothing from us */
			      {"alsologtostderr", &ignored_b},
			      {"TESTONLY-unsafe-nonroot", &ignored_b},
			      {"overlay", &ignored_b},
			      {"no-pivot", &ignored_b}};
		for (size_t k = 0; k < sizeof(bflags) / sizeof(bflags[0]) && !bmatched; k++)
			bmatched = cli_flag_bool(bflags[k].name, a, bflags[k].dst) > 0;
		if (bmatched)
			continue;
		const struct {
			const char *name;
			const char **dst;
		} vflags[] = {{"root", &g.root},         {"log", &g.log},
			      {"log-format", &g.log_format}, {"debug-log", &g.debug_log},
			      {"platform", &g.platform},  {"network", &g.network},
			      /* runc's --criu PATH and runsc's extras: accepted, not used */
			      {"criu", &ignored},		  {"log-level", &ignored},
			      {"debug-log-format", &ignored}, {"panic-log", &ignored},
			      {"gso", &ignored}, {"file-access", &ignored}};
		bool matched = false;
		for (size_t k = 0; k < sizeof(vflags) / sizeof(vflags[0]); k++) {
			r = cli_flag_value(vflags[k].name, &i, argc, argv, &v);
			if (r < 0)
				return cli_error("flag --%s needs a value", vflags[k].name);
			if (r > 0) {
				*vflags[k].dst = v;
				if (vflags[k].dst == &g.network)
					g.network_set = true;
				matched = true;
				break;
			}
		}
		if (!matched)
			return cli_error("unknown global flag %s (see cvisor --help)", a);
	}
	if (plat_select(g.platform) < 0)
		return cli_error("--platform %s: must be ptrace or seccomp-trap", g.platform);
	if (strcmp(g.network, "sandbox") && strcmp(g.network, "host") && strcmp(g.network, "none"))
		return cli_error("--network %s: must be sandbox, host or none", g.network);
	if (strcmp(g.log_format, "text") && strcmp(g.log_format, "json"))
		return cli_error("--log-format %s: must be text or json", g.log_format);
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
		if (!strcmp(argv[i], verbs[k].name))
			return verbs[k].fn(&g, argc - i, argv + i);
	return cli_error("unknown command %s (see cvisor --help)", argv[i]);
}
