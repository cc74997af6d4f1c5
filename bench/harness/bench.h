/*
 * bench.h - the cvisor benchmark harness (bin/cvisor-bench): shared types.
 *
 * The harness runs every selected case under every selected peer (native, cvisor, runsc,
 * proot), interleaved, several repetitions each, and writes a JSON file, a markdown report
 * and a gnuplot chart. It owns nothing of the Sentry and links nothing of it: cvisor is only
 * ever run as the external command `bin/cvisor do -- CMD`.
 */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#define BENCH_MAX_REPS 50
#define BENCH_MAX_PEERS 5
#define BENCH_MAX_ARGV 32

enum bench_kind {
	KIND_MICRO,   /* build/bench/micro/<name> ITERS; metric parsed from "ns_per_op X" */
	KIND_MACRO,   /* /bin/sh bench/macro/<name>.sh RUNDIR; metric is wall time */
	KIND_STARTUP, /* a trivial command; metric is wall time */
	KIND_MEMORY,  /* an idle command; metric is the peak RSS of the process tree */
	KIND_DOCKER,  /* docker run with a runtime per peer (private dockerd); wall time */
	KIND_DIND, /* bench/harness/dind.sh SUBCMD RUNTIME in a DinD container per peer; "ms X" */
};

/* One benchmark case: data, not code (cases.c). */
struct bench_case {
	const char *name;
	enum bench_kind kind;
	const char *what; /* one line for the report */
	const char *prog; /* micro: program name; macro: script name; else argv[0] */
	const char *arg1; /* startup/memory: optional argv[1] */
	long iters_quick; /* micro: iteration count of the quick profile */
	long iters_full;  /* micro: iteration count of the full profile */
	long files_quick; /* untar case: files in the tarball, quick profile */
	long files_full;
	bool sample_mem; /* sample the tree's RSS while it runs */
};

enum run_status {
	RUN_OK,
	RUN_FAILED,  /* non-zero exit, signal, or no result line */
	RUN_TIMEOUT, /* killed after the time limit */
	RUN_MISSING, /* peer absent or not applicable to the case */
	RUN_SKIPPED, /* peer disabled earlier in this run */
};

/* What one run of a command produced. */
struct run_out {
	enum run_status status;
	int wait_status;
	double wall_ms;
	long peak_rss_kb; /* sampled sum over the process tree; 0 if not sampled */
	long maxrss_kb;	  /* ru_maxrss of wait4: the largest single process */
	char out[4096];	  /* first bytes of stdout */
	char err[1024];	  /* last bytes of stderr */
	char reason[512];
};

/* A peer: how to prefix a command, and whether it can run. */
struct bench_peer {
	const char *name;
	const char *prefix[8]; /* NULL-terminated */
	char version[256];
	bool usable;
	bool absent;	  /* binary not found (else: present but failed preflight) */
	char reason[512]; /* why it is not usable */
	int timeouts;
	bool disabled;
	char disabled_reason[256];
};

/* All samples and the summary of one case under one peer. */
struct bench_result {
	enum run_status status;
	char reason[512];
	int n;
	double metric[BENCH_MAX_REPS];
	double wall_ms[BENCH_MAX_REPS];
	long peak_rss_kb[BENCH_MAX_REPS];
	long maxrss_kb[BENCH_MAX_REPS];
	double median, min, max;
	long rss_median_kb;
};

struct bench_opts {
	bool full;
	const char *filter;
	int reps;
	double timeout_s;
	const char *peers;
	const char *out_dir;
	const char *cvisor;
	const char *scratch;
	const char *root;
};

/* The whole run, handed to the report writers. */
struct bench_run {
	struct bench_opts opts;
	const struct bench_case **cases;
	int ncases;
	struct bench_peer *peers[BENCH_MAX_PEERS];
	int npeers;
	struct bench_result *results; /* [ncases][npeers] */
	char stamp[32];
	char started[64];
	double elapsed_s;
	bool docker_ok;
	char docker_reason[256];
};

/* cases.c */
extern const struct bench_case bench_cases[];
extern const int bench_ncases;
const char *bench_kind_unit(enum bench_kind kind);
const char *bench_kind_name(enum bench_kind kind);

/* main.c */
bool bench_find_in_path(const char *prog);

/* docker.c: the private dockerd of the docker cases */
int bench_docker_start(struct bench_run *r, const char *image);
void bench_docker_stop(struct bench_run *r);
const char *bench_docker_runtime(const char *peer);
const char *bench_docker_peer_why(int p);

/* dind.c: the Docker-in-Docker cases, one DinD container per peer */
void bench_dind_start(struct bench_run *r);
void bench_dind_stop(struct bench_run *r);
const char *bench_dind_peer_why(int p);
const char *bench_dind_script(struct bench_run *r, char *buf);

/* run.c */
void bench_run_init(void);
int bench_run_cmd(char *const argv[], const char *cwd, double timeout_s, bool sample_mem,
		  struct run_out *out);
const char *bench_status_name(enum run_status st);

/* report.c */
static inline struct bench_result *bench_result_at(struct bench_run *r, int c, int p)
{
	return &r->results[c * r->npeers + p];
}
double bench_ratio(struct bench_run *r, int c, const char *num, const char *den);
void bench_report_table(struct bench_run *r);
int bench_report_json(struct bench_run *r, const char *path);
int bench_report_markdown(struct bench_run *r, const char *path, const char *png_name);
int bench_report_chart(struct bench_run *r, const char *png_path, char *why, size_t whylen);

#endif /* BENCH_HARNESS_H */
