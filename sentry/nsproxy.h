/* sentry/nsproxy.h - the namespaces a task is in (Linux's struct nsproxy), the namespace
 * objects the Sentry emulates (uts, ipc, cgroup, net, pid, user; mount namespaces are the
 * VFS's struct vfs_mntns) and the task's own fs context (root, cwd, umask: Linux's
 * fs_struct, which a mount namespace change must move along with it).
 *
 * Per task, as Linux: threads share their creator's set and fs context (CLONE_THREAD with
 * CLONE_FS, as pthreads do) until one of them calls unshare(2) or setns(2), which affects
 * that thread only. The thread group's tg->mntns and tg->fs are its leader's (what
 * /proc/<pid>/ shows) and follow the leader when it changes them. The host never sees a
 * namespace flag: every namespace here is the Sentry's.
 *
 * Ownership: a task holds one reference on its struct task_ns and one on its fs context,
 * dropped when its host thread dies (task_ns_exit). A struct task_ns holds one reference
 * on each namespace in it. The user namespace is a thread group's (tg->userns: credentials
 * are per process here); the pid namespace a process is *in* is the one its pid number was
 * allocated in (sentry/pidns.c), task_ns->pid is pid_for_children. Every namespace holds
 * a reference on its owning user namespace; a child pid or user namespace one on its
 * parent. /proc/<pid>/ns/ files that are open hold a reference (procinfo.c), so setns(2)
 * through them works while the namespace has no process left. */
#ifndef CVISOR_SENTRY_NSPROXY_H
#define CVISOR_SENTRY_NSPROXY_H
#include <stdbool.h>
#include <stdint.h>
#include "vfs/vfs.h"

struct task;
struct thread_group;
struct user_ns;

/* What every namespace object starts with. @ino: its /proc/<pid>/ns/ inode number, never
 * reused (a sequence, not a pointer table). */
struct ns_common {
	int refs;
	uint64_t ino;
	struct user_ns *owner; /* reference; NULL for the sandbox's initial user namespace */
};

/* UTS: what uname(2) shows as nodename and domainname (the sandbox's initial one keeps
 * them in sentry_hostname / sentry_domainname: use uts_hostname / uts_domainname). */
struct uts_ns {
	struct ns_common ns;
	char hostname[65];
	char domainname[65];
};
/* The 65-byte name buffers of @ns. */
char *uts_hostname(struct uts_ns *ns);
char *uts_domainname(struct uts_ns *ns);

/* IPC: SysV IPC and POSIX message queues are not implemented; when they are, their
 * per-namespace tables hang off @sysv / @mqueue (freed by ipc_ns_put). */
struct ipc_ns {
	struct ns_common ns;
	void *sysv;
	void *mqueue;
};

/* cgroup: the root of the task's cgroup view, the cgroup its creator was in (a reference;
 * NULL in the initial namespace: the hierarchy's root). cgroup2 mounts start there. */
struct cgroup;
struct cgroup_ns {
	struct ns_common ns;
	struct cgroup *root;
};

/* net: @stack is the network stack instance the netstack gives (netns_clone_for_task),
 * NULL for the sandbox's initial stack. */
struct net_ns {
	struct ns_common ns;
	void *stack;
};

/* One contiguous id range of a user namespace map: ids first..first+count-1 inside are
 * kernel (sandbox) ids lower..lower+count-1. */
struct id_extent {
	uint32_t first, lower, count;
};
#define USERNS_MAP_MAX 5 /* Linux's limit before 4.15; plenty for newuidmap / unshare -r */

struct id_map {
	int n;
	struct id_extent e[USERNS_MAP_MAX];
};

/* user: the id maps and who created it (its owner, as kernel ids). */
struct user_ns {
	struct ns_common ns;
	int level;                /* 0: the sandbox's */
	struct user_ns *parent;   /* reference; NULL for the sandbox's */
	uint32_t owner_uid, owner_gid;
	struct id_map uid_map, gid_map;
	bool setgroups_denied;    /* /proc/<pid>/setgroups said "deny" */
};

