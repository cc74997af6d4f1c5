/* vfs/fs/cgroupfs_files.c - the interface files of a cgroup v2 directory: what each one
 * shows and how a write to it is parsed and checked (Linux's parsers and errnos), and
 * which cgroups have which files (core files; controller files when the parent enables
 * the controller; the root's subset).
 *
 * Owns nothing: settings live in struct cgroup (cgroupfs_tree.c), facts about tasks come
 * from the Sentry (cgroupfs_host_ops). Never blocks. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vfs/fs/cgroupfs.h"
#include "vfs/fs/cgroupfs_files.h"

static const struct cgroupfs_host_ops *host;

void cgroupfs_set_host_ops(const struct cgroupfs_host_ops *ops)
{
	host = ops;
}

const struct cgroupfs_host_ops *cgroupfs_host(void)
{
	return host;
}

#define PAGE 4096ULL
#define PIDS_LIMIT 4194304 /* PID_MAX_LIMIT */

/* ---- parsers ---- */

/* A whole decimal (or 0x hex) number as kstrtoll reads it. */
static int parse_ll(const char *s, long long *out)
{
	char *end;
	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end)
		return errno == ERANGE ? -ERANGE : -EINVAL;
	*out = v;
	return 0;
}

/* "max" or a number >= 0 (negative: -ERANGE as cgroup.max.* answer). */
static int parse_max_int(const char *s, int64_t *out, int neg_err)
{
	long long v;
	if (!strcmp(s, "max")) {
		*out = CG_MAX;
		return 0;
	}
	int err = parse_ll(s, &v);
	if (err)
		return err;
	if (v < 0)
		return neg_err;
	*out = v;
	return 0;
}

/* Linux's page_counter_memparse: "max" or memparse (k/m/g/t/p/e suffix), rounded down
 * to pages. */
static int parse_mem(const char *s, int64_t *out)
{
	if (!strcmp(s, "max")) {
		*out = CG_MAX;
		return 0;
	}
	char *end;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	static const char suffixes[] = "kmgtpe";
	const char *sfx = *end ? strchr(suffixes, tolower((unsigned char)*end)) : NULL;
	int shift = sfx ? 10 * (int)(sfx - suffixes + 1) : 0;
	if (sfx)
		end++;
	if (*end || errno)
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		v = ~0ULL;
	else
		v <<= shift;
	v &= ~(PAGE - 1);
	*out = v > (unsigned long long)INT64_MAX - PAGE ? CG_MAX : (int64_t)v;
	return 0;
}

static void show_max(struct proc_buf *b, int64_t v)
{
	if (v == CG_MAX)
		proc_buf_printf(b, "max\n");
	else
		proc_buf_printf(b, "%lld\n", (long long)v);
}

/* ---- cpu lists (cpuset) ---- */
#define CPU_WORDS 4 /* 256 cpus */
struct cpumask {
	uint64_t w[CPU_WORDS];
};

static void mask_set(struct cpumask *m, unsigned i)
{
	m->w[i / 64] |= 1ULL << (i % 64);
}

static bool mask_test(const struct cpumask *m, unsigned i)
{
	return m->w[i / 64] & (1ULL << (i % 64));
}

static bool mask_empty(const struct cpumask *m)
{
	for (int i = 0; i < CPU_WORDS; i++)
		if (m->w[i])
			return false;
	return true;
}

/* Parses "0-2,5" (empty: empty mask); every id must be < @limit. */
static int parse_list(const char *s, unsigned limit, struct cpumask *m)
{
	memset(m, 0, sizeof(*m));
	while (*s) {
		char *end;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		unsigned long a = strtoul(s, &end, 10), z = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			z = strtoul(end + 1, &end, 10);
		}
		if (a > z || z >= limit || z >= CPU_WORDS * 64)
			return -EINVAL;
		for (unsigned long i = a; i <= z; i++)
			mask_set(m, (unsigned)i);
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		s = end;
	}
	return 0;
}

static void format_list(const struct cpumask *m, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < CPU_WORDS * 64; i++) {
		if (!mask_test(m, i))
			continue;
		unsigned j = i;
		while (j + 1 < CPU_WORDS * 64 && mask_test(m, j + 1))
			j++;
		int w = j > i ? snprintf(buf + n, size - n, "%s%u-%u", n ? "," : "", i, j)
			      : snprintf(buf + n, size - n, "%s%u", n ? "," : "", i);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
		i = j;
	}
}

