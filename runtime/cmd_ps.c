/* runtime/cmd_ps.c - `cvisor ps [--format table|json] ID`: the container's processes as the
 * Sentry knows them. json is what runc prints and containerd/Docker read: an array of the
 * host pids standing for them (the stubs); table shows the sandbox's own pids. */
#include "runtime/container.h"
#include "runtime/control_client.h"
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int cmd_ps(struct global_opts *g, int argc, char **argv)
{
	const char *format = "table", *v;
	struct container_state st;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (cli_flag_value("format", &i, argc, argv, &v) > 0 ||
		    cli_flag_value("f", &i, argc, argv, &v) > 0)
			format = v;
		else
			return cli_error("ps: unknown flag %s", argv[i]);
	}
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cli_error("ps: --format %s: must be table or json", format);
	if (i >= argc)
		return cli_error("ps: usage: cvisor ps [--format table|json] ID");
	if (container_load(g, argv[i], &st))
		return 1;
	const char *status = state_status(&st);
	state_free(&st);
	if (strcmp(status, "running") && strcmp(status, "paused")) {
		if (!strcmp(format, "json")) {
			printf("[]\n");
			return 0;
		}
		return cli_error("ps: container %s is %s", argv[i], status);
	}
	json_t *rep = ctl_request(g->root, argv[i], json_pack("{s:s}", "op", "ps"), 5000);
	json_t *procs = rep ? json_object_get(rep, "processes") : NULL;
	if (!procs) {
		json_decref(rep);
		return cli_error("ps %s: the sandbox does not answer: %s", argv[i],
				 strerror(errno ? errno : EPROTO));
	}
	size_t k;
	json_t *p;
	if (!strcmp(format, "json")) {
		json_t *pids = json_array();
		json_array_foreach(procs, k, p)
			json_array_append(pids, json_object_get(p, "hostPid"));
		char *t = json_dumps(pids, JSON_COMPACT);
		printf("%s\n", t ? t : "[]");
		free(t);
		json_decref(pids);
	} else {
		printf("%-8s %-6s %-6s %-5s %-8s %s\n", "UID", "PID", "PPID", "STAT", "HOSTPID",
		       "CMD");
		json_array_foreach(procs, k, p)
			printf("%-8lld %-6lld %-6lld %-5s %-8lld %s\n",
			       json_integer_value(json_object_get(p, "uid")),
			       json_integer_value(json_object_get(p, "pid")),
			       json_integer_value(json_object_get(p, "ppid")),
			       json_string_value(json_object_get(p, "state")),
			       json_integer_value(json_object_get(p, "hostPid")),
			       json_string_value(json_object_get(p, "cmd")));
	}
	json_decref(rep);
	return 0;
}
