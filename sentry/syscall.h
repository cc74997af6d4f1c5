/* sentry/syscall.h - the contract between the dispatcher and syscall handlers.
 *
 * A handler `long sys_<name>(struct task *t, const struct syscall_args *a)` implements one
 * syscall for the calling task. Its return value is exactly what the app sees in rax:
 * >= 0 or -Exxx. Three special values ask the dispatcher for something else:
 *   SYSRET_PASS   run the host syscall natively, as the task's registers now say (the
 *                 handler may have rewritten them with task_regs_*).
 *   SYSRET_PARK   the handler queued the task on wait queues (task_wait_on) and called
 *                 task_block(); the task stays stopped and the handler runs again, from
 *                 the top with the same arguments, when a queue wakes it or the deadline
 *                 passes. A pending signal ends the wait (see task_block).
 *   SYSRET_DONE   the handler has already disposed of the task (it resumed it itself,
 *                 it exited, or exec replaced it): the dispatcher touches nothing.
 *
 * Handlers run on the Sentry's single event-loop thread. They never block, never touch
 * guest memory except through task_mem() and platform/guest_mem.h, and never abort on bad
 * input: a hostile argument is an errno. */
#ifndef CVISOR_SENTRY_SYSCALL_H
#define CVISOR_SENTRY_SYSCALL_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "common/waitq.h"

struct task;
struct guest_mem;
struct vfs_ctx;
struct vfs_cred;
struct vfs_fdtable;
struct vfs_fs_ctx;

struct syscall_args {
	long nr;
	uint64_t a[6];
};

typedef long (*syscall_fn)(struct task *t, const struct syscall_args *a);

#define SYSRET_PASS (-100000L)
#define SYSRET_PARK (-100001L)
#define SYSRET_DONE (-100002L)
#define SYSRET_IS_SPECIAL(r) ((r) <= -100000L && (r) >= -100002L)

/* Kernel-internal restart codes a handler may return for an interrupted call; the app
 * never sees them (signal.c turns them into EINTR or a restart, as Linux does). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* ---- what a handler may ask of its task ---- */
struct guest_mem *task_mem(struct task *t);
const struct vfs_cred *task_cred(struct task *t);
struct vfs_fdtable *task_fdt(struct task *t);
struct vfs_fs_ctx *task_fs(struct task *t);
/* Fills @c for a VFS call on behalf of @t (borrowed pointers, valid during the call). */
void task_vfs_ctx(struct task *t, struct vfs_ctx *c);
/* The task's ids as the app sees them (its pid namespace). */
int task_vtid(struct task *t);
int task_vpid(struct task *t);

/* Blocking. A handler that must wait:
 *     if (!ready) { task_wait_on(t, wq, EPOLLIN); return task_block(t, deadline, -ERESTARTSYS); }
 * task_wait_on may be called for several queues (poll). task_block returns SYSRET_PARK, or,
 * when the deadline (CLOCK_MONOTONIC ns, 0 = none) has already passed, -ETIMEDOUT after
 * dropping the queued waiters. When the task is woken the handler is re-run; it can ask
 * task_timed_out(t). If a signal the task does not block arrives while it waits, or is
 * already pending when it would park, the call ends with @intr: -ERESTARTSYS (restarted under SA_RESTART, else EINTR), -ERESTARTNOHAND
 * (EINTR if a handler runs), or -EINTR. */
int task_wait_on(struct task *t, struct waitq *wq, uint32_t events);
long task_block(struct task *t, int64_t deadline_ns, long intr);
bool task_timed_out(struct task *t);
/* Per-call scratch the handler keeps across re-runs (zeroed when the syscall starts). */
uint64_t *task_call_scratch(struct task *t); /* 8 words */
/* CLOCK_MONOTONIC now, in ns. */
int64_t sentry_now_ns(void);

#endif
