/*
 * exec.c - runs compat test binaries natively, under bin/cvisor and under runsc, in
 * parallel, each in its own process group with a timeout, capturing stdout and stderr
 * through pipes (runsc writes redirected stdout at offset 0, so a pipe is required).
 *
 * Owns the child processes it starts and kills only their process groups. It must not
 * interpret results beyond turning TAP + exit status into a verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/compat/runner/runner.h"

#define GRACE_AFTER_EXIT 2.0 /* seconds to wait for pipe EOF once the child exited */

struct buf {
	char *data;
	size_t len, cap;
};

struct job {
	struct test *t;
	int col;
	pid_t pid;
	int out_fd, err_fd;
	struct buf out, err;
	double start, exited_at;
	bool reaped, timed_out;
	int status;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void buf_append(struct buf *b, const char *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			abort();
		b->cap = cap;
	}
	memcpy(b->data + b->len, d, n);
	b->len += n;
	b->data[b->len] = 0;
}

/* Builds the argv for @col; returns a heap array (strings borrowed) or NULL. */
static char **build_argv(const struct test *t, int col, const struct options *opt)
{
	char **argv = calloc(opt->n_runtime_args + 8, sizeof(char *));
	int i = 0;

	if (!argv)
		abort();
	switch (col) {
	case COL_NATIVE:
		argv[i++] = t->path;
		break;
	case COL_CVISOR:
		argv[i++] = (char *)opt->cvisor;
		for (int k = 0; k < opt->n_runtime_args; k++)
			argv[i++] = (char *)opt->runtime_args[k];
		argv[i++] = "do";
		argv[i++] = "--";
		argv[i++] = t->path;
		break;
	case COL_RUNSC:
		argv[i++] = (char *)opt->runsc;
		argv[i++] = "--platform=ptrace";
		argv[i++] = "--network=none";
		argv[i++] = "do";
		argv[i++] = t->path;
		break;
	}
	argv[i] = NULL;
	return argv;
}

