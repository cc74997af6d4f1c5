/* vfs/fs/cgroupfs.h - the cgroup v2 unified hierarchy (struct cgroup, cgroupfs_tree.c) and
 * its filesystem "cgroup2" (cgroupfs.c): the contract with the Sentry.
 *
 * One hierarchy per sandbox: every mount of cgroup2 shows the same tree (each mount has
 * its own superblock; dentries revalidate against the tree). The hierarchy knows nothing
 * of tasks: it keeps counts (processes directly in a cgroup, populated subtrees, charged
 * pids) that the Sentry (sentry/cgroup.c) maintains, and asks the Sentry for everything
 * else through struct cgroupfs_host_ops (member lists, migrations, host resource usage,
 * freezing). Must not include sentry headers; never blocks.
 *
 * References: a cgroup holds one on its parent; the tree holds one on each live cgroup
 * (dropped by rmdir); cgroupfs inodes hold one on their cgroup; the Sentry's thread
 * groups hold one on their cgroup and each task one on the cgroup its pid is charged to. */
#ifndef CVISOR_VFS_FS_CGROUPFS_H
#define CVISOR_VFS_FS_CGROUPFS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/list.h"
#include "vfs/internal.h"
#include "vfs/fs/procfs.h"

/* Controllers, in Linux's order of cgroup.controllers. */
enum cgroup_ctrl { CG_CPUSET, CG_CPU, CG_IO, CG_MEMORY, CG_PIDS, CG_NR_CTRL };
#define CG_ALL_CTRLS ((1u << CG_NR_CTRL) - 1)
/* Controllers that work inside a threaded subtree (Linux's cgrp_dfl_threaded_ss_mask). */
#define CG_THREADED_CTRLS ((1u << CG_CPUSET) | (1u << CG_CPU) | (1u << CG_PIDS))
#define CG_MAX INT64_MAX /* "max" */
#define CG_IO_MAX_DEVS 16
#define CG_NAME_MAX 255

struct cgroup_io_limit {
	unsigned major, minor;
	int64_t rbps, wbps, riops, wiops; /* CG_MAX: no limit */
};

struct cgroup {
	int refs;
	char *name;		   /* "" for the root */
	struct cgroup *parent;	   /* NULL for the root; a reference */
	struct list_head children; /* live children, in creation order */
	struct list_head sibling;
	uint64_t ino;		  /* the directory's inode number */
	uint64_t seq;		  /* creation order (readdir cookies) */
	int level;		  /* 0 for the root */
	bool dead;		  /* removed (rmdir) */
	unsigned subtree_control; /* bit (1 << enum cgroup_ctrl) per enabled controller */
	int nr_descendants;	  /* live descendants */
	int64_t max_descendants, max_depth;
	/* membership, kept by the Sentry (cgroup_proc_enter/leave, cgroup_pids_*) */
	int nr_procs;		   /* live thread groups directly in this cgroup */
	int nr_populated;	   /* live thread groups in this subtree */
	int nr_populated_children; /* live children whose subtree is populated */
	int64_t pids_current;	   /* tasks charged to this subtree */
	/* freezer */
	bool freeze; /* cgroup.freeze as written */
	/* controllers' settings */
	int64_t pids_max;
	uint64_t pids_events_max; /* forks refused in this cgroup by a pids limit */
	int64_t memory_max, memory_high, memory_low, memory_min, memory_swap_max;
	int64_t cpu_max_quota;	 /* us per period; CG_MAX: no limit */
	uint64_t cpu_max_period; /* us */
	uint64_t cpu_weight;	 /* 1..10000 */
	int nio;
	struct cgroup_io_limit io[CG_IO_MAX_DEVS];
	char cpuset_cpus[256], cpuset_mems[256]; /* as written (normalised); "" = parent's */
};

/* Host facts summed over the processes of a subtree (cgroupfs_host_ops.usage). */
struct cgroup_usage {
	uint64_t rss, anon, file, shmem, kernel_stack, pagetables; /* bytes */
	uint64_t user_usec, system_usec;
};

