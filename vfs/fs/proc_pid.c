/* vfs/fs/proc_pid.c - /proc/<pid>/ and /proc/<pid>/task/<tid>/: stat, status, cmdline,
 * environ, comm, the exe/cwd/root/fd links, fdinfo, limits, cgroup, oom_score_adj, statm
 * (ns/ and uid_map/gid_map/setgroups are proc_ns.c's). Process facts come from the provider; cpu times and memory use
 * from the host's /proc/<host_tid>/ of the stub. maps is proc_maps.c, mounts proc_mounts.c.
 * Must not show a host path or include sentry headers. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "vfs/fs/procfs.h"
#include "vfs/fs/cgroupfs.h"


/* ---- stat ---- */

int proc_host_stat_parse(const char *line, struct proc_host_stat *hs)
{
	memset(hs, 0, sizeof(*hs));
	const char *p = strrchr(line, ')');
	if (!p)
		return -EINVAL;
	/* fields 3.. after the comm: state ppid pgrp session tty tpgid flags ... */
	unsigned long v[60] = { 0 };
	int nf = 0;
	p++;
	while (*p && nf < 60) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		char *end;
		if (nf == 0) { /* state letter */
			p++;
			nf++;
			continue;
		}
		v[nf++] = strtoul(p, &end, 10);
		if (end == p) { /* negative numbers */
			v[nf - 1] = (unsigned long)strtol(p, &end, 10);
			if (end == p)
				break;
		}
		p = end;
	}
	/* v[i] holds field i + 3 (1-based Linux numbering). */
#define F(n) v[(n) - 3]
	hs->minflt = F(10);
	hs->majflt = F(12);
	hs->utime = F(14);
	hs->stime = F(15);
	hs->priority = (long)F(18);
	hs->nice = (long)F(19);
	hs->vsize = F(23);
	hs->rss = (long)F(24);
	hs->rsslim = F(25);
	hs->startcode = F(26);
	hs->endcode = F(27);
	hs->startstack = F(28);
	hs->processor = (int)F(39);
	hs->start_data = F(45);
	hs->end_data = F(46);
	hs->start_brk = F(47);
#undef F
	return nf > 20 ? 0 : -EINVAL;
}

static char state_name_char(char s)
{
	return s ? s : 'R';
}

void proc_render_stat(struct proc_buf *b, const struct vfs_proc_task *t,
		      const struct proc_host_stat *hs, unsigned long start_ticks)
{
	unsigned long flags = 0x400000; /* PF_RANDOMIZE-free; PF_FORKNOEXEC not tracked */
	proc_buf_printf(b, "%d (%s) %c %d %d %d %d %d %lu ", t->tid ? t->tid : t->pid, t->comm,
			state_name_char(t->state), t->ppid, t->pgid, t->sid, t->tty_nr, t->tpgid,
			flags);
	proc_buf_printf(b, "%lu 0 %lu 0 %lu %lu 0 0 %ld %ld %d 0 %lu %lu %ld %lu ", hs->minflt,
			hs->majflt, hs->utime, hs->stime, hs->priority, hs->nice,
			t->nthreads > 0 ? t->nthreads : 1, start_ticks, hs->vsize, hs->rss,
			hs->rsslim);
	/* startcode endcode startstack kstkesp kstkeip: 0 unless the task is ours (Linux
	 * hides them from other processes too; we always hide: addresses of the stub) */
	proc_buf_printf(b, "%lu %lu %lu 0 0 ", hs->startcode, hs->endcode, hs->startstack);
	/* signal blocked sigignore sigcatch (obsolete, decimal) wchan 0 0 exit_signal cpu */
	proc_buf_printf(b, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 0 0 %d %d ",
			(uint64_t)(t->sig_pnd & 0xffffffffu), (uint64_t)(t->sig_blk & 0xffffffffu),
			(uint64_t)(t->sig_ign & 0xffffffffu), (uint64_t)(t->sig_cgt & 0xffffffffu),
			t->exit_signal,
			hs->processor);
	/* rt_priority policy delayacct_blkio_ticks guest_time cguest_time */
	proc_buf_printf(b, "0 0 0 0 0 ");
	proc_buf_printf(b, "%lu %lu %lu %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n",
			hs->start_data, hs->end_data, hs->start_brk, t->arg_start, t->arg_end,
			t->env_start, t->env_end, 0);
}

