/* sentry/syscalls/sys_msg.c - System V message queues: msgget(2), msgsnd(2), msgrcv(2),
 * msgctl(2). The queues are the caller's IPC namespace's (sentry/ipc/sysv_msg.c); these
 * handlers copy messages and structures in and out, translate ids and pids to the
 * caller's view, and park on a full or empty queue (a queue removed meanwhile: EIDRM). */
#include "sentry/ipc/sysv_task.h"
#include "sentry/task.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ipc.h>
#include <sys/msg.h>

/* Parks on @wq (a re-run that finds the queue gone answers EIDRM). */
static long msg_park(struct task *t, struct waitq *wq, uint32_t events)
{
	task_call_scratch(t)[0] = 1;
	int err = task_wait_on(t, wq, events);
	return err ? err : task_block(t, 0, -ERESTARTNOHAND);
}

/* implements msgget(2) */
long sys_msgget(struct task *t, const struct syscall_args *a)
{
	struct sysv_caller c;
	struct sysv_ns *ns = task_sysv(t, &c);
	return ns ? msg_get(ns, &c, (int32_t)a->a[0], (int)a->a[1]) : -ENOMEM;
}

/* implements msgsnd(2) */
long sys_msgsnd(struct task *t, const struct syscall_args *a)
{
	int id = (int)a->a[0], flg = (int)a->a[3];
	uint64_t buf = a->a[1];
	long len = (long)a->a[2];
	long type;
	struct sysv_caller c;
	struct sysv_ns *ns;
	long r = sysv_enter(t, &c, &ns, false);
	if (r)
		return r;
	if (guest_copy_in(task_mem(t), &type, buf, sizeof(type)))
		return -EFAULT;
	if (len > ns->msg_ctlmax || len < 0 || id < 0 || type < 1)
		return -EINVAL;
	char *text = malloc(len ? (size_t)len : 1);
	if (!text)
		return -ENOMEM;
	if (guest_copy_in(task_mem(t), text, buf + sizeof(long), (size_t)len)) {
		free(text);
		return -EFAULT;
	}
	struct waitq *wq = NULL;
	r = msg_send(ns, &c, id, type, text, (size_t)len, &wq);
	free(text);
	if (r == -EINVAL && task_call_scratch(t)[0])
		return -EIDRM;
	if (r != -EAGAIN || (flg & IPC_NOWAIT))
		return r;
	return msg_park(t, wq, EPOLLOUT);
}

/* implements msgrcv(2): type selection (0, > 0, < 0, MSG_EXCEPT), MSG_NOERROR, MSG_COPY */
long sys_msgrcv(struct task *t, const struct syscall_args *a)
{
	int id = (int)a->a[0], flg = (int)a->a[4];
	uint64_t buf = a->a[1];
	long len = (long)a->a[2], type = (long)a->a[3];
	struct sysv_caller c;
	struct sysv_ns *ns;
	long r = sysv_enter(t, &c, &ns, id < 0 || len < 0);
	if (r)
		return r;
	if ((flg & MSG_COPY) && ((flg & MSG_EXCEPT) || !(flg & IPC_NOWAIT)))
		return -EINVAL;
	size_t max = (size_t)len;
	if ((flg & MSG_COPY) && max > (size_t)ns->msg_ctlmax)
		max = (size_t)ns->msg_ctlmax;
	struct msg_taken *m = NULL;
	struct waitq *wq = NULL;
	r = msg_receive(ns, &c, id, max, type, flg, &m, &wq);
	if (r == -EINVAL && task_call_scratch(t)[0])
		return -EIDRM;
	if (r == -EAGAIN)
		return (flg & IPC_NOWAIT) ? -ENOMSG : msg_park(t, wq, EPOLLIN);
	if (r)
		return r;
	long ret = (long)m->len;
	if (guest_copy_out(task_mem(t), buf, &m->type, sizeof(long)) ||
	    guest_copy_out(task_mem(t), buf + sizeof(long), m->text, m->len))
		ret = -EFAULT; /* the message is gone, as Linux's */
	free(m);
	return ret;
}

static const struct sysv_ctl_abi msg_abi = {
	.ds_size = sizeof(struct sysv_msqid_abi),
	.ipc_info_size = sizeof(struct sysv_msginfo_abi),
	.info_size = sizeof(struct sysv_msginfo_abi),
	.info_cmd = MSG_INFO, .stat_cmd = MSG_STAT, .stat_any_cmd = MSG_STAT_ANY,
};

/* implements msgctl(2): IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, MSG_INFO, MSG_STAT,
 * MSG_STAT_ANY */
long sys_msgctl(struct task *t, const struct syscall_args *a)
{
	int id = (int)a->a[0], cmd = (int)a->a[1];
	union {
		struct sysv_msqid_abi ds;
		struct sysv_msginfo_abi info;
	} u = { 0 };
	struct sysv_caller c;
	struct sysv_ns *ns;
	long r = sysv_enter(t, &c, &ns, id < 0 || cmd < 0);
	if (!r)
		r = sysv_ctl_in(t, &msg_abi, cmd, a->a[2], &u.ds);
	if (!r)
		r = msg_ctl(ns, &c, id, cmd, &u);
	if (r >= 0 && sysv_ctl_is_stat(&msg_abi, cmd)) {
		u.ds.lspid = sysv_pid_to_user(t, u.ds.lspid);
		u.ds.lrpid = sysv_pid_to_user(t, u.ds.lrpid);
	}
	return sysv_ctl_out(t, &msg_abi, cmd, a->a[2], &u, r);
}