/* What cgroupfs asks of the Sentry (sentry/cgroup.c). Every op may be NULL (unit tests). */
struct cgroupfs_host_ops {
	/* Prints the pids (@threads: tids) of the live tasks directly in @cg, one a line, as
	 * the caller sees them. */
	void (*list)(struct cgroup *cg, bool threads, struct proc_buf *b);
	/* Moves the process of pid @pid (0: the caller's; @thread: the thread @pid) into
	 * @cg. 0, -ESRCH (no such process), -EOPNOTSUPP (a thread to another domain). The
	 * destination checks (cgroup_can_attach) are done. */
	int (*attach)(struct cgroup *cg, int pid, bool thread);
	/* Resource use of @cg's subtree, from the host processes of its tasks. */
	void (*usage)(struct cgroup *cg, struct cgroup_usage *out);
	/* The effective freeze of some cgroups changed: (un)freeze their tasks. */
	void (*freeze_sync)(void);
	/* Whether every task of @cg's subtree is frozen (stopped away from app code). */
	bool (*subtree_frozen)(struct cgroup *cg);
	/* cgroup.kill: SIGKILL to every process of @cg's subtree. */
	void (*kill)(struct cgroup *cg);
	/* The cgroup of process @pid (as the caller sees it): a new reference, or NULL. */
	struct cgroup *(*of_pid)(int pid);
	/* The root of the caller's cgroup namespace, where a cgroup2 mount it makes starts: a
	 * new reference, or NULL (then the hierarchy's root). */
	struct cgroup *(*ns_root)(void);
};
void cgroupfs_set_host_ops(const struct cgroupfs_host_ops *ops);

/* ---- the hierarchy (cgroupfs_tree.c) ---- */
/* The root cgroup (created on first use; borrowed). */
struct cgroup *cgroup_root(void);
void cgroup_get(struct cgroup *cg);
void cgroup_put(struct cgroup *cg);
/* A new child @name of @parent (mkdir): 0 and a borrowed pointer in *@out (the tree
 * holds it), -EAGAIN past cgroup.max.descendants / cgroup.max.depth of an ancestor,
 * -EEXIST, -ENOENT (@parent removed), -ENOMEM. */
int cgroup_mkdir(struct cgroup *parent, const char *name, size_t len, struct cgroup **out);
/* Removes @cg (rmdir): 0, -EBUSY (children or processes; the root). */
int cgroup_rmdir(struct cgroup *cg);
/* The live child @name of @cg (borrowed) or NULL. */
struct cgroup *cgroup_child(struct cgroup *cg, const char *name, size_t len);
/* The path of @cg from the root ("/" for the root, "/a/b"). Length or -ENAMETOOLONG. */
int cgroup_path(struct cgroup *cg, char *buf, size_t size);
/* Controllers @cg may enable in its subtree_control (cgroup.controllers). */
unsigned cgroup_controllers(struct cgroup *cg);
/* Applies a cgroup.subtree_control write ("+memory -pids"): 0 or -EINVAL (syntax),
 * -ENOENT (not available), -EBUSY (a child uses a controller being disabled; processes
 * in @cg and domain controllers being enabled), as Linux's cgroup_subtree_control_write. */
int cgroup_subtree_control_write(struct cgroup *cg, const char *buf);
/* Linux's cgroup_migrate_vet_dst: may processes move into @cg? 0 or -EBUSY (the
 * no-internal-process rule), -ENOENT (removed). */
int cgroup_can_attach(struct cgroup *cg);
/* The Sentry's membership counts: a live thread group enters / leaves @cg. */
void cgroup_proc_enter(struct cgroup *cg);
void cgroup_proc_leave(struct cgroup *cg);
bool cgroup_is_populated(const struct cgroup *cg);
/* pids: charges one task to @cg and its ancestors unless one of them is at pids.max
 * (then -EAGAIN and pids.events "max" of @cg counts it). force_charge ignores the
 * limits (migration, as Linux). */
int cgroup_pids_try_charge(struct cgroup *cg);
void cgroup_pids_force_charge(struct cgroup *cg);
void cgroup_pids_uncharge(struct cgroup *cg);
/* cgroup.freeze of @cg or of an ancestor. */
bool cgroup_freeze_effective(const struct cgroup *cg);
/* Is @a @d or an ancestor of @d? */
bool cgroup_is_ancestor(const struct cgroup *a, const struct cgroup *d);
extern const char *const cgroup_ctrl_names[CG_NR_CTRL];
/* Live cgroups (unit tests' leak check; the root counts once created). */
extern long cgroup_live;
/* Frees the root and everything below once nothing uses them (unit tests). */
void cgroup_tree_reset(void);

/* ---- the filesystem (cgroupfs.c) ---- */
/* mount -t cgroup2: a superblock (one reference, with a root) showing the hierarchy.
 * Options: nsdelegate, memory_recursiveprot, memory_localevents, favordynmods are
 * accepted; others -EINVAL. */
int cgroupfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out);
/* /proc/<pid>/cgroup of @pid: "0::/path\n" into @b. */
void cgroupfs_show_pid(int pid, struct proc_buf *b);
/* Renders cgroup file @name of @cg (tests and the Sentry's diagnostics). 0 or -ENOENT. */
int cgroupfs_show(struct cgroup *cg, const char *name, struct proc_buf *b);

#endif
