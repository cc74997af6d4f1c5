/*
 * report.c - what bin/cvisor-bench writes: the terminal table, the JSON results, the
 * markdown report and the gnuplot chart of the ratios. Reads the finished run only.
 *
 * Ratios are of medians of the case's primary metric (ns/op, ms or KiB): PEER/native for
 * every sandbox peer, and cvisor/runsc, cvisor/proot. A ratio is absent (null, "-") when
 * either side did not produce a median.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "bench/harness/bench.h"

static const char *const ratio_pairs[][2] = {
    {"cvisor", "native"}, {"runsc", "native"}, {"proot", "native"},
    {"cvisor", "runsc"},  {"cvisor", "proot"}, {"cvisor-trap", "native"},
    {"cvisor-trap", "cvisor"},
};
#define NPAIRS (int)(sizeof(ratio_pairs) / sizeof(ratio_pairs[0]))

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* summarize - fills median/min/max of @res from its samples (idempotent). */
static void summarize(struct bench_result *res)
{
	double v[BENCH_MAX_REPS];
	long kb[BENCH_MAX_REPS];
	int n = res->n;

	if (n == 0 || res->status != RUN_OK) {
		res->median = res->min = res->max = NAN;
		return;
	}
	memcpy(v, res->metric, sizeof(double) * n);
	qsort(v, n, sizeof(double), cmp_double);
	res->min = v[0];
	res->max = v[n - 1];
	res->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	memcpy(kb, res->peak_rss_kb, sizeof(long) * n);
	qsort(kb, n, sizeof(long), cmp_long);
	res->rss_median_kb = kb[n / 2];
}

static int peer_index(struct bench_run *r, const char *name)
{
	int p;

	for (p = 0; p < r->npeers; p++)
		if (!strcmp(r->peers[p]->name, name))
			return p;
	return -1;
}

/* bench_ratio - median(@num)/median(@den) for case @c, or NAN when either is absent. */
double bench_ratio(struct bench_run *r, int c, const char *num, const char *den)
{
	int a = peer_index(r, num), b = peer_index(r, den);
	struct bench_result *ra, *rb;

	if (a < 0 || b < 0)
		return NAN;
	ra = bench_result_at(r, c, a);
	rb = bench_result_at(r, c, b);
	summarize(ra);
	summarize(rb);
	if (isnan(ra->median) || isnan(rb->median) || rb->median <= 0)
		return NAN;
	return ra->median / rb->median;
}

static bool pair_selected(struct bench_run *r, int i)
{
	return peer_index(r, ratio_pairs[i][0]) >= 0 && peer_index(r, ratio_pairs[i][1]) >= 0;
}

/* is_peer_wide - whether @res failed only because its peer is unusable (said once). */
static bool is_peer_wide(struct bench_run *r, int p, struct bench_result *res)
{
	return !r->peers[p]->usable && !strcmp(res->reason, r->peers[p]->reason);
}

