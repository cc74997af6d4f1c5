/* runtime/cmd_checkpoint.c - `checkpoint` and `restore`: not implemented; one clear line. */
#include "runtime/cli.h"

int cmd_checkpoint(struct global_opts *g, int argc, char **argv)
{
	return cli_error("%s: not supported by cvisor (no checkpoint/restore yet)", argv[0]);
}
