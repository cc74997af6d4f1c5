/* sentry/clone.c - creating tasks: the native clone runs in the host with flags the Sentry
 * rewrote (sys_task.c); here the Sentry builds the new task's state at the clone event,
 * fixes the parent's return value and the ids written to app memory (virtual tids), and
 * releases the child at its first stop. The child's pid is allocated in the parent's
 * pid_for_children (CLONE_NEWPID: in a new pid namespace, where it is pid 1; pidns.c) and
 * the ids the parent and the child are told are in their own pid namespaces; the
 * CLONE_NEW* flags give it new namespaces (nsproxy.c). */
#include "sentry/task.h"
#include "sentry/nsproxy.h"
#include "sentry/cgroup.h"
#include "sentry/pidns.h"
#include "sentry/ipc/sysv_task.h"
#include "common/log.h"
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

void loop_new_task_ready(struct task *child);

static struct thread_group *fork_group(struct task *parent, pid_t child_tid, uint64_t flags,
				       int exit_signal, int vpid)
{
	struct thread_group *ptg = parent->tg, *tg = tg_new();
	if (!tg)
		return NULL;
	tg->vpid = vpid;
	tg->host_pid = child_tid;
	tg->parent = (flags & CLONE_PARENT) ? ptg->parent : ptg;
	if (tg->parent)
		list_add_tail(&tg->sibling, &tg->parent->children);
	tg->pgid = ptg->pgid;
	tg->sid = ptg->sid;
	/* CLONE_PARENT: a sibling of the cloner, with the cloner's own exit signal (Linux's
	 * copy_process: the flags' signal is for children of the caller only) */
	tg->exit_signal = (flags & CLONE_PARENT) ? ptg->exit_signal : exit_signal;
	tg->parent_exec_id = (flags & CLONE_PARENT) ? ptg->parent_exec_id : ptg->self_exec_id;
	tg->cred = ptg->cred;
	memcpy(tg->rlim, ptg->rlim, sizeof(tg->rlim));
	memcpy(tg->comm, ptg->comm, sizeof(tg->comm));
	tg->exe_file = ptg->exe_file;
	if (tg->exe_file)
		vfs_file_get(tg->exe_file);
	tg->arg_start = ptg->arg_start;
	tg->arg_end = ptg->arg_end;
	tg->env_start = ptg->env_start;
	tg->env_end = ptg->env_end;
	tg->no_new_privs = ptg->no_new_privs;
	tg->dumpable = ptg->dumpable;
	tg->cap_bounding = ptg->cap_bounding;
	tg->cap_permitted = ptg->cap_permitted;
	tg->cap_inheritable = ptg->cap_inheritable;
	tg->cap_ambient = ptg->cap_ambient;
	tg->securebits = ptg->securebits;
	tg->nice = ptg->nice;
	tg->oom_score_adj = ptg->oom_score_adj;
	tg->oom_score_adj_min = ptg->oom_score_adj_min;
	cgroup_tg_fork(tg, ptg);
	tg->cap_eff_ns = ptg->cap_eff_ns;
	tg->userns = ptg->userns;
	user_ns_get(tg->userns);
	pidns_new_group(tg);
	tg->personality = ptg->personality;
	if (sysv_tg_fork(tg, ptg, flags) < 0)
		log_err("out of memory copying the shm attachments of pid %d", tg->vpid);
	if (flags & CLONE_FILES) {
		vfs_fdtable_get(ptg->fdt);
		tg->fdt = ptg->fdt;
	} else {
		tg->fdt = vfs_fdtable_clone(ptg->fdt);
	}
	/* tg->fs and tg->mntns come from the cloning task (task_ns_fork, nsproxy.c) */
	if (flags & CLONE_SIGHAND) {
		ptg->sighand->refs++;
		tg->sighand = ptg->sighand;
	} else {
		tg->sighand = sighand_copy(ptg->sighand);
	}
	if (!tg->fdt || !tg->sighand)
		log_err("out of memory creating pid %d", tg->vpid);
	return tg;
}

