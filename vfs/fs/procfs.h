/* vfs/fs/procfs.h - procfs ("proc") and sysfs ("sysfs"): their contract with the Sentry,
 * and the pieces of procfs the unit tests reach.
 *
 * procfs knows nothing of tasks: everything it shows about processes comes from the
 * provider (struct vfs_proc_ops) the Sentry registers as vfs_host_ops.proc
 * (sentry/procinfo.c: sentry_proc_ops). Pids and tids are virtual (as the caller sees
 * them). Facts only the host knows (cpu times, memory use, maps) are read from the
 * host's /proc/<host_tid>/... of the stub and translated; no host path outside the
 * sandbox root is ever shown. The provider is called on the Sentry's thread, between a
 * syscall's entry and its completion; it must not block.
 *
 * Must not include sentry headers. */
#ifndef CVISOR_VFS_FS_PROCFS_H
#define CVISOR_VFS_FS_PROCFS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "vfs/internal.h"

/* Namespaces named under /proc/<pid>/ns. */
enum vfs_proc_ns {
	VFS_PROC_NS_CGROUP,
	VFS_PROC_NS_IPC,
	VFS_PROC_NS_MNT,
	VFS_PROC_NS_NET,
	VFS_PROC_NS_PID,
	VFS_PROC_NS_PID_FOR_CHILDREN,
	VFS_PROC_NS_TIME,
	VFS_PROC_NS_TIME_FOR_CHILDREN,
	VFS_PROC_NS_USER,
	VFS_PROC_NS_UTS,
	VFS_PROC_NS_NR
};

/* What procfs knows about one thread group (tid 0 asked) or one thread. */
struct vfs_proc_task {
	int pid, tid;              /* virtual tgid and tid (tid == pid for the leader) */
	int ppid, pgid, sid;       /* virtual; 0 when none */
	int tty_nr, tpgid;         /* controlling terminal (0, -1 when none) */
	char state;                /* Linux's letter: R S D T t Z X */
	char comm[16];
	uint32_t uid[4], gid[4];   /* real, effective, saved, filesystem (as the reader sees
	                            * them: its user namespace's) */
	int ns_levels;             /* NStgid/NSpid/NSpgid/NSsid: the numbers in each pid
	                            * namespace from the procfs mount's down to the process's
	                            * own (0: just pid/tid/pgid/sid) */
	int ns_tgid[8], ns_pid[8], ns_pgid[8], ns_sid[8];
	uint32_t owner_uid, owner_gid; /* the effective ids as the VFS knows them: /proc/<pid>/
	                                * files' owner (sandbox ids) */
	uint32_t ngroups;
	uint32_t groups[64];
	int nthreads;
	pid_t host_tid;            /* the stub's host thread (host facts); 0 when gone */
	int64_t start_ns;          /* start time, ns after the sandbox started */
	uint64_t arg_start, arg_end, env_start, env_end; /* guest addresses */
	uint64_t sig_pnd, sig_shd_pnd, sig_blk, sig_ign, sig_cgt; /* bit n-1 = signal n */
	int sigq;                  /* queued signals (SigQ's first number) */
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	bool no_new_privs;
	int seccomp;               /* 0 none, 1 strict, 2 filter */
	int seccomp_filters;       /* filters in force (Seccomp_filters:) */
	int dumpable;              /* 0: files owned by root, as Linux */
	int exit_signal;
	mode_t umask;
	int oom_score_adj;
	struct rlimit rlim[RLIM_NLIMITS];
};

/* The Sentry's answers. Every op may be NULL (procfs then answers as if the fact were
 * unknown: ENOENT for links, an empty value for files).
 *
 * Pid namespaces: each procfs superblock shows the pid namespace of the task that mounted
 * it (pidns_get at mount, kept in sb->priv, pidns_put at unmount; an opaque handle).
 * Before serving any request procfs calls set_view with its superblock's handle: every
 * pid and tid below (arguments and answers, caller included) is then a number in that
 * namespace, and a process outside it does not exist. */
