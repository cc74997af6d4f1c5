/*
 * dind.c - the Docker-in-Docker cases (KIND_DIND): one DinD container per peer on the
 * harness's private dockerd (docker.c), set up before the cases and removed after them, by
 * bench/harness/dind.sh. The peer's docker runtime (bench_docker_runtime) runs the DinD
 * container: Docker's runc with the configuration of ../../../shared/ENVIRONMENT.md stands
 * for "native", cvisor and runsc for themselves. The timed commands print `ms X` (dind.sh).
 * This file owns only the per-peer set-up state; it must not touch containers it did not
 * name (cvisor-bench-dind-<runtime>).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "bench/harness/bench.h"

#define DIND_SETUP_S 300

static struct {
	char why[BENCH_MAX_PEERS][512]; /* per peer: why it cannot run the cases, "" if it can */
	bool set_up[BENCH_MAX_PEERS];
} dd;

/* bench_dind_script - the path of dind.sh into @buf (PATH_MAX). */
const char *bench_dind_script(struct bench_run *r, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/bench/harness/dind.sh", r->opts.root);
	return buf;
}

/* last_line - the last non-empty line of @s into @dst. */
static void last_line(const char *s, char *dst, size_t len)
{
	const char *end = s + strlen(s), *start;

	while (end > s && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	for (start = end; start > s && start[-1] != '\n'; start--)
		;
	snprintf(dst, len, "%.*s", (int)(end - start), start);
}

/*
 * bench_dind_start - sets up each peer's DinD container (untimed; also its warm-up) on the
 * private dockerd, which must be running (r->docker_ok). Per-peer failures go to
 * bench_dind_peer_why.
 */
void bench_dind_start(struct bench_run *r)
{
	char script[PATH_MAX], rt[32], line[400];

	for (int p = 0; p < r->npeers; p++) {
		const char *name = bench_docker_runtime(r->peers[p]->name);
		char *argv[] = {"/bin/sh", (char *)bench_dind_script(r, script), "setup", rt, NULL};
		struct run_out o;

		if (!name) {
			snprintf(dd.why[p], sizeof(dd.why[p]),
				 "not applicable: %s is no docker runtime", r->peers[p]->name);
			continue;
		}
		if (bench_docker_peer_why(p)) {
			snprintf(dd.why[p], sizeof(dd.why[p]), "%s", bench_docker_peer_why(p));
			continue;
		}
		snprintf(rt, sizeof(rt), "%s", name);
		fprintf(stderr, "cvisor-bench: setting up the DinD container of %s\n", rt);
		dd.set_up[p] = true;
		if (bench_run_cmd(argv, r->opts.root, DIND_SETUP_S, false, &o) < 0 ||
		    o.status != RUN_OK) {
			last_line(o.err, line, sizeof(line));
			snprintf(dd.why[p], sizeof(dd.why[p]), "DinD set-up with --runtime=%s: %s",
				 rt, line[0] ? line : o.reason);
		}
	}
}

/* bench_dind_stop - removes the DinD containers bench_dind_start made. */
void bench_dind_stop(struct bench_run *r)
{
	char script[PATH_MAX], rt[32];

	for (int p = 0; p < r->npeers; p++) {
		char *argv[] = {"/bin/sh", (char *)bench_dind_script(r, script), "teardown", rt,
				NULL};
		struct run_out o;

		if (!dd.set_up[p])
			continue;
		snprintf(rt, sizeof(rt), "%s", bench_docker_runtime(r->peers[p]->name));
		bench_run_cmd(argv, r->opts.root, 120, false, &o);
		dd.set_up[p] = false;
	}
}

/* bench_dind_peer_why - why peer @p cannot run the DinD cases, or NULL if it can. */
const char *bench_dind_peer_why(int p)
{
	return p < BENCH_MAX_PEERS && dd.why[p][0] ? dd.why[p] : NULL;
}
