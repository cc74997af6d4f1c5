/*
 * run.c - runs one command for the harness: its own process group, stdout and stderr
 * through pipes (runsc writes a redirected stdout at offset 0, so never a file), a time
 * limit after which the whole process tree is killed, and optional sampling of the tree's
 * summed RSS.
 *
 * The harness is a child subreaper (bench_run_init), so every process a peer leaves behind
 * (runsc's sandbox and gofer, proot's tracees) is our descendant: "the tree" is every
 * descendant of this process, and after each run all of them are killed and reaped. The
 * harness therefore runs one command at a time and must not keep other children.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench/harness/bench.h"

#define SAMPLE_MS 25
#define MAX_PROCS 65536

static int sig_fd = -1;
static long page_kb;

/* bench_run_init - makes this process a subreaper and routes SIGCHLD to a signalfd. */
void bench_run_init(void)
{
	sigset_t set;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	page_kb = sysconf(_SC_PAGESIZE) / 1024;
	signal(SIGPIPE, SIG_IGN);
}

const char *bench_status_name(enum run_status st)
{
	static const char *const names[] = {"ok", "failed", "timeout", "missing", "skipped"};

	return names[st];
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* read_small - reads up to @len-1 bytes of @path into @buf; returns the count or -errno. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return (int)n;
}

struct proc_ent {
	int pid, ppid;
};

/*
 * tree_scan - fills @ents with every process of the system (pid, ppid); returns the count.
 */
static int tree_scan(struct proc_ent *ents, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char path[64], buf[512];
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		char *rp;
		int pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		rp = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
		if (!rp || sscanf(rp + 2, "%*c %d", &ents[n].ppid) != 1)
			continue;
		ents[n++].pid = pid;
	}
	closedir(d);
	return n;
}

/* is_descendant - whether @pid descends from @root according to @ents. */
static bool is_descendant(struct proc_ent *ents, int n, int pid, int root)
{
	int depth, i;

	for (depth = 0; depth < 64 && pid > 1; depth++) {
		int ppid = 0;

		for (i = 0; i < n; i++) {
			if (ents[i].pid == pid) {
				ppid = ents[i].ppid;
				break;
			}
		}
		if (ppid == root)
			return true;
		pid = ppid;
	}
	return false;
}

static struct proc_ent proc_ents[MAX_PROCS];

/* tree_rss_kb - returns the summed resident set (KiB) of all our descendants. */
static long tree_rss_kb(void)
{
	int self = getpid(), n = tree_scan(proc_ents, MAX_PROCS), i;
	long sum = 0;

	for (i = 0; i < n; i++) {
		char path[64], buf[256];
		long size, res;

		if (!is_descendant(proc_ents, n, proc_ents[i].pid, self))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/statm", proc_ents[i].pid);
		if (read_small(path, buf, sizeof(buf)) > 0 &&
		    sscanf(buf, "%ld %ld", &size, &res) == 2)
			sum += res * page_kb;
	}
	return sum;
}

/* tree_kill - SIGKILLs every descendant of this process; returns how many it signalled. */
static int tree_kill(void)
{
	int self = getpid(), n = tree_scan(proc_ents, MAX_PROCS), i, killed = 0;

	for (i = 0; i < n; i++) {
		if (is_descendant(proc_ents, n, proc_ents[i].pid, self) &&
		    kill(proc_ents[i].pid, SIGKILL) == 0)
			killed++;
	}
	return killed;
}

/* reap_all - reaps every exited child without blocking; records @main's status. */
static void reap_all(pid_t main_pid, bool *main_done, int *status, struct rusage *ru)
{
	struct signalfd_siginfo si;
	struct rusage r;
	int st;
	pid_t pid;

	while (read(sig_fd, &si, sizeof(si)) > 0)
		;
	while ((pid = wait4(-1, &st, WNOHANG, &r)) > 0) {
		if (pid == main_pid && !*main_done) {
			*main_done = true;
			*status = st;
			*ru = r;
		}
	}
}

/* append_out / append_err - keep the head of stdout and the tail of stderr. */
static void append_out(struct run_out *o, const char *buf, ssize_t n)
{
	size_t have = strlen(o->out), room = sizeof(o->out) - 1 - have;

	if ((size_t)n > room)
		n = (ssize_t)room;
	memcpy(o->out + have, buf, (size_t)n);
	o->out[have + (size_t)n] = '\0';
}

static void append_err(struct run_out *o, const char *buf, ssize_t n)
{
	size_t have = strlen(o->err), cap = sizeof(o->err) - 1;

	if ((size_t)n >= cap) {
		memcpy(o->err, buf + n - (ssize_t)cap, cap);
		o->err[cap] = '\0';
		return;
	}
	if (have + (size_t)n > cap) {
		size_t drop = have + (size_t)n - cap;

		memmove(o->err, o->err + drop, have - drop + 1);
		have -= drop;
	}
	memcpy(o->err + have, buf, (size_t)n);
	o->err[have + (size_t)n] = '\0';
}

