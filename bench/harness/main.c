/*
 * main.c - bin/cvisor-bench: command line, peers, and the interleaved run loop.
 *
 *	cvisor-bench [--full] [--filter GLOB[,GLOB]] [--reps N] [--peers LIST] [--out DIR]
 *		     [--cvisor PATH] [--timeout S] [--scratch DIR]
 *
 * Every case runs under every peer, A B C D A B C D ..., so slow drifts of this noisy host
 * hit all peers alike. Peers that are absent, fail their preflight (`PEER /bin/true`), or
 * fail a case are reported with the reason, never dropped. This file must not run two
 * commands at once (run.c kills every descendant after each run).
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "bench/harness/bench.h"

#define DOCKER_IMAGE "cvisor-bench-busybox:latest"
#define PREFLIGHT_S 20.0
#define TIMEOUT_FACTOR 10.0
#define TIMEOUT_FLOOR_S 10.0
#define TIMEOUT_FLOOR_FULL_S 90.0
#define MAX_TIMEOUTS 2

static struct bench_peer peer_table[] = {
    {"native", {NULL}},
    {"cvisor", {"bin/cvisor", "do", "--", NULL}},
    /* the seccomp-trap platform (issue 12): same binary, runsc's flag */
    {"cvisor-trap", {"bin/cvisor", "--platform=seccomp-trap", "do", "--", NULL}},
    {"runsc", {"runsc", "--platform=ptrace", "--network=none", "do", NULL}},
    {"proot", {"proot", "-0", NULL}},
};

static bool progress_tty;

static void usage(FILE *f)
{
	fprintf(f, "usage: cvisor-bench [--full] [--filter GLOB[,GLOB...]] [--reps N]\n"
		   "                    [--peers native,cvisor,cvisor-trap,runsc,proot] [--out DIR]\n"
		   "                    [--cvisor PATH] [--timeout SECONDS] [--scratch DIR]\n"
		   "Runs the cvisor benchmarks (bench/README.md). Default: the quick profile,\n"
		   "3 repetitions, 60 s limit per run, results in bench/results/.\n");
}

/* bench_find_in_path - whether @prog is an executable file (absolute) or found on PATH. */
bool bench_find_in_path(const char *prog)
{
	char buf[PATH_MAX];
	const char *path = getenv("PATH"), *p;

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	for (p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, prog);
		if (access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* first_version_line - the first line of @s holding a digit, trimmed, into @dst. */
static void first_version_line(const char *s, char *dst, size_t len)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		const char *d = memchr(s, '.', n);

		if (d && d > s && d[-1] >= '0' && d[-1] <= '9') {
			const char *tok = s;
			size_t i;

			/* "runsc version X" stays whole; proot's banner "|__| 5.1.0" keeps 5.1.0 */
			if (!memmem(s, n, "version", 7)) {
				for (i = 0; i + 1 < n; i++)
					if (s[i] == ' ' && s[i + 1] != ' ')
						tok = s + i + 1;
				n -= (size_t)(tok - s);
			}
			snprintf(dst, len, "%.*s", (int)n, tok);
			return;
		}
		s += n + (s[n] == '\n');
	}
	snprintf(dst, len, "unknown");
}

static void peer_version(struct bench_peer *p, struct bench_run *r)
{
	char *argv[4] = {NULL};
	struct run_out o;

	if (!strcmp(p->name, "native")) {
		argv[0] = "uname";
		argv[1] = "-sr";
	} else {
		argv[0] = (char *)p->prefix[0];
		argv[1] = "--version";
	}
	if (bench_run_cmd(argv, r->opts.root, 5, false, &o) == 0 && o.status == RUN_OK) {
		first_version_line(o.out[0] ? o.out : o.err, p->version, sizeof(p->version));
		if (!strcmp(p->name, "native"))
			snprintf(p->version, sizeof(p->version), "%.*s", (int)strcspn(o.out, "\n"),
				 o.out);
	} else {
		snprintf(p->version, sizeof(p->version), "unknown (--version: %s)",
			 o.reason[0] ? o.reason : "did not run");
	}
}