static unsigned ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? (unsigned)n : 1;
}

/* The effective cpus (@mems: memory nodes) of @cg: its own list within its parent's
 * effective set, or the parent's when empty (or disjoint), as cpuset v2. */
static void effective(struct cgroup *cg, bool mems, struct cpumask *out)
{
	if (!cg->parent) {
		memset(out, 0, sizeof(*out));
		unsigned n = mems ? 1 : ncpus();
		for (unsigned i = 0; i < n && i < CPU_WORDS * 64; i++)
			mask_set(out, i);
		return;
	}
	effective(cg->parent, mems, out);
	const char *own = mems ? cg->cpuset_mems : cg->cpuset_cpus;
	struct cpumask m, and;
	if (!own[0] || parse_list(own, CPU_WORDS * 64, &m))
		return;
	for (int i = 0; i < CPU_WORDS; i++)
		and.w[i] = m.w[i] & out->w[i];
	if (!mask_empty(&and))
		*out = and;
}

/* ---- core files ---- */

static void show_ctrl_mask(struct proc_buf *b, unsigned mask)
{
	bool first = true;
	for (int c = 0; c < CG_NR_CTRL; c++)
		if (mask & (1u << c)) {
			proc_buf_printf(b, "%s%s", first ? "" : " ", cgroup_ctrl_names[c]);
			first = false;
		}
	if (!first) /* Linux's cgroup_print_ss_mask: nothing at all for an empty mask */
		proc_buf_printf(b, "\n");
}

static int show_controllers(struct cgroup *cg, struct proc_buf *b)
{
	show_ctrl_mask(b, cgroup_controllers(cg));
	return 0;
}

static int show_subtree_control(struct cgroup *cg, struct proc_buf *b)
{
	show_ctrl_mask(b, cg->subtree_control);
	return 0;
}

static int write_subtree_control(struct cgroup *cg, char *s)
{
	return cgroup_subtree_control_write(cg, s);
}

static int show_procs(struct cgroup *cg, struct proc_buf *b)
{
	if (host && host->list)
		host->list(cg, false, b);
	return 0;
}

static int show_threads(struct cgroup *cg, struct proc_buf *b)
{
	if (host && host->list)
		host->list(cg, true, b);
	return 0;
}

static int attach(struct cgroup *cg, char *s, bool thread)
{
	long long pid;
	int err = parse_ll(s, &pid);
	if (err)
		return err;
	if (pid < 0 || pid > INT32_MAX)
		return -EINVAL;
	err = cgroup_can_attach(cg);
	if (err)
		return err;
	if (!host || !host->attach)
		return -ESRCH;
	return host->attach(cg, (int)pid, thread);
}

static int write_procs(struct cgroup *cg, char *s)
{
	return attach(cg, s, false);
}

static int write_threads(struct cgroup *cg, char *s)
{
	return attach(cg, s, true);
}

static bool is_frozen(struct cgroup *cg)
{
	if (!cgroup_freeze_effective(cg))
		return false;
	return !host || !host->subtree_frozen || host->subtree_frozen(cg);
}

static int show_events(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "populated %d\nfrozen %d\n", cgroup_is_populated(cg), is_frozen(cg));
	return 0;
}

static int show_type(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "domain\n");
	return 0;
}

/* Threaded cgroups are not implemented: "threaded" is refused. */
static int write_type(struct cgroup *cg, char *s)
{
	return strcmp(s, "threaded") ? -EINVAL : -EOPNOTSUPP;
}

static int show_freeze(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "%d\n", cg->freeze);
	return 0;
}

static int write_freeze(struct cgroup *cg, char *s)
{
	long long v;
	int err = parse_ll(s, &v);
	if (err)
		return err;
	if (v < 0 || v > 1)
		return -ERANGE;
	if (cg->freeze == (v == 1))
		return 0;
	cg->freeze = v == 1;
	if (host && host->freeze_sync)
		host->freeze_sync();
	return 0;
}

