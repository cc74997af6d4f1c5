/* runtime/cmd_create.c - `cvisor create --bundle B [--pid-file F] [--console-socket S]
 * [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID` (runc create): forks the Sentry,
 * waits until it is ready with the app not started, writes state and the pid file. */
#include "runtime/container.h"
#include <stdlib.h>
#include <string.h>

/* Parses create/run flags into @o; returns the index of the first positional argument,
 * or -1 after printing an error. */
int create_parse_flags(const char *verb, int argc, char **argv, struct create_opts *o,
		       bool *detach)
{
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *v;
		bool bv;
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (cli_flag_value("bundle", &i, argc, argv, &v) > 0 ||
		    cli_flag_value("b", &i, argc, argv, &v) > 0)
			o->bundle = v;
		else if (cli_flag_value("pid-file", &i, argc, argv, &v) > 0)
			o->pid_file = v;
		else if (cli_flag_value("console-socket", &i, argc, argv, &v) > 0)
			o->console_socket = v;
		else if (cli_flag_value("preserve-fds", &i, argc, argv, &v) > 0) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 0 || n > 1000) {
				cli_error("%s: --preserve-fds %s: expected a small number", verb, v);
				return -1;
			}
			o->preserve_fds = (int)n;
		} else if (detach && (cli_flag_bool("detach", argv[i], &bv) > 0 ||
				      cli_flag_bool("d", argv[i], &bv) > 0))
			*detach = bv;
		else if (cli_flag_bool("no-pivot", argv[i], &bv) > 0 ||
			 cli_flag_bool("no-new-keyring", argv[i], &bv) > 0 ||
			 cli_flag_bool("keep", argv[i], &bv) > 0 ||
			 cli_flag_bool("no-subreaper", argv[i], &bv) > 0)
			; /* nothing to pivot or keyring to make: the Sentry owns the root */
		else if (cli_flag_value("user-log", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("criu", &i, argc, argv, &v) > 0)
			;
		else {
			cli_error("%s: unknown flag %s", verb, argv[i]);
			return -1;
		}
	}
	if (i >= argc) {
		cli_error("%s: no container id given", verb);
		return -1;
	}
	o->id = argv[i];
	return i;
}

int cmd_create(struct global_opts *g, int argc, char **argv)
{
	struct create_opts o = {0};
	pid_t pid;
	if (create_parse_flags("create", argc, argv, &o, NULL) < 0)
		return 1;
	return container_create(g, &o, &pid);
}