void clone_on_event(struct task *parent, pid_t child_tid)
{
	struct task_clone_req *req = &parent->clone;
	struct task *child;

	if (!req->active) {
		/* A clone the Sentry did not ask for cannot happen; never leave it stopped. */
		log_err("unexpected clone event from tid %d", parent->vtid);
		plat->resume(child_tid, 0);
		plat->syscall_run(parent->host_tid, false);
		return;
	}
	cgroup_clone_unreserve(parent); /* the child's own pid charge replaces it */
	/* the child's pid: in the parent's pid_for_children, or in a new namespace */
	struct pid_ns *pns = parent->ns ? parent->ns->pid : pidns_root(), *newns = NULL;
	if (req->flags & CLONE_THREAD)
		pns = task_pidns(parent);
	if (req->flags & CLONE_NEWPID) {
		struct user_ns *owner = tg_userns(parent->tg);
		pns = newns = pid_ns_new(pns, owner); /* CLONE_NEWUSER: task_ns_fork re-owns it */
	}
	int vpid = pns ? pidns_alloc(pns) : -ENOMEM;
	pid_ns_put(newns); /* the pid record holds it now */
	if (vpid < 0) {
		child = NULL;
	} else if (req->flags & CLONE_THREAD) {
		child = task_new(child_tid, parent->tg, vpid);
	} else {
		struct thread_group *tg =
			fork_group(parent, child_tid, req->flags, req->exit_signal, vpid);
		child = tg ? task_new(child_tid, tg, tg->vpid) : NULL;
	}
	if (child && task_ns_fork(child, parent, req->flags) < 0) {
		log_err("out of memory for the namespaces of tid %d", child->vtid);
		child = NULL; /* the pid table keeps it until its host thread is gone */
	}
	if (!child) {
		plat->kill(child_tid, SIGKILL);
		plat->syscall_run(parent->host_tid, true);
		return;
	}
	memcpy(child->comm, parent->comm, sizeof(child->comm));
	seccomp_task_inherit(child, parent); /* the host copied the filters with the clone */
	if (req->flags & CLONE_PARENT_SETTID) {
		/* Now, while the child is still stopped: once it runs it may exit and have the
		 * host clear this very word (glibc passes the same address as ctid). */
		int v = pidns_nr(child->vtid, task_pidns(parent));
		guest_copy_out(&parent->mem, req->ptid_gaddr, &v, sizeof(v));
	}
	if (req->flags & CLONE_PIDFD) {
		/* Checked before the host clone; only a thread sharing the table, filling it
		 * meanwhile, or no memory leaves the parent without it. */
		int fd = pidfd_clone_install(parent, child->tg, req->pidfd_gaddr);
		if (fd < 0)
			log_err("no pidfd for pid %d (errno %d)", child->tg->vpid, -fd);
	}
	if (req->flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = req->ctid_gaddr;
	child->clone = *req; /* the child fixes CLONE_CHILD_SETTID at its first stop */
	req->child_tid = child_tid;
	req->active = false;
	parent->clone.child_tid = pidns_nr(child->vtid, task_pidns(parent));
	/* On to the parent's syscall exit, where its return value becomes the virtual tid. */
	plat->syscall_run(parent->host_tid, true);
	loop_new_task_ready(child);
}

static void restore_args(struct task *t, const uint64_t *a)
{
	struct user_regs_struct *r = &t->regs.r;
	r->rdi = a[0];
	r->rsi = a[1];
	r->rdx = a[2];
	r->r10 = a[3];
	r->r8 = a[4];
	r->r9 = a[5];
	t->regs_dirty = true;
}

void clone_on_child_stop(struct task *child)
{
	if (plat->regs_get(child->host_tid, &child->regs) == 0)
		restore_args(child, child->clone.app_args);
	if (child->clone.flags & CLONE_CHILD_SETTID) {
		int v = pidns_nr(child->vtid, task_pidns(child));
		guest_copy_out(&child->mem, child->clone.ctid_gaddr, &v, sizeof(v));
	}
	child->clone.active = false;
	task_resume(child, 0);
}

/* do_clone's pids.max check (sentry/cgroup.c): 0, or -EAGAIN when the caller's cgroup or
 * an ancestor is at its limit; the pid stays reserved until the clone event. */
long clone_check_pids(struct task *t)
{
	return cgroup_clone_reserve(t);
}

/* At the parent's clone exit: host tid -> virtual tid. */
void clone_exit_fixup(struct task *t)
{
	long r = (long)t->regs.r.rax;
	if (r > 0) {
		int v = t->clone.child_tid; /* ptid was written at the clone event */
		t->regs.r.rax = (uint64_t)v;
		t->regs_dirty = true;
	}
	restore_args(t, t->clone.app_args);
	t->clone.active = false;
	cgroup_clone_unreserve(t); /* a clone that failed in the host */
	if (sandbox.strace)
		strace_print(t, (long)t->regs.r.rax);
}