/* peer_preflight - runs `PEER /bin/true`; marks the peer unusable with the reason. */
static void peer_preflight(struct bench_peer *p, struct bench_run *r)
{
	char *argv[BENCH_MAX_ARGV];
	struct run_out o;
	int n = 0;

	p->usable = true;
	if (!strcmp(p->name, "native"))
		return;
	if (!bench_find_in_path(p->prefix[0])) {
		p->usable = false;
		p->absent = true;
		snprintf(p->reason, sizeof(p->reason), "%s not found", p->prefix[0]);
		return;
	}
	peer_version(p, r);
	while (p->prefix[n])
		argv[n] = (char *)p->prefix[n], n++;
	argv[n++] = "/bin/true";
	argv[n] = NULL;
	if (bench_run_cmd(argv, r->opts.scratch, PREFLIGHT_S, false, &o) < 0 ||
	    o.status != RUN_OK) {
		p->usable = false;
		snprintf(p->reason, sizeof(p->reason), "preflight `%s /bin/true`: %s", p->prefix[0],
			 o.reason[0] ? o.reason : "could not start");
	}
}

static bool case_selected(const struct bench_case *c, const char *filter)
{
	char buf[512], *save, *tok;

	if (!filter)
		return true;
	snprintf(buf, sizeof(buf), "%s", filter);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (fnmatch(tok, c->name, 0) == 0)
			return true;
	}
	return false;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX], *s;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = buf + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -errno;
			*s = '/';
		}
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void run_sh(struct bench_run *r, const char *script, double timeout_s, struct run_out *o)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};

	bench_run_cmd(argv, r->opts.root, timeout_s, false, o);
}

/*
 * tree_tarball - makes sure the cache holds a tarball of @files local files (from
 * /usr/include and /usr/share) and writes its path to @dst; returns 0 or -1 with @why.
 */
static int tree_tarball(struct bench_run *r, long files, char *dst, size_t len, char *why,
			size_t whylen)
{
	char cache[PATH_MAX], script[2 * PATH_MAX];
	struct run_out o;
	struct stat st;

	snprintf(cache, sizeof(cache), "%s/build/bench/cache", r->opts.root);
	snprintf(dst, len, "%s/tree-%ld.tar", cache, files);
	if (stat(dst, &st) == 0)
		return 0;
	fprintf(stderr, "cvisor-bench: building %s (once)\n", dst);
	mkdir_p(cache);
	snprintf(script, sizeof(script),
		 "set -e; find /usr/include /usr/share -xdev -type f -size -8k 2>/dev/null | "
		 "grep -v '[^A-Za-z0-9_./+-]' | sort | head -n %ld > '%s.list'; "
		 "tar -cf '%s.tmp' -T '%s.list' 2>/dev/null; mv '%s.tmp' '%s'; rm -f '%s.list'",
		 files, dst, dst, dst, dst, dst, dst);
	run_sh(r, script, 600, &o);
	if (o.status != RUN_OK) {
		snprintf(why, whylen, "cannot build %s: %s", dst, o.reason);
		return -1;
	}
	return 0;
}

/* build_argv - the command of case @c under peer @p into @argv; returns false if n/a. */
static bool build_argv(struct bench_run *r, const struct bench_case *c, struct bench_peer *p,
		       const char *rundir, char *iters, char *path, char **argv)
{
	int n = 0, i;

	if (c->kind == KIND_DIND) {
		static char rt[32];

		if (!bench_docker_runtime(p->name))
			return false;
		snprintf(rt, sizeof(rt), "%s", bench_docker_runtime(p->name));
		argv[n++] = "/bin/sh";
		argv[n++] = (char *)bench_dind_script(r, path);
		argv[n++] = (char *)c->prog;
		argv[n++] = rt;
		argv[n] = NULL;
		return true;
	}
	if (c->kind == KIND_DOCKER) {
		static char rt[64];

		if (!strcmp(p->name, "proot"))
			return false;
		snprintf(rt, sizeof(rt), "--runtime=%s", bench_docker_runtime(p->name));
		argv[n++] = "docker";
		argv[n++] = "run";
		argv[n++] = "--rm";
		argv[n++] = "--network=none";
		argv[n++] = rt;
		argv[n++] = DOCKER_IMAGE;
		argv[n++] = (char *)c->prog;
		argv[n] = NULL;
		return true;
	}
	for (i = 0; p->prefix[i]; i++)
		argv[n++] = (char *)p->prefix[i];
	switch (c->kind) {
	case KIND_MICRO:
		snprintf(path, PATH_MAX, "%s/build/bench/micro/%s", r->opts.root, c->prog);
		snprintf(iters, 32, "%ld", r->opts.full ? c->iters_full : c->iters_quick);
		argv[n++] = path;
		argv[n++] = iters;
		break;
	case KIND_MACRO:
		snprintf(path, PATH_MAX, "%s/bench/macro/%s.sh", r->opts.root, c->prog);
		argv[n++] = "/bin/sh";
		argv[n++] = path;
		argv[n++] = (char *)rundir;
		break;
	default:
		argv[n++] = (char *)c->prog;
		if (c->arg1)
			argv[n++] = (char *)c->arg1;
		break;
	}
	argv[n] = NULL;
	return true;
}