static unsigned long ns_to_ticks(int64_t ns)
{
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	return (unsigned long)(ns / (1000000000LL / hz));
}

static void host_file(const struct vfs_proc_task *t, const char *name, struct proc_buf *b)
{
	char path[64];
	if (!t->host_tid)
		return;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)t->host_tid, name);
	proc_read_host(path, b);
}

static int show_stat(const struct proc_node *n, struct proc_buf *b)
{
	struct vfs_proc_task t;
	struct proc_host_stat hs = { 0 };
	struct proc_buf host = { 0 };
	if (proc_node_task(n, &t))
		return -ESRCH;
	host_file(&t, "stat", &host);
	if (host.data)
		proc_host_stat_parse(host.data, &hs);
	proc_buf_free(&host);
	proc_render_stat(b, &t, &hs, ns_to_ticks(t.start_ns));
	return 0;
}

static int show_statm(const struct proc_node *n, struct proc_buf *b)
{
	struct vfs_proc_task t;
	if (proc_node_task(n, &t))
		return -ESRCH;
	host_file(&t, "statm", b);
	if (!b->len)
		proc_buf_printf(b, "0 0 0 0 0 0 0\n");
	return 0;
}

/* ---- status ---- */

static const char *state_name(char s)
{
	switch (s) {
	case 'S':
		return "S (sleeping)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	case 't':
		return "t (tracing stop)";
	case 'Z':
		return "Z (zombie)";
	case 'X':
		return "X (dead)";
	default:
		return "R (running)";
	}
}

/* Copies the host status lines starting with one of @keys. */
static void host_lines(const char *host, const char *const *keys, struct proc_buf *b)
{
	for (const char *l = host; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l + 1) : strlen(l);
		for (const char *const *k = keys; *k; k++)
			if (!strncmp(l, *k, strlen(*k))) {
				proc_buf_add(b, l, len);
				break;
			}
		l += len;
	}
}

