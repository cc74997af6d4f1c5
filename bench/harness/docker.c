/*
 * docker.c - the private dockerd of the docker cases (KIND_DOCKER): started by the harness
 * only when such a case is selected, on its own data root, exec root, socket and containerd
 * namespace under a mktemp directory in /tmp, with the runtimes of the peers registered in
 * its own daemon.json: cvisor (--cvisor PATH), runsc (`--platform=ptrace --network=none`,
 * which Docker needs here: ../../../shared/ENVIRONMENT.md) and Docker's own runc standing
 * for "native". The busybox image is imported from local files (docker_image.sh), never
 * pulled; every runtime gets one untimed warm-up run that doubles as its preflight.
 *
 * dockerd must outlive every run while run.c kills all descendants of the harness after
 * each one: it is started with the subreaper flag off and double-forked, so it is not our
 * descendant; it is stopped by its pid. This file must not touch a daemon it did not
 * start: DOCKER_HOST points every docker command of the harness at the private socket.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench/harness/bench.h"

#define DOCKERD_START_S 60
#define DOCKERD_STOP_S 20
#define WARMUP_S 60

static struct {
	pid_t pid;
	char dir[64];			/* /tmp/cvisor-bench-dockerd.XXXXXX */
	char host[128];			/* unix://DIR/docker.sock */
	char why[BENCH_MAX_PEERS][256]; /* per peer: why it cannot run, "" if it can */
} dk;

/* on_fatal_signal - a SIGINT/SIGTERM/SIGHUP during the run: dockerd is no descendant of
 * ours and would outlive us, so it gets SIGTERM first (its directory stays in /tmp). */