/* prepare_rundir - a fresh scratch directory for one run, with the case's inputs. */
static int prepare_rundir(struct bench_run *r, const struct bench_case *c, const char *rundir,
			  const char *tarball, char *why, size_t whylen)
{
	char dst[PATH_MAX + 16], script[3 * PATH_MAX];
	struct run_out o;

	if (mkdir_p(rundir) < 0) {
		snprintf(why, whylen, "cannot create %s: %s", rundir, strerror(errno));
		return -1;
	}
	if (!tarball)
		return 0;
	snprintf(dst, sizeof(dst), "%s/tree.tar", rundir);
	if (link(tarball, dst) == 0)
		return 0;
	snprintf(script, sizeof(script), "cp '%s' '%s'", tarball, dst);
	run_sh(r, script, 120, &o);
	if (o.status != RUN_OK) {
		snprintf(why, whylen, "cannot copy %s: %s", tarball, o.reason);
		return -1;
	}
	return 0;
}

static void remove_tree(struct bench_run *r, const char *dir)
{
	char *argv[] = {"rm", "-rf", (char *)dir, NULL};
	struct run_out o;

	bench_run_cmd(argv, r->opts.root, 300, false, &o);
}

static void progress(int done, int total, const struct bench_case *c, int rep, int reps,
		     const char *peer, const char *msg)
{
	if (!progress_tty && !strcmp(msg, "running"))
		return; /* a log gets one line per run */
	fprintf(stderr, "%s[%3d/%3d] %-15s rep %d/%d %-7s %s%s", progress_tty ? "\r\033[K" : "",
		done, total, c->name, rep + 1, reps, peer, msg, progress_tty ? "" : "\n");
	fflush(stderr);
}

/* record - stores one run of (@c, @p) into @res, parsing the micro result line. */
static void record(const struct bench_case *c, struct bench_result *res, struct run_out *o,
		   char *msg, size_t msglen)
{
	double metric = o->wall_ms;

	if (o->status == RUN_OK && (c->kind == KIND_MICRO || c->kind == KIND_DIND)) {
		const char *key = c->kind == KIND_MICRO ? "ns_per_op " : "ms ";
		const char *s = strstr(o->out, key);

		if (!s || sscanf(s + strlen(key), "%lf", &metric) != 1) {
			o->status = RUN_FAILED;
			snprintf(o->reason, sizeof(o->reason), "no %sline in output: %.200s", key,
				 o->out);
		}
	}
	if (o->status == RUN_OK && c->kind == KIND_MEMORY)
		metric = (double)o->peak_rss_kb;
	if (o->status != RUN_OK) {
		res->status = o->status;
		snprintf(res->reason, sizeof(res->reason), "%s", o->reason);
		snprintf(msg, msglen, "%s: %.120s", bench_status_name(o->status), o->reason);
		return;
	}
	res->metric[res->n] = metric;
	res->wall_ms[res->n] = o->wall_ms;
	res->peak_rss_kb[res->n] = o->peak_rss_kb;
	res->maxrss_kb[res->n] = o->maxrss_kb;
	res->n++;
	snprintf(msg, msglen, "ok %.1f %s (%.0f ms)", metric, bench_kind_unit(c->kind), o->wall_ms);
}

/* case_timeout - the limit of one run: TIMEOUT_FACTOR x the slowest run so far, capped. */
static double case_timeout(struct bench_run *r, int ci)
{
	double slowest = 0, t;
	int p, i;

	for (p = 0; p < r->npeers; p++) {
		struct bench_result *res = bench_result_at(r, ci, p);

		for (i = 0; i < res->n; i++)
			if (res->wall_ms[i] > slowest)
				slowest = res->wall_ms[i];
	}
	if (slowest == 0)
		return r->opts.timeout_s;
	t = slowest / 1e3 * TIMEOUT_FACTOR;
	/* --full runs each case ~3x longer than quick: a floor of 10 s would kill the
	 * sandboxed runs of a case whose native run took milliseconds */
	if (t < (r->opts.full ? TIMEOUT_FLOOR_FULL_S : TIMEOUT_FLOOR_S))
		t = r->opts.full ? TIMEOUT_FLOOR_FULL_S : TIMEOUT_FLOOR_S;
	return t < r->opts.timeout_s ? t : r->opts.timeout_s;
}

