/* vfs/fs/proc_sys.c - /proc's top level: self and thread-self, the system-wide files
 * (cpuinfo, meminfo, stat, uptime, loadavg, filesystems, version, mounts) and /proc/sys.
 * Host facts (cpus, memory, load) come from the host's /proc; the sandbox's own (uptime,
 * pids, hostname) from the provider. Must not include sentry headers. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include "vfs/fs/procfs.h"

static void caller_ids(int *pid, int *tid)
{
	const struct vfs_proc_ops *ops = proc_ops();
	*pid = *tid = 0;
	if (ops && ops->caller)
		ops->caller(pid, tid);
}

/* ---- self, thread-self ---- */

static int link_self(const struct proc_node *n, char *buf, size_t size)
{
	int pid, tid;
	caller_ids(&pid, &tid);
	if (!pid)
		return -ENOENT;
	int len = snprintf(buf, size, "%d", pid);
	return len < (int)size ? len : -ENAMETOOLONG;
}

static int link_thread_self(const struct proc_node *n, char *buf, size_t size)
{
	int pid, tid;
	caller_ids(&pid, &tid);
	if (!pid)
		return -ENOENT;
	int len = snprintf(buf, size, "%d/task/%d", pid, tid ? tid : pid);
	return len < (int)size ? len : -ENAMETOOLONG;
}

static int link_mounts(const struct proc_node *n, char *buf, size_t size)
{
	return snprintf(buf, size, "self/mounts");
}

/* ---- system-wide files ---- */

static int show_host(const char *path, struct proc_buf *b)
{
	int err = proc_read_host(path, b);
	return err == -ENOENT ? 0 : err;
}

static int show_cpuinfo(const struct proc_node *n, struct proc_buf *b)
{
	return show_host("/proc/cpuinfo", b);
}

static int show_meminfo(const struct proc_node *n, struct proc_buf *b)
{
	return show_host("/proc/meminfo", b);
}

static int64_t uptime_ns(void)
{
	const struct vfs_proc_ops *ops = proc_ops();
	return ops && ops->uptime_ns ? ops->uptime_ns() : 0;
}

struct task_counts {
	int procs, threads, running, last_pid;
};

static void count_tasks(struct task_counts *tc)
{
	const struct vfs_proc_ops *ops = proc_ops();
	memset(tc, 0, sizeof(*tc));
	if (!ops || !ops->next_pid || !ops->task)
		return;
	for (int pid = ops->next_pid(0); pid > 0; pid = ops->next_pid(pid)) {
		struct vfs_proc_task t;
		if (ops->task(pid, 0, &t))
			continue;
		tc->procs++;
		tc->threads += t.nthreads > 0 ? t.nthreads : 1;
		if (t.state == 'R')
			tc->running++;
		if (pid > tc->last_pid)
			tc->last_pid = pid;
	}
}

static int show_stat(const struct proc_node *n, struct proc_buf *b)
{
	struct proc_buf host = { 0 };
	struct task_counts tc;
	struct timespec now;
	int err = proc_read_host("/proc/stat", &host);
	if (err && err != -ENOENT) {
		proc_buf_free(&host);
		return err;
	}
	count_tasks(&tc);
	clock_gettime(CLOCK_REALTIME, &now);
	long btime = (long)(now.tv_sec - uptime_ns() / 1000000000LL);
	for (const char *l = host.data; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l + 1) : strlen(l);
		if (!strncmp(l, "btime ", 6))
			proc_buf_printf(b, "btime %ld\n", btime);
		else if (!strncmp(l, "processes ", 10))
			proc_buf_printf(b, "processes %d\n", tc.last_pid);
		else if (!strncmp(l, "procs_running ", 14))
			proc_buf_printf(b, "procs_running %d\n", tc.running ? tc.running : 1);
		else if (!strncmp(l, "procs_blocked ", 14))
			proc_buf_printf(b, "procs_blocked 0\n");
		else
			proc_buf_add(b, l, len);
		l += len;
	}
	proc_buf_free(&host);
	return 0;
}

