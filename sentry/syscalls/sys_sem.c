/* sentry/syscalls/sys_sem.c - System V semaphores: semget(2), semop(2), semtimedop(2),
 * semctl(2). The sets are the caller's IPC namespace's (sentry/ipc/sysv_sem.c); these
 * handlers copy operations and structures in and out, translate ids and pids, and park a
 * task whose operation must wait on the queue of the semaphore that blocked it (a signal
 * ends the wait with EINTR, as Linux's semop is never restarted; a set removed meanwhile:
 * EIDRM; semtimedop's timeout: EAGAIN). */
#include "sentry/ipc/sysv_task.h"
#include "sentry/task.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>

/* implements semget(2) */
long sys_semget(struct task *t, const struct syscall_args *a)
{
	struct sysv_caller c;
	struct sysv_ns *ns = task_sysv(t, &c);
	return ns ? sem_get(ns, &c, (int32_t)a->a[0], (int)a->a[1], (int)a->a[2]) : -ENOMEM;
}

/* The relative timeout at @ts_gaddr as a CLOCK_MONOTONIC deadline (0: none), computed at
 * the first run of the call and kept in the call scratch across re-runs. */
static int sem_deadline(struct task *t, uint64_t ts_gaddr, int64_t *out)
{
	uint64_t *s = task_call_scratch(t);
	*out = 0;
	if (!ts_gaddr)
		return 0;
	if (s[1]) {
		*out = (int64_t)s[1];
		return 0;
	}
	struct timespec ts;
	if (guest_copy_in(task_mem(t), &ts, ts_gaddr, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	int64_t rel = ts.tv_sec > INT64_MAX / 2000000000LL ? INT64_MAX / 2
							    : ts.tv_sec * 1000000000LL + ts.tv_nsec;
	int64_t d = sentry_now_ns() + rel;
	s[1] = (uint64_t)(d > 0 ? d : 1);
	*out = (int64_t)s[1];
	return 0;
}

/* implements semtimedop(2): SEM_UNDO, IPC_NOWAIT, blocking with a relative timeout */
long sys_semtimedop(struct task *t, const struct syscall_args *a)
{
	int id = (int)a->a[0];
	uint64_t nsops = a->a[2];
	struct sysv_caller c;
	struct sysv_ns *ns;
	long r = sysv_enter(t, &c, &ns, nsops < 1 || id < 0);
	if (r)
		return r;
	if (nsops > (uint64_t)ns->sem_ctls[2])
		return -E2BIG;
	struct sysv_sembuf_abi *ops = malloc(nsops * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	int64_t dl = 0;
	r = guest_copy_in(task_mem(t), ops, a->a[1], nsops * sizeof(*ops)) ? -EFAULT : 0;
	if (!r)
		r = sem_deadline(t, a->a[3], &dl);
	struct sysv_proc *proc = r ? NULL : tg_sysv(t->tg);
	if (!r && !proc)
		r = -ENOMEM;
	struct waitq *wq = NULL;
	if (!r)
		r = sem_op(ns, &c, proc, id, ops, (unsigned)nsops, &wq);
	free(ops);
	uint64_t *s = task_call_scratch(t);
	if (r == -EINVAL && s[0])
		return -EIDRM;
	if (r != 1)
		return r;
	if (dl && task_timed_out(t))
		return -EAGAIN;
	s[0] = 1;
	r = task_wait_on(t, wq, EPOLLIN);
	if (r)
		return r;
	r = task_block(t, dl, -EINTR);
	return r == -ETIMEDOUT ? -EAGAIN : r;
}

/* implements semop(2) */
long sys_semop(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = *a;
	b.a[3] = 0;
	return sys_semtimedop(t, &b);
}

static const struct sysv_ctl_abi sem_abi = {
	.ds_size = sizeof(struct sysv_semid_abi),
	.ipc_info_size = sizeof(struct sysv_seminfo_abi),
	.info_size = sizeof(struct sysv_seminfo_abi),
	.info_cmd = SEM_INFO, .stat_cmd = SEM_STAT, .stat_any_cmd = SEM_STAT_ANY,
};

/* GETALL / SETALL: the values of set @id in a new array (*@vals, of *@nbytes), copied
 * in from @gaddr for SETALL. 0, -EINVAL (no such set), -ENOMEM, -EFAULT. */
static long sem_values(struct task *t, struct sysv_ns *ns, int id, int cmd, uint64_t gaddr,
		       unsigned short **vals, size_t *nbytes)
{
	int n = sem_nsems(ns, id);
	if (n < 0)
		return n;
	*nbytes = (size_t)n * sizeof(**vals);
	*vals = calloc((size_t)n + 1, sizeof(**vals));
	if (!*vals)
		return -ENOMEM;
	if (cmd == SETALL && guest_copy_in(task_mem(t), *vals, gaddr, *nbytes))
		return -EFAULT;
	return 0;
}

/* implements semctl(2): GETVAL SETVAL GETALL SETALL GETPID GETNCNT GETZCNT IPC_STAT
 * IPC_SET IPC_RMID IPC_INFO SEM_INFO SEM_STAT SEM_STAT_ANY */
long sys_semctl(struct task *t, const struct syscall_args *a)
{
	int id = (int)a->a[0], semnum = (int)a->a[1], cmd = (int)a->a[2];
	uint64_t arg = a->a[3];
	union {
		struct sysv_semid_abi ds;
		struct sysv_seminfo_abi info;
	} u = { 0 };
	unsigned short *vals = NULL;
	size_t nbytes = 0;
	struct sysv_caller c;
	struct sysv_ns *ns;
	long r = sysv_enter(t, &c, &ns, id < 0 || cmd < 0);
	if (!r && (cmd == GETALL || cmd == SETALL))
		r = sem_values(t, ns, id, cmd, arg, &vals, &nbytes);
	else if (!r)
		r = sysv_ctl_in(t, &sem_abi, cmd, arg, &u.ds);
	if (!r)
		r = sem_ctl(ns, &c, id, semnum, cmd, (long)(int)arg, vals ? (void *)vals : &u);
	if (r >= 0 && cmd == GETALL && guest_copy_out(task_mem(t), arg, vals, nbytes))
		r = -EFAULT;
	else if (r >= 0 && cmd == GETPID)
		r = sysv_pid_to_user(t, (int)r);
	free(vals);
	return sysv_ctl_out(t, &sem_abi, cmd, arg, &u, r);
}
