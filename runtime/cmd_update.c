/* runtime/cmd_update.c - `cvisor update --resources FILE|- ID` (and runc's single-value
 * flags --memory, --cpu-shares, --pids-limit, ...): writes what it can to the
 * container's cgroups (memory, cpu, pids) and says what it ignores. */
#include "runtime/container.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_update(struct global_opts *g, int argc, char **argv)
{
	const char *res_file = NULL, *v;
	json_t *res = json_object();
	struct container_state st;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (cli_flag_value("resources", &i, argc, argv, &v) > 0 ||
		    cli_flag_value("r", &i, argc, argv, &v) > 0)
			res_file = v;
		else if (cli_flag_value("memory", &i, argc, argv, &v) > 0)
			json_object_set_new(res, "memory",
					    json_pack("{s:I}", "limit", (json_int_t)atoll(v)));
		else if (cli_flag_value("cpu-shares", &i, argc, argv, &v) > 0)
			json_object_set_new(res, "cpu",
					    json_pack("{s:I}", "shares", (json_int_t)atoll(v)));
		else if (cli_flag_value("pids-limit", &i, argc, argv, &v) > 0)
			json_object_set_new(res, "pids",
					    json_pack("{s:I}", "limit", (json_int_t)atoll(v)));
		else if (cli_flag_value("cpu-period", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("cpu-quota", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("cpuset-cpus", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("cpuset-mems", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("memory-reservation", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("memory-swap", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("kernel-memory", &i, argc, argv, &v) > 0 ||
			 cli_flag_value("blkio-weight", &i, argc, argv, &v) > 0)
			cli_warn("update: %s is not enforced by cvisor (ignored)", argv[i - 1]);
		else {
			json_decref(res);
			return cli_error("update: unknown flag %s", argv[i]);
		}
	}
	if (i >= argc) {
		json_decref(res);
		return cli_error("update: usage: cvisor update --resources FILE|- ID");
	}
	if (res_file) {
		json_error_t je;
		json_t *r = !strcmp(res_file, "-") ? json_loadf(stdin, 0, &je)
						   : json_load_file(res_file, 0, &je);
		if (!json_is_object(r)) {
			json_decref(r);
			json_decref(res);
			return cli_error("update: --resources %s: line %d: %s", res_file, je.line,
					 r ? "expected a JSON object" : je.text);
		}
		json_object_update(res, r);
		json_decref(r);
	}
	if (container_load(g, argv[i], &st)) {
		json_decref(res);
		return 1;
	}
	char *text = json_dumps(res, JSON_COMPACT);
	json_decref(res);
	if (!st.cgroup_freezer[0])
		cli_warn("update: container %s has no cgroups (--ignore-cgroups/--rootless): "
			 "resources are not enforced",
			 argv[i]);
	else
		container_cgroups_apply(st.cgroup_freezer, text);
	free(text);
	state_free(&st);
	return 0;
}