static uint64_t host_hex(const char *host, const char *key)
{
	const char *p = host ? strstr(host, key) : NULL;
	return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

static int show_status(const struct proc_node *n, struct proc_buf *b)
{
	static const char *const vm_keys[] = { "Vm", "RssAnon", "RssFile", "RssShmem",
					       "HugetlbPages", NULL };
	static const char *const tail_keys[] = { "Cpus_allowed", "Mems_allowed",
						 "voluntary_ctxt", "nonvoluntary_ctxt", NULL };
	struct vfs_proc_task t;
	struct proc_buf host = { 0 };
	if (proc_node_task(n, &t))
		return -ESRCH;
	host_file(&t, "status", &host);
	int pid = n->tid ? n->tid : t.pid;
	proc_buf_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
			   "PPid:\t%d\nTracerPid:\t0\n",
			t.comm, (unsigned)t.umask, state_name(t.state), t.pid, pid, t.ppid);
	proc_buf_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t",
			t.uid[0], t.uid[1], t.uid[2], t.uid[3], t.gid[0], t.gid[1], t.gid[2],
			t.gid[3]);
	for (uint32_t i = 0; i < t.ngroups && i < 64; i++)
		proc_buf_printf(b, "%u ", t.groups[i]);
	if (t.ns_levels > 0) { /* one column per pid namespace level */
		static const char *const key[4] = { "NStgid", "NSpid", "NSpgid", "NSsid" };
		const int *col[4] = { t.ns_tgid, t.ns_pid, t.ns_pgid, t.ns_sid };
		proc_buf_printf(b, "\n");
		for (int k = 0; k < 4; k++) {
			proc_buf_printf(b, "%s:", key[k]);
			for (int l = 0; l < t.ns_levels && l < 8; l++)
				proc_buf_printf(b, "\t%d", col[k][l]);
			proc_buf_printf(b, "\n");
		}
	} else {
		proc_buf_printf(b, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", t.pid,
				pid, t.pgid, t.sid);
	}
	if (t.state != 'Z')
		host_lines(host.data, vm_keys, b);
	proc_buf_printf(b, "CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t%d\n",
			t.nthreads > 0 ? t.nthreads : 1);
	uint64_t blk = host.data ? host_hex(host.data, "\nSigBlk:\t") : t.sig_blk;
	proc_buf_printf(b, "SigQ:\t%d/%lu\n", t.sigq,
			(unsigned long)t.rlim[RLIMIT_SIGPENDING].rlim_cur);
	proc_buf_printf(b, "SigPnd:\t%016" PRIx64 "\nShdPnd:\t%016" PRIx64 "\nSigBlk:\t%016" PRIx64
			   "\nSigIgn:\t%016" PRIx64 "\nSigCgt:\t%016" PRIx64 "\n",
			t.sig_pnd, t.sig_shd_pnd, blk, t.sig_ign, t.sig_cgt);
	proc_buf_printf(b, "CapInh:\t%016" PRIx64 "\nCapPrm:\t%016" PRIx64 "\nCapEff:\t%016" PRIx64
			   "\nCapBnd:\t%016" PRIx64 "\nCapAmb:\t%016" PRIx64 "\n",
			t.cap_inh, t.cap_prm, t.cap_eff, t.cap_bnd, t.cap_amb);
	proc_buf_printf(b, "NoNewPrivs:\t%d\nSeccomp:\t%d\nSeccomp_filters:\t%d\n",
			t.no_new_privs ? 1 : 0, t.seccomp, t.seccomp_filters);
	host_lines(host.data, tail_keys, b);
	proc_buf_free(&host);
	return 0;
}

/* ---- cmdline, environ ---- */

static int show_mem_range(const struct proc_node *n, struct proc_buf *b, bool env)
{
	struct vfs_proc_task t;
	const struct vfs_proc_ops *ops = proc_ops();
	if (proc_node_task(n, &t))
		return -ESRCH;
	uint64_t start = env ? t.env_start : t.arg_start, end = env ? t.env_end : t.arg_end;
	if (!ops || !ops->read_mem || t.state == 'Z' || !start || end <= start)
		return 0;
	size_t len = (size_t)(end - start);
	if (len > (1u << 20))
		len = 1u << 20;
	char *buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	long got = ops->read_mem(t.pid, start, buf, len);
	if (got > 0) {
		size_t g = (size_t)got;
		/* setproctitle-style: a cmdline without a final NUL ends at the first NUL */
		if (!env && buf[g - 1] != 0) {
			size_t s = strnlen(buf, g);
			g = s < g ? s + 1 : g;
		}
		proc_buf_add(b, buf, g);
	}
	free(buf);
	return 0;
}

static int show_cmdline(const struct proc_node *n, struct proc_buf *b)
{
	return show_mem_range(n, b, false);
}

static int show_environ(const struct proc_node *n, struct proc_buf *b)
{
	return show_mem_range(n, b, true);
}

/* ---- comm, oom_score_adj ---- */

static int show_comm(const struct proc_node *n, struct proc_buf *b)
{
	struct vfs_proc_task t;
	if (proc_node_task(n, &t))
		return -ESRCH;
	proc_buf_printf(b, "%s\n", t.comm);
	return 0;
}