/* cgroup.kill is write-only: "1" kills the subtree's processes (-ERANGE otherwise). */
static int write_kill(struct cgroup *cg, char *s)
{
	long long v;
	int err = parse_ll(s, &v);
	if (err)
		return err;
	if (v != 1)
		return -ERANGE;
	if (host && host->kill)
		host->kill(cg);
	return 0;
}

static int show_max_desc(struct cgroup *cg, struct proc_buf *b)
{
	show_max(b, cg->max_descendants);
	return 0;
}

static int write_max_desc(struct cgroup *cg, char *s)
{
	int64_t v;
	int err = parse_max_int(s, &v, -ERANGE);
	if (!err)
		cg->max_descendants = v > INT32_MAX ? CG_MAX : v;
	return err;
}

static int show_max_depth(struct cgroup *cg, struct proc_buf *b)
{
	show_max(b, cg->max_depth);
	return 0;
}

static int write_max_depth(struct cgroup *cg, char *s)
{
	int64_t v;
	int err = parse_max_int(s, &v, -ERANGE);
	if (!err)
		cg->max_depth = v > INT32_MAX ? CG_MAX : v;
	return err;
}

static int show_stat(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "nr_descendants %d\nnr_dying_descendants 0\n", cg->nr_descendants);
	return 0;
}

/* ---- cpu ---- */

static int show_cpu_max(struct cgroup *cg, struct proc_buf *b)
{
	if (cg->cpu_max_quota == CG_MAX)
		proc_buf_printf(b, "max %llu\n", (unsigned long long)cg->cpu_max_period);
	else
		proc_buf_printf(b, "%lld %llu\n", (long long)cg->cpu_max_quota,
				(unsigned long long)cg->cpu_max_period);
	return 0;
}

/* Linux's cpu_period_quota_parse + tg_set_cfs_bandwidth's limits (1 ms .. 1 s). */
static int write_cpu_max(struct cgroup *cg, char *s)
{
	char tok[8];
	unsigned long long period = cg->cpu_max_period;
	int64_t quota;
	int n = sscanf(s, "%7s %llu", tok, &period);
	if (n < 1)
		return -EINVAL;
	if (!strcmp(tok, "max")) {
		quota = CG_MAX;
	} else {
		long long q;
		if (parse_ll(tok, &q) || q < 0)
			return -EINVAL;
		quota = q;
	}
	if (period < 1000 || period > 1000000)
		return -EINVAL;
	if (quota != CG_MAX && quota < 1000)
		return -EINVAL;
	cg->cpu_max_quota = quota;
	cg->cpu_max_period = period;
	return 0;
}

static int show_cpu_weight(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "%llu\n", (unsigned long long)cg->cpu_weight);
	return 0;
}

static int write_cpu_weight(struct cgroup *cg, char *s)
{
	long long v;
	int err = parse_ll(s, &v);
	if (err)
		return err;
	if (v < 1 || v > 10000)
		return -ERANGE;
	cg->cpu_weight = (uint64_t)v;
	return 0;
}

static void usage(struct cgroup *cg, struct cgroup_usage *u)
{
	memset(u, 0, sizeof(*u));
	if (host && host->usage)
		host->usage(cg, u);
}

static int show_cpu_stat(struct cgroup *cg, struct proc_buf *b)
{
	struct cgroup_usage u;
	usage(cg, &u);
	proc_buf_printf(b, "usage_usec %llu\nuser_usec %llu\nsystem_usec %llu\n",
			(unsigned long long)(u.user_usec + u.system_usec),
			(unsigned long long)u.user_usec, (unsigned long long)u.system_usec);
	if (cg->parent)
		proc_buf_printf(b, "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n"
				   "nr_bursts 0\nburst_usec 0\n");
	return 0;
}

/* ---- memory ---- */

static int show_mem_current(struct cgroup *cg, struct proc_buf *b)
{
	struct cgroup_usage u;
	usage(cg, &u);
	proc_buf_printf(b, "%llu\n", (unsigned long long)u.rss);
	return 0;
}

static int show_mem_stat(struct cgroup *cg, struct proc_buf *b)
{
	struct cgroup_usage u;
	usage(cg, &u);
	proc_buf_printf(b, "anon %llu\nfile %llu\nkernel_stack %llu\npagetables %llu\nshmem %llu\n",
			(unsigned long long)u.anon, (unsigned long long)u.file,
			(unsigned long long)u.kernel_stack, (unsigned long long)u.pagetables,
			(unsigned long long)u.shmem);
	return 0;
}

