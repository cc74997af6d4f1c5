/* sentry/task.h - tasks (app threads), thread groups (processes), and the Sentry's view of
 * them: virtual pids, parents and children, process groups and sessions, credentials,
 * signal actions, rlimits, and the per-call state of a trapped syscall.
 *
 * Ownership: the pid table (task.c) owns every struct task and struct thread_group.
 * A thread group lives until its parent reaps it (or it is auto-reaped); a task lives
 * until its host thread is gone. fdt/fs/mntns/sighand are reference counted and shared
 * according to the clone flags (CLONE_FILES, CLONE_FS, CLONE_SIGHAND). */
#ifndef CVISOR_SENTRY_TASK_H
#define CVISOR_SENTRY_TASK_H
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "common/list.h"
#include "common/timer.h"
#include "common/waitq.h"
#include "platform/guest_mem.h"
#include "platform/platform.h"
#include "sentry/rusage.h"
#include "sentry/syscall.h"
#include "vfs/vfs.h"

struct exec_state;
struct task_ns;
struct cgroup;
struct sysv_proc;

#define SENTRY_NSIG 65 /* signals 1..64 */

enum task_state {
	TASK_NEW,          /* created at the parent's clone event; first stop not seen */
	TASK_RUNNING,      /* resumed: running app code or a native syscall */
	TASK_STOPPED,      /* stopped at an event the Sentry is handling */
	TASK_PARKED,       /* stopped in an emulated blocking syscall */
	TASK_GROUP_STOPPED,/* stopped by a stop signal (job control) */
	TASK_EXEC_LOADING, /* exec'd the loader; waiting for its entry trap */
	TASK_DEAD,         /* the host thread is gone */
};

struct sigqueue_entry {
	struct list_head link;
	siginfo_t info;
};

/* Signal actions: shared by CLONE_SIGHAND. */
struct sighand {
	int refs;
	struct {
		uint64_t handler; /* SIG_DFL 0, SIG_IGN 1, else a guest address */
		uint64_t flags;
		uint64_t restorer;
		uint64_t mask;
	} action[SENTRY_NSIG];
};

