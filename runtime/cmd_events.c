/* runtime/cmd_events.c - `cvisor events [--stats] [--interval D] ID`: runc's event stream.
 * Each line is {"type":"stats","id":ID,"data":{cpu,memory,pids}}, taken from the container's
 * cgroups when create made them, else summed from /proc of the Sentry and its stubs.
 * --stats prints one and exits; otherwise one every --interval (default 5s) until the
 * container stops. */
#include "runtime/container.h"
#include "runtime/control_client.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long long read_ull(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strtoull(buf, NULL, 10);
}

/* utime+stime (ns) and rss (bytes) of host process @pid */
static void proc_usage(pid_t pid, unsigned long long *cpu_ns, unsigned long long *rss)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long long f[30] = {0};
	int k = 3;
	for (p = p ? p + 2 : buf; *p && k < 30; k++) {
		f[k] = strtoull(p + (k == 3), &p, 10); /* field 3 is a letter */
		while (*p == ' ')
			p++;
	}
	long hz = sysconf(_SC_CLK_TCK);
	*cpu_ns += (f[14] + f[15]) * (1000000000ULL / (hz > 0 ? hz : 100));
	*rss += f[24] * (unsigned long long)sysconf(_SC_PAGESIZE);
}

static json_t *stats(struct global_opts *g, const struct container_state *st)
{
	unsigned long long cpu = 0, mem = 0, npids = 0, limit = 0;
	char p[4200];
	json_t *rep = ctl_request(g->root, st->id, json_pack("{s:s}", "op", "ps"), 5000);
	json_t *procs = rep ? json_object_get(rep, "processes") : NULL;
	npids = json_array_size(procs);
	if (st->cgroup_freezer[0]) {
		snprintf(p, sizeof(p), "/sys/fs/cgroup/cpuacct%s/cpuacct.usage", st->cgroup_freezer);
		cpu = read_ull(p);
		snprintf(p, sizeof(p), "/sys/fs/cgroup/memory%s/memory.usage_in_bytes",
			 st->cgroup_freezer);
		mem = read_ull(p);
		snprintf(p, sizeof(p), "/sys/fs/cgroup/memory%s/memory.limit_in_bytes",
			 st->cgroup_freezer);
		limit = read_ull(p);
	}
	if (!cpu && !mem) {
		size_t k;
		json_t *x;
		proc_usage(st->pid, &cpu, &mem);
		json_array_foreach(procs, k, x)
			proc_usage((pid_t)json_integer_value(json_object_get(x, "hostPid")), &cpu, &mem);
	}
	json_decref(rep);
	return json_pack("{s:s, s:s, s:{s:{s:{s:I}}, s:{s:{s:I, s:I}}, s:{s:I}}}", "type", "stats",
			 "id", st->id, "data", "cpu", "usage", "total", (json_int_t)cpu, "memory",
			 "usage", "usage", (json_int_t)mem, "limit", (json_int_t)limit, "pids",
			 "current", (json_int_t)npids);
}

int cmd_events(struct global_opts *g, int argc, char **argv)
{
	bool once = false, bv;
	double interval = 5;
	const char *v;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (cli_flag_bool("stats", argv[i], &bv) > 0)
			once = bv;
		else if (cli_flag_value("interval", &i, argc, argv, &v) > 0) {
			char *end;
			interval = strtod(v, &end);
			if (*end == 'm' && end[1] == 's')
				interval /= 1000;
			else if (*end == 'm')
				interval *= 60;
			if (interval <= 0)
				return cli_error("events: --interval %s: expected a duration like 5s", v);
		} else
			return cli_error("events: unknown flag %s", argv[i]);
	}
	if (i >= argc)
		return cli_error("events: usage: cvisor events [--stats] [--interval 5s] ID");
	for (;;) {
		struct container_state st;
		if (container_load(g, argv[i], &st))
			return 1;
		if (!strcmp(state_status(&st), "stopped")) {
			state_free(&st);
			return once ? cli_error("events: container %s is not running", argv[i]) : 0;
		}
		json_t *j = stats(g, &st);
		state_free(&st);
		char *t = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		printf("%s\n", t ? t : "{}");
		fflush(stdout);
		free(t);
		if (once)
			return 0;
		usleep((useconds_t)(interval * 1e6));
	}
}