static int show_mem_events(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
	return 0;
}

#define MEM_FILE(field)                                                                            \
	static int show_##field(struct cgroup *cg, struct proc_buf *b)                             \
	{                                                                                          \
		if (cg->field == CG_MAX)                                                           \
			proc_buf_printf(b, "max\n");                                               \
		else                                                                               \
			proc_buf_printf(b, "%lld\n", (long long)cg->field);                        \
		return 0;                                                                          \
	}                                                                                          \
	static int write_##field(struct cgroup *cg, char *s)                                       \
	{                                                                                          \
		int64_t v;                                                                         \
		int err = parse_mem(s, &v);                                                        \
		if (!err)                                                                          \
			cg->field = v;                                                             \
		return err;                                                                        \
	}
MEM_FILE(memory_max)
MEM_FILE(memory_high)
MEM_FILE(memory_swap_max)

/* memory.low / memory.min default to 0 and show "0"; "max" is accepted. */
MEM_FILE(memory_low)
MEM_FILE(memory_min)

/* ---- pids ---- */

static int show_pids_max(struct cgroup *cg, struct proc_buf *b)
{
	show_max(b, cg->pids_max);
	return 0;
}

static int write_pids_max(struct cgroup *cg, char *s)
{
	int64_t v;
	int err = parse_max_int(s, &v, -EINVAL);
	if (err)
		return err;
	if (v != CG_MAX && v > PIDS_LIMIT)
		return -EINVAL;
	cg->pids_max = v;
	return 0;
}

static int show_pids_current(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "%lld\n", (long long)cg->pids_current);
	return 0;
}

static int show_pids_events(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "max %llu\n", (unsigned long long)cg->pids_events_max);
	return 0;
}

/* ---- io ---- */

static void show_io_val(struct proc_buf *b, const char *k, int64_t v)
{
	if (v == CG_MAX)
		proc_buf_printf(b, " %s=max", k);
	else
		proc_buf_printf(b, " %s=%lld", k, (long long)v);
}

static int show_io_max(struct cgroup *cg, struct proc_buf *b)
{
	for (int i = 0; i < cg->nio; i++) {
		const struct cgroup_io_limit *l = &cg->io[i];
		proc_buf_printf(b, "%u:%u", l->major, l->minor);
		show_io_val(b, "rbps", l->rbps);
		show_io_val(b, "wbps", l->wbps);
		show_io_val(b, "riops", l->riops);
		show_io_val(b, "wiops", l->wiops);
		proc_buf_printf(b, "\n");
	}
	return 0;
}

/* "MAJ:MIN key=value..." (keys rbps wbps riops wiops, values a number or "max"), as
 * Linux's tg_set_limit. The device is not checked (the sandbox has no block devices);
 * an entry whose limits are all "max" is removed. */
static int write_io_max(struct cgroup *cg, char *s)
{
	unsigned maj, min;
	int n = 0;
	if (sscanf(s, "%u:%u%n", &maj, &min, &n) != 2)
		return -EINVAL;
	struct cgroup_io_limit l = {maj, min, CG_MAX, CG_MAX, CG_MAX, CG_MAX}, *cur = NULL;
	for (int i = 0; i < cg->nio; i++)
		if (cg->io[i].major == maj && cg->io[i].minor == min)
			cur = &cg->io[i];
	if (cur)
		l = *cur;
	char *save, *tok;
	for (tok = strtok_r(s + n, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq)
			return -EINVAL;
		*eq = 0;
		int64_t v;
		if (!strcmp(eq + 1, "max")) {
			v = CG_MAX;
		} else {
			long long x;
			if (parse_ll(eq + 1, &x) || x < 0)
				return -EINVAL;
			v = x ? x : CG_MAX; /* Linux: 0 means no limit */
		}
		if (!strcmp(tok, "rbps"))
			l.rbps = v;
		else if (!strcmp(tok, "wbps"))
			l.wbps = v;
		else if (!strcmp(tok, "riops"))
			l.riops = v;
		else if (!strcmp(tok, "wiops"))
			l.wiops = v;
		else
			return -EINVAL;
	}
	bool none = l.rbps == CG_MAX && l.wbps == CG_MAX && l.riops == CG_MAX && l.wiops == CG_MAX;
	if (none) {
		if (cur)
			*cur = cg->io[--cg->nio];
		return 0;
	}
	if (!cur) {
		if (cg->nio == CG_IO_MAX_DEVS)
			return -ENOSPC;
		cur = &cg->io[cg->nio++];
	}
	*cur = l;
	return 0;
}

