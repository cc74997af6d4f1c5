/* runtime/cmd_do.c - `cvisor do [flags] -- CMD [ARGS]` (like `runsc do`): runs CMD in a
 * fresh sandbox over the host's root seen through an in-memory overlay (the host's files
 * are never modified), or over --rootfs DIR. The exit status is CMD's (128+N for death
 * by signal N). */
#include "runtime/cli.h"
#include "sentry/sandbox.h"
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

static int add_env(char ***env, size_t *n, const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*env)[i], kv, eq - kv + 1)) {
			(*env)[i] = (char *)kv;
			return 0;
		}
	char **ne = realloc(*env, (*n + 2) * sizeof(char *));
	if (!ne)
		return -1;
	*env = ne;
	(*env)[(*n)++] = (char *)kv;
	(*env)[*n] = NULL;
	return 0;
}

int cmd_do(struct global_opts *g, int argc, char **argv)
{
	struct sandbox_spec spec = {.cwd = NULL, .strace = g->strace, .debug_log = g->debug_log,
				    .ready_fd = -1, .start_fd = -1};
	char **env = NULL;
	size_t nenv = 0;
	int i;
	static char term[256];

	/* Until the netstack exists a sandbox has no network at all: only an explicit
	 * --network=none is honest; sandbox and host are refused when asked for. */
	if (g->network_set && strcmp(g->network, "none"))
		return cli_error("do: --network=%s is not available yet (the netstack is not "
				 "built); use --network=none",
				 g->network);
	if (g->network_set)
		spec.network = "none";
	snprintf(term, sizeof(term), "TERM=%s", getenv("TERM") ? getenv("TERM") : "xterm");
	add_env(&env, &nenv, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	add_env(&env, &nenv, "HOME=/root");
	add_env(&env, &nenv, term);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
#define VALUE(name)                                                                                \
	((!strcmp(a, "--" name) && i + 1 < argc && (v = argv[++i])) ||                             \
	 (!strncmp(a, "--" name "=", strlen(name) + 3) && (v = a + strlen(name) + 3)))
		if (VALUE("rootfs"))
			spec.rootfs = v;
		else if (VALUE("cwd"))
			spec.cwd = v;
		else if (VALUE("pin-cpu")) {
			char *end;
			long c = strtol(v, &end, 10);
			if (*end || c < 0 || c >= CPU_SETSIZE)
				return cli_error("do: --pin-cpu %s: expected a CPU number", v);
			spec.pin = true;
			spec.pin_cpu = (int)c;
		} else if (VALUE("hostname"))
			spec.hostname = v;
		else if (VALUE("debug-log"))
			spec.debug_log = v;
		else if (VALUE("env")) {
			if (add_env(&env, &nenv, v) < 0)
				return cli_error("do: --env %s: expected KEY=VALUE", v);
		} else if (VALUE("network")) {
			if (strcmp(v, "none"))
				return cli_error("do: --network=%s is not available yet (the "
						 "netstack is not built); use --network=none",
						 v);
			spec.network = "none";
		} else if (!strcmp(a, "--strace"))
			spec.strace = true;
		else if (!strcmp(a, "--overlay"))
			spec.rootfs_overlay = true;
		else
			return cli_error("do: unknown flag %s", a);
#undef VALUE
	}
	if (i >= argc)
		return cli_error("do: no command given (usage: cvisor do [flags] -- CMD [ARGS])");
	/* like runsc do: the sandbox starts in the caller's directory (over the host root) */
	static char cwd[4096];
	if (!spec.cwd && !spec.rootfs && getcwd(cwd, sizeof(cwd)))
		spec.cwd = cwd;
	spec.argv = argv + i;
	spec.envp = env;
	/* --network=none (the only one accepted today): a fresh, empty host net namespace;
	 * the default keeps the caller's, whose interfaces the netstack will take over */
	spec.fresh_netns = spec.network != NULL;
	int r = sandbox_run(&spec);
	free(env);
	if (r < 0)
		return r == -2 /* ENOENT */ ? 127 : 126;
	return r;
}