/* Linux: only a thread of the same group may rename (else EINVAL). */
static ssize_t write_comm(const struct proc_node *n, const char *buf, size_t len)
{
	const struct vfs_proc_ops *ops = proc_ops();
	int cpid = 0, ctid = 0;
	if (!ops || !ops->set_comm || !ops->caller)
		return -EINVAL;
	ops->caller(&cpid, &ctid);
	if (cpid != n->pid)
		return -EINVAL;
	char name[16];
	size_t c = len < 15 ? len : 15;
	memcpy(name, buf, c);
	name[c] = 0;
	name[strcspn(name, "\n")] = 0;
	int err = ops->set_comm(n->pid, n->tid, name);
	return err ? err : (ssize_t)len;
}

#define OOM_DISABLE (-17)
#define OOM_ADJUST_MAX 15
#define OOM_SCORE_ADJ_MAX 1000

static int show_oom_score_adj(const struct proc_node *n, struct proc_buf *b)
{
	struct vfs_proc_task t;
	if (proc_node_task(n, &t))
		return -ESRCH;
	proc_buf_printf(b, "%d\n", t.oom_score_adj);
	return 0;
}

/* The legacy oom_adj (-17..15) scaled from oom_score_adj, as Linux's oom_adj_read. */
static int show_oom_adj(const struct proc_node *n, struct proc_buf *b)
{
	struct vfs_proc_task t;
	if (proc_node_task(n, &t))
		return -ESRCH;
	int v = t.oom_score_adj == OOM_SCORE_ADJ_MAX
			? OOM_ADJUST_MAX
			: t.oom_score_adj * -OOM_DISABLE / OOM_SCORE_ADJ_MAX;
	proc_buf_printf(b, "%d\n", v);
	return 0;
}

/* Parses a write as Linux's kstrtoint(strstrip(buf), 0): the first 12 bytes, blanks
 * around a number in any C base. 0 or -EINVAL. */
static int parse_oom_write(const char *buf, size_t len, long *v)
{
	char tmp[13];
	if (len > sizeof(tmp) - 1)
		len = sizeof(tmp) - 1;
	memcpy(tmp, buf, len);
	tmp[len] = 0;
	char *p = tmp, *end;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return -EINVAL;
	errno = 0;
	*v = strtol(p, &end, 0);
	while (isspace((unsigned char)*end))
		end++;
	if (end == p || *end || errno)
		return -EINVAL;
	return 0;
}

static ssize_t write_oom_score_adj(const struct proc_node *n, const char *buf, size_t len)
{
	const struct vfs_proc_ops *ops = proc_ops();
	long v;
	if (parse_oom_write(buf, len, &v) || v < -OOM_SCORE_ADJ_MAX || v > OOM_SCORE_ADJ_MAX)
		return -EINVAL;
	if (!ops || !ops->set_oom_score_adj)
		return -EINVAL;
	int err = ops->set_oom_score_adj(n->pid, (int)v, false);
	return err ? err : (ssize_t)len;
}

/* oom_adj: -17..15, scaled as Linux's oom_adj_write (15 is the maximum, 1000). */
static ssize_t write_oom_adj(const struct proc_node *n, const char *buf, size_t len)
{
	const struct vfs_proc_ops *ops = proc_ops();
	long v;
	if (parse_oom_write(buf, len, &v) || v < OOM_DISABLE || v > OOM_ADJUST_MAX)
		return -EINVAL;
	if (!ops || !ops->set_oom_score_adj)
		return -EINVAL;
	v = v == OOM_ADJUST_MAX ? OOM_SCORE_ADJ_MAX : v * OOM_SCORE_ADJ_MAX / -OOM_DISABLE;
	int err = ops->set_oom_score_adj(n->pid, (int)v, true);
	return err ? err : (ssize_t)len;
}

static int show_oom_score(const struct proc_node *n, struct proc_buf *b)
{
	struct vfs_proc_task t;
	if (proc_node_task(n, &t))
		return -ESRCH;
	int s = 666 + t.oom_score_adj * 2 / 3; /* Linux's scale; badness not computed */
	proc_buf_printf(b, "%d\n", s < 0 ? 0 : s > 2000 ? 2000 : s);
	return 0;
}