/* ---- cpuset ---- */

static int show_cpus(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "%s\n", cg->cpuset_cpus);
	return 0;
}

static int show_mems(struct cgroup *cg, struct proc_buf *b)
{
	proc_buf_printf(b, "%s\n", cg->cpuset_mems);
	return 0;
}

static int write_list(char *dst, size_t size, const char *s, unsigned limit)
{
	struct cpumask m;
	int err = parse_list(s, limit, &m);
	if (err)
		return err;
	format_list(&m, dst, size);
	return 0;
}

static int write_cpus(struct cgroup *cg, char *s)
{
	return write_list(cg->cpuset_cpus, sizeof(cg->cpuset_cpus), s, ncpus());
}

static int write_mems(struct cgroup *cg, char *s)
{
	return write_list(cg->cpuset_mems, sizeof(cg->cpuset_mems), s, 1);
}

static int show_eff(struct cgroup *cg, struct proc_buf *b, bool mems)
{
	struct cpumask m;
	char buf[1024];
	effective(cg, mems, &m);
	format_list(&m, buf, sizeof(buf));
	proc_buf_printf(b, "%s\n", buf);
	return 0;
}

static int show_cpus_eff(struct cgroup *cg, struct proc_buf *b)
{
	return show_eff(cg, b, false);
}

static int show_mems_eff(struct cgroup *cg, struct proc_buf *b)
{
	return show_eff(cg, b, true);
}

/* ---- the table (alphabetical, as kernfs lists them) ---- */

#define CORE -1
#define RO(n, c, fl, sh)                                                                           \
	{                                                                                          \
		n, c, fl, 0444, sh, NULL                                                           \
	}
#define RW(n, c, fl, sh, wr)                                                                       \
	{                                                                                          \
		n, c, fl, 0644, sh, wr                                                             \
	}

const struct cg_file cg_files[] = {
    RO("cgroup.controllers", CORE, 0, show_controllers),
    RO("cgroup.events", CORE, CGF_NOT_ON_ROOT, show_events),
    RW("cgroup.freeze", CORE, CGF_NOT_ON_ROOT, show_freeze, write_freeze),
    {"cgroup.kill", CORE, CGF_NOT_ON_ROOT, 0200, NULL, write_kill},
    RW("cgroup.max.depth", CORE, 0, show_max_depth, write_max_depth),
    RW("cgroup.max.descendants", CORE, 0, show_max_desc, write_max_desc),
    RW("cgroup.procs", CORE, 0, show_procs, write_procs),
    RO("cgroup.stat", CORE, 0, show_stat),
    RW("cgroup.subtree_control", CORE, 0, show_subtree_control, write_subtree_control),
    RW("cgroup.threads", CORE, 0, show_threads, write_threads),
    RW("cgroup.type", CORE, CGF_NOT_ON_ROOT, show_type, write_type),
    RW("cpu.max", CG_CPU, CGF_NOT_ON_ROOT, show_cpu_max, write_cpu_max),
    RO("cpu.stat", CG_CPU, 0, show_cpu_stat),
    RW("cpu.weight", CG_CPU, CGF_NOT_ON_ROOT, show_cpu_weight, write_cpu_weight),
    RW("cpuset.cpus", CG_CPUSET, CGF_NOT_ON_ROOT, show_cpus, write_cpus),
    RO("cpuset.cpus.effective", CG_CPUSET, 0, show_cpus_eff),
    RW("cpuset.mems", CG_CPUSET, CGF_NOT_ON_ROOT, show_mems, write_mems),
    RO("cpuset.mems.effective", CG_CPUSET, 0, show_mems_eff),
    RW("io.max", CG_IO, CGF_NOT_ON_ROOT, show_io_max, write_io_max),
    RO("memory.current", CG_MEMORY, CGF_NOT_ON_ROOT, show_mem_current),
    RO("memory.events", CG_MEMORY, CGF_NOT_ON_ROOT, show_mem_events),
    RW("memory.high", CG_MEMORY, CGF_NOT_ON_ROOT, show_memory_high, write_memory_high),
    RW("memory.low", CG_MEMORY, CGF_NOT_ON_ROOT, show_memory_low, write_memory_low),
    RW("memory.max", CG_MEMORY, CGF_NOT_ON_ROOT, show_memory_max, write_memory_max),
    RW("memory.min", CG_MEMORY, CGF_NOT_ON_ROOT, show_memory_min, write_memory_min),
    RO("memory.stat", CG_MEMORY, 0, show_mem_stat),
    RW("memory.swap.max", CG_MEMORY, CGF_NOT_ON_ROOT, show_memory_swap_max, write_memory_swap_max),
    RO("pids.current", CG_PIDS, CGF_NOT_ON_ROOT, show_pids_current),
    RO("pids.events", CG_PIDS, CGF_NOT_ON_ROOT, show_pids_events),
    RW("pids.max", CG_PIDS, CGF_NOT_ON_ROOT, show_pids_max, write_pids_max),
    {NULL},
};