static double host_idle_start = -1;

static double host_idle(void)
{
	struct proc_buf h = { 0 };
	double up = 0, idle = 0;
	if (!proc_read_host("/proc/uptime", &h) && h.data)
		sscanf(h.data, "%lf %lf", &up, &idle);
	proc_buf_free(&h);
	return idle;
}

static int show_uptime(const struct proc_node *n, struct proc_buf *b)
{
	int64_t up = uptime_ns();
	double idle = host_idle_start >= 0 ? host_idle() - host_idle_start : 0;
	if (idle < 0)
		idle = 0;
	proc_buf_printf(b, "%lld.%02lld %.2f\n", (long long)(up / 1000000000LL),
			(long long)(up % 1000000000LL / 10000000LL), idle);
	return 0;
}

static int show_loadavg(const struct proc_node *n, struct proc_buf *b)
{
	struct proc_buf h = { 0 };
	double l1 = 0, l5 = 0, l15 = 0;
	struct task_counts tc;
	if (!proc_read_host("/proc/loadavg", &h) && h.data)
		sscanf(h.data, "%lf %lf %lf", &l1, &l5, &l15);
	proc_buf_free(&h);
	count_tasks(&tc);
	proc_buf_printf(b, "%.2f %.2f %.2f %d/%d %d\n", l1, l5, l15, tc.running ? tc.running : 1,
			tc.threads, tc.last_pid);
	return 0;
}

/* What vfs_fs_create (vfs/mount.c) offers. */
static int show_filesystems(const struct proc_node *n, struct proc_buf *b)
{
	proc_buf_printf(b, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n"
			   "nodev\tdevpts\nnodev\toverlay\n");
	return 0;
}

static int show_version(const struct proc_node *n, struct proc_buf *b)
{
	struct utsname u;
	if (uname(&u) < 0)
		return -errno;
	proc_buf_printf(b, "Linux version %s (cvisor@cvisor) (cvisor) %s\n", u.release, u.version);
	return 0;
}

/* ---- /proc/sys ---- */

static int show_str(struct proc_buf *b, const char *s)
{
	proc_buf_printf(b, "%s\n", s);
	return 0;
}

static int show_osrelease(const struct proc_node *n, struct proc_buf *b)
{
	struct utsname u;
	return uname(&u) < 0 ? -errno : show_str(b, u.release);
}

static int show_kversion(const struct proc_node *n, struct proc_buf *b)
{
	struct utsname u;
	return uname(&u) < 0 ? -errno : show_str(b, u.version);
}

static int show_ostype(const struct proc_node *n, struct proc_buf *b)
{
	return show_str(b, "Linux");
}

static int show_hostname(const struct proc_node *n, struct proc_buf *b)
{
	const struct vfs_proc_ops *ops = proc_ops();
	char name[128] = "";
	if (ops && ops->get_hostname)
		ops->get_hostname(name, sizeof(name));
	return show_str(b, name);
}

/* Needs CAP_SYS_ADMIN over the caller's UTS namespace, as sethostname(2). A trailing
 * newline ends it. */
static ssize_t write_hostname(const struct proc_node *n, const char *buf, size_t len)
{
	const struct vfs_proc_ops *ops = proc_ops();
	if (!ops || !ops->set_hostname || !ops->may_set_hostname || !ops->may_set_hostname())
		return -EPERM;
	size_t l = 0;
	while (l < len && buf[l] != '\n' && buf[l])
		l++;
	if (l > 64)
		return -EINVAL;
	int err = ops->set_hostname(buf, l);
	return err ? err : (ssize_t)len;
}

static int show_pid_max(const struct proc_node *n, struct proc_buf *b)
{
	return show_str(b, "4194304");
}

static int show_ngroups_max(const struct proc_node *n, struct proc_buf *b)
{
	return show_str(b, "65536");
}

static int show_cap_last_cap(const struct proc_node *n, struct proc_buf *b)
{
	proc_buf_printf(b, "%d\n", CAP_LAST_CAP);
	return 0;
}

