/*
 * main.c - bin/cvisor-compat: runs the compat suite natively, under bin/cvisor and (when
 * on PATH) under runsc, and reports per-test verdicts.
 *
 *   bin/cvisor-compat [--filter GLOB] [--jobs N] [--timeout S] [--runtime-arg ARG]...
 *                     [--json FILE] [--only native|cvisor|runsc] [--known-failures FILE]
 *                     [--cvisor PATH] [--tests-dir DIR] [--src-dir DIR]
 *
 * Owns option parsing and test discovery. It builds nothing: `make compat-build` does.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/compat/runner/runner.h"

static struct test *g_tests;
static int g_ntests, g_next_print;

static void usage(FILE *f)
{
	fprintf(f, "usage: cvisor-compat [--filter GLOB] [--jobs N] [--timeout S] [--runtime-arg ARG]...\n"
		   "                     [--json FILE] [--only native|cvisor|runsc] [--known-failures FILE]\n"
		   "                     [--cvisor PATH] [--tests-dir DIR] [--src-dir DIR]\n");
}

/* Returns a new string with the absolute form of @p (which need not exist). */
static char *absolute(const char *p)
{
	char cwd[PATH_MAX], *s;

	if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return strdup(p);
	if (asprintf(&s, "%s/%s", cwd, p) < 0)
		abort();
	return s;
}

/* Returns a new string: the first executable @name on PATH, or NULL. */
static char *which(const char *name)
{
	const char *path = getenv("PATH");
	char *dup, *save = NULL, *found = NULL;

	if (!path)
		return NULL;
	dup = strdup(path);
	for (char *d = strtok_r(dup, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *cand;

		if (asprintf(&cand, "%s/%s", *d ? d : ".", name) < 0)
			abort();
		if (access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(dup);
	return found;
}

/* Returns the syscalls named by the source's "syscalls:" comment line, or "". */
static char *read_syscalls(const char *src_dir, const char *name)
{
	char *path, line[1024], *res = NULL;
	FILE *f;

	if (asprintf(&path, "%s/%s.c", src_dir, name) < 0)
		abort();
	f = fopen(path, "r");
	free(path);
	if (!f)
		return strdup("");
	for (int i = 0; i < 40 && fgets(line, sizeof(line), f); i++) {
		char *p = strstr(line, "/* syscalls:"), *end;

		if (!p)
			continue;
		p += strlen("/* syscalls:");
		end = strstr(p, "*/");
		if (end)
			*end = 0;
		p += strspn(p, " \t");
		while (*p && strchr(" \t\n", p[strlen(p) - 1]))
			p[strlen(p) - 1] = 0;
		res = strdup(p);
		break;
	}
	fclose(f);
	return res ? res : strdup("");
}

static int cmp_test(const void *a, const void *b)
{
	return strcmp(((const struct test *)a)->name, ((const struct test *)b)->name);
}

/* Finds executables in the tests dir (names without a dot); returns the count or -errno. */
static int discover(const struct options *opt, struct test **out)
{
	DIR *d = opendir(opt->tests_dir);
	struct test *tests = NULL;
	struct dirent *e;
	char *dir;
	int n = 0;

	if (!d)
		return -errno;
	dir = absolute(opt->tests_dir);
	while ((e = readdir(d))) {
		struct stat st;
		char *path;

		if (e->d_name[0] == '.' || strchr(e->d_name, '.'))
			continue;
		if (opt->filter && fnmatch(opt->filter, e->d_name, 0) != 0)
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			abort();
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
			free(path);
			continue;
		}
		tests = realloc(tests, (n + 1) * sizeof(*tests));
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = strdup(e->d_name);
		tests[n].path = path;
		tests[n].syscalls = read_syscalls(opt->src_dir, e->d_name);
		n++;
	}
	closedir(d);
	free(dir);
	if (n)
		qsort(tests, n, sizeof(*tests), cmp_test);
	*out = tests;
	return n;
}

/* Prints finished tests in name order as soon as every earlier one is done too. */
static void on_test_done(struct test *t, const struct options *opt)
{
	(void)t;
	while (g_next_print < g_ntests && g_tests[g_next_print].pending == 0) {
		report_line(&g_tests[g_next_print], opt);
		g_next_print++;
	}
}

static int parse_only(const char *s)
{
	for (int c = 0; c < NCOLS; c++)
		if (!strcmp(s, column_names[c]))
			return c;
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "runtime-arg", required_argument, NULL, 'r' },
		{ "json", required_argument, NULL, 'J' },
		{ "only", required_argument, NULL, 'o' },
		{ "known-failures", required_argument, NULL, 'k' },
		{ "cvisor", required_argument, NULL, 'c' },
		{ "tests-dir", required_argument, NULL, 'd' },
		{ "src-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct options opt = { .jobs = 2, .timeout = 20, .only = -1, .cvisor = "bin/cvisor",
			       .tests_dir = "build/compat", .src_dir = "tests/compat" };
	int ch, n, rc;

	opt.runtime_args = calloc(argc, sizeof(char *));
	while ((ch = getopt_long(argc, argv, "f:j:t:r:J:o:k:c:d:s:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			opt.filter = optarg;
			break;
		case 'j':
			opt.jobs = atoi(optarg);
			break;
		case 't':
			opt.timeout = atoi(optarg);
			break;
		case 'r':
			opt.runtime_args[opt.n_runtime_args++] = optarg;
			break;
		case 'J':
			opt.json = optarg;
			break;
		case 'o':
			opt.only = parse_only(optarg);
			if (opt.only < 0) {
				fprintf(stderr, "cvisor-compat: --only: expected native, cvisor or runsc, got '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'k':
			opt.known_failures = optarg;
			break;
		case 'c':
			opt.cvisor = optarg;
			break;
		case 'd':
			opt.tests_dir = optarg;
			break;
		case 's':
			opt.src_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || opt.jobs < 1 || opt.timeout < 1) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	opt.cvisor = absolute(opt.cvisor);
	opt.runsc = which("runsc");
	for (int c = 0; c < NCOLS; c++)
		opt.enabled[c] = opt.only < 0 || opt.only == c;
	if (opt.only < 0 && !opt.runsc)
		opt.enabled[COL_RUNSC] = false;
	if (opt.only == COL_RUNSC && !opt.runsc) {
		fprintf(stderr, "cvisor-compat: --only runsc: runsc is not on PATH\n");
		return 2;
	}
	if (opt.enabled[COL_CVISOR] && access(opt.cvisor, X_OK) < 0)
		fprintf(stderr, "cvisor-compat: warning: %s: %s (cvisor column will be err)\n", opt.cvisor,
			strerror(errno));
	n = discover(&opt, &g_tests);
	if (n < 0) {
		fprintf(stderr, "cvisor-compat: %s: %s (run `make compat-build` first)\n", opt.tests_dir,
			strerror(-n));
		return 2;
	}
	if (n == 0) {
		fprintf(stderr, "cvisor-compat: no tests in %s match\n", opt.tests_dir);
		return 2;
	}
	g_ntests = n;
	printf("%-32s", "test");
	for (int c = 0; c < NCOLS; c++)
		printf(" %-6s", column_names[c]);
	printf("\n");
	fflush(stdout);
	exec_run_all(g_tests, n, &opt, on_test_done);
	if (opt.json && report_json(opt.json, g_tests, n, &opt) < 0)
		fprintf(stderr, "cvisor-compat: warning: JSON not written\n");
	rc = report_summary(g_tests, n, &opt);
	return rc;
}
