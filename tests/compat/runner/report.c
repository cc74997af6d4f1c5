/*
 * report.c - what bin/cvisor-compat prints and writes: one line per test, per-column pass
 * counts, tests whose cvisor verdict differs from native, the known-failures verdict, the
 * JSON results file, and LAST the line "N passed, N failed" that CI reads.
 *
 * It must not run anything; it only reads the results exec.c filled in.
 */
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/compat/runner/runner.h"

const char *const column_names[NCOLS] = { "native", "cvisor", "runsc" };

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case V_PASS:
		return "PASS";
	case V_FAIL:
		return "FAIL";
	case V_TIME:
		return "TIME";
	case V_SKIP:
		return "SKIP";
	case V_ERR:
		return "err";
	default:
		return "\u2014";
	}
}

/* A skipped test passed: it exited 0 with a matching (empty) plan. */
bool verdict_passed(enum verdict v)
{
	return v == V_PASS || v == V_SKIP;
}

static const char *cell(enum verdict v)
{
	/* Pads to 6 columns; the em dash is one column but three bytes. */
	return v == V_NONE ? "\u2014     " : NULL;
}

/* Prints "name  native  cvisor  runsc" for a finished test. */
void report_line(const struct test *t, const struct options *opt)
{
	printf("%-32s", t->name);
	for (int c = 0; c < NCOLS; c++) {
		enum verdict v = t->res[c].verdict;

		if (cell(v))
			printf(" %s", cell(v));
		else
			printf(" %-6s", verdict_name(v));
	}
	for (int c = 0; c < NCOLS; c++) {
		if (opt->enabled[c] && !verdict_passed(t->res[c].verdict) && t->res[c].first_fail) {
			printf("  [%s: %s]", column_names[c], t->res[c].first_fail);
			break;
		}
	}
	printf("\n");
	fflush(stdout);
}

static json_t *split_words(const char *s)
{
	json_t *arr = json_array();
	char *dup = strdup(s ? s : ""), *save = NULL;

	for (char *w = strtok_r(dup, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		json_array_append_new(arr, json_string(w));
	free(dup);
	return arr;
}

/* Writes every result to @path; returns 0 or -errno. */
int report_json(const char *path, struct test *tests, int n, const struct options *opt)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();
	int rc;

	for (int i = 0; i < n; i++) {
		json_t *o = json_object(), *res = json_object();

		json_object_set_new(o, "name", json_string(tests[i].name));
		json_object_set_new(o, "syscalls", split_words(tests[i].syscalls));
		for (int c = 0; c < NCOLS; c++) {
			const struct result *r = &tests[i].res[c];
			json_t *cr;

			if (!opt->enabled[c])
				continue;
			cr = json_object();
			json_object_set_new(cr, "verdict", json_string(verdict_name(r->verdict)));
			json_object_set_new(cr, "duration", json_real(r->duration));
			json_object_set_new(cr, "first_failure",
					    r->first_fail && !verdict_passed(r->verdict) ?
						    json_string(r->first_fail) : json_null());
			if (r->stderr_head && !verdict_passed(r->verdict))
				json_object_set_new(cr, "stderr", json_string(r->stderr_head));
			json_object_set_new(res, column_names[c], cr);
		}
		json_object_set_new(o, "results", res);
		json_array_append_new(arr, o);
	}
	for (int c = 0; c < NCOLS; c++) {
		int pass = 0, fail = 0;

		if (!opt->enabled[c])
			continue;
		for (int i = 0; i < n; i++) {
			if (verdict_passed(tests[i].res[c].verdict))
				pass++;
			else
				fail++;
		}
		json_object_set_new(sum, column_names[c], json_pack("{s:i,s:i}", "passed", pass, "failed", fail));
	}
	json_object_set_new(root, "tests", arr);
	json_object_set_new(root, "summary", sum);
	rc = json_dump_file(root, path, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(root);
	if (rc < 0) {
		fprintf(stderr, "cvisor-compat: cannot write %s\n", path);
		return -EIO;
	}
	return 0;
}

struct known {
	char *name;
	bool used;
};

/* Loads "name  reason" lines (# comments); returns the count or -errno. */
static int load_known(const char *path, struct known **out)
{
	FILE *f = fopen(path, "r");
	struct known *k = NULL;
	char line[1024];
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");
		size_t len = strcspn(p, " \t\r\n#");

		if (!len || *p == '#')
			continue;
		k = realloc(k, (n + 1) * sizeof(*k));
		k[n].name = strndup(p, len);
		k[n].used = false;
		n++;
	}
	fclose(f);
	*out = k;
	return n;
}

static struct known *find_known(struct known *k, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(k[i].name, name))
			return &k[i];
	return NULL;
}