/* Starts @j; returns 0 or -errno (the job is then finished with verdict ERR). */
static int job_start(struct job *j, const struct options *opt)
{
	int out[2], err[2];
	char **argv;

	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		int e = -errno;

		close(out[0]);
		close(out[1]);
		return e;
	}
	argv = build_argv(j->t, j->col, opt);
	j->start = now();
	j->pid = fork();
	if (j->pid < 0) {
		int e = -errno;

		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		free(argv);
		return e;
	}
	if (j->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(j->pid, j->pid);
	free(argv);
	close(out[1]);
	close(err[1]);
	j->out_fd = out[0];
	j->err_fd = err[0];
	fcntl(j->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(j->err_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

static void drain(int *fd, struct buf *b)
{
	char tmp[8192];
	ssize_t n;

	while (*fd >= 0) {
		n = read(*fd, tmp, sizeof(tmp));
		if (n > 0) {
			if (b->len < (8u << 20))
				buf_append(b, tmp, n);
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			close(*fd);
			*fd = -1;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
}

static char *first_line(const struct buf *b)
{
	const char *p = b->data;

	if (!p)
		return NULL;
	while (*p == '\n')
		p++;
	if (!*p)
		return NULL;
	return strndup(p, strcspn(p, "\n"));
}

static char *fmt_reason(const char *fmt, int v)
{
	char *s;

	if (asprintf(&s, fmt, v) < 0)
		abort();
	return s;
}

/* Turns a finished job into its result; takes ownership of the job's buffers. */
static void job_finish(struct job *j)
{
	struct result *r = &j->t->res[j->col];
	struct tap_summary sum;
	int st = j->status;

	tap_parse(j->out.data ? j->out.data : "", j->out.len, &sum);
	r->duration = now() - j->start;
	r->status = j->reaped ? st : -1;
	r->stderr_head = first_line(&j->err);
	if (j->timed_out) {
		r->verdict = V_TIME;
		r->first_fail = sum.first_fail ? sum.first_fail : strdup("timeout");
	} else if (sum.plan < 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127 && r->stderr_head &&
		   !strncmp(r->stderr_head, "exec ", 5)) {
		/* Our execv in the child failed (e.g. bin/cvisor not built): not a verdict. */
		r->verdict = V_ERR;
		r->first_fail = strdup(r->stderr_head);
		free(sum.first_fail);
	} else if (sum.plan < 0 && j->col == COL_RUNSC && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		/* runsc could not run the binary at all: an environment problem, not a verdict. */
		r->verdict = V_ERR;
		r->first_fail = r->stderr_head ? strdup(r->stderr_head) : strdup("runsc produced no TAP");
		free(sum.first_fail);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && sum.failed == 0 && sum.plan >= 0 &&
		   sum.plan == sum.count) {
		r->verdict = sum.skip_all ? V_SKIP : V_PASS;
		free(sum.first_fail);
	} else {
		r->verdict = V_FAIL;
		if (sum.first_fail)
			r->first_fail = sum.first_fail;
		else if (sum.plan < 0)
			r->first_fail = strdup("no TAP plan");
		else if (sum.plan != sum.count)
			r->first_fail = fmt_reason("plan mismatch: ran %d tests", sum.count);
		else if (WIFSIGNALED(st))
			r->first_fail = fmt_reason("killed by signal %d", WTERMSIG(st));
		else
			r->first_fail = fmt_reason("exit status %d", WEXITSTATUS(st));
	}
	free(j->out.data);
	free(j->err.data);
	memset(&j->out, 0, sizeof(j->out));
	memset(&j->err, 0, sizeof(j->err));
}

static void job_fail_start(struct job *j, int err)
{
	struct result *r = &j->t->res[j->col];

	r->verdict = V_ERR;
	r->status = -1;
	r->first_fail = fmt_reason("cannot start: errno %d", -err);
}

/* Reaps @j if it exited; kills its group on timeout. Returns true when the job is over. */
static bool job_poll(struct job *j, const struct options *opt)
{
	double t = now();

	if (!j->reaped) {
		pid_t r = waitpid(j->pid, &j->status, WNOHANG);

		if (r == j->pid) {
			j->reaped = true;
			j->exited_at = t;
		}
	}
	if (!j->reaped && !j->timed_out && t - j->start > opt->timeout) {
		j->timed_out = true;
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
	}
	if (j->reaped && (j->out_fd >= 0 || j->err_fd >= 0) && t - j->exited_at > GRACE_AFTER_EXIT) {
		/* A leftover grandchild holds the pipe: kill the group and stop reading. */
		kill(-j->pid, SIGKILL);
		drain(&j->out_fd, &j->out);
		drain(&j->err_fd, &j->err);
		if (j->out_fd >= 0)
			close(j->out_fd);
		if (j->err_fd >= 0)
			close(j->err_fd);
		j->out_fd = j->err_fd = -1;
	}
	if (j->reaped && j->out_fd < 0 && j->err_fd < 0) {
		kill(-j->pid, SIGKILL); /* leftovers of the group, if any */
		return true;
	}
	return false;
}

int exec_run_all(struct test *tests, int n, const struct options *opt,
		 void (*on_test_done)(struct test *t, const struct options *opt))
{
	struct job *running = calloc(opt->jobs, sizeof(*running));
	struct pollfd *pfds = calloc(opt->jobs * 2, sizeof(*pfds));
	int next_test = 0, next_col = 0, active = 0;

	if (!running || !pfds)
		abort();
	for (int i = 0; i < n; i++) {
		tests[i].pending = 0;
		for (int c = 0; c < NCOLS; c++)
			tests[i].pending += opt->enabled[c];
	}
	for (;;) {
		/* Fill free slots in test order, columns of one test back to back. */
		while (active < opt->jobs && next_test < n) {
			struct job *j = NULL;

			while (next_col < NCOLS && !opt->enabled[next_col])
				next_col++;
			if (next_col == NCOLS) {
				next_test++;
				next_col = 0;
				continue;
			}
			for (int k = 0; k < opt->jobs; k++)
				if (!running[k].t) {
					j = &running[k];
					break;
				}
			if (!j)
				abort(); /* active < jobs guarantees a free slot */
			memset(j, 0, sizeof(*j));
			j->t = &tests[next_test];
			j->col = next_col++;
			j->out_fd = j->err_fd = -1;
			int err = job_start(j, opt);
			if (err < 0) {
				job_fail_start(j, err);
				if (--j->t->pending == 0)
					on_test_done(j->t, opt);
				j->t = NULL;
				continue;
			}
			active++;
		}
		if (!active)
			break;
		int np = 0;

		for (int k = 0; k < opt->jobs; k++) {
			if (!running[k].t)
				continue;
			if (running[k].out_fd >= 0)
				pfds[np++] = (struct pollfd){ .fd = running[k].out_fd, .events = POLLIN };
			if (running[k].err_fd >= 0)
				pfds[np++] = (struct pollfd){ .fd = running[k].err_fd, .events = POLLIN };
		}
		poll(pfds, np, 50);
		for (int k = 0; k < opt->jobs; k++) {
			struct job *j = &running[k];

			if (!j->t)
				continue;
			drain(&j->out_fd, &j->out);
			drain(&j->err_fd, &j->err);
			if (!job_poll(j, opt))
				continue;
			job_finish(j);
			active--;
			if (--j->t->pending == 0)
				on_test_done(j->t, opt);
			j->t = NULL;
		}
	}
	free(running);
	free(pfds);
	return 0;
}
