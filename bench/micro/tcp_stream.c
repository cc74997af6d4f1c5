/*
 * tcp_stream.c - bulk throughput over one TCP connection on 127.0.0.1: a forked child
 * reads and discards; one operation is one 64 KiB write. The throughput (MB/s) goes to
 * stderr; ns_per_op on stdout as every micro-benchmark.
 */
#include <sys/wait.h>
#include "tcp_loopback.h"

#define CHUNK 65536

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 20000);
	long total = iters + micro_warmup(iters);
	static char buf[CHUNK];
	int c, s, status;
	double t0;
	pid_t pid;

	tcp_loopback_pair(&c, &s);
	pid = fork();
	if (pid < 0)
		micro_die("fork");
	if (pid == 0) {
		long want = total * CHUNK;
		close(c);
		while (want > 0) {
			ssize_t n = read(s, buf, sizeof(buf));
			if (n <= 0)
				_exit(1);
			want -= n;
		}
		_exit(0);
	}
	close(s);
	memset(buf, 'x', sizeof(buf));
	t0 = 0;
	for (long i = 0; i < total; i++) {
		if (i == micro_warmup(iters))
			t0 = micro_now_ns();
		for (size_t off = 0; off < CHUNK;) {
			ssize_t n = write(c, buf + off, CHUNK - off);
			if (n <= 0)
				micro_die("write");
			off += (size_t)n;
		}
	}
	if (waitpid(pid, &status, 0) < 0)
		micro_die("waitpid");
	double ns = micro_now_ns() - t0;
	micro_report(ns, iters);
	fprintf(stderr, "tcp_stream: %.1f MB/s\n", (double)iters * CHUNK / (ns / 1e9) / 1e6);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
