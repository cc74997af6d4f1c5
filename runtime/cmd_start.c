/* runtime/cmd_start.c - `cvisor start ID`: the Sentry of a created container execs the
 * app (one byte through ROOT/ID/start.fifo). Any other state is refused with runc's
 * message ("cannot start an already running container", ...), exit status 1. */
#include "runtime/container.h"
#include <string.h>

int cmd_start(struct global_opts *g, int argc, char **argv)
{
	struct container_state st;

	if (argc != 2 || argv[1][0] == '-')
		return cli_error("start: usage: cvisor start ID");
	if (cli_check_id(argv[1]) || container_load(g, argv[1], &st))
		return 1;
	const char *status = state_status(&st);
	int ret = 0;
	if (!strcmp(status, "stopped"))
		ret = cli_error("cannot start a container that has stopped");
	else if (!strcmp(status, "running"))
		ret = cli_error("cannot start an already running container");
	else if (strcmp(status, "created"))
		ret = cli_error("cannot start a container in the %s state", status);
	state_free(&st);
	return ret ? ret : container_start(g, argv[1]);
}