/* fmt_num - @v with about 3 significant digits, never in exponent form. */
static void fmt_num(double v, char *buf, size_t len)
{
	snprintf(buf, len, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
}

/* cell - a table cell for @res: the median, or the status in capitals. */
static void cell(struct bench_result *res, char *buf, size_t len)
{
	summarize(res);
	if (res->status == RUN_OK && !isnan(res->median)) {
		fmt_num(res->median, buf, len);
		return;
	}
	switch (res->status) {
	case RUN_TIMEOUT:
		snprintf(buf, len, "TIMEOUT");
		break;
	case RUN_MISSING:
		snprintf(buf, len, "missing");
		break;
	case RUN_SKIPPED:
		snprintf(buf, len, "skipped");
		break;
	default:
		snprintf(buf, len, "FAILED");
		break;
	}
}

static void ratio_cell(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		fmt_num(v, buf, len);
}

/* bench_report_table - prints the per-case table, the memory table and the reasons. */
void bench_report_table(struct bench_run *r)
{
	char buf[64];
	int c, p, i, notes = 0;

	printf("\n%-15s %-6s", "case", "unit");
	for (p = 0; p < r->npeers; p++)
		printf(" %10s", r->peers[p]->name);
	for (i = 0; i < NPAIRS; i++) {
		if (pair_selected(r, i)) {
			snprintf(buf, sizeof(buf), "%.2s/%.3s", ratio_pairs[i][0],
				 ratio_pairs[i][1]);
			printf(" %8s", buf);
		}
	}
	printf("\n");
	for (c = 0; c < r->ncases; c++) {
		printf("%-15s %-6s", r->cases[c]->name, bench_kind_unit(r->cases[c]->kind));
		for (p = 0; p < r->npeers; p++) {
			cell(bench_result_at(r, c, p), buf, sizeof(buf));
			printf(" %10s", buf);
		}
		for (i = 0; i < NPAIRS; i++) {
			if (!pair_selected(r, i))
				continue;
			ratio_cell(bench_ratio(r, c, ratio_pairs[i][0], ratio_pairs[i][1]), buf,
				   sizeof(buf));
			printf(" %8s", buf);
		}
		printf("\n");
	}
	for (c = 0; c < r->ncases && !r->cases[c]->sample_mem; c++)
		;
	if (c == r->ncases)
		goto reasons;
	printf("\npeak RSS of the process tree, MiB (median; sampled every 25 ms)\n%-15s", "case");
	for (p = 0; p < r->npeers; p++)
		printf(" %10s", r->peers[p]->name);
	printf("\n");
	for (c = 0; c < r->ncases; c++) {
		if (!r->cases[c]->sample_mem)
			continue;
		printf("%-15s", r->cases[c]->name);
		for (p = 0; p < r->npeers; p++) {
			struct bench_result *res = bench_result_at(r, c, p);

			summarize(res);
			if (res->status == RUN_OK && res->n)
				snprintf(buf, sizeof(buf), "%.1f", res->rss_median_kb / 1024.0);
			else
				cell(res, buf, sizeof(buf));
			printf(" %10s", buf);
		}
		printf("\n");
	}
reasons:
	for (p = 0; p < r->npeers; p++) {
		if (r->peers[p]->usable)
			continue;
		if (!notes++)
			printf("\nnot measured:\n");
		printf("  %s (all cases): %s: %s\n", r->peers[p]->name,
		       r->peers[p]->absent ? "missing" : "failed", r->peers[p]->reason);
	}
	for (c = 0; c < r->ncases; c++) {
		for (p = 0; p < r->npeers; p++) {
			struct bench_result *res = bench_result_at(r, c, p);

			if (res->status == RUN_OK || is_peer_wide(r, p, res))
				continue;
			if (!notes++)
				printf("\nnot measured:\n");
			printf("  %s/%s: %s: %s\n", r->cases[c]->name, r->peers[p]->name,
			       bench_status_name(res->status), res->reason);
		}
	}
}

static json_t *json_num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *host_json(struct bench_run *r)
{
	json_t *h = json_object();
	struct utsname u;
	char line[512], host[256] = "";
	FILE *f;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	json_object_set_new(h, "hostname", json_string(host));
	json_object_set_new(h, "kernel", json_sprintf("%s %s %s", u.sysname, u.release, u.machine));
	json_object_set_new(h, "cpus_online", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(
	    h, "mem_total_kb",
	    json_integer((json_int_t)sysconf(_SC_PHYS_PAGES) * (sysconf(_SC_PAGESIZE) / 1024)));
	if ((f = fopen("/proc/cpuinfo", "r"))) {
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
				line[strcspn(line, "\n")] = '\0';
				json_object_set_new(h, "cpu_model",
						    json_string(strchr(line, ':') + 2));
				break;
			}
		}
		fclose(f);
	}
	if ((f = fopen("/etc/os-release", "r"))) {
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "PRETTY_NAME=", 12)) {
				line[strcspn(line, "\n")] = '\0';
				json_object_set_new(h, "os", json_string(line + 12));
			}
		}
		fclose(f);
	}
	(void)r;
	return h;
}