/* run_one - one repetition of case @ci under peer @pi. */
static void run_one(struct bench_run *r, int ci, int pi, int rep, const char *tarball, int *done,
		    int total)
{
	const struct bench_case *c = r->cases[ci];
	struct bench_peer *p = r->peers[pi];
	struct bench_result *res = bench_result_at(r, ci, pi);
	char rundir[PATH_MAX], path[PATH_MAX], iters[32], msg[256], *argv[BENCH_MAX_ARGV];
	struct run_out o;
	double limit;

	(*done)++;
	if (res->status != RUN_OK) /* failed, missing or skipped already: no more reps */
		return;
	if (p->disabled) {
		res->status = RUN_SKIPPED;
		snprintf(res->reason, sizeof(res->reason), "%s", p->disabled_reason);
		return;
	}
	snprintf(rundir, sizeof(rundir), "%s/%s.%s.%d", r->opts.scratch, c->name, p->name, rep);
	if (prepare_rundir(r, c, rundir, tarball, res->reason, sizeof(res->reason)) < 0) {
		res->status = RUN_FAILED;
		return;
	}
	build_argv(r, c, p, rundir, iters, path, argv);
	limit = case_timeout(r, ci);
	progress(*done, total, c, rep, r->opts.reps, p->name, "running");
	if (bench_run_cmd(argv, rundir, limit, c->sample_mem, &o) < 0) {
		o.status = RUN_FAILED;
		snprintf(o.reason, sizeof(o.reason), "cannot start: %s", strerror(errno));
	}
	record(c, res, &o, msg, sizeof(msg));
	progress(*done, total, c, rep, r->opts.reps, p->name, msg);
	if (o.status == RUN_TIMEOUT && ++p->timeouts >= MAX_TIMEOUTS) {
		p->disabled = true;
		snprintf(p->disabled_reason, sizeof(p->disabled_reason),
			 "not run: peer disabled after %d timeouts", p->timeouts);
	}
	remove_tree(r, rundir);
}

/* case_setup - marks peers that cannot run case @ci; returns its tarball or NULL. */
static const char *case_setup(struct bench_run *r, int ci, char *tar, size_t len)
{
	const struct bench_case *c = r->cases[ci];
	char why[512] = "", path[PATH_MAX];
	const char *tarball = NULL;
	bool broken = false;
	int p;

	if (c->kind == KIND_MICRO) {
		snprintf(path, sizeof(path), "%s/build/bench/micro/%s", r->opts.root, c->prog);
		if (access(path, X_OK) < 0) {
			broken = true;
			snprintf(why, sizeof(why), "%s not built (make bench-build)", path);
		}
	}
	if (c->files_quick) {
		long files = r->opts.full ? c->files_full : c->files_quick;

		if (tree_tarball(r, files, tar, len, why, sizeof(why)) < 0)
			broken = true;
		else
			tarball = tar;
	}
	for (p = 0; p < r->npeers; p++) {
		struct bench_result *res = bench_result_at(r, ci, p);
		struct bench_peer *peer = r->peers[p];

		if (broken) {
			res->status = RUN_FAILED;
			snprintf(res->reason, sizeof(res->reason), "%s", why);
		} else if ((c->kind == KIND_DOCKER || c->kind == KIND_DIND) && !r->docker_ok) {
			res->status = RUN_MISSING;
			snprintf(res->reason, sizeof(res->reason), "%s", r->docker_reason);
		} else if (c->kind == KIND_DOCKER && bench_docker_peer_why(p)) {
			const char *why_p = bench_docker_peer_why(p);

			res->status = strstr(why_p, "warm-up") ? RUN_FAILED : RUN_MISSING;
			snprintf(res->reason, sizeof(res->reason), "%s", why_p);
		} else if (c->kind == KIND_DIND && bench_dind_peer_why(p)) {
			const char *why_p = bench_dind_peer_why(p);

			res->status = strstr(why_p, "set-up") || strstr(why_p, "warm-up")
					  ? RUN_FAILED
					  : RUN_MISSING;
			snprintf(res->reason, sizeof(res->reason), "%s", why_p);
		} else if (!peer->usable && c->kind != KIND_DOCKER && c->kind != KIND_DIND) {
			res->status = peer->absent ? RUN_MISSING : RUN_FAILED;
			snprintf(res->reason, sizeof(res->reason), "%s", peer->reason);
		}
	}
	return tarball;
}