/* Prints counts, differences and the closing line; returns the process exit status. */
int report_summary(struct test *tests, int n, const struct options *opt)
{
	int close_col = opt->only >= 0 ? opt->only : COL_CVISOR;
	int pass[NCOLS] = { 0 }, fail[NCOLS] = { 0 }, ndiff = 0, rc = 0;
	struct known *known = NULL;
	int nknown = 0;

	for (int i = 0; i < n; i++)
		for (int c = 0; c < NCOLS; c++)
			if (opt->enabled[c]) {
				if (verdict_passed(tests[i].res[c].verdict))
					pass[c]++;
				else
					fail[c]++;
			}
	printf("\n");
	for (int c = 0; c < NCOLS; c++)
		if (opt->enabled[c])
			printf("%-7s %d/%d passed\n", column_names[c], pass[c], n);
	if (opt->enabled[COL_NATIVE] && fail[COL_NATIVE]) {
		printf("\nfailing natively (test bugs or host limits):\n");
		for (int i = 0; i < n; i++)
			if (!verdict_passed(tests[i].res[COL_NATIVE].verdict))
				printf("  %s\n", tests[i].name);
	}
	if (opt->enabled[COL_NATIVE] && opt->enabled[COL_CVISOR]) {
		printf("\ncvisor differs from native:\n");
		for (int i = 0; i < n; i++) {
			const struct test *t = &tests[i];

			if (verdict_passed(t->res[COL_NATIVE].verdict) ==
			    verdict_passed(t->res[COL_CVISOR].verdict))
				continue;
			ndiff++;
			printf("  %-32s native %s, cvisor %s\n", t->name,
			       verdict_name(t->res[COL_NATIVE].verdict),
			       verdict_name(t->res[COL_CVISOR].verdict));
		}
		if (!ndiff)
			printf("  (none)\n");
	}
	if (opt->known_failures && (opt->only < 0 || opt->only == COL_CVISOR)) {
		int unexpected = 0;

		nknown = load_known(opt->known_failures, &known);
		if (nknown < 0) {
			fprintf(stderr, "cvisor-compat: %s: %s\n", opt->known_failures, strerror(-nknown));
			rc = 1;
			nknown = 0;
		}
		for (int i = 0; i < n; i++) {
			const struct test *t = &tests[i];
			struct known *k = find_known(known, nknown, t->name);
			bool nat = verdict_passed(t->res[COL_NATIVE].verdict) || !opt->enabled[COL_NATIVE];
			bool cv = verdict_passed(t->res[COL_CVISOR].verdict);

			if (k)
				k->used = true;
			if (nat && !cv && !k) {
				if (!unexpected++)
					printf("\nunexpected cvisor failures (not in %s):\n", opt->known_failures);
				printf("  %s\n", t->name);
			}
			if (k && cv)
				printf("warning: %s now passes, remove from known-failures\n", t->name);
		}
		for (int i = 0; i < nknown; i++) {
			bool filtered = opt->filter && fnmatch(opt->filter, known[i].name, 0) != 0;

			if (!known[i].used && !filtered)
				printf("warning: %s is in known-failures but no such test ran\n", known[i].name);
			free(known[i].name);
		}
		free(known);
		if (unexpected)
			rc = 1;
	} else if (fail[close_col]) {
		rc = 1;
	}
	printf("%d passed, %d failed\n", pass[close_col], fail[close_col]);
	return rc;
}
