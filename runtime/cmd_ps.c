/* runtime/cmd_ps.c - `cvisor ps [--format table|json] ID`: the container's processes as the
 * Sentry knows them. json is what runc prints and containerd/Docker read: an array of the
 * host pids standing for them (the stubs); table shows the sandbox's own pids. A paused
 * container's Sentry is frozen and cannot answer: json then lists the stubs from the
 * freezer cgroup (as runc reads cgroup.procs), table says why it cannot. */
#include "runtime/container.h"
#include "runtime/control_client.h"
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* The host pids in @st's freezer cgroup but the Sentry's (its stubs), or NULL. */
static json_t *cgroup_stub_pids(const struct container_state *st)
{
	char path[4200];
	long pid;
	if (!st->cgroup_freezer[0])
		return NULL;
	snprintf(path, sizeof(path), "/sys/fs/cgroup/freezer%s/cgroup.procs", st->cgroup_freezer);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	json_t *pids = json_array();
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid != st->pid)
			json_array_append_new(pids, json_integer(pid));
	fclose(f);
	return pids;
}

static void print_json(json_t *pids)
{
	char *t = json_dumps(pids, JSON_COMPACT);
	printf("%s\n", t ? t : "[]");
	free(t);
}

static void print_table(json_t *procs)
{
	size_t k;
	json_t *p;
	printf("%-8s %-6s %-6s %-5s %-8s %s\n", "UID", "PID", "PPID", "STAT", "HOSTPID", "CMD");
	json_array_foreach(procs, k, p)
		printf("%-8lld %-6lld %-6lld %-5s %-8lld %s\n",
		       json_integer_value(json_object_get(p, "uid")),
		       json_integer_value(json_object_get(p, "pid")),
		       json_integer_value(json_object_get(p, "ppid")),
		       json_string_value(json_object_get(p, "state")),
		       json_integer_value(json_object_get(p, "hostPid")),
		       json_string_value(json_object_get(p, "cmd")));
}

/* Answers from the Sentry (running container). Returns the CLI exit code. */
static int ps_running(struct global_opts *g, const char *id, bool json)
{
	json_t *rep = ctl_request(g->root, id, json_pack("{s:s}", "op", "ps"), 5000);
	json_t *procs = rep ? json_object_get(rep, "processes") : NULL;
	if (!procs) {
		json_decref(rep);
		return cli_error("ps %s: the sandbox does not answer: %s", id,
				 strerror(errno ? errno : EPROTO));
	}
	if (json) {
		size_t k;
		json_t *p, *pids = json_array();
		json_array_foreach(procs, k, p)
			json_array_append(pids, json_object_get(p, "hostPid"));
		print_json(pids);
		json_decref(pids);
	} else {
		print_table(procs);
	}
	json_decref(rep);
	return 0;
}

int cmd_ps(struct global_opts *g, int argc, char **argv)
{
	const char *format = "table", *v;
	struct container_state st;
	int i, r;
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
	bool json = !strcmp(format, "json");
	const char *status = state_status(&st);
	if (!strcmp(status, "running")) {
		r = ps_running(g, argv[i], json);
	} else if (!strcmp(status, "paused")) {
		json_t *pids = json ? cgroup_stub_pids(&st) : NULL;
		if (pids)
			print_json(pids);
		r = pids ? 0 : cli_error("ps: container %s is paused: its Sentry is frozen and "
					 "cannot list its processes (--format json lists the "
					 "host pids from the freezer cgroup)", argv[i]);
		json_decref(pids);
	} else if (json) {
		printf("[]\n");
		r = 0;
	} else {
		r = cli_error("ps: container %s is %s", argv[i], status);
	}
	state_free(&st);
	return r;
}