static int select_peers(struct bench_run *r)
{
	char buf[256], *save, *tok;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", r->opts.peers);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(peer_table) / sizeof(peer_table[0]); i++)
			if (!strcmp(tok, peer_table[i].name))
				break;
		if (i == sizeof(peer_table) / sizeof(peer_table[0]) ||
		    r->npeers == BENCH_MAX_PEERS) {
			fprintf(stderr, "cvisor-bench: --peers: unknown or repeated peer '%s'\n",
				tok);
			return -1;
		}
		r->peers[r->npeers++] = &peer_table[i];
	}
	peer_table[1].prefix[0] = r->opts.cvisor;
	peer_table[2].prefix[0] = r->opts.cvisor;
	return r->npeers ? 0 : -1;
}

/* run_order - native first, cvisor last (its time limit then knows the others' times). */
static void run_order(struct bench_run *r, int *order)
{
	int n = 0, p;

	for (p = 0; p < r->npeers; p++)
		if (!strcmp(r->peers[p]->name, "native"))
			order[n++] = p;
	for (p = 0; p < r->npeers; p++)
		if (strcmp(r->peers[p]->name, "native") && strncmp(r->peers[p]->name, "cvisor", 6))
			order[n++] = p;
	for (p = 0; p < r->npeers; p++)
		if (!strncmp(r->peers[p]->name, "cvisor", 6))
			order[n++] = p;
}

static void run_all(struct bench_run *r)
{
	int order[BENCH_MAX_PEERS], ci, rep, k, done = 0;
	int total = r->ncases * r->opts.reps * r->npeers;

	run_order(r, order);
	for (ci = 0; ci < r->ncases; ci++) {
		char tar[PATH_MAX];
		const char *tarball = case_setup(r, ci, tar, sizeof(tar));

		for (rep = 0; rep < r->opts.reps; rep++)
			for (k = 0; k < r->npeers; k++)
				run_one(r, ci, order[k], rep, tarball, &done, total);
	}
	if (progress_tty)
		fprintf(stderr, "\r\033[K");
}

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longs[] = {
	    {"full", no_argument, NULL, 'F'},	       {"filter", required_argument, NULL, 'f'},
	    {"reps", required_argument, NULL, 'r'},    {"peers", required_argument, NULL, 'p'},
	    {"out", required_argument, NULL, 'o'},     {"cvisor", required_argument, NULL, 'c'},
	    {"timeout", required_argument, NULL, 't'}, {"scratch", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},	       {NULL, 0, NULL, 0}};
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (ch) {
		case 'F':
			o->full = true;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'r':
			o->reps = atoi(optarg);
			break;
		case 'p':
			o->peers = optarg;
			break;
		case 'o':
			o->out_dir = optarg;
			break;
		case 'c':
			o->cvisor = optarg;
			break;
		case 't':
			o->timeout_s = atof(optarg);
			break;
		case 's':
			o->scratch = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	if (o->reps == 0)
		o->reps = o->full ? 7 : 3;
	if (o->reps < 1 || o->reps > BENCH_MAX_REPS) {
		fprintf(stderr, "cvisor-bench: --reps must be 1..%d\n", BENCH_MAX_REPS);
		return -1;
	}
	if (o->timeout_s <= 0)
		o->timeout_s = o->full ? 600 : 60;
	return 0;
}

/* find_root - the repository root: the parent of the directory holding this binary. */
static char *find_root(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *s;

	if (n <= 0)
		return ".";
	buf[n] = '\0';
	if ((s = strrchr(buf, '/')))
		*s = '\0';
	if ((s = strrchr(buf, '/')))
		*s = '\0';
	return buf;
}

static char *abs_path(const char *root, const char *p, char *buf)
{
	if (p[0] == '/')
		snprintf(buf, PATH_MAX, "%s", p);
	else
		snprintf(buf, PATH_MAX, "%s/%s", root, p);
	return buf;
}

