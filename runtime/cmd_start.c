/* runtime/cmd_start.c - `cvisor start ID`: the Sentry of a created container execs the
 * app (one byte through ROOT/ID/start.fifo). */
#include "runtime/container.h"

int cmd_start(struct global_opts *g, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return cli_error("start: usage: cvisor start ID");
	return container_start(g, argv[1]);
}