/* ---- limits, cgroup, id maps ---- */

static int show_limits(const struct proc_node *n, struct proc_buf *b)
{
	static const struct {
		const char *name, *unit;
		int res;
	} lim[] = {
		{ "Max cpu time", "seconds", RLIMIT_CPU },
		{ "Max file size", "bytes", RLIMIT_FSIZE },
		{ "Max data size", "bytes", RLIMIT_DATA },
		{ "Max stack size", "bytes", RLIMIT_STACK },
		{ "Max core file size", "bytes", RLIMIT_CORE },
		{ "Max resident set", "bytes", RLIMIT_RSS },
		{ "Max processes", "processes", RLIMIT_NPROC },
		{ "Max open files", "files", RLIMIT_NOFILE },
		{ "Max locked memory", "bytes", RLIMIT_MEMLOCK },
		{ "Max address space", "bytes", RLIMIT_AS },
		{ "Max file locks", "locks", RLIMIT_LOCKS },
		{ "Max pending signals", "signals", RLIMIT_SIGPENDING },
		{ "Max msgqueue size", "bytes", RLIMIT_MSGQUEUE },
		{ "Max nice priority", "", RLIMIT_NICE },
		{ "Max realtime priority", "", RLIMIT_RTPRIO },
		{ "Max realtime timeout", "us", RLIMIT_RTTIME },
	};
	struct vfs_proc_task t;
	if (proc_node_task(n, &t))
		return -ESRCH;
	proc_buf_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit",
			"Units");
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		char s[24], h[24];
		const struct rlimit *r = &t.rlim[lim[i].res];
		if (r->rlim_cur == RLIM_INFINITY)
			snprintf(s, sizeof(s), "unlimited");
		else
			snprintf(s, sizeof(s), "%llu", (unsigned long long)r->rlim_cur);
		if (r->rlim_max == RLIM_INFINITY)
			snprintf(h, sizeof(h), "unlimited");
		else
			snprintf(h, sizeof(h), "%llu", (unsigned long long)r->rlim_max);
		proc_buf_printf(b, "%-25s %-20s %-20s %-10s\n", lim[i].name, s, h, lim[i].unit);
	}
	return 0;
}

/* cgroup v2's one line, the path relative to the reader's cgroup namespace. */
static int show_cgroup(const struct proc_node *n, struct proc_buf *b)
{
	cgroupfs_show_pid(n->pid, b); /* "0::/path" (vfs/fs/cgroupfs.h) */
	return 0;
}

/* ---- links: exe, cwd, root ---- */

static struct vfs_fs_ctx *node_fs(const struct proc_node *n)
{
	const struct vfs_proc_ops *ops = proc_ops();
	return ops && ops->fs_ctx ? ops->fs_ctx(n->pid) : NULL;
}

/* The caller's fs context (paths are shown from the reader's root, as Linux's d_path). */
static struct vfs_fs_ctx *caller_fs(void)
{
	const struct vfs_proc_ops *ops = proc_ops();
	int pid = 0, tid = 0;
	if (ops && ops->caller)
		ops->caller(&pid, &tid);
	struct proc_node c = { .pid = pid };
	return pid && ops->fs_ctx ? node_fs(&c) : NULL;
}

/* exe: the file the Sentry exec'd (held by the process, as Linux's mm->exe_file). */
static int get_exe(const struct proc_node *n, struct vfs_path *out)
{
	const struct vfs_proc_ops *ops = proc_ops();
	struct vfs_proc_task t;
	if (proc_node_task(n, &t) || t.state == 'Z' || !ops || !ops->exe_file)
		return -ENOENT;
	struct vfs_file *f = ops->exe_file(n->pid);
	if (!f)
		return -ENOENT;
	*out = (struct vfs_path){ f->mnt, f->dentry };
	vfs_path_get(out);
	vfs_file_put(f);
	return out->dentry ? 0 : -ENOENT;
}