/* pid: see sentry/pidns.c. */
struct pid_ns {
	struct ns_common ns;
	int level;                    /* 0: the sandbox's */
	struct pid_ns *parent;        /* reference; NULL for the sandbox's */
	int last_nr;                  /* the allocator's cursor */
	struct thread_group *reaper;  /* its pid 1 (not a reference); NULL before and after */
	bool has_init;                /* a pid 1 was created */
	bool dead;                    /* pid 1 died: no new pids (fork: ENOMEM) */
};

struct task_ns {
	int refs;
	struct vfs_mntns *mnt;
	struct uts_ns *uts;
	struct ipc_ns *ipc;
	struct cgroup_ns *cgroup;
	struct net_ns *net;
	struct pid_ns *pid;            /* pid_for_children */
};

/* The netstack's hook (weak; netstack/netns.h's netns_new()/netns_put() when merged):
 * a new network stack instance for CLONE_NEWNET (NULL on ENOMEM), and its release. Absent,
 * CLONE_NEWNET answers EPERM. */
void *netns_clone_for_task(void) __attribute__((weak));
void netns_release_for_task(void *stack) __attribute__((weak));

/* ---- namespace objects (nsproxy.c) ---- */
/* The next /proc/<pid>/ns/ inode number for a new namespace. */
uint64_t ns_next_ino(void);
/* The sandbox's initial namespaces (static; references are counted but never drop them). */
struct uts_ns *uts_ns_init(void);
struct ipc_ns *ipc_ns_init(void);
struct cgroup_ns *cgroup_ns_init(void);
struct net_ns *net_ns_init(void);
/* get/put of every type; put frees at the last reference. */
void ns_common_get(struct ns_common *ns);
void uts_ns_put(struct uts_ns *ns);
void ipc_ns_put(struct ipc_ns *ns);
void cgroup_ns_put(struct cgroup_ns *ns);
void net_ns_put(struct net_ns *ns);
/* The inode number /proc/<pid>/ns/mnt shows for @mnt. */
uint64_t mntns_ino(const struct vfs_mntns *mnt);

/* ---- sets ---- */
/* A new set (one reference) holding a new reference on @mnt (may be NULL) and on the
 * sandbox's initial namespaces of every other type; NULL on ENOMEM. */
struct task_ns *task_ns_new(struct vfs_mntns *mnt);
void task_ns_get(struct task_ns *ns);
void task_ns_put(struct task_ns *ns);

/* A task created for a sandbox or an exec'd process (task_new): the group's namespace
 * and fs context. Returns 0 or -ENOMEM. */
int task_ns_init(struct task *t);
/* @child was cloned by @parent with @flags: CLONE_FS shares the fs context (else a copy),
 * CLONE_NEWNS gives it a copy of @parent's mount namespace (root and cwd translated),
 * CLONE_NEWUTS/IPC/CGROUP/NET new namespaces owned by @child's user namespace, and
 * CLONE_NEWPID makes its pid_for_children the namespace it is pid 1 of; a new process's
 * group takes the child's as its own. The caller checked flags and capabilities (see
 * task_ns_check). Returns 0 or -errno. */
int task_ns_fork(struct task *child, struct task *parent, uint64_t flags);
/* The host thread of @t is gone: drops its set and fs context (idempotent). */
void task_ns_exit(struct task *t);

/* Linux's checks of the namespace flags of clone(2) (@is_unshare false) or unshare(2)
 * for @t: CLONE_NEWUSER first (its new namespace owns the others), then CAP_SYS_ADMIN in
 * the user namespace that would own the new ones. Returns 0, -EPERM, -EINVAL, -ENOSPC
 * (pid nesting), -EUSERS (user nesting). */
int task_ns_check(struct task *t, uint64_t flags, bool is_unshare);
/* unshare(2)'s CLONE_FS / namespace parts for @t (the caller ran task_ns_check).
 * Returns 0 or -errno; nothing changes on failure. */
