/* runtime/main.c - cvisor's entry: global flags, then the verb. Unknown flags and verbs
 * get one clear line and exit status 1; nothing here touches a sandbox directly. */
#include "runtime/cli.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CVISOR_VERSION "0.1.0"

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("cvisor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void usage(FILE *out)
{
	fputs("usage: cvisor [global flags] <command> [flags] [args]\n\n"
	      "commands:\n"
	      "  do [flags] -- CMD [ARGS]   run CMD in a fresh sandbox (host root through an\n"
	      "                             in-memory overlay, or --rootfs DIR)\n"
	      "  syscalls [--markdown|--json]  print the syscall table\n\n"
	      "global flags: --root DIR --log FILE --log-format text|json --debug --debug-log FILE\n"
	      "              --strace --platform ptrace --network sandbox|host|none --net-raw\n"
	      "              --rootless --version\n",
	      out);
}

struct verb {
	const char *name;
	int (*fn)(struct global_opts *, int, char **);
};

static const struct verb verbs[] = {
	{"do", cmd_do},
	{"syscalls", cmd_syscalls},
};

/* Parses --flag VALUE and --flag=VALUE. Returns 1 when @arg names @flag. */
static int flag_value(const char *flag, int *i, int argc, char **argv, const char **out)
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

int main(int argc, char **argv)
{
	struct global_opts g = {.root = "/var/run/cvisor", .platform = "ptrace",
				.network = "sandbox", .log_format = "text"};
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v;
		int r;
		if (!strcmp(a, "--version") || !strcmp(a, "-v")) {
			printf("cvisor version %s\nspec: 1.1.0\nplatform: ptrace\n", CVISOR_VERSION);
			return 0;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--debug")) {
			g.debug = true;
			continue;
		}
		if (!strcmp(a, "--strace")) {
			g.strace = true;
			continue;
		}
		if (!strcmp(a, "--net-raw")) {
			g.net_raw = true;
			continue;
		}
		if (!strcmp(a, "--rootless") || !strncmp(a, "--rootless=", 11)) {
			g.rootless = strcmp(a, "--rootless=false") != 0;
			continue;
		}
		const struct {
			const char *name;
			const char **dst;
		} vflags[] = {{"root", &g.root},         {"log", &g.log},
			      {"log-format", &g.log_format}, {"debug-log", &g.debug_log},
			      {"platform", &g.platform},  {"network", &g.network}};
		bool matched = false;
		for (size_t k = 0; k < sizeof(vflags) / sizeof(vflags[0]); k++) {
			r = flag_value(vflags[k].name, &i, argc, argv, &v);
			if (r < 0)
				return cli_error("flag --%s needs a value", vflags[k].name);
			if (r > 0) {
				*vflags[k].dst = v;
				matched = true;
				break;
			}
		}
		if (!matched)
			return cli_error("unknown global flag %s (see cvisor --help)", a);
	}
	if (strcmp(g.platform, "ptrace"))
		return cli_error("--platform %s: only ptrace is available", g.platform);
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
