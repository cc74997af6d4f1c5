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
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "netstack/netns.h"

/* Linux >= 6.x gives the initial network namespace a fixed inode (PROC_NET_INIT_INO). */
#define NET_INIT_INO 0xEFFFFFF9U

/* True when this process runs in the host's initial network namespace, or when that
 * cannot be told (then taking over interfaces is never safe). Known not initial: another
 * namespace than pid 1's, or one named in /run/netns (ip netns add). */
static bool in_initial_netns(void)
{
	struct stat self, other;
	if (stat("/proc/self/ns/net", &self) < 0 || self.st_ino == NET_INIT_INO)
		return true;
	if (stat("/proc/1/ns/net", &other) == 0)
		return self.st_dev == other.st_dev && self.st_ino == other.st_ino;
	DIR *d = opendir("/run/netns");
	bool named = false;
	if (d) {
		struct dirent *e;
		char path[300];
		while (!named && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/run/netns/%s", e->d_name);
			named = stat(path, &other) == 0 && other.st_dev == self.st_dev &&
				other.st_ino == self.st_ino;
		}
		closedir(d);
	}
	return !named;
}

/* See runtime/cli.h. */
int cli_net_mode(const char *verb, const char *v, bool explicit_ask, bool container, int *mode)
{
	if (!strcmp(v, "none")) {
		*mode = NET_MODE_NONE;
		return 0;
	}
	if (!strcmp(v, "host")) {
		*mode = NET_MODE_HOST;
		return 0;
	}
	if (strcmp(v, "sandbox"))
		return cli_error("%s: --network=%s: must be sandbox, host or none", verb, v);
	if (!in_initial_netns()) {
		*mode = NET_MODE_SANDBOX;
		return 0;
	}
	/* Taking over the host's own interfaces would cut the machine off. */
	if (explicit_ask && !container)
		return cli_error("%s: --network=sandbox takes over the interfaces of the network "
				 "namespace cvisor runs in, here the host's own: run it in a "
				 "network namespace (ip netns exec NS ...) or use --network=none",
				 verb);
	/* `do` by default: loopback only */
	if (!container) {
		*mode = NET_MODE_NONE;
		return 0;
	}
	/* A container sharing the host's namespace (Docker's --network=host) expects the
	 * host's network: its sockets are host sockets. */
	if (explicit_ask)
		cli_warn("%s: --network=sandbox: the container shares the host's network "
			 "namespace; its sockets are host sockets (--network=host)",
			 verb);
	*mode = NET_MODE_HOST;
	return 0;
}

/* See runtime/cli.h. */
const char *cli_net_mode_name(int mode)
{
	return mode == NET_MODE_NONE ? "none" : mode == NET_MODE_HOST ? "host" : "sandbox";
}

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
	spec.net_raw = g->net_raw; /* runsc's global --net-raw */
	char **env = NULL;
	size_t nenv = 0;
	int i;
	static char term[256];

	/* --network (global or the verb's): sandbox by default when cvisor runs in a
	 * network namespace of its own, none in the host's initial one */
	const char *network = g->network ? g->network : "sandbox";
	bool network_set = g->network_set;
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
			network = v;
			network_set = true;
		} else if (!strcmp(a, "--strace"))
			spec.strace = true;
		else if (!strcmp(a, "--net-raw"))
			spec.net_raw = true;
		else if (!strcmp(a, "--overlay"))
			spec.rootfs_overlay = true;
		else
			return cli_error("do: unknown flag %s", a);
#undef VALUE
	}
	if (i >= argc)
		return cli_error("do: no command given (usage: cvisor do [flags] -- CMD [ARGS])");
	if (cli_net_mode("do", network, network_set, false, &spec.net_mode))
		return 1;
	/* like runsc do: the sandbox starts in the caller's directory (over the host root) */
	static char cwd[4096];
	if (!spec.cwd && !spec.rootfs && getcwd(cwd, sizeof(cwd)))
		spec.cwd = cwd;
	spec.argv = argv + i;
	spec.envp = env;
	/* loopback only: the Sentry also leaves the host's network (a fresh, empty host net
	 * namespace); sandbox: it keeps the caller's, whose interfaces the netstack took;
	 * host: it keeps the caller's, whose sockets the app's are */
	spec.network = cli_net_mode_name(spec.net_mode);
	spec.fresh_netns = spec.net_mode == NET_MODE_NONE;
	int r = sandbox_run(&spec);
	free(env);
	if (r < 0)
		return r == -2 /* ENOENT */ ? 127 : 126;
	return r;
}