static json_t *result_json(struct bench_run *r, int c, int p)
{
	struct bench_result *res = bench_result_at(r, c, p);
	json_t *o = json_object(), *m = json_array(), *w = json_array(), *k = json_array(),
	       *x = json_array();
	int i;

	summarize(res);
	json_object_set_new(o, "status", json_string(bench_status_name(res->status)));
	if (res->reason[0])
		json_object_set_new(o, "reason", json_string(res->reason));
	for (i = 0; i < res->n; i++) {
		json_array_append_new(m, json_real(res->metric[i]));
		json_array_append_new(w, json_real(res->wall_ms[i]));
		json_array_append_new(k, json_integer(res->peak_rss_kb[i]));
		json_array_append_new(x, json_integer(res->maxrss_kb[i]));
	}
	json_object_set_new(o, "samples", m);
	json_object_set_new(o, "median", json_num(res->median));
	json_object_set_new(o, "min", json_num(res->min));
	json_object_set_new(o, "max", json_num(res->max));
	json_object_set_new(o, "wall_ms", w);
	json_object_set_new(o, "peak_tree_rss_kb", k);
	json_object_set_new(o, "max_single_rss_kb", x);
	return o;
}

/* bench_report_json - writes the whole run to @path; returns 0 or -errno. */
int bench_report_json(struct bench_run *r, const char *path)
{
	json_t *root = json_object(), *peers = json_object(), *cases = json_array(), *o;
	int c, p, i, rc;

	json_object_set_new(root, "schema", json_string("cvisor-bench/1"));
	json_object_set_new(root, "started", json_string(r->started));
	json_object_set_new(root, "profile", json_string(r->opts.full ? "full" : "quick"));
	json_object_set_new(root, "reps", json_integer(r->opts.reps));
	json_object_set_new(root, "timeout_s", json_real(r->opts.timeout_s));
	json_object_set_new(root, "elapsed_s", json_real(r->elapsed_s));
	json_object_set_new(root, "filter",
			    r->opts.filter ? json_string(r->opts.filter) : json_null());
	json_object_set_new(root, "host", host_json(r));
	for (p = 0; p < r->npeers; p++) {
		struct bench_peer *pe = r->peers[p];
		json_t *po = json_object(), *cmd = json_array();

		for (i = 0; pe->prefix[i]; i++)
			json_array_append_new(cmd, json_string(pe->prefix[i]));
		json_object_set_new(po, "command_prefix", cmd);
		json_object_set_new(po, "version", json_string(pe->version));
		json_object_set_new(po, "usable", json_boolean(pe->usable));
		json_object_set_new(po, "status",
				    json_string(pe->usable   ? "ok"
						: pe->absent ? "missing"
							     : "failed"));
		if (!pe->usable)
			json_object_set_new(po, "reason", json_string(pe->reason));
		if (pe->disabled)
			json_object_set_new(po, "disabled", json_string(pe->disabled_reason));
		json_object_set_new(peers, pe->name, po);
	}
	json_object_set_new(root, "peers", peers);
	for (c = 0; c < r->ncases; c++) {
		const struct bench_case *bc = r->cases[c];
		json_t *res = json_object(), *ratios = json_object();

		o = json_object();
		json_object_set_new(o, "name", json_string(bc->name));
		json_object_set_new(o, "kind", json_string(bench_kind_name(bc->kind)));
		json_object_set_new(o, "what", json_string(bc->what));
		json_object_set_new(o, "unit", json_string(bench_kind_unit(bc->kind)));
		if (bc->kind == KIND_MICRO)
			json_object_set_new(
			    o, "iterations",
			    json_integer(r->opts.full ? bc->iters_full : bc->iters_quick));
		if (bc->files_quick)
			json_object_set_new(
			    o, "files",
			    json_integer(r->opts.full ? bc->files_full : bc->files_quick));
		for (p = 0; p < r->npeers; p++)
			json_object_set_new(res, r->peers[p]->name, result_json(r, c, p));
		json_object_set_new(o, "results", res);
		for (i = 0; i < NPAIRS; i++) {
			char key[32];

			if (!pair_selected(r, i))
				continue;
			snprintf(key, sizeof(key), "%s/%s", ratio_pairs[i][0], ratio_pairs[i][1]);
			json_object_set_new(
			    ratios, key,
			    json_num(bench_ratio(r, c, ratio_pairs[i][0], ratio_pairs[i][1])));
		}
		json_object_set_new(o, "ratios", ratios);
		json_array_append_new(cases, o);
	}
	json_object_set_new(root, "cases", cases);
	rc = json_dump_file(root, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return rc < 0 ? -EIO : 0;
}

/* md_cell - "median [min-max]" or the status, for the markdown report. */
static void md_cell(struct bench_result *res, char *buf, size_t len)
{
	summarize(res);
	if (res->status == RUN_OK && !isnan(res->median)) {
		char a[32], b[32], c[32];

		fmt_num(res->median, a, sizeof(a));
		fmt_num(res->min, b, sizeof(b));
		fmt_num(res->max, c, sizeof(c));
		snprintf(buf, len, "%s [%s–%s]", a, b, c);
	} else
		cell(res, buf, len);
}

/* bench_report_markdown - writes the report to @path; @png is the chart's file name. */
int bench_report_markdown(struct bench_run *r, const char *path, const char *png)
{
	FILE *f = fopen(path, "w");
	char buf[128];
	int c, p, i;

	if (!f)
		return -errno;
	fprintf(f, "# cvisor-bench %s (%s profile)\n\n", r->started,
		r->opts.full ? "full" : "quick");
	fprintf(f, "%d repetition(s), interleaved; limit %.0f s per run; wall time %.0f s.\n\n",
		r->opts.reps, r->opts.timeout_s, r->elapsed_s);
	fprintf(f, "| peer | version | status |\n|---|---|---|\n");
	for (p = 0; p < r->npeers; p++)
		fprintf(f, "| %s | %s | %s %s |\n", r->peers[p]->name, r->peers[p]->version,
			r->peers[p]->usable   ? "ok"
			: r->peers[p]->absent ? "missing"
					      : "failed",
			r->peers[p]->usable ? "" : r->peers[p]->reason);
	fprintf(f,
		"\nMedian [min–max] per peer; ratios of medians (lower is better for cvisor).\n\n"
		"| case | unit |");
	for (p = 0; p < r->npeers; p++)
		fprintf(f, " %s |", r->peers[p]->name);
	for (i = 0; i < NPAIRS; i++)
		if (pair_selected(r, i))
			fprintf(f, " %s/%s |", ratio_pairs[i][0], ratio_pairs[i][1]);
	fprintf(f, "\n|---|---|");
	for (p = 0; p < r->npeers; p++)
		fprintf(f, "---:|");
	for (i = 0; i < NPAIRS; i++)
		if (pair_selected(r, i))
			fprintf(f, "---:|");
	fprintf(f, "\n");
	for (c = 0; c < r->ncases; c++) {
		fprintf(f, "| %s | %s |", r->cases[c]->name, bench_kind_unit(r->cases[c]->kind));
		for (p = 0; p < r->npeers; p++) {
			md_cell(bench_result_at(r, c, p), buf, sizeof(buf));
			fprintf(f, " %s |", buf);
		}
		for (i = 0; i < NPAIRS; i++) {
			if (!pair_selected(r, i))
				continue;
			ratio_cell(bench_ratio(r, c, ratio_pairs[i][0], ratio_pairs[i][1]), buf,
				   sizeof(buf));
			fprintf(f, " %s |", buf);
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n## Peak RSS of the process tree (MiB, median)\n\n| case |");
	for (p = 0; p < r->npeers; p++)
		fprintf(f, " %s |", r->peers[p]->name);
	fprintf(f, "\n|---|");
	for (p = 0; p < r->npeers; p++)
		fprintf(f, "---:|");
	fprintf(f, "\n");
	for (c = 0; c < r->ncases; c++) {
		if (!r->cases[c]->sample_mem)
			continue;
		fprintf(f, "| %s |", r->cases[c]->name);
		for (p = 0; p < r->npeers; p++) {
			struct bench_result *res = bench_result_at(r, c, p);

			summarize(res);
			if (res->status == RUN_OK && res->n)
				fprintf(f, " %.1f |", res->rss_median_kb / 1024.0);
			else
				fprintf(f, " %s |", bench_status_name(res->status));
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n## Not measured\n\n");
	for (p = 0; p < r->npeers; p++)
		if (!r->peers[p]->usable)
			fprintf(f, "- %s, all cases: %s — %s\n", r->peers[p]->name,
				r->peers[p]->absent ? "missing" : "failed", r->peers[p]->reason);
	for (c = 0; c < r->ncases; c++)
		for (p = 0; p < r->npeers; p++) {
			struct bench_result *res = bench_result_at(r, c, p);

			if (res->status != RUN_OK && !is_peer_wide(r, p, res))
				fprintf(f, "- %s / %s: %s — %s\n", r->cases[c]->name,
					r->peers[p]->name, bench_status_name(res->status),
					res->reason);
		}
	fprintf(f, "\n## Cases\n\n");
	for (c = 0; c < r->ncases; c++)
		fprintf(f, "- `%s` (%s): %s\n", r->cases[c]->name,
			bench_kind_name(r->cases[c]->kind), r->cases[c]->what);
	if (png)
		fprintf(f, "\n![ratios against native](%s)\n", png);
	fclose(f);
	return 0;
}

/*
 * bench_report_chart - draws PEER/native for each case (log scale) into @png_path with
 * gnuplot; returns 0, or -1 with the reason in @why.
 */
int bench_report_chart(struct bench_run *r, const char *png_path, char *why, size_t whylen)
{
	char dat[4200], gp[4200], *argv[3];
	const char *sandbox[] = {"cvisor", "runsc", "proot"};
	struct run_out o;
	int c, i, cols = 0, col_idx[3];
	FILE *f;

	for (i = 0; i < 3; i++)
		if (peer_index(r, sandbox[i]) >= 0 && peer_index(r, "native") >= 0)
			col_idx[cols++] = i;
	if (!cols) {
		snprintf(why, whylen, "no sandbox peer and native to compare");
		return -1;
	}
	snprintf(dat, sizeof(dat), "%s.dat", png_path);
	snprintf(gp, sizeof(gp), "%s.gp", png_path);
	if (!(f = fopen(dat, "w"))) {
		snprintf(why, whylen, "%s: %s", dat, strerror(errno));
		return -1;
	}
	fprintf(f, "case");
	for (i = 0; i < cols; i++)
		fprintf(f, " %s", sandbox[col_idx[i]]);
	fprintf(f, "\n");
	for (c = 0; c < r->ncases; c++) {
		fprintf(f, "%s", r->cases[c]->name);
		for (i = 0; i < cols; i++) {
			double v = bench_ratio(r, c, sandbox[col_idx[i]], "native");

			if (isnan(v))
				fprintf(f, " -");
			else
				fprintf(f, " %g", v);
		}
		fprintf(f, "\n");
	}
	fclose(f);
	if (!(f = fopen(gp, "w"))) {
		snprintf(why, whylen, "%s: %s", gp, strerror(errno));
		unlink(dat);
		return -1;
	}
	fprintf(
	    f,
	    "set terminal pngcairo size 1400,650 noenhanced\n"
	    "set output '%s'\n"
	    "set title 'cvisor-bench %s: PEER median / native median per case (log scale; no bar = "
	    "not measured)'\n"
	    "set datafile missing '-'\n"
	    "set style data histogram\nset style histogram cluster gap 1\n"
	    "set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
	    "set logscale y\nset yrange [0.5:*]\nset grid ytics\n"
	    "set xtics rotate by -45 scale 0\nset key top right\nset rmargin 10\nset bmargin 7\n"
	    "plot '%s' using 2:xtic(1) title columnheader(2)",
	    png_path, r->started, dat);
	for (i = 1; i < cols; i++)
		fprintf(f, ", '' using %d title columnheader(%d)", i + 2, i + 2);
	fprintf(f, "\n");
	fclose(f);
	argv[0] = "gnuplot";
	argv[1] = gp;
	argv[2] = NULL;
	if (bench_run_cmd(argv, NULL, 60, false, &o) < 0 || o.status != RUN_OK) {
		snprintf(why, whylen, "gnuplot %s: %s",
			 o.status == RUN_OK ? "did not start" : bench_status_name(o.status),
			 o.reason[0] ? o.reason
				     : "is gnuplot installed? (apt-get install gnuplot-nox)");
		unlink(dat);
		unlink(gp);
		unlink(png_path);
		return -1;
	}
	unlink(dat);
	unlink(gp);
	return 0;
}
