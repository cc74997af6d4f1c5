/*
 * micro.h - shared scaffolding of the cvisor micro-benchmarks (bench/micro/).
 *
 * Each micro-benchmark is one small program that times one operation in a loop and prints
 * exactly one machine-readable line on stdout:
 *
 *	ns_per_op <float> iters <n>
 *
 * argv[1], if given, is the iteration count; otherwise the program's default (chosen to
 * take ~0.2-1 s natively). A tenth of the iterations (at most 1000) runs first as warm-up.
 * Errors go to stderr with a non-zero exit status; the harness reports them as a failure.
 * This header must not depend on anything outside libc: the programs run unmodified
 * natively and under every sandbox peer.
 */
#ifndef BENCH_MICRO_H
#define BENCH_MICRO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* micro_now_ns - returns CLOCK_MONOTONIC in nanoseconds. */
static inline double micro_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* micro_iters - returns the iteration count from argv[1], or @def; exits on a bad value. */
static inline long micro_iters(int argc, char **argv, long def)
{
	char *end;
	long n;

	if (argc < 2)
		return def;
	n = strtol(argv[1], &end, 10);
	if (*end != '\0' || n <= 0) {
		fprintf(stderr, "%s: bad iteration count '%s'\n", argv[0], argv[1]);
		exit(2);
	}
	return n;
}

/* micro_warmup - returns the warm-up iteration count for @iters. */
static inline long micro_warmup(long iters)
{
	long w = iters / 10;

	return w > 1000 ? 1000 : w;
}

/* micro_report - prints the result line for @iters operations that took @ns in total. */
static inline void micro_report(double ns, long iters)
{
	printf("ns_per_op %.1f iters %ld\n", ns / (double)iters, iters);
	fflush(stdout);
}

/* micro_die - prints "@what: <errno text>" to stderr and exits 1; for setup failures. */
static inline void micro_die(const char *what)
{
	int err = errno;

	fprintf(stderr, "%s: %s\n", what, strerror(err));
	exit(1);
}

/*
 * MICRO_LOOP - runs @body micro_warmup(@iters) times, then @iters times under the clock,
 * and prints the result line.
 */
#define MICRO_LOOP(iters, body)                                                                    \
	do {                                                                                       \
		long micro_i_, micro_w_ = micro_warmup(iters);                                     \
		double micro_t0_;                                                                  \
		for (micro_i_ = 0; micro_i_ < micro_w_; micro_i_++) {                              \
			body;                                                                      \
		}                                                                                  \
		micro_t0_ = micro_now_ns();                                                        \
		for (micro_i_ = 0; micro_i_ < (iters); micro_i_++) {                               \
			body;                                                                      \
		}                                                                                  \
		micro_report(micro_now_ns() - micro_t0_, (iters));                                 \
	} while (0)

#endif /* BENCH_MICRO_H */