struct thread_group {
	int vpid;              /* tgid as the app sees it */
	pid_t host_pid;        /* host tgid */
	struct task *leader;
	struct list_head threads;      /* struct task.tg_link */
	int nlive;                     /* threads whose host thread still exists */
	struct thread_group *parent;   /* NULL for init */
	struct list_head children;     /* struct thread_group.sibling */
	struct list_head sibling;
	struct list_head all_link;     /* in the pid table's list of groups */
	int pgid, sid;
	int exit_signal;               /* sent to the parent on death (SIGCHLD usually); back
	                                * to SIGCHLD when reparented (task.c) */
	uint64_t self_exec_id;         /* counts this process's execs */
	uint64_t parent_exec_id;       /* the parent's self_exec_id at the fork: a parent that
	                                * exec'd since gets SIGCHLD, not exit_signal */
	bool zombie;                   /* dead, not yet reaped */
	bool group_exiting;
	int wait_status;               /* Linux wait status once zombie */
	bool stopped_report;           /* a stop not yet reported to wait(WUNTRACED) */
	bool continued_report;
	int stop_sig;
	int pending_stop_sig;          /* the job-control signal a SIGSTOP stands for */
	bool subreaper;
	bool ns_exit_pending;          /* pid 1 of a dying pid namespace: reported to its parent
	                                * once the namespace is empty (sentry/pidns.c) */
	struct user_ns *userns;        /* a reference; NULL: the sandbox's (sentry/userns.c) */
	uint64_t cap_eff_ns;           /* effective set in @userns when it is not the sandbox's
	                                * (cred.cap_effective is then empty: tg_caps_effective) */
	struct waitq child_wq;         /* woken when a child changes state */
	struct vfs_fdtable *fdt;
	struct vfs_fs_ctx *fs;         /* the leader's (sentry/nsproxy.h): what /proc shows */
	struct vfs_mntns *mntns;       /* the leader's mount namespace */
	struct sighand *sighand;
	struct vfs_cred cred;
	struct rlimit rlim[RLIM_NLIMITS];
	struct list_head sigqueue;     /* process-directed signals: struct sigqueue_entry */
	uint64_t sent_pending;         /* process-directed signals sent to the host, undelivered */
	char comm[16];
	struct vfs_file *exe_file;     /* the exec'd file (a reference): /proc/<pid>/exe */
	uint64_t arg_start, arg_end, env_start, env_end;
	int64_t start_time_ns;
	struct stimer alarm_timer;     /* alarm(2) / ITIMER_REAL */
	int64_t itimer_real_interval_ns;
	bool no_new_privs;
	int dumpable;
	uint64_t cap_bounding, cap_permitted, cap_inheritable, cap_ambient;
	unsigned securebits;           /* SECBIT_* (linux/securebits.h), KEEP_CAPS included */
	int nice;                      /* getpriority/setpriority (not applied on the host) */
	short oom_score_adj;           /* /proc/<pid>/oom_score_adj: kept by fork and exec */
	short oom_score_adj_min;       /* the floor without CAP_SYS_RESOURCE (Linux's) */
	unsigned personality;          /* personality(2): recorded and inherited, not applied */
	struct list_head timers;       /* POSIX timers (sys_timer.c); next NULL until first */
	/* cgroup v2 (sentry/cgroup.c) and the freezer (sentry/freeze.c) */
	struct cgroup *cgroup;         /* a reference, tg_new to tg_reap */
	bool cg_live, cg_frozen;       /* counted in its cgroup / frozen by cgroup.freeze */
	int freeze_depth;              /* freezes in force (cgroup.freeze, pause) */
	/* resource usage (sentry/rusage.c) */
	struct tg_usage usage_at_exit; /* the host's counters as its threads exit */
	struct tg_usage cusage;        /* children reaped with wait (Linux's cutime & co) */
	struct sysv_proc *sysv;        /* SysV shm attachments and semaphore undo records
	                                * (sentry/ipc/sysv_task.c); NULL until first used */
};

struct task_clone_req {
	bool active;
	uint64_t flags;        /* as the app asked */
	int exit_signal;
	uint64_t ptid_gaddr, ctid_gaddr;
	uint64_t pidfd_gaddr;  /* CLONE_PIDFD: where the pidfd's number goes */
	pid_t child_tid;       /* set at the clone event */
	uint64_t app_args[6];  /* the app's argument registers: restored in parent and child
	                        * (glibc's vfork keeps its return address in rdi) */
	struct cgroup *pids_cg; /* a pid reserved for the child (sentry/cgroup.c) */
};

struct task {
	pid_t host_tid;
	int vtid;
	struct thread_group *tg;
	struct task_ns *ns;            /* namespaces (sentry/nsproxy.h), per task as Linux */
	struct vfs_fs_ctx *fs;         /* root, cwd, umask: shared by CLONE_FS */
	struct list_head tg_link;
	struct list_head hash_link;    /* host tid hash */
	struct list_head run_link;     /* on the loop's run queue (woken from a park) */
	bool queued;
	enum task_state state;
	struct guest_mem mem;
	struct plat_regs regs;         /* valid while stopped */
	bool regs_dirty;

	/* the syscall being handled */
	struct syscall_args call;
	uint64_t scratch[8];
	int nwaiters;
	struct waiter *waiters;        /* task_wait_on; removed on wake */
	int cap_waiters;
	struct stimer park_timer;
	bool timed_out;
	long park_intr;
	void (*exit_fixup)(struct task *t); /* run at PLAT_EV_SYSCALL_EXIT */
	struct task_clone_req clone;
	bool sigmask_saved;            /* ppoll/pselect/epoll_pwait temporary mask */
	bool frame_mask_fix;           /* a signal interrupted such a call: the original mask
	                                * goes into the handler's frame (uc_sigmask) */
	bool awaiting_handler_trap;
	uint64_t saved_sigmask;