struct proc_buf;
struct vfs_proc_ops {
	/* The pid namespace of the task making the current syscall (the sandbox's when
	 * none): a new reference. */
	void *(*pidns_get)(void);
	void (*pidns_put)(void *pidns);
	/* The namespace the following calls speak in (NULL: the sandbox's). */
	void (*set_view)(void *pidns);
	/* The task making the current syscall: its virtual pid and tid; 0 when none. */
	void (*caller)(int *pid, int *tid);
	/* Fills @out for thread group @pid (@tid 0) or thread @tid of @pid. 0 or -ESRCH. */
	int (*task)(int pid, int tid, struct vfs_proc_task *out);
	/* Walks the pid table in increasing order: the smallest pid > @after, 0 when none.
	 * Zombies are listed. */
	int (*next_pid)(int after);
	/* The smallest tid of group @pid > @after, 0 when none. */
	int (*next_tid)(int pid, int after);
	/* The group's fd table / fs context (root, cwd, umask) / mount namespace: new
	 * references, NULL when the group has none (zombie). */
	struct vfs_fdtable *(*fdtable)(int pid);
	struct vfs_fs_ctx *(*fs_ctx)(int pid);
	struct vfs_mntns *(*mntns)(int pid);
	/* Copies @len bytes of @pid's memory at @gaddr. Returns bytes copied or -errno. */
	long (*read_mem)(int pid, uint64_t gaddr, void *buf, size_t len);
	/* The file @pid exec'd (Linux's mm->exe_file): a new reference, or NULL. */
	struct vfs_file *(*exe_file)(int pid);
	/* prctl(PR_SET_NAME) by a write to comm: 0 or -errno. */
	int (*set_comm)(int pid, int tid, const char *comm);
	/* A write of @value (-1000..1000) to oom_score_adj, or (@legacy) to oom_adj scaled
	 * to that range: 0, -ESRCH, or -EACCES (below the floor without CAP_SYS_RESOURCE). */
	int (*set_oom_score_adj)(int pid, int value, bool legacy);
	/* The inode number of the @ns namespace of @pid (never reused); 0 when none. @pid may
	 * be a tid: that thread's (namespaces are per thread). */
	uint64_t (*ns_ino)(int pid, enum vfs_proc_ns ns);
	/* The @ns namespace object of @pid: a new reference (an open ns file holds it, for
	 * setns(2)), its inode number in *@ino; NULL when none. ns_put drops it. */
	void *(*ns_get)(int pid, enum vfs_proc_ns ns, uint64_t *ino);
	void (*ns_put)(enum vfs_proc_ns ns, void *obj);
	/* ioctl(2) @cmd on an open ns file holding @obj of @type (nsfs's NS_GET_NSTYPE: the
	 * CLONE_NEW* value; NS_GET_OWNER_UID: *@uid, as the caller sees it; NS_GET_USERNS and
	 * NS_GET_PARENT: a new reference in *@rel, its type and inode number). Returns >= 0
	 * or -errno (-ENOTTY for other commands). */
	long (*ns_ioctl)(enum vfs_proc_ns type, void *obj, unsigned cmd, void **rel,
			 enum vfs_proc_ns *rel_type, uint64_t *rel_ino, uint32_t *uid);
	/* /proc/<pid>/uid_map (@which 0), gid_map (1), setgroups (2): the text as the caller
	 * sees it (0 or -errno), and one write by the caller (bytes consumed or -errno). */
	int (*id_map_show)(int pid, int which, char *buf, size_t size);
	ssize_t (*id_map_write)(int pid, int which, const char *buf, size_t len);
	/* ns since the sandbox started (uptime, starttime). */
	int64_t (*uptime_ns)(void);
	/* The caller's UTS namespace's hostname: get copies (NUL-terminated); set takes @len
	 * bytes (the caller checked CAP_SYS_ADMIN: see may_set_hostname). */
	int (*get_hostname)(char *buf, size_t size);
	int (*set_hostname)(const char *name, size_t len);
	/* Whether the caller has CAP_SYS_ADMIN over its UTS namespace. */
	bool (*may_set_hostname)(void);
	/* SysV IPC of the caller's IPC namespace: /proc/sysvipc/<msg|sem|shm> (@kind 0, 1,
	 * 2) in @b; /proc/sys/kernel/<@name> (shmmax shmall shmmni msgmax msgmnb msgmni sem)
	 * and /proc/sys/fs/mqueue/<@name> (msg_default msg_max msgsize_default msgsize_max
	 * queues_max) shown (0 or -errno) and written (bytes consumed or -errno). */
	int (*sysvipc_show)(int kind, struct proc_buf *b);
	int (*ipc_sysctl_show)(const char *name, char *buf, size_t size);
	ssize_t (*ipc_sysctl_write)(const char *name, const char *buf, size_t len);
};

/* Creates a procfs / sysfs superblock (mount -t proc / -t sysfs). Returns 0 and the sb
 * (one reference, with a root) in *@out, or -errno. */
int procfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out);
int sysfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out);

/* Opens /proc/<pid>/ns/<name> files: true when @f is one, with its type and inode. */
bool procfs_file_is_ns(struct vfs_file *f, enum vfs_proc_ns *ns, uint64_t *ino);
/* The namespace object an open ns file holds (ns_get's; borrowed), or NULL. */
void *procfs_ns_file_object(struct vfs_file *f);

/* ---- for the unit tests (and procfs's own files) ---- */
/* A growing text buffer. */
struct proc_buf {
	char *data;
	size_t len, cap;
	bool failed; /* ENOMEM somewhere: the content is incomplete */
};
void proc_buf_printf(struct proc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void proc_buf_add(struct proc_buf *b, const void *data, size_t len);
void proc_buf_free(struct proc_buf *b);

/* Host facts parsed from /proc/<host_tid>/stat. */
struct proc_host_stat {
	unsigned long minflt, majflt, utime, stime; /* clock ticks */
	long priority, nice;
	unsigned long vsize; /* bytes */
	long rss;            /* pages */
	unsigned long rsslim, startcode, endcode, startstack, kstkesp, kstkeip, wchan;
	int processor;
	unsigned long start_data, end_data, start_brk, arg_start, arg_end, env_start, env_end;
};
/* Parses a host stat line; missing fields stay 0. Returns 0 or -EINVAL. */
int proc_host_stat_parse(const char *line, struct proc_host_stat *hs);
/* Renders /proc/<pid>/stat (Linux's 52 fields) for @t from @hs. @ticks_per_sec and
 * @start_ticks (starttime, ticks after boot) are the caller's. */
void proc_render_stat(struct proc_buf *b, const struct vfs_proc_task *t,
		      const struct proc_host_stat *hs, unsigned long start_ticks);

/* Looks a host mapping up: given the host path of a mapped file and the (dev, ino) the
 * host reports, writes the sandbox path into @out and returns true, or false when the
 * file has no name inside the sandbox. */
typedef bool (*proc_maps_resolve_fn)(void *arg, const char *host_path, dev_t dev, uint64_t ino,
				     char *out, size_t size);
/* Translates host maps text @in (len @len) into @b: lines of the stub loader
 * (STUB_LOADER_BASE..) are dropped; file paths go through @resolve (a path it cannot
 * resolve is shown as "/memfd:<name> (deleted)"-style text without any host directory);
 * pseudo names ([heap], [stack], [vdso], ...) are kept. */
void proc_maps_translate(struct proc_buf *b, const char *in, size_t len,
			 proc_maps_resolve_fn resolve, void *arg);

/* ---- procfs internals: the tree engine shared by procfs.c, proc_*.c and sysfs.c ---- */
struct proc_node;
struct proc_entry;

/* Dynamic children of a directory. */
/* PROC_DYN_NETDEVS: the interfaces of the caller's network namespace, by name
 * (/proc/sys/net/ipv4/conf/<dev>), numbered by ifindex. */
enum proc_dyn {
	PROC_DYN_NONE,
	PROC_DYN_PIDS,
	PROC_DYN_TIDS,
	PROC_DYN_FDS,
	PROC_DYN_FDINFO,
	PROC_DYN_NETDEVS
};

#define PE_TASK 0x1     /* owned by the task's euid/egid (root when not dumpable) */
#define PE_FDLINK 0x2   /* an fd/N link: mode from the file's access mode */

/* One name in a tree: a file (show/write), a link (readlink/get_link) or a directory
 * (children, a NULL-named end; dyn). */
struct proc_entry {
	const char *name;
	mode_t mode;
	unsigned flags;
	int arg; /* entry-specific (ns index for ns/ links) */
	/* Renders the file (at open). Returns 0 or -errno. */
	int (*show)(const struct proc_node *n, struct proc_buf *b);
	/* One write(2): returns bytes consumed or -errno. */
	ssize_t (*write)(const struct proc_node *n, const char *buf, size_t len);
	/* The link's text. Returns its length or -errno. */
	int (*readlink)(const struct proc_node *n, char *buf, size_t size);
	/* Magic link: the path it stands for (new references). */
	int (*get_link)(struct vfs_ctx *c, const struct proc_node *n, const struct vfs_path *link,
			struct vfs_path *out);
	const struct proc_entry *children;
	enum proc_dyn dyn;
};

/* What an inode of the tree stands for. */
struct proc_node {
	const struct proc_entry *ent;
	int pid, tid;     /* 0: not per-process; tid 0: the group */
	int fd;           /* fd/N, fdinfo/N; -1 otherwise */
	int ifindex;      /* conf/<dev> and below: the interface; 0 otherwise */
	int64_t start_ns; /* the process's start (a reused pid is another process) */
	struct vfs_file *target; /* reopened anonymous file (fd/N of a pipe), ns files: NULL */
	void *nsref;             /* an opened ns file's namespace (ns_get; put at evict) */
};

extern const struct proc_entry proc_pid_dir, proc_tid_dir, proc_fd_link, proc_fdinfo_file;
extern const struct proc_entry proc_net_conf_dev_dir;
extern const struct proc_entry proc_root_children[];
extern const struct proc_entry proc_pid_children[], proc_tid_children[];

/* The provider, NULL when none. */
const struct vfs_proc_ops *proc_ops(void);
/* Makes the provider speak in the pid namespace of procfs superblock @sb (see
 * vfs_proc_ops): every entry point of the tree calls it first. */
void proc_view(struct vfs_sb *sb);
/* Fills @t for the node's process (thread when @n->tid). 0 or -ESRCH. */
int proc_node_task(const struct proc_node *n, struct vfs_proc_task *t);
/* Reads host file @path (e.g. "/proc/123/stat") into @b. 0 or -errno. */
int proc_read_host(const char *path, struct proc_buf *b);
/* A tree superblock of @type with root entry @root. */
int proc_tree_create_sb(const char *type, unsigned long magic, const struct proc_entry *root,
			struct vfs_sb **out);
/* An unnamed inode + dentry of @sb standing for @n (fd/N of an anonymous file, ns files):
 * a new reference in *@out. */
int proc_anon_dentry(struct vfs_sb *sb, const struct proc_node *n, mode_t mode,
		     struct vfs_dentry **out);
/* Looks @name up under @dir (a tree dentry): a new reference to a positive dentry. */
int proc_lookup_path(struct vfs_dentry *dir, const char *name, struct vfs_dentry **out);
/* proc_ns.c: the ns/ directory's entries, and uid_map, gid_map, setgroups. */
extern const struct proc_entry proc_ns_children[];
int proc_show_uid_map(const struct proc_node *n, struct proc_buf *b);
int proc_show_gid_map(const struct proc_node *n, struct proc_buf *b);
int proc_show_setgroups(const struct proc_node *n, struct proc_buf *b);
ssize_t proc_write_uid_map(const struct proc_node *n, const char *buf, size_t len);
ssize_t proc_write_gid_map(const struct proc_node *n, const char *buf, size_t len);
ssize_t proc_write_setgroups(const struct proc_node *n, const char *buf, size_t len);
/* ioctl(2) on open file @f of node @n: nsfs's NS_GET_* for ns files, else -ENOTTY. */
long proc_ns_file_ioctl(struct vfs_file *f, const struct proc_node *n, struct vfs_ctx *c,
			unsigned cmd, uint64_t arg);
/* The /proc/<pid>/ns/ entry of type @ns. */
const struct proc_entry *proc_ns_entry(int ns);
/* Writes "mnt:[4026531840]"-style text for ns entry @ns of @pid. */
int proc_ns_name(int pid, int ns, char *buf, size_t size);
extern const char *const proc_ns_names[VFS_PROC_NS_NR];
/* The name /proc/<pid>/fd/N shows for @f (path in @fs's root, pipe:[ino]...). */
int proc_file_name(struct vfs_file *f, struct vfs_fs_ctx *fs, char *buf, size_t size);
/* The file a reopened anonymous fd (a procfs proxy) stands for, or NULL. Borrowed. */
struct vfs_file *proc_proxy_target(struct vfs_file *f);
/* The mount listings of @ns seen from @root. */
void proc_render_mounts(struct proc_buf *b, struct vfs_mntns *ns, const struct vfs_path *root,
			bool mountinfo);
/* Called by procfs_create_sb: records the start of the sandbox's idle count. */
void proc_sys_init(void);
/* The interfaces of the caller's network namespace (proc_net.c): the smallest ifindex
 * above @after or -1; the name of @ifindex into @buf (false: none); the ifindex of name
 * @name (@len bytes) or -1. */
long proc_net_dev_next(long after);
bool proc_net_dev_name(long ifindex, char *buf, size_t size);
long proc_net_dev_index(const char *name, size_t len);
/* Parses "123" (no sign, no leading zero): the number or -1. */
long proc_parse_num(const char *s, size_t len);

#endif
