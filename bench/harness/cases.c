/*
 * cases.c - the benchmark cases of bin/cvisor-bench, as one table.
 *
 * Adding a case is adding a row here (and its program under bench/micro/ or script under
 * bench/macro/). Iteration counts: quick = small enough that a ptrace sandbox (25-50 us per
 * trapped syscall) takes ~1 s; full = 3x quick, for steadier medians. (The programs' own
 * defaults, ~1 s natively, would take minutes in any sandbox.)
 */
#include "bench/harness/bench.h"

const struct bench_case bench_cases[] = {
    /* micro: one operation in a loop */
    {"getpid", KIND_MICRO, "trapped syscall round trip: syscall(SYS_getpid)", "getpid", NULL, 30000,
     90000},
    {"clock_gettime", KIND_MICRO, "PASS-class call: syscall(SYS_clock_gettime), no vDSO",
     "clock_gettime", NULL, 30000, 90000},
    {"futex_wake", KIND_MICRO, "futex(FUTEX_WAKE_PRIVATE) with no waiter", "futex_wake", NULL,
     30000, 90000},
    {"open_close", KIND_MICRO, "open(\"/etc/passwd\") + close()", "open_close", NULL, 10000,
     30000},
    {"read_zero", KIND_MICRO, "read() 4 KiB from /dev/zero", "read_zero", NULL, 20000, 60000},
    {"write_null", KIND_MICRO, "write() 64 bytes to /dev/null", "write_null", NULL, 20000, 60000},
    {"stat", KIND_MICRO, "stat(\"/usr/bin/env\")", "stat", NULL, 20000, 60000},
    {"pipe_pingpong", KIND_MICRO, "1-byte round trip between two processes over pipes",
     "pipe_pingpong", NULL, 2000, 6000},
    {"tcp_pingpong", KIND_MICRO, "1-byte round trip over TCP on 127.0.0.1 (TCP_NODELAY)",
     "tcp_pingpong", NULL, 2000, 6000},
    {"tcp_stream", KIND_MICRO, "64 KiB writes over one TCP connection on 127.0.0.1",
     "tcp_stream", NULL, 5000, 15000},
    {"unix_pingpong", KIND_MICRO, "1-byte round trip over an AF_UNIX socketpair", "unix_pingpong",
     NULL, 2000, 6000},
    {"fork_exit", KIND_MICRO, "fork() + _exit(0) + waitpid()", "fork_exit", NULL, 300, 900},
    {"fork_exec", KIND_MICRO, "fork() + execv(/bin/true) + waitpid()", "fork_exec", NULL, 60, 180},
    {"thread_create", KIND_MICRO, "pthread_create() + pthread_join()", "thread_create", NULL, 1000,
     3000},
    {"mmap_touch", KIND_MICRO, "mmap 1 MiB + touch 256 pages + munmap", "mmap_touch", NULL, 200,
     600},
    {"page_fault", KIND_MICRO, "first-touch anonymous page fault (ns per fault)", "page_fault",
     NULL, 32768, 98304},
    /* start-up and memory */
    {"startup_true", KIND_STARTUP, "start a sandbox running /bin/true, wait for it", "/bin/true"},
    {"idle_sleep1", KIND_MEMORY, "peak RSS of a sandbox running `sleep 1`", "/bin/sleep", "1",
     .sample_mem = true},
    /* macro: whole workloads, timed as one command */
    {"untar_stat_rm", KIND_MACRO, "untar a file tree, find | xargs stat, rm -rf", "untar_stat_rm",
     .files_quick = 2000, .files_full = 10000, .sample_mem = true},
    {"make_j2", KIND_MACRO, "make -j2 of a generated 41-file C project", "make_j2",
     .sample_mem = true},
    {"python_startup", KIND_MACRO, "10 x python3 -c pass", "python_startup", .sample_mem = true},
    {"python_cpu", KIND_MACRO, "python3 CPU loop (8M iterations)", "python_cpu",
     .sample_mem = true},
    {"sqlite_insert", KIND_MACRO, "sqlite3 CLI: 50,000 INSERTs in 500 transactions",
     "sqlite_insert", .sample_mem = true},
    {"git_commit", KIND_MACRO, "git init + add + commit of ~600 headers", "git_commit",
     .sample_mem = true},
    /* docker: a private dockerd, started only when this case is selected (docker.c) */
    {"docker_true", KIND_DOCKER,
     "docker run --rm IMAGE /bin/true, private dockerd (runc as native, cvisor, runsc)",
     "/bin/true"},
    /* Docker in Docker: a DinD container per peer on that dockerd (dind.c, dind.sh); the
     * native column is runc with ENVIRONMENT.md's DinD configuration */
    {"dind_ready", KIND_DIND, "DinD container: docker start until the inner dockerd answers",
     "ready"},
    {"dind_run_true", KIND_DIND, "inner docker run --rm --network=none IMAGE true", "run"},
    {"dind_build3", KIND_DIND, "inner docker build --no-cache: FROM, COPY, RUN (classic)", "build"},
};

const int bench_ncases = sizeof(bench_cases) / sizeof(bench_cases[0]);

/* bench_kind_unit - returns the unit of a kind's primary metric. */
const char *bench_kind_unit(enum bench_kind kind)
{
	switch (kind) {
	case KIND_MICRO:
		return "ns/op";
	case KIND_MEMORY:
		return "KiB";
	default:
		return "ms";
	}
}

/* bench_kind_name - returns the kind's name as written in the JSON. */
const char *bench_kind_name(enum bench_kind kind)
{
	static const char *const names[] = {"micro",  "macro",	"startup",
					    "memory", "docker", "dind"};

	return names[kind];
}