	struct list_head sigqueue;     /* thread-directed signals */
	int deferred_sig;              /* host signal seen during an injection */
	uint64_t sent_pending;         /* thread-directed signals sent to the host, undelivered */
	uint64_t clear_child_tid;
	uint64_t robust_head;          /* set_robust_list (sentry/robust.c) */
	int futex_kicks;               /* SIGSTOPs sent to end a native futex wait */
	int pdeath_sig;
	char comm[16];
	/* exec in progress (sentry/exec.c) */
	struct exec_state *exec;
	bool vfork_parent_waiting;
	/* the app's own seccomp state (syscalls/sys_seccomp.c) */
	int seccomp_mode;                      /* SECCOMP_MODE_DISABLED / _STRICT / _FILTER */
	struct seccomp_filter *seccomp_filter; /* newest filter: a reference; NULL in strict */
	bool seccomp_host_pending;             /* recorded (OCI), not yet in the stub */
	unsigned seccomp_pending_flags;        /* their SECCOMP_FILTER_FLAG_LOG/SPEC_ALLOW */
	struct cgroup *pids_cg;        /* the cgroup this task's pid is charged to (a reference) */
	bool freeze_kick, freeze_held; /* sentry/freeze.c: a kick pending / held frozen */
};

/* ---- the pid table ---- */
struct task *task_by_host_tid(pid_t tid);
struct task *task_by_vtid(int vtid);
struct thread_group *tg_by_vpid(int vpid);
/* Allocates a virtual pid (in the sandbox's pid namespace; sentry/pidns.c for others). */
int pid_alloc(void);
/* Whether sandbox-level number @v is some task's tid or some group's pid, pgid or sid. */
bool pid_in_use(int v);
/* Linux's will_become_orphaned_pgrp: true when no live member of process group @pgid other
 * than @ignored (NULL: none) has its parent in another group of the same session. */
bool pgrp_is_orphaned(int pgid, const struct thread_group *ignored);
/* Creates the task for host thread @tid in group @tg (new group when @tg is NULL). */
struct task *task_new(pid_t host_tid, struct thread_group *tg, int vtid);
struct thread_group *tg_new(void);
/* Every live thread group, for kill(-1), /proc and the end of the sandbox. */
extern struct list_head all_groups;
extern struct thread_group *init_tg;

/* ---- lifecycle (task.c) ---- */
/* The host thread of @t is gone with @status: updates the group, reparents, notifies. */
void task_host_dead(struct task *t, int status);
/* Reaps zombie @tg (wait4 returned it or auto-reap). */
void tg_reap(struct thread_group *tg);
/* Zombie @tg is reported to its parent (exit signal, wake-up) or auto-reaped. */
void tg_death_notify(struct thread_group *tg);
void tg_put_resources(struct thread_group *tg);
void task_rehash(struct task *t, pid_t tid);
/* Frees @t (its host thread is gone): waiters, queues, memory handle, exec state. */
void task_free(struct task *t);

/* ---- dispatch and resumption (dispatch.c) ---- */
void task_dispatch_syscall(struct task *t);
/* Finishes the trapped syscall of @t with @ret and resumes it. */
void task_syscall_complete(struct task *t, long ret);
/* Resumes @t from whatever stop it is in, delivering host signal @sig. */
void task_resume(struct task *t, int sig);
/* Ends a park: drops waiters and the timer. */
void task_unpark(struct task *t);
/* Re-runs the parked syscall of @t (a wait queue or the deadline woke it). */
void task_rerun(struct task *t);
/* Queues @t to re-run its parked syscall from the loop (never nested in a handler). */
void task_wake(struct task *t);
/* Signal @sig arrived for parked @t: ends the call as its park_intr says. */
void task_interrupt_with(struct task *t, int sig);
/* Whether a signal the Sentry sent is pending for @t and not blocked or ignored. */
bool task_has_deliverable_signal(struct task *t);
/* The first such signal the host will deliver to @t (0: none). */
int task_next_signal(struct task *t);
/* Sends @sig to @t itself (SIGPIPE from a write, SIGXFSZ...). */
int task_signal_self(struct task *t, int sig);
/* The signal masks of host thread @tid's /proc status lines named @key (each line whose
 * name ends with @key: "Pnd" gives SigPnd | ShdPnd, "SigBlk" the blocked set), ORed into
 * @out; 0, or -errno when unreadable. Readable while the thread runs. */
