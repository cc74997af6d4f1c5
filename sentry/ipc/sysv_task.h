/* sentry/ipc/sysv_task.h - the Sentry's side of SysV IPC: a task's namespace tables and
 * its description as a caller, the per-process state's life (fork, exec, exit, leaving an
 * IPC namespace), ids and pids as the app sees them, and what procfs asks. The handlers
 * are sentry/syscalls/sys_{msg,sem,shm}.c; the core is sysv.h's. */
#ifndef CVISOR_SENTRY_IPC_SYSV_TASK_H
#define CVISOR_SENTRY_IPC_SYSV_TASK_H
#include "sentry/ipc/sysv.h"
#include <stdint.h>
#include <sys/types.h>

struct task;
struct thread_group;
struct proc_buf;

/* The tables of @t's IPC namespace (made on first use); NULL on ENOMEM. Fills @c for @t
 * (capabilities over that namespace's owner) when @c is not NULL. */
struct sysv_ns *task_sysv(struct task *t, struct sysv_caller *c);
/* @tg's per-process state, made on first use; NULL on ENOMEM. */
struct sysv_proc *tg_sysv(struct thread_group *tg);
/* fork without CLONE_VM: the child inherits the attachments (0 or -ENOMEM). */
int sysv_tg_fork(struct thread_group *child, struct thread_group *parent, uint64_t flags);
/* exec: every attachment goes with the old address space. */
void sysv_tg_exec(struct thread_group *tg);
/* exit: attachments detached, semaphore undo applied; the state freed. */
void sysv_tg_exit(struct thread_group *tg);
/* unshare(CLONE_NEWIPC / CLONE_SYSVSEM), setns to an IPC namespace: undo applied now. */
void sysv_tg_undo(struct thread_group *tg);
/* The ABI perm of an object as @t sees it (ids of its user namespace), and IPC_SET's ids
 * from @t's view to kernel ids in place (-EINVAL when unmapped). */
void sysv_perm_to_user(struct task *t, struct sysv_perm_abi *p);
int sysv_perm_from_user(struct task *t, struct sysv_perm_abi *p);
/* A sandbox-level pid as @t sees it (0 when outside its pid namespace). */
int sysv_pid_to_user(struct task *t, int pid);

/* For procfs (vfs_proc_ops): /proc/sysvipc/<kind> of the caller's namespace, and the
 * caller's namespace's /proc/sys/kernel limits. */
int sysv_proc_show(int kind, struct proc_buf *b);
int sysv_proc_sysctl_show(const char *name, char *buf, size_t size);
ssize_t sysv_proc_sysctl_write(const char *name, const char *buf, size_t len);

#endif
