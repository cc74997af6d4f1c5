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

/* What every handler starts with: the caller's tables in *@ns and its description in
 * *@c. Returns 0, -ENOMEM, or -EINVAL when @bad_args (a negative id or command). */
long sysv_enter(struct task *t, struct sysv_caller *c, struct sysv_ns **ns, bool bad_args);

/* The ABI of one kind's ctl(2) (msgctl, semctl, shmctl): the size of its *_ds structure
 * (an ipc_perm first), of what IPC_INFO and its own INFO command fill, and its commands. */
struct sysv_ctl_abi {
	size_t ds_size, ipc_info_size, info_size;
	int info_cmd, stat_cmd, stat_any_cmd;
};
/* Whether @cmd fills the *_ds structure (IPC_STAT and the STAT commands). */
bool sysv_ctl_is_stat(const struct sysv_ctl_abi *abi, int cmd);
/* Before the core runs @cmd: IPC_SET's structure copied from @gaddr into @ds with its ids
 * made kernel ids. 0, -EFAULT, -EINVAL (an id not mapped in @t's user namespace). */
long sysv_ctl_in(struct task *t, const struct sysv_ctl_abi *abi, int cmd, uint64_t gaddr,
		 void *ds);
/* After the core answered @r for @cmd: a STAT's structure (ids made @t's; the caller
 * translated its pids) or an INFO's copied to @gaddr. Returns @r, or -EFAULT. */
long sysv_ctl_out(struct task *t, const struct sysv_ctl_abi *abi, int cmd, uint64_t gaddr,
		  void *buf, long r);

/* For procfs (vfs_proc_ops): /proc/sysvipc/<kind> of the caller's namespace, and the
 * caller's namespace's limits of /proc/sys/kernel and /proc/sys/fs/mqueue. */
int sysv_proc_show(int kind, struct proc_buf *b);
int sysv_proc_sysctl_show(const char *name, char *buf, size_t size);
ssize_t sysv_proc_sysctl_write(const char *name, const char *buf, size_t len);

#endif