int task_ns_unshare(struct task *t, uint64_t flags);
/* setns(2) into mount namespace @mnt: -EINVAL when @t's fs context is shared. */
int task_ns_setns_mnt(struct task *t, struct vfs_mntns *mnt);
/* setns(2) into namespace @obj of type @clone_flag (CLONE_NEWUTS...; a reference of the
 * caller's: taken anew here). Returns 0 or -errno (capability checks included). */
int task_ns_setns(struct task *t, uint64_t clone_flag, void *obj);
/* How many live tasks use @fs (Linux's fs->users). */
int task_fs_users(struct vfs_fs_ctx *fs);

/* The network stack instance of @t's net namespace (what sys_socket.c hands the
 * netstack when it creates a socket); NULL: the sandbox's initial stack. */
void *task_net_stack(struct task *t);
/* The UTS namespace of @t (never NULL). */
struct uts_ns *task_uts(struct task *t);

/* ---- user namespaces (userns.c) ---- */
struct user_ns *user_ns_init(void);
void user_ns_get(struct user_ns *ns);
void user_ns_put(struct user_ns *ns);
/* A child of @parent owned by kernel ids @uid/@gid; NULL on ENOMEM. */
struct user_ns *user_ns_new(struct user_ns *parent, uint32_t uid, uint32_t gid);
/* The user namespace of @tg (never NULL). */
struct user_ns *tg_userns(struct thread_group *tg);
/* Kernel id of @id inside @ns, or (uint32_t)-1 when unmapped. */
uint32_t userns_make_uid(const struct user_ns *ns, uint32_t id);
uint32_t userns_make_gid(const struct user_ns *ns, uint32_t id);
/* @kid as @ns sees it: the overflow id 65534 when unmapped. */
uint32_t userns_from_uid(const struct user_ns *ns, uint32_t kid);
uint32_t userns_from_gid(const struct user_ns *ns, uint32_t kid);
/* Whether @tg has capability @cap over objects owned by user namespace @ns (Linux's
 * ns_capable / cap_capable). */
bool ns_capable(struct thread_group *tg, const struct user_ns *ns, int cap);
/* @tg's effective set in its own user namespace (capget, ns_capable), and setting it. The
 * VFS and the Sentry's checks of sandbox-wide objects see tg->cred.cap_effective, which
 * is that set in the sandbox's user namespace and empty in any other. */
uint64_t tg_caps_effective(const struct thread_group *tg);
void tg_caps_set_effective(struct thread_group *tg, uint64_t eff);
/* @tg moves into @ns with @eff as its effective set (CLONE_NEWUSER: all; setns: all). */
void tg_set_userns(struct thread_group *tg, struct user_ns *ns, uint64_t eff);
/* A file's owner in @st (kernel ids) as @t's user namespace sees it (stat(2): 65534 when
 * unmapped). */
struct stat;
void task_stat_ids(struct task *t, struct stat *st);
/* Ids @t names (chown(2)) as kernel ids, in place; (uint32_t)-1 stays. 0 or -EINVAL when
 * one is not mapped in @t's user namespace. */
int task_ids_from_user(struct task *t, uint32_t *uid, uint32_t *gid);
/* A write of /proc/<pid>/uid_map (@gid false) or gid_map by @writer for @target's user
 * namespace, with Linux's rules (user_namespaces(7)). Returns 0 or -errno. */
int userns_write_map(struct thread_group *writer, struct thread_group *target, bool gid,
		     const char *buf, size_t len);
/* /proc/<pid>/setgroups: "allow" / "deny"; writing "deny" before gid_map is written. */
int userns_write_setgroups(struct thread_group *writer, struct thread_group *target,
			   const char *buf, size_t len);
/* The map of @target's namespace as @reader's namespace sees it (proc's uid_map text). */
void userns_render_map(struct thread_group *reader, struct thread_group *target, bool gid,
		       char *buf, size_t size);

#endif
