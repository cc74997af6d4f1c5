/* runtime/cmd_list.c - `cvisor list [--format table|json] [--quiet]`: every container under
 * --root, with its status now (a vanished Sentry reads as stopped). */
#include "runtime/container.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_list(struct global_opts *g, int argc, char **argv)
{
	const char *format = "table", *v;
	bool quiet = false, bv;
	for (int i = 1; i < argc; i++) {
		if (cli_flag_value("format", &i, argc, argv, &v) > 0 ||
		    cli_flag_value("f", &i, argc, argv, &v) > 0)
			format = v;
		else if (cli_flag_bool("quiet", argv[i], &bv) > 0 || cli_flag_bool("q", argv[i], &bv) > 0)
			quiet = bv;
		else
			return cli_error("list: unknown argument %s", argv[i]);
	}
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cli_error("list: --format %s: must be table or json", format);
	json_t *arr = json_array();
	DIR *d = opendir(g->root);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		struct container_state st;
		if (e->d_name[0] == '.' || state_load(g->root, e->d_name, &st) < 0)
			continue;
		char *t = state_oci_json(&st);
		json_error_t je;
		json_t *j = t ? json_loads(t, 0, &je) : NULL;
		if (j)
			json_array_append_new(arr, j);
		free(t);
		state_free(&st);
	}
	if (d)
		closedir(d);
	size_t k;
	json_t *c;
	if (!strcmp(format, "json")) {
		char *t = json_dumps(arr, JSON_COMPACT);
		printf("%s\n", t ? t : "[]");
		free(t);
	} else if (quiet) {
		json_array_foreach(arr, k, c)
			printf("%s\n", json_string_value(json_object_get(c, "id")));
	} else {
		printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
		json_array_foreach(arr, k, c)
			printf("%-20s %-8lld %-10s %-40s %-32s %s\n",
			       json_string_value(json_object_get(c, "id")),
			       json_integer_value(json_object_get(c, "pid")),
			       json_string_value(json_object_get(c, "status")),
			       json_string_value(json_object_get(c, "bundle")),
			       json_string_value(json_object_get(c, "created")),
			       json_string_value(json_object_get(c, "owner")));
	}
	json_decref(arr);
	return 0;
}