static int link_exe(const struct proc_node *n, char *buf, size_t size)
{
	struct vfs_path p;
	int err = get_exe(n, &p);
	if (err)
		return err;
	struct vfs_fs_ctx *rfs = caller_fs();
	struct vfs_fs_ctx *fs = rfs ? NULL : node_fs(n);
	err = rfs || fs ? vfs_path_to_string(&p, rfs ? &rfs->root : &fs->root, buf, size)
			: -ENOENT;
	if (rfs)
		vfs_fs_ctx_put(rfs);
	if (fs)
		vfs_fs_ctx_put(fs);
	vfs_path_put(&p);
	return err;
}

static int path_link(const struct proc_node *n, bool root, char *buf, size_t size)
{
	struct vfs_fs_ctx *fs = node_fs(n);
	if (!fs)
		return -ENOENT;
	struct vfs_fs_ctx *rfs = caller_fs();
	struct vfs_path *p = root ? &fs->root : &fs->cwd;
	int len = vfs_path_to_string(p, rfs ? &rfs->root : &fs->root, buf, size);
	if (rfs)
		vfs_fs_ctx_put(rfs);
	vfs_fs_ctx_put(fs);
	return len;
}

static int link_cwd(const struct proc_node *n, char *buf, size_t size)
{
	return path_link(n, false, buf, size);
}

static int link_root(const struct proc_node *n, char *buf, size_t size)
{
	return path_link(n, true, buf, size);
}

static int get_fs_link(const struct proc_node *n, bool root, struct vfs_path *out)
{
	struct vfs_fs_ctx *fs = node_fs(n);
	if (!fs)
		return -ENOENT;
	*out = root ? fs->root : fs->cwd;
	vfs_path_get(out);
	vfs_fs_ctx_put(fs);
	return 0;
}

static int getl_cwd(struct vfs_ctx *c, const struct proc_node *n, const struct vfs_path *link,
		    struct vfs_path *out)
{
	return get_fs_link(n, false, out);
}

static int getl_root(struct vfs_ctx *c, const struct proc_node *n, const struct vfs_path *link,
		     struct vfs_path *out)
{
	return get_fs_link(n, true, out);
}

static int getl_exe(struct vfs_ctx *c, const struct proc_node *n, const struct vfs_path *link,
		    struct vfs_path *out)
{
	return get_exe(n, out);
}

/* ---- fd/, fdinfo/ ---- */

static struct vfs_file *node_file(const struct proc_node *n)
{
	const struct vfs_proc_ops *ops = proc_ops();
	struct vfs_fdtable *fdt = ops && ops->fdtable ? ops->fdtable(n->pid) : NULL;
	if (!fdt)
		return NULL;
	struct vfs_file *f = vfs_fdtable_lookup(fdt, n->fd);
	vfs_fdtable_put(fdt);
	return f;
}

/* proc_proxy_ops is procfs.c's; a reopened file names its target. */
int proc_file_name(struct vfs_file *f, struct vfs_fs_ctx *fs, char *buf, size_t size)
{
	struct vfs_file *target = proc_proxy_target(f);
	if (target)
		f = target;
	if (f->dentry)
		return vfs_file_path(f, fs, buf, size);
	const char *name = f->anon_name ? f->anon_name : "";
	int n;
	if (name[0] == '[')
		n = snprintf(buf, size, "anon_inode:%s", name);
	else if (!strcmp(name, "pipe") || !strcmp(name, "socket"))
		n = snprintf(buf, size, "%s:[%llu]", name, (unsigned long long)f->anon_ino);
	else if (!strcmp(name, "hostfd")) {
		struct stat st;
		if (vfs_file_stat(f, &st))
			memset(&st, 0, sizeof(st));
		if (S_ISFIFO(st.st_mode))
			n = snprintf(buf, size, "pipe:[%llu]", (unsigned long long)st.st_ino);
		else if (S_ISSOCK(st.st_mode))
			n = snprintf(buf, size, "socket:[%llu]", (unsigned long long)st.st_ino);
		else if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 136)
			n = snprintf(buf, size, "/dev/pts/%u", minor(st.st_rdev));
		else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
			n = snprintf(buf, size, "/dev/null");
		else
			n = snprintf(buf, size, "anon_inode:[hostfd]");
	} else {
		n = snprintf(buf, size, "anon_inode:%s", name[0] ? name : "[unknown]");
	}
	return n < (int)size ? n : -ENAMETOOLONG;
}

