/* runtime/cmd_state.c - `cvisor state ID`: the OCI state JSON (ociVersion, id, status,
 * pid, bundle, rootfs, created, owner, annotations) on stdout. */
#include "runtime/container.h"
#include <stdio.h>
#include <stdlib.h>

int cmd_state(struct global_opts *g, int argc, char **argv)
{
	struct container_state st;
	if (argc != 2 || argv[1][0] == '-')
		return cli_error("state: usage: cvisor state ID");
	if (cli_check_id(argv[1]) || container_load(g, argv[1], &st))
		return 1;
	char *text = state_oci_json(&st);
	state_free(&st);
	if (!text)
		return cli_error("state: out of memory");
	printf("%s\n", text);
	free(text);
	return 0;
}
