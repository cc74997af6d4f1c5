/* runtime/cmd_syscalls.c - `cvisor syscalls [--markdown|--json]`: the syscall table. */
#include "runtime/cli.h"
#include "sentry/syscall_table.h"
#include <string.h>

int cmd_syscalls(struct global_opts *g, int argc, char **argv)
{
	const char *fmt = "text";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--markdown"))
			fmt = "markdown";
		else if (!strcmp(argv[i], "--json"))
			fmt = "json";
		else
			return cli_error("syscalls: unknown flag %s", argv[i]);
	}
	syscall_table_print(stdout, fmt);
	return 0;
}