static int link_fd(const struct proc_node *n, char *buf, size_t size)
{
	struct vfs_file *f = node_file(n);
	if (!f)
		return -ENOENT;
	struct vfs_fs_ctx *fs = caller_fs();
	if (!fs)
		fs = node_fs(n);
	int len = fs ? proc_file_name(f, fs, buf, size) : -ENOENT;
	if (fs)
		vfs_fs_ctx_put(fs);
	vfs_file_put(f);
	return len;
}

/* Following fd/N lands on the file itself: its path in our VFS (even when deleted or
 * outside the caller's root), or for an anonymous object (pipe, tty, eventfd) a
 * nameless procfs inode whose opens share the object. Sockets cannot be reopened. */
static int getl_fd(struct vfs_ctx *c, const struct proc_node *n, const struct vfs_path *link,
		   struct vfs_path *out)
{
	struct vfs_file *f = node_file(n);
	if (!f)
		return -ENOENT;
	int err = 0;
	if (f->dentry) {
		out->mnt = f->mnt;
		out->dentry = f->dentry;
		vfs_path_get(out);
	} else if (f->anon_name && !strcmp(f->anon_name, "socket")) {
		err = -ENXIO;
	} else {
		struct proc_node an = *n;
		an.target = f;
		struct vfs_dentry *d;
		err = proc_anon_dentry(link->dentry->sb, &an, S_IFREG | 0600, &d);
		if (!err) {
			out->mnt = link->mnt;
			vfs_mount_get(out->mnt);
			out->dentry = d;
		}
	}
	vfs_file_put(f);
	return err;
}

#ifndef O_LARGEFILE_KERNEL
#define O_LARGEFILE_KERNEL 0100000
#endif

static int show_fdinfo(const struct proc_node *n, struct proc_buf *b)
{
	const struct vfs_proc_ops *ops = proc_ops();
	struct vfs_fdtable *fdt = ops && ops->fdtable ? ops->fdtable(n->pid) : NULL;
	if (!fdt)
		return -ENOENT;
	struct vfs_file *f = vfs_fdtable_lookup(fdt, n->fd);
	bool cloexec = f && (unsigned)n->fd < fdt->size && (fdt->fdflags[n->fd] & FD_CLOEXEC);
	vfs_fdtable_put(fdt);
	if (!f)
		return -ENOENT;
	struct stat st;
	if (vfs_file_stat(f, &st))
		memset(&st, 0, sizeof(st));
	int flags = f->flags;
	if (cloexec)
		flags |= O_CLOEXEC;
	if (f->dentry && !(flags & O_PATH))
		flags |= O_LARGEFILE_KERNEL;
	proc_buf_printf(b, "pos:\t%lld\nflags:\t0%o\nmnt_id:\t%llu\nino:\t%llu\n",
			(long long)f->pos, (unsigned)flags,
			(unsigned long long)(f->mnt ? f->mnt->id : 15),
			(unsigned long long)st.st_ino);
	if (f->ops && f->ops->show_fdinfo)
		f->ops->show_fdinfo(f, b);
	vfs_file_put(f);
	return 0;
}

/* ---- mounts (rendering in proc_mounts.c) ---- */

