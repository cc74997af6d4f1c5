/* runtime/cmd_syscalls.c - `cvisor syscalls [--markdown|--json]`: the syscall table;
 * `cvisor [--platform=P] syscalls --host [--network=MODE] [--markdown]`: the host syscalls
 * the Sentry itself may make on platform P (sentry/host_syscalls.def) and their count. */
#include "runtime/cli.h"
#include "platform/platform.h"
#include "sentry/host_filter.h"
#include "sentry/syscall_table.h"
#include <string.h>

int cmd_syscalls(struct global_opts *g, int argc, char **argv)
{
	const char *fmt = "text";
	const char *network = g->network_set ? g->network : NULL;
	bool host = false;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (!strcmp(argv[i], "--markdown"))
			fmt = "markdown";
		else if (!strcmp(argv[i], "--json"))
			fmt = "json";
		else if (!strcmp(argv[i], "--host"))
			host = true;
		else if (cli_flag_value("network", &i, argc, argv, &v) == 1)
			network = v;
		else
			return cli_error("syscalls: unknown flag %s", argv[i]);
	}
	if (host) {
		int net = host_net_parse(network);
		if (net < 0)
			return cli_error("syscalls: --network=%s: expected sandbox, host or none",
					 network);
		if (!strcmp(fmt, "json"))
			return cli_error("syscalls: --host prints text or --markdown");
		host_filter_print(stdout, net, host_plat_of(plat->name), !strcmp(fmt, "markdown"));
		return 0;
	}
	syscall_table_print(stdout, fmt);
	return 0;
}