/* drain - reads what is available on @fd into @o; returns false at EOF or error. */
static bool drain(int fd, struct run_out *o, bool is_err)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return false;
	if (n > 0) {
		if (is_err)
			append_err(o, buf, n);
		else
			append_out(o, buf, n);
	}
	return true;
}

/* drain_rest - reads whatever is left in @fd without blocking. */
static void drain_rest(int fd, struct run_out *o, bool is_err)
{
	char buf[4096];
	ssize_t n;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (is_err)
			append_err(o, buf, n);
		else
			append_out(o, buf, n);
	}
}

static void child_exec(char *const argv[], const char *cwd, int out_w, int err_w)
{
	int null = open("/dev/null", O_RDONLY);
	sigset_t set;

	setpgid(0, 0);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (null >= 0)
		dup2(null, 0);
	dup2(out_w, 1);
	dup2(err_w, 2);
	if (cwd && chdir(cwd) < 0) {
		fprintf(stderr, "cannot chdir to %s: %s\n", cwd, strerror(errno));
		_exit(126);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "cannot exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* last_line - copies the last non-empty line of @s into @dst. */
static void last_line(const char *s, char *dst, size_t len)
{
	const char *end = s + strlen(s), *start;

	while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	snprintf(dst, len, "%.*s", (int)(end - start), start);
}

/* finish - kills what the run left behind, drains the pipes, sets status and reason. */
static void finish(struct run_out *o, pid_t pid, bool done, int status, bool timed_out, int out_r,
		   int err_r, double timeout_s)
{
	bool main_done = done;
	struct rusage ru;
	char line[400];
	int i;

	kill(-pid, SIGKILL);
	for (i = 0; i < 50 && tree_kill() > 0; i++)
		usleep(2000);
	if (!main_done) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	reap_all(pid, &main_done, &status, &ru);
	drain_rest(out_r, o, false);
	drain_rest(err_r, o, true);
	o->wait_status = status;
	last_line(o->err, line, sizeof(line));
	if (timed_out) {
		o->status = RUN_TIMEOUT;
		snprintf(o->reason, sizeof(o->reason), "killed after %.0f s%s%s", timeout_s,
			 line[0] ? ": " : "", line);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		o->status = RUN_OK;
	} else {
		o->status = RUN_FAILED;
		if (WIFEXITED(status))
			snprintf(o->reason, sizeof(o->reason), "exit %d%s%s", WEXITSTATUS(status),
				 line[0] ? ": " : "", line);
		else
			snprintf(o->reason, sizeof(o->reason), "killed by signal %d%s%s",
				 WTERMSIG(status), line[0] ? ": " : "", line);
	}
}

/*
 * bench_run_cmd - runs @argv (PATH searched) in @cwd with stdin from /dev/null, waits at
 * most @timeout_s, and fills @out. Returns 0 when the command ran (whatever its status;
 * see out->status) or -errno when it could not be started.
 */
int bench_run_cmd(char *const argv[], const char *cwd, double timeout_s, bool sample_mem,
		  struct run_out *out)
{
	int outp[2], errp[2], status = 0;
	bool done = false, timed_out = false, out_open = true, err_open = true;
	struct rusage ru;
	double t0, t_end = 0, deadline, next_sample;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (pipe2(outp, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		int err = -errno;

		close(outp[0]);
		close(outp[1]);
		return err;
	}
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(outp[0]);
		close(outp[1]);
		close(errp[0]);
		close(errp[1]);
		return err;
	}
	if (pid == 0)
		child_exec(argv, cwd, outp[1], errp[1]);
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);
	deadline = t0 + timeout_s * 1e3;
	next_sample = t0 + 5;
	while (!done) {
		struct pollfd pfd[3] = {{sig_fd, POLLIN, 0},
					{out_open ? outp[0] : -1, POLLIN, 0},
					{err_open ? errp[0] : -1, POLLIN, 0}};
		double now = now_ms(), wait = deadline - now;

		if (wait <= 0) {
			timed_out = true;
			break;
		}
		if (sample_mem) {
			if (now >= next_sample) {
				long kb = tree_rss_kb();

				if (kb > out->peak_rss_kb)
					out->peak_rss_kb = kb;
				next_sample = now_ms() + SAMPLE_MS;
			}
			if (next_sample - now < wait)
				wait = next_sample - now > 0 ? next_sample - now : 0;
		}
		if (poll(pfd, 3, (int)(wait + 0.999)) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents && !drain(outp[0], out, false))
			out_open = false;
		if (pfd[2].revents && !drain(errp[0], out, true))
			err_open = false;
		if (pfd[0].revents) {
			reap_all(pid, &done, &status, &ru);
			if (done)
				t_end = now_ms();
		}
	}
	out->wall_ms = (done ? t_end : now_ms()) - t0;
	if (done)
		out->maxrss_kb = ru.ru_maxrss;
	finish(out, pid, done, status, timed_out, outp[0], errp[0], timeout_s);
	close(outp[0]);
	close(errp[0]);
	return 0;
}