int host_status_masks(pid_t tid, const char *key, uint64_t *out);
/* Whether @t is in a native rt_sigtimedwait for a set holding @sig (the host unblocks
 * that set for the call: Linux's real_blocked still counts it as blocked). */
bool task_sigwait_has(struct task *t, int sig);
/* Runs every queued wake-up (loop.c calls it after each event). */
void task_run_queue(void);
/* Live host threads of the sandbox. */
extern int live_host_threads;
void strace_print(struct task *t, long ret);
void strace_exec(struct task *t, const char *path);
extern int strace_fd;
int task_regs_sync(struct task *t);

/* ---- signals (signal.c) ---- */
/* Sends @info->si_signo to thread group @tg (process-directed) or task @t. */
int signal_send_group(struct thread_group *tg, const siginfo_t *info);
int signal_send_task(struct task *t, const siginfo_t *info);
/* Sends @sig from the kernel (SI_KERNEL) to every live process of group @pgid; 0, or
 * -ESRCH when it has none. */
int signal_send_pgrp(int pgid, int sig);
/* A host signal-delivery-stop of @t. */
void signal_on_host_stop(struct task *t, const struct plat_event *ev);
void signal_exec_reset(struct thread_group *tg);
/* Takes the Sentry's siginfo of a signal the host just dequeued for @t (sigtimedwait). */
bool signal_take_queued(struct task *t, int sig, siginfo_t *out);
/* signalfd.c: wake the signalfds of @tg (a signal was sent); @tg is going away. */
void signalfd_notify(struct thread_group *tg);
void signalfd_group_gone(struct thread_group *tg);
/* sys_timer.c: the POSIX timers of @tg go (exit, exec). */
void ptimers_release(struct thread_group *tg);
struct sighand *sighand_new(void);
struct sighand *sighand_copy(const struct sighand *sh);
void sighand_put(struct sighand *sh);
bool signal_is_ignored(struct thread_group *tg, int sig);
/* Simple siginfo for a signal sent by @sender (NULL: the kernel). */
void signal_info_user(siginfo_t *info, int sig, int code, struct task *sender);

/* ---- exec (exec.c) ---- */
long exec_start(struct task *t, int dirfd, const char *path, uint64_t argv_gaddr,
		uint64_t envp_gaddr, int flags);
/* The first exec of a sandbox: @argv/@envp are Sentry strings. */
int exec_start_init(struct task *t, const char *path, char *const argv[], char *const envp[]);
void exec_on_host_exec(struct task *t, pid_t former_tid);
void exec_on_loader_trap(struct task *t);
/* A host signal stop of @sig while @t runs the loader image: true when exec took it (held
 * until the new program runs, as Linux keeps a signal pending across execve). */
bool exec_on_signal_stop(struct task *t, int sig);

/* ---- pidfds (sentry/syscalls/sys_pidfd.c) ---- */
/* A group exited or was reaped: pidfds re-poll. */
void pidfd_group_exit(void);
/* The live or zombie group the pidfd @fd names in *@tg, and the file's status flags in
 * *@file_flags (may be NULL). -EBADF when @fd is not a pidfd, -ESRCH when the group has
 * been reaped. */
int pidfd_resolve(struct task *t, int fd, struct thread_group **tg, int *file_flags);
/* clone(CLONE_PIDFD), before the host clone: 0, -EMFILE when @t's fd table has no free
 * number below its limit, -EFAULT when the int at @pidfd_gaddr is not writable. */
long pidfd_clone_check(struct task *t, uint64_t pidfd_gaddr);
/* At the clone event: a pidfd for the new process @child in @parent's fd table (after
 * the child's table was copied: the child does not get it), close-on-exec, its number
 * written at @pidfd_gaddr. Returns the fd or -EMFILE / -ENOMEM / -EFAULT (no fd left). */
int pidfd_clone_install(struct task *parent, struct thread_group *child, uint64_t pidfd_gaddr);

