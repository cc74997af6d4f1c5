/*
 * runner.h - shared types of bin/cvisor-compat, the compat suite runner.
 *
 * Owns: the test list, per-column results, and the interfaces between the job executor
 * (exec.c), the TAP parser (tap_parse.c) and the reporting (report.c). The runner builds
 * nothing: it runs binaries that `make compat-build` produced.
 */
#ifndef CVISOR_TESTS_COMPAT_RUNNER_H
#define CVISOR_TESTS_COMPAT_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum column { COL_NATIVE, COL_CVISOR, COL_RUNSC, NCOLS };

enum verdict { V_NONE, V_PASS, V_FAIL, V_TIME, V_SKIP, V_ERR };

struct result {
	enum verdict verdict;
	double duration;
	int status;	   /* raw wait status, -1 when not reaped */
	char *first_fail;  /* first `not ok` line or a reason; owned */
	char *stderr_head; /* first line of stderr, for diagnosis; owned */
};

struct test {
	char *name;	/* binary name (= source basename) */
	char *path;	/* absolute path of the binary */
	char *syscalls; /* space-separated names from the source's syscalls: line, or "" */
	struct result res[NCOLS];
	int pending; /* columns still to run */
	bool printed;
};

struct options {
	const char *filter;
	int jobs;
	int timeout;
	const char **runtime_args;
	int n_runtime_args;
	const char *json;
	int only; /* -1 or a column */
	const char *known_failures;
	const char *cvisor;
	const char *tests_dir;
	const char *src_dir;
	const char *runsc;  /* resolved path, or NULL when runsc is not on PATH */
	bool enabled[NCOLS];
};

struct tap_summary {
	int plan;	 /* -1 when no plan line was seen */
	bool skip_all;	 /* plan 1..0 # SKIP */
	int count;	 /* ok + not ok lines */
	int failed;	 /* not ok lines */
	char *first_fail; /* owned; NULL when none */
};

/* tap_parse.c */
void tap_parse(const char *out, size_t len, struct tap_summary *sum);

/* exec.c: runs every enabled (test, column) pair; returns 0 or -errno. */
int exec_run_all(struct test *tests, int n, const struct options *opt,
		 void (*on_test_done)(struct test *t, const struct options *opt));

/* report.c */
const char *verdict_name(enum verdict v);
bool verdict_passed(enum verdict v);
void report_line(const struct test *t, const struct options *opt);
int report_json(const char *path, struct test *tests, int n, const struct options *opt);
int report_summary(struct test *tests, int n, const struct options *opt);

extern const char *const column_names[NCOLS];

#endif