bool cg_file_visible(const struct cg_file *f, const struct cgroup *cg)
{
	if (!cg->parent)
		return !(f->flags & CGF_NOT_ON_ROOT);
	return f->ctrl == CORE || (cg->parent->subtree_control & (1u << f->ctrl));
}

const struct cg_file *cg_file_find(const struct cgroup *cg, const char *name, size_t len)
{
	for (const struct cg_file *f = cg_files; f->name; f++)
		if (strlen(f->name) == len && !memcmp(f->name, name, len))
			return cg_file_visible(f, cg) ? f : NULL;
	return NULL;
}

int cgroupfs_show(struct cgroup *cg, const char *name, struct proc_buf *b)
{
	const struct cg_file *f = cg_file_find(cg, name, strlen(name));
	if (!f)
		return -ENOENT;
	return f->show ? f->show(cg, b) : -EINVAL;
}

/* The path of @cg seen from @root ("/", "/b", "/..", "/../c"), as Linux's cgroup_path_ns:
 * "/.." for each level of @root above their common ancestor, then the way down to @cg.
 * Length or -ENAMETOOLONG. */
static int path_from(struct cgroup *cg, struct cgroup *root, char *buf, size_t size)
{
	struct cgroup *a = cg, *r = root;
	int ups = 0;
	while (r->level > a->level) {
		r = r->parent;
		ups++;
	}
	while (a->level > r->level)
		a = a->parent;
	while (a != r) {
		a = a->parent;
		r = r->parent;
		ups++;
	}
	char down[VFS_PATH_MAX], common[VFS_PATH_MAX];
	if (cgroup_path(cg, down, sizeof(down)) < 0 || cgroup_path(a, common, sizeof(common)) < 0)
		return -ENAMETOOLONG;
	const char *rest = down + (a->parent ? strlen(common) : 0); /* "" or "/b/c" */
	if (rest[0] == '/' && !rest[1])
		rest++; /* @cg is the root: nothing below the common ancestor */
	size_t len = 0;
	for (int i = 0; i < ups; i++)
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "/..");
	len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s",
				len || *rest ? rest : "/");
	return len < size ? (int)len : -ENAMETOOLONG;
}

void cgroupfs_show_pid(int pid, struct proc_buf *b)
{
	struct cgroup *cg = host && host->of_pid ? host->of_pid(pid) : NULL;
	struct cgroup *root = cg && host->ns_root ? host->ns_root() : NULL;
	char path[VFS_PATH_MAX];
	int len = -1;
	if (cg) /* relative to the reader's cgroup namespace root */
		len = root ? path_from(cg, root, path, sizeof(path))
			   : cgroup_path(cg, path, sizeof(path));
	if (len < 0)
		snprintf(path, sizeof(path), "/");
	proc_buf_printf(b, "0::%s\n", path);
	if (root)
		cgroup_put(root);
	if (cg)
		cgroup_put(cg);
}