static int show_overflowid(const struct proc_node *n, struct proc_buf *b)
{
	return show_str(b, "65534");
}

static void uuid_text(char out[37])
{
	unsigned char u[16];
	if (getrandom(u, sizeof(u), 0) != (ssize_t)sizeof(u))
		for (size_t i = 0; i < sizeof(u); i++)
			u[i] = (unsigned char)rand();
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

static int show_uuid(const struct proc_node *n, struct proc_buf *b)
{
	char u[37];
	uuid_text(u);
	return show_str(b, u);
}

static int show_boot_id(const struct proc_node *n, struct proc_buf *b)
{
	static char id[37];
	if (!id[0])
		uuid_text(id);
	return show_str(b, id);
}

static int show_entropy(const struct proc_node *n, struct proc_buf *b)
{
	return show_str(b, "256");
}

static int show_host_sysctl(const char *path, struct proc_buf *b, const char *dflt)
{
	if (proc_read_host(path, b) || !b->len) {
		b->len = 0;
		return show_str(b, dflt);
	}
	return 0;
}

static int show_file_max(const struct proc_node *n, struct proc_buf *b)
{
	return show_host_sysctl("/proc/sys/fs/file-max", b, "9223372036854775807");
}

/* The host's: threads of all sandboxes are host threads (dockerd sizes Go's thread limit
 * from it). */
static int show_threads_max(const struct proc_node *n, struct proc_buf *b)
{
	return show_host_sysctl("/proc/sys/kernel/threads-max", b, "127590");
}

/* The host's: its kernel randomizes the stubs' mappings, and exec follows it
 * (sentry/exec_layout.c). */
static int show_randomize_va_space(const struct proc_node *n, struct proc_buf *b)
{
	return show_host_sysctl("/proc/sys/kernel/randomize_va_space", b, "2");
}

static int show_nr_open(const struct proc_node *n, struct proc_buf *b)
{
	return show_str(b, "1048576");
}

static int show_pipe_max(const struct proc_node *n, struct proc_buf *b)
{
	return show_str(b, "1048576");
}

static int show_somaxconn(const struct proc_node *n, struct proc_buf *b)
{
	return show_str(b, "4096");
}

static int show_overcommit(const struct proc_node *n, struct proc_buf *b)
{
	return show_host_sysctl("/proc/sys/vm/overcommit_memory", b, "0");
}

/* ---- SysV IPC: /proc/sys/kernel limits and /proc/sysvipc, the caller's IPC namespace's ---- */

static int show_ipc_sysctl(const struct proc_node *n, struct proc_buf *b)
{
	const struct vfs_proc_ops *ops = proc_ops();
	char text[96];
	if (!ops || !ops->ipc_sysctl_show)
		return -ENOENT;
	int err = ops->ipc_sysctl_show(n->ent->name, text, sizeof(text));
	if (err)
		return err;
	proc_buf_add(b, text, strlen(text));
	return 0;
}

static ssize_t write_ipc_sysctl(const struct proc_node *n, const char *buf, size_t len)
{
	const struct vfs_proc_ops *ops = proc_ops();
	return ops && ops->ipc_sysctl_write ? ops->ipc_sysctl_write(n->ent->name, buf, len)
					    : -EPERM;
}

static int show_sysvipc(const struct proc_node *n, struct proc_buf *b)
{
	const struct vfs_proc_ops *ops = proc_ops();
	return ops && ops->sysvipc_show ? ops->sysvipc_show(n->ent->arg, b) : -ENOENT;
}

#define RO(nm, fn) { nm, S_IFREG | 0444, 0, .show = fn }
#define IPC_SYSCTL(nm) { nm, S_IFREG | 0644, 0, .show = show_ipc_sysctl, .write = write_ipc_sysctl }
#define DIR(nm, ch) { nm, S_IFDIR | 0555, 0, .children = ch }

static const struct proc_entry sys_kernel_random[] = {
	RO("boot_id", show_boot_id),
	RO("entropy_avail", show_entropy),
	RO("uuid", show_uuid),
	{ NULL },
};

static const struct proc_entry sys_kernel[] = {
	RO("cap_last_cap", show_cap_last_cap),
	{ "hostname", S_IFREG | 0644, 0, .show = show_hostname, .write = write_hostname },
	IPC_SYSCTL("msgmax"),
	IPC_SYSCTL("msgmnb"),
	IPC_SYSCTL("msgmni"),
	RO("ngroups_max", show_ngroups_max),
	RO("osrelease", show_osrelease),
	RO("ostype", show_ostype),
	RO("overflowgid", show_overflowid),
	RO("overflowuid", show_overflowid),
	RO("pid_max", show_pid_max),
	DIR("random", sys_kernel_random),
	RO("randomize_va_space", show_randomize_va_space),
	IPC_SYSCTL("sem"),
	IPC_SYSCTL("shmall"),
	IPC_SYSCTL("shmmax"),
	IPC_SYSCTL("shmmni"),
	RO("threads-max", show_threads_max),
	RO("version", show_kversion),
	{ NULL },
};

/* the caller's IPC namespace's POSIX queue limits (vfs_proc_ops.ipc_sysctl_*) */
static const struct proc_entry sys_fs_mqueue[] = {
	IPC_SYSCTL("msg_default"),
	IPC_SYSCTL("msg_max"),
	IPC_SYSCTL("msgsize_default"),
	IPC_SYSCTL("msgsize_max"),
	IPC_SYSCTL("queues_max"),
	{ NULL },
};

static const struct proc_entry sys_fs[] = {
	RO("file-max", show_file_max),
	DIR("mqueue", sys_fs_mqueue),
	RO("nr_open", show_nr_open),
	RO("pipe-max-size", show_pipe_max),
	{ NULL },
};

static const struct proc_entry sys_net_core[] = {
	RO("somaxconn", show_somaxconn),
	{ NULL },
};

extern const struct proc_entry proc_sys_net_ipv4[]; /* vfs/fs/proc_net.c */
static const struct proc_entry sys_net[] = {
	DIR("core", sys_net_core),
	DIR("ipv4", proc_sys_net_ipv4),
	{ NULL },
};

static const struct proc_entry sys_vm[] = {
	RO("overcommit_memory", show_overcommit),
	{ NULL },
};

/* @arg: enum sysv_kind of sentry/ipc/sysv.h (msg 0, sem 1, shm 2) */
static const struct proc_entry sysvipc_dir[] = {
	{ "msg", S_IFREG | 0444, 0, 0, .show = show_sysvipc },
	{ "sem", S_IFREG | 0444, 0, 1, .show = show_sysvipc },
	{ "shm", S_IFREG | 0444, 0, 2, .show = show_sysvipc },
	{ NULL },
};

static const struct proc_entry sys_dir[] = {
	DIR("fs", sys_fs),
	DIR("kernel", sys_kernel),
	DIR("net", sys_net),
	DIR("vm", sys_vm),
	{ NULL },
};

/* See procfs.h: the idle time /proc/uptime reports counts from the first procfs. */
void proc_sys_init(void)
{
	if (host_idle_start < 0)
		host_idle_start = host_idle();
}

extern const struct proc_entry proc_net_children[]; /* vfs/fs/proc_net.c */
const struct proc_entry proc_root_children[] = {
	RO("cpuinfo", show_cpuinfo),
	RO("filesystems", show_filesystems),
	RO("loadavg", show_loadavg),
	RO("meminfo", show_meminfo),
	{ "mounts", S_IFLNK | 0777, 0, .readlink = link_mounts },
	DIR("net", proc_net_children),
	/* plain symlinks, as on Linux: their text is walked (not magic links) */
	{ "self", S_IFLNK | 0777, 0, .readlink = link_self },
	RO("stat", show_stat),
	DIR("sys", sys_dir),
	DIR("sysvipc", sysvipc_dir),
	{ "thread-self", S_IFLNK | 0777, 0, .readlink = link_thread_self },
	RO("uptime", show_uptime),
	RO("version", show_version),
	{ NULL },
};