static void on_fatal_signal(int sig)
{
	if (dk.pid > 0)
		kill(dk.pid, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* bench_docker_runtime - the docker runtime standing for peer @peer, NULL if none. */
const char *bench_docker_runtime(const char *peer)
{
	if (!strcmp(peer, "native"))
		return "runc";
	if (!strcmp(peer, "cvisor") || !strcmp(peer, "runsc"))
		return peer;
	return NULL;
}

/* write_config - DIR/daemon.json registering cvisor (and runsc when present). */
static int write_config(struct bench_run *r, const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fprintf(f, "{\"runtimes\": {\"cvisor\": {\"path\": \"%s\"}", r->opts.cvisor);
	if (bench_find_in_path("runsc"))
		fprintf(f, ", \"runsc\": {\"path\": \"runsc\", \"runtimeArgs\": "
			   "[\"--platform=ptrace\", \"--network=none\"]}");
	fprintf(f, "}}\n");
	return fclose(f) == 0 ? 0 : -EIO;
}

/* spawn_detached - starts @argv with output to @log, as no descendant of ours (see the
 * file header); returns its pid or -errno. */
static pid_t spawn_detached(char *const argv[], const char *log)
{
	int pfd[2], st;
	pid_t mid, pid = -1;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	mid = fork();
	if (mid == 0) {
		sigset_t none;
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		setsid();
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		pid = fork();
		if (pid == 0) {
			dup2(null, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			execvp(argv[0], argv);
			_exit(127);
		}
		if (write(pfd[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (mid > 0) {
		if (read(pfd[0], &pid, sizeof(pid)) != sizeof(pid))
			pid = -1;
		while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
			;
	}
	close(pfd[0]);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return mid < 0 ? -EAGAIN : pid > 0 ? pid : -ECHILD;
}

/* is_alive - whether @pid exists and is no zombie (it is not our child: no wait). */
static bool is_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "re")))
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* log_tail - the last non-empty line of DIR/dockerd.log into @dst. */
static void log_tail(char *dst, size_t len)
{
	char path[128], line[512] = "", buf[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/dockerd.log", dk.dir);
	if ((f = fopen(path, "re"))) {
		while (fgets(buf, sizeof(buf), f))
			if (buf[0] && buf[0] != '\n')
				snprintf(line, sizeof(line), "%s", buf);
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	snprintf(dst, len, "%s", line[0] ? line : "no log");
}

static bool daemon_answers(struct bench_run *r)
{
	char *argv[] = {"docker", "info", "--format", "{{.ServerVersion}}", NULL};
	struct run_out o;

	return bench_run_cmd(argv, r->opts.root, 10, false, &o) == 0 && o.status == RUN_OK;
}

/* warm_up - one untimed `docker run` per selected peer's runtime: its preflight. */
static void warm_up(struct bench_run *r, const char *image)
{
	for (int p = 0; p < r->npeers; p++) {
		const char *rt = bench_docker_runtime(r->peers[p]->name);
		char rtflag[64], *argv[] = {"docker", "run",	     "--rm",	  "--network=none",
					    rtflag,   (char *)image, "/bin/true", NULL};
		struct run_out o;

		if (!rt) {
			snprintf(dk.why[p], sizeof(dk.why[p]),
				 "not applicable: %s is no docker runtime", r->peers[p]->name);
			continue;
		}
		if (!strcmp(rt, "runsc") && !bench_find_in_path("runsc")) {
			snprintf(dk.why[p], sizeof(dk.why[p]), "runsc not found: not registered");
			continue;
		}
		if (!strcmp(rt, "runc") && !bench_find_in_path("runc")) {
			snprintf(dk.why[p], sizeof(dk.why[p]), "runc not found");
			continue;
		}
		snprintf(rtflag, sizeof(rtflag), "--runtime=%s", rt);
		fprintf(stderr, "cvisor-bench: docker warm-up run with --runtime=%s\n", rt);
		if (bench_run_cmd(argv, r->opts.root, WARMUP_S, false, &o) < 0 ||
		    o.status != RUN_OK)
			snprintf(dk.why[p], sizeof(dk.why[p]),
				 "warm-up `docker run --runtime=%s`: %s", rt,
				 o.reason[0] ? o.reason : "could not start");
	}
}

/*
 * bench_docker_start - starts the private dockerd, imports @image and warms up each
 * runtime. Sets r->docker_ok, or r->docker_reason; per-peer reasons go to
 * bench_docker_peer_why. Returns 0 or -1.
 */
int bench_docker_start(struct bench_run *r, const char *image)
{
	char cfg[128], log[128], data[96], exec_root[96], pidfile[96], ns[64], nsp[80];
	char script[PATH_MAX + 256], tail[200];
	char *argv[] = {"dockerd",
			"--config-file",
			cfg,
			"--data-root",
			data,
			"--exec-root",
			exec_root,
			"-H",
			dk.host,
			"--pidfile",
			pidfile,
			"--iptables=false",
			"--ip-forward=false",
			"--ip-masq=false",
			"--userland-proxy=false",
			"--bridge=none",
			"--storage-driver=vfs",
			"--containerd-namespace",
			ns,
			"--containerd-plugins-namespace",
			nsp,
			NULL};
	char *import[] = {"/bin/sh", "-c", script, NULL};
	struct run_out o;
	int i;

	if (!bench_find_in_path("dockerd") || !bench_find_in_path("docker")) {
		snprintf(r->docker_reason, sizeof(r->docker_reason),
			 "dockerd or docker not found (apt-get install docker.io)");
		return -1;
	}
	snprintf(dk.dir, sizeof(dk.dir), "/tmp/cvisor-bench-dockerd.XXXXXX");
	if (!mkdtemp(dk.dir)) {
		snprintf(r->docker_reason, sizeof(r->docker_reason), "mkdtemp: %s",
			 strerror(errno));
		dk.dir[0] = '\0';
		return -1;
	}
	snprintf(cfg, sizeof(cfg), "%s/daemon.json", dk.dir);
	snprintf(log, sizeof(log), "%s/dockerd.log", dk.dir);
	snprintf(data, sizeof(data), "%s/data", dk.dir);
	snprintf(exec_root, sizeof(exec_root), "%s/exec", dk.dir);
	snprintf(pidfile, sizeof(pidfile), "%s/dockerd.pid", dk.dir);
	snprintf(dk.host, sizeof(dk.host), "unix://%s/docker.sock", dk.dir);
	snprintf(ns, sizeof(ns), "cvisor-bench-%d", getpid());
	snprintf(nsp, sizeof(nsp), "%s-plugins", ns);
	if (write_config(r, cfg) < 0) {
		snprintf(r->docker_reason, sizeof(r->docker_reason), "cannot write %s", cfg);
		return -1;
	}
	setenv("DOCKER_HOST", dk.host, 1);
	fprintf(stderr, "cvisor-bench: starting a private dockerd in %s\n", dk.dir);
	dk.pid = spawn_detached(argv, log);
	signal(SIGINT, on_fatal_signal);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGHUP, on_fatal_signal);
	if (dk.pid < 0) {
		snprintf(r->docker_reason, sizeof(r->docker_reason), "cannot start dockerd: %s",
			 strerror(-dk.pid));
		dk.pid = 0;
		return -1;
	}
	for (i = 0; i < DOCKERD_START_S * 5 && is_alive(dk.pid) && !daemon_answers(r); i++)
		usleep(200000);
	if (!is_alive(dk.pid) || !daemon_answers(r)) {
		log_tail(tail, sizeof(tail));
		snprintf(r->docker_reason, sizeof(r->docker_reason),
			 "private dockerd did not answer: %s", tail);
		return -1;
	}
	snprintf(script, sizeof(script), "sh %s/bench/harness/docker_image.sh %s", r->opts.root,
		 image);
	bench_run_cmd(import, r->opts.root, 300, false, &o);
	if (o.status != RUN_OK) {
		snprintf(r->docker_reason, sizeof(r->docker_reason), "cannot import %s: %s", image,
			 o.reason);
		return -1;
	}
	warm_up(r, image);
	r->docker_ok = true;
	return 0;
}

/* bench_docker_peer_why - why peer @p cannot run the docker cases, or NULL if it can. */
const char *bench_docker_peer_why(int p)
{
	return p < BENCH_MAX_PEERS && dk.why[p][0] ? dk.why[p] : NULL;
}

/* children_of - the pids whose parent is @ppid (dockerd's containerd), at most @max. */
static int children_of(pid_t ppid, pid_t *out, int max)
{
	char path[300], buf[512], *p;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0, pp;

	while (d && n < max && (de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		FILE *f;
		size_t len;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (!(f = fopen(path, "re")))
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		if ((p = strrchr(buf, ')')) && sscanf(p + 2, "%*c %d", &pp) == 1 && pp == ppid)
			out[n++] = pid;
	}
	if (d)
		closedir(d);
	return n;
}

/* unmount_under - detaches every mount below DIR, deepest first. */
static void unmount_under(void)
{
	char *mnts[256], line[1024], dev[256], mp[512];
	size_t len = strlen(dk.dir);
	int n = 0;
	FILE *f = fopen("/proc/self/mounts", "re");

	if (!f)
		return;
	while (n < 256 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %511s", dev, mp) == 2 && !strncmp(mp, dk.dir, len) &&
		    mp[len] == '/')
			mnts[n++] = strdup(mp);
	fclose(f);
	while (n-- > 0) {
		if (mnts[n])
			umount2(mnts[n], MNT_DETACH);
		free(mnts[n]);
	}
}

/* bench_docker_stop - stops the private dockerd by its pid and removes its directory. */
void bench_docker_stop(struct bench_run *r)
{
	char *rm[] = {"rm", "-rf", dk.dir, NULL};
	struct run_out o;
	int i;

	pid_t kids[16];
	int nkids = 0;

	if (dk.pid > 0) {
		/* dockerd stops its containerd itself; should it die first, they go by pid */
		nkids = children_of(dk.pid, kids, 16);
		kill(dk.pid, SIGTERM);
		for (i = 0; i < DOCKERD_STOP_S * 10 && is_alive(dk.pid); i++)
			usleep(100000);
		if (is_alive(dk.pid))
			kill(dk.pid, SIGKILL);
		for (i = 0; i < nkids; i++)
			if (is_alive(kids[i]))
				kill(kids[i], SIGKILL);
		dk.pid = 0;
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
	}
	if (!dk.dir[0])
		return;
	unmount_under();
	bench_run_cmd(rm, r->opts.root, 120, false, &o);
	unsetenv("DOCKER_HOST");
	dk.dir[0] = '\0';
}