static int show_mounts_common(const struct proc_node *n, struct proc_buf *b, bool info)
{
	const struct vfs_proc_ops *ops = proc_ops();
	struct vfs_mntns *ns = ops && ops->mntns ? ops->mntns(n->pid) : NULL;
	struct vfs_fs_ctx *fs = node_fs(n);
	if (ns && fs)
		proc_render_mounts(b, ns, &fs->root, info);
	if (fs)
		vfs_fs_ctx_put(fs);
	if (ns)
		vfs_mntns_put(ns);
	return 0;
}

static int show_mounts(const struct proc_node *n, struct proc_buf *b)
{
	return show_mounts_common(n, b, false);
}

static int show_mountinfo(const struct proc_node *n, struct proc_buf *b)
{
	return show_mounts_common(n, b, true);
}

int proc_show_maps(const struct proc_node *n, struct proc_buf *b);

/* ---- the tables ---- */

#define RO(nm, fn) { nm, S_IFREG | 0444, PE_TASK, .show = fn }
#define PRIV(nm, fn) { nm, S_IFREG | 0400, PE_TASK, .show = fn }

const struct proc_entry proc_fd_link = { "fd", S_IFLNK | 0700, PE_TASK | PE_FDLINK,
					 .readlink = link_fd, .get_link = getl_fd };
const struct proc_entry proc_fdinfo_file = { "fdinfo", S_IFREG | 0444, PE_TASK,
					     .show = show_fdinfo };

#define COMMON_ENTRIES                                                                         \
	RO("stat", show_stat), RO("status", show_status), RO("statm", show_statm),             \
		RO("cmdline", show_cmdline), PRIV("environ", show_environ),                    \
		{ "comm", S_IFREG | 0644, PE_TASK, .show = show_comm, .write = write_comm },   \
		{ "exe", S_IFLNK | 0777, PE_TASK, .readlink = link_exe, .get_link = getl_exe }, \
		{ "cwd", S_IFLNK | 0777, PE_TASK, .readlink = link_cwd, .get_link = getl_cwd }, \
		{ "root", S_IFLNK | 0777, PE_TASK, .readlink = link_root,                      \
		  .get_link = getl_root },                                                     \
		{ "fd", S_IFDIR | 0500, PE_TASK, .dyn = PROC_DYN_FDS },                        \
		{ "fdinfo", S_IFDIR | 0500, PE_TASK, .dyn = PROC_DYN_FDINFO },                 \
		{ "ns", S_IFDIR | 0511, PE_TASK, .children = proc_ns_children },               \
		RO("maps", proc_show_maps), RO("mounts", show_mounts),                         \
		RO("mountinfo", show_mountinfo), RO("cgroup", show_cgroup),                    \
		RO("limits", show_limits),                                                     \
		{ "uid_map", S_IFREG | 0644, PE_TASK, .show = proc_show_uid_map,               \
		  .write = proc_write_uid_map },                                               \
		{ "gid_map", S_IFREG | 0644, PE_TASK, .show = proc_show_gid_map,               \
		  .write = proc_write_gid_map },                                               \
		{ "setgroups", S_IFREG | 0644, PE_TASK, .show = proc_show_setgroups,           \
		  .write = proc_write_setgroups },                                             \
		{ "oom_adj", S_IFREG | 0644, PE_TASK, .show = show_oom_adj,                    \
		  .write = write_oom_adj },                                                    \
		{ "oom_score_adj", S_IFREG | 0644, PE_TASK, .show = show_oom_score_adj,        \
		  .write = write_oom_score_adj },                                              \
		RO("oom_score", show_oom_score)

const struct proc_entry proc_tid_children[] = { COMMON_ENTRIES, { NULL } };

const struct proc_entry proc_pid_children[] = {
	COMMON_ENTRIES,
	{ "task", S_IFDIR | 0555, PE_TASK, .dyn = PROC_DYN_TIDS },
	{ NULL },
};

const struct proc_entry proc_pid_dir = { "pid", S_IFDIR | 0555, PE_TASK,
					 .children = proc_pid_children };
const struct proc_entry proc_tid_dir = { "tid", S_IFDIR | 0555, PE_TASK,
					 .children = proc_tid_children };