/* ---- the app's seccomp filters (syscalls/sys_seccomp.c) ---- */
struct sock_filter;
/* At a clone event: @child gets @parent's mode and filters (another reference). */
void seccomp_task_inherit(struct task *child, struct task *parent);
/* Drops @t's filter reference (task_free). */
void seccomp_task_release(struct task *t);
/* At a trapped-syscall stop of @t in seccomp mode: applies the app's filters to the call
 * (they are the Sentry's to enforce for every call that stops). Returns true when the
 * call is disposed of (refused, killed, or run natively), false to dispatch it. */
bool seccomp_on_syscall_stop(struct task *t);
/* At the loader's entry trap: installs a filter recorded by seccomp_task_preload in the
 * stub before any app instruction runs. 0, or -errno (the caller kills the task). */
int seccomp_on_loader_trap(struct task *t);
/* The wait status @t's group reports when it dies with host @status (strict mode's kill
 * is a host SIGSYS, reported as SIGKILL as Linux does). */
int seccomp_exit_status(struct task *t, int status);
/* For the OCI runtime (linux.seccomp): gives @t, which has not run app code yet, the
 * filter @prog (validated here; SECCOMP_FILTER_FLAG_LOG/SPEC_ALLOW in @flags), to be
 * installed in its stub at its loader trap. 0, -EINVAL (bad program or flags), -ENOMEM. */
int seccomp_task_preload(struct task *t, const struct sock_filter *prog, unsigned len,
			 unsigned flags);
/* prctl(PR_SET_SECCOMP) / prctl(PR_GET_SECCOMP) (called from sys_prctl). */
long seccomp_prctl_set(struct task *t, uint64_t mode, uint64_t filter_gaddr);
long seccomp_prctl_get(struct task *t);
/* For /proc/<pid>/status: Seccomp: and Seccomp_filters: of @t. */
int seccomp_task_mode(const struct task *t);
int seccomp_task_filters(const struct task *t);

/* ---- robust futexes (robust.c) ---- */
void robust_on_exit(struct task *t);

/* ---- event loop (loop.c) ---- */
int loop_init(void);
int loop_run(void);
/* After loop_run, with every task gone: runs timers and watched fds (no tasks) while
 * @busy() answers true, at most @timeout_ms. What the app handed the netstack before it
 * exited still leaves, as it would from a Linux kernel (sandbox.c). */
void loop_drain(bool (*busy)(void), int timeout_ms);
int loop_watch_fd(int fd, uint32_t events, struct waitq *wq);
void loop_unwatch_fd(int fd);
void loop_request_exit(int status);
/* A created container's init (sandbox.c): its first stop (the seccomp stop of its exec of
 * the loader) is held until loop_release_start, which handles it (@replay: start_init has
 * set up the exec) or forgets it (the task is being killed). */
void loop_hold_until_start(struct task *t);
void loop_release_start(bool replay);

/* ---- sandbox-wide settings (sandbox.c) ---- */
struct sandbox_config {
	bool strace;
	bool net_raw; /* --net-raw: raw IPv4 and AF_PACKET sockets (with CAP_NET_RAW) */
	const char *hostname;
	int stdio[3];
};
extern struct sandbox_config sandbox;
extern pid_t sentry_host_pid;
/* si_pid of the signals the Sentry sends, as its stubs' siginfo shows it: its host pid, or
 * 0 when the stubs run in a host pid namespace of their own (sentry/confine.c). */
extern pid_t sentry_sender_pid;
extern char sentry_hostname[65];
extern char sentry_domainname[65];
/* channel: the Sentry end of the fd-passing socket (platform/stub_layout.h). */
extern int sentry_channel_fd;
/* Installs host fd @host_fd into stopped task @t's host fd table (via the channel);
 * returns the stub's fd number or -errno. The caller closes it with stub_close_fd. */
int stub_install_fd(struct task *t, int host_fd);
int stub_close_fd(struct task *t, int stub_fd);
long stub_inject(struct task *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		 uint64_t a4, uint64_t a5);

#endif
