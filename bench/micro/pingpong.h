/*
 * pingpong.h - the round-trip loop shared by pipe_pingpong.c and unix_pingpong.c.
 *
 * The parent sends one byte on @to_child and waits for it to come back on @from_child;
 * one operation is one full round trip (two writes, two reads, two wake-ups).
 */
#ifndef BENCH_PINGPONG_H
#define BENCH_PINGPONG_H

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "micro.h"

/* pingpong_echo - the child: echoes @n bytes from @in to @out, then exits. */
static inline void pingpong_echo(int in, int out, long n)
{
	char c;
	long i;

	for (i = 0; i < n; i++) {
		if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/* pingpong_one - one round trip from the parent's side; exits on error. */
static inline void pingpong_one(int out, int in)
{
	char c = 'x';

	if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1)
		micro_die("ping-pong");
}

/*
 * pingpong_run - forks the echoing child (which must close its copies of the parent's
 * ends itself: pass them as @child_close_a/@child_close_b, -1 if none), times @iters round
 * trips, reports, and reaps the child. Returns the exit status for main().
 */
static inline int pingpong_run(long iters, int p_out, int p_in, int c_in, int c_out,
			       int child_close_a, int child_close_b)
{
	long total = iters + micro_warmup(iters);
	int status;
	pid_t pid = fork();

	if (pid < 0)
		micro_die("fork");
	if (pid == 0) {
		if (child_close_a >= 0)
			close(child_close_a);
		if (child_close_b >= 0)
			close(child_close_b);
		pingpong_echo(c_in, c_out, total);
	}
	MICRO_LOOP(iters, pingpong_one(p_out, p_in));
	if (waitpid(pid, &status, 0) < 0)
		micro_die("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

#endif /* BENCH_PINGPONG_H */