int main(int argc, char **argv)
{
	static char cvisor_buf[PATH_MAX], out_buf[PATH_MAX], scratch_buf[PATH_MAX + 64];
	static char cwd[PATH_MAX];
	struct bench_run r = {0};
	char json[PATH_MAX + 64], md[PATH_MAX + 64], png[PATH_MAX + 64], why[256];
	struct timespec t0, t1;
	time_t now = time(NULL);
	int ci, p;

	r.opts.peers = "native,cvisor,runsc,proot";
	r.opts.cvisor = "bin/cvisor";
	if (parse_opts(argc, argv, &r.opts) < 0)
		return 2;
	r.opts.root = find_root();
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "%s", r.opts.root);
	/* --cvisor and --out are relative to the caller's directory, defaults to the root */
	r.opts.cvisor = abs_path(strcmp(r.opts.cvisor, "bin/cvisor") ? cwd : r.opts.root,
				 r.opts.cvisor, cvisor_buf);
	r.opts.out_dir = r.opts.out_dir ? abs_path(cwd, r.opts.out_dir, out_buf)
					: abs_path(r.opts.root, "bench/results", out_buf);
	strftime(r.stamp, sizeof(r.stamp), "%Y%m%d-%H%M%S", localtime(&now));
	strftime(r.started, sizeof(r.started), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	if (r.opts.scratch)
		snprintf(scratch_buf, sizeof(scratch_buf), "%s/cvisor-bench.%s.%d",
			 abs_path(cwd, r.opts.scratch, json), r.stamp, getpid());
	else
		snprintf(scratch_buf, sizeof(scratch_buf), "%s/build/bench/scratch/%s.%d",
			 r.opts.root, r.stamp, getpid());
	r.opts.scratch = scratch_buf;
	progress_tty = isatty(2);
	bench_run_init();
	if (select_peers(&r) < 0 || mkdir_p(r.opts.scratch) < 0 || mkdir_p(r.opts.out_dir) < 0) {
		fprintf(stderr, "cvisor-bench: cannot set up (peers, %s or %s)\n", r.opts.scratch,
			r.opts.out_dir);
		return 2;
	}
	r.cases = calloc(bench_ncases, sizeof(*r.cases));
	for (ci = 0; ci < bench_ncases; ci++)
		if (case_selected(&bench_cases[ci], r.opts.filter))
			r.cases[r.ncases++] = &bench_cases[ci];
	if (!r.ncases) {
		fprintf(stderr, "cvisor-bench: --filter '%s' selects no case\n", r.opts.filter);
		return 2;
	}
	r.results = calloc((size_t)r.ncases * r.npeers, sizeof(*r.results));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fprintf(stderr, "cvisor-bench: %s profile, %d case(s) x %d peer(s) x %d rep(s)\n",
		r.opts.full ? "full" : "quick", r.ncases, r.npeers, r.opts.reps);
	for (p = 0; p < r.npeers; p++) {
		peer_preflight(r.peers[p], &r);
		if (!strcmp(r.peers[p]->name, "native"))
			peer_version(r.peers[p], &r);
		fprintf(stderr, "cvisor-bench: peer %-7s %s%s\n", r.peers[p]->name,
			r.peers[p]->usable   ? "ok, "
			: r.peers[p]->absent ? "missing: "
					     : "failed: ",
			r.peers[p]->usable ? r.peers[p]->version : r.peers[p]->reason);
	}
	for (ci = 0; ci < r.ncases; ci++)
		if (r.cases[ci]->kind == KIND_DOCKER || r.cases[ci]->kind == KIND_DIND) {
			bench_docker_start(&r, DOCKER_IMAGE);
			break;
		}
	for (ci = 0; ci < r.ncases; ci++)
		if (r.cases[ci]->kind == KIND_DIND && r.docker_ok) {
			bench_dind_start(&r);
			break;
		}
	run_all(&r);
	bench_dind_stop(&r);
	bench_docker_stop(&r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r.elapsed_s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	remove_tree(&r, r.opts.scratch);

	snprintf(json, sizeof(json), "%s/%s.json", r.opts.out_dir, r.stamp);
	snprintf(md, sizeof(md), "%s/%s.md", r.opts.out_dir, r.stamp);
	snprintf(png, sizeof(png), "%s/%s.png", r.opts.out_dir, r.stamp);
	bench_report_table(&r);
	if (bench_report_chart(&r, png, why, sizeof(why)) < 0) {
		fprintf(stderr, "cvisor-bench: no chart: %s\n", why);
		png[0] = '\0';
	}
	if (bench_report_json(&r, json) < 0 ||
	    bench_report_markdown(&r, md, png[0] ? strrchr(png, '/') + 1 : NULL) < 0) {
		fprintf(stderr, "cvisor-bench: cannot write results into %s\n", r.opts.out_dir);
		return 1;
	}
	printf("\nwall time %.1f s; results: %s\n                     %s\n", r.elapsed_s, json, md);
	if (png[0])
		printf("                     %s\n", png);
	return 0;
}
