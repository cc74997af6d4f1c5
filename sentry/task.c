/* sentry/task.c - the pid table and the life cycle of tasks and thread groups:
 * creation, death of host threads, zombies, reparenting, reaping.
 * Must not resume tasks itself (dispatch.c does) nor deliver signals (signal.c does). */
#include "sentry/task.h"
#include "sentry/exec.h"
#include "sentry/cgroup.h"
#include "sentry/nsproxy.h"
#include "sentry/pidns.h"
#include "sentry/ipc/sysv_task.h"
#include "vfs/tty.h"
#include "common/log.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define HASH_SIZE 1024
static struct list_head tid_hash[HASH_SIZE];
static bool hash_ready;
static int next_vpid = 1;
struct list_head all_groups = LIST_HEAD_INIT(all_groups);
struct thread_group *init_tg;
int live_host_threads;

static void hash_init(void)
{
	if (hash_ready)
		return;
	for (int i = 0; i < HASH_SIZE; i++)
		list_init(&tid_hash[i]);
	hash_ready = true;
}

struct task *task_by_host_tid(pid_t tid)
{
	struct task *t;
	hash_init();
	list_for_each_entry(t, &tid_hash[tid % HASH_SIZE], hash_link)
		if (t->host_tid == tid)
			return t;
	return NULL;
}

struct task *task_by_vtid(int vtid)
{
	struct thread_group *tg;
	struct task *t;
	list_for_each_entry(tg, &all_groups, all_link)
		list_for_each_entry(t, &tg->threads, tg_link)
			if (t->vtid == vtid && t->state != TASK_DEAD)
				return t;
	return NULL;
}

struct thread_group *tg_by_vpid(int vpid)
{
	struct thread_group *tg;
	list_for_each_entry(tg, &all_groups, all_link)
		if (tg->vpid == vpid)
			return tg;
	return NULL;
}

bool pid_in_use(int v)
{
	struct thread_group *tg;
	struct task *t;
	list_for_each_entry(tg, &all_groups, all_link) {
		if (tg->vpid == v || tg->pgid == v || tg->sid == v)
			return true;
		list_for_each_entry(t, &tg->threads, tg_link)
			if (t->vtid == v)
				return true;
	}
	return false;
}

bool pgrp_is_orphaned(int pgid, const struct thread_group *ignored)
{
	struct thread_group *g;
	list_for_each_entry(g, &all_groups, all_link) {
		if (g->pgid != pgid || g == ignored || g->zombie || !g->parent)
			continue;
		if (g->parent->pgid != pgid && g->parent->sid == g->sid)
			return false;
	}
	return true;
}

static bool pgrp_has_stopped(int pgid)
{
	struct thread_group *g;
	struct task *t;
	list_for_each_entry(g, &all_groups, all_link) {
		if (g->pgid != pgid || g->zombie)
			continue;
		list_for_each_entry(t, &g->threads, tg_link)
			if (t->state == TASK_GROUP_STOPPED)
				return true;
	}
	return false;
}

/* Linux's kill_orphaned_pgrp (POSIX): when @tg's exit (@father NULL) or its move away
 * from @father (reparenting) leaves @tg's process group without a link to another group
 * of its session and a member of it is stopped, the group gets SIGHUP then SIGCONT (its
 * shell is gone: nobody would ever continue it). */
static void orphaned_pgrp_hangup(struct thread_group *tg, struct thread_group *father)
{
	struct thread_group *parent = father ? father : tg->parent;
	if (!parent || parent->pgid == tg->pgid || parent->sid != tg->sid)
		return;
	if (!pgrp_is_orphaned(tg->pgid, father ? NULL : tg) || !pgrp_has_stopped(tg->pgid))
		return;
	signal_send_pgrp(tg->pgid, SIGHUP);
	signal_send_pgrp(tg->pgid, SIGCONT);
}

int pid_alloc(void)
{
	for (;;) {
		int v = next_vpid++;
		if (next_vpid > 4194304)
			next_vpid = 300;
		if (!pid_in_use(v) && !pidns_of(v)->level)
			return v;
	}
}

struct thread_group *tg_new(void)
{
	struct thread_group *tg = calloc(1, sizeof(*tg));
	if (!tg)
		return NULL;
	list_init(&tg->threads);
	list_init(&tg->children);
	list_init(&tg->sibling);
	list_init(&tg->sigqueue);
	waitq_init(&tg->child_wq);
	tg->exit_signal = SIGCHLD;
	tg->dumpable = 1;
	tg->start_time_ns = stimer_now_ns();
	list_add_tail(&tg->all_link, &all_groups);
	cgroup_tg_init(tg);
	return tg;
}

struct task *task_new(pid_t host_tid, struct thread_group *tg, int vtid)
{
	struct task *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	hash_init();
	t->host_tid = host_tid;
	t->vtid = vtid;
	t->tg = tg;
	t->state = TASK_NEW;
	list_init(&t->sigqueue);
	list_init(&t->run_link);
	guest_mem_init(&t->mem, host_tid);
	stimer_init(&t->park_timer, NULL, t);
	list_add_tail(&t->tg_link, &tg->threads);
	list_add(&t->hash_link, &tid_hash[host_tid % HASH_SIZE]);
	tg->nlive++;
	live_host_threads++;
	if (!tg->leader)
		tg->leader = t;
	if (task_ns_init(t) < 0)
		log_err("out of memory for the namespaces of tid %d", vtid);
	cgroup_task_init(t);
	return t;
}

/* Rebinds @t to host tid @tid (a non-leader exec took over the leader's tid). */
void task_rehash(struct task *t, pid_t tid)
{
	list_del(&t->hash_link);
	t->host_tid = tid;
	guest_mem_release(&t->mem);
	guest_mem_init(&t->mem, tid);
	list_add(&t->hash_link, &tid_hash[tid % HASH_SIZE]);
}

static void sigqueue_flush(struct list_head *q)
{
	struct sigqueue_entry *e, *tmp;
	list_for_each_entry_safe(e, tmp, q, link) {
		list_del(&e->link);
		free(e);
	}
}

void task_free(struct task *t)
{
	task_unpark(t);
	task_ns_exit(t);
	list_del(&t->run_link);
	list_del(&t->hash_link);
	list_del(&t->tg_link);
	guest_mem_release(&t->mem);
	sigqueue_flush(&t->sigqueue);
	free(t->waiters);
	exec_state_free(t->exec);
	seccomp_task_release(t);
	cgroup_task_release(t);
	int vtid = t->vtid;
	free(t);
	pidns_release(vtid);
}

void tg_put_resources(struct thread_group *tg)
{
	if (tg->fdt)
		vfs_fdtable_put(tg->fdt);
	if (tg->fs)
		vfs_fs_ctx_put(tg->fs);
	if (tg->mntns)
		vfs_mntns_put(tg->mntns);
	if (tg->sighand)
		sighand_put(tg->sighand);
	if (tg->exe_file)
		vfs_file_put(tg->exe_file);
	tg->exe_file = NULL;
	tg->fdt = NULL;
	tg->fs = NULL;
	tg->mntns = NULL;
	tg->sighand = NULL;
}

/* Drops @tg's user namespace (at reap: /proc still translates a zombie's ids). */
static void tg_put_userns(struct thread_group *tg)
{
	user_ns_put(tg->userns);
	tg->userns = NULL;
}

/* Gives @tg's children to their new reaper. One child at a time from the head: reaping
 * one (an auto-reaped zombie) may finish a namespace's pid 1 that is another child here,
 * which then leaves the list by itself. */
static void reparent_children(struct thread_group *tg)
{
	struct thread_group *c;
	struct thread_group *reaper = pidns_find_reaper(tg);
	while (!list_empty(&tg->children)) {
		c = list_first_entry(&tg->children, struct thread_group, sibling);
		list_del(&c->sibling);
		if (!reaper || reaper == tg) {
			/* nobody will wait for it (a dying namespace's pid 1 had it) */
			c->parent = NULL;
			if (c->zombie && !c->ns_exit_pending)
				tg_reap(c);
			continue;
		}
		c->parent = reaper;
		list_add_tail(&c->sibling, &reaper->children);
		/* PR_SET_PDEATHSIG of the child's threads fires on the parent's death */
		struct task *ct;
		list_for_each_entry(ct, &c->threads, tg_link) {
			if (ct->pdeath_sig && ct->state != TASK_DEAD) {
				siginfo_t si;
				signal_info_user(&si, ct->pdeath_sig, SI_USER, NULL);
				signal_send_task(ct, &si);
			}
		}
		/* Linux's reparent_leader: an adopted child's death sends SIGCHLD whatever it
		 * was cloned with (no exit signal of a stranger slays a pid 1 or a subreaper),
		 * and a zombie is announced to its new parent, which may auto-reap it */
		c->exit_signal = SIGCHLD;
		if (c->zombie && !c->ns_exit_pending)
			tg_death_notify(c);
		else if (c->zombie)
			waitq_wake(&reaper->child_wq, 1);
		else
			orphaned_pgrp_hangup(c, tg);
	}
}

static bool parent_autoreaps(struct thread_group *parent, int exit_signal)
{
	if (!parent || !parent->sighand)
		return false;
	if (exit_signal != SIGCHLD)
		return false;
	return parent->sighand->action[SIGCHLD].handler == (uint64_t)(uintptr_t)SIG_IGN ||
	       (parent->sighand->action[SIGCHLD].flags & SA_NOCLDWAIT);
}

/* The last thread of @tg died: it becomes a zombie, or is reaped at once. */
static void tg_died(struct thread_group *tg, int status)
{
	tg->zombie = true;
	tg->wait_status = status;
	cgroup_tg_exit(tg);
	pidfd_group_exit();
	tty_ctl_group_exit(tg);
	log_debug("pid %d exited, status 0x%x", tg->vpid, status);
	if (tg->alarm_timer.fn)
		stimer_cancel(&tg->alarm_timer);
	ptimers_release(tg);
	sysv_tg_exit(tg);
	sigqueue_flush(&tg->sigqueue);
	reparent_children(tg);
	orphaned_pgrp_hangup(tg, NULL);
	tg_put_resources(tg);
	if (tg == init_tg) {
		loop_request_exit(status);
		return;
	}
	if (pidns_init_died(tg)) {
		tg->ns_exit_pending = true; /* pidns_group_reaped finishes it */
		return;
	}
	tg_death_notify(tg);
}

void tg_death_notify(struct thread_group *tg)
{
	struct thread_group *parent = tg->parent;
	int status = tg->wait_status;
	if (!parent) {
		tg_reap(tg);
		return;
	}
	int sig = tg->exit_signal;
	if (sig > 0 && sig != SIGCHLD && tg->parent_exec_id != parent->self_exec_id)
		sig = SIGCHLD; /* the parent exec'd since the clone (Linux's do_notify_parent) */
	if (sig > 0) { /* the host drops it if ignored and not blocked */
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		si.si_signo = sig;
		si.si_pid = tg->vpid;
		si.si_uid = tg->cred.uid;
		if (WIFEXITED(status)) {
			si.si_code = CLD_EXITED;
			si.si_status = WEXITSTATUS(status);
		} else {
			si.si_code = WCOREDUMP(status) ? CLD_DUMPED : CLD_KILLED;
			si.si_status = WTERMSIG(status);
		}
		signal_send_group(parent, &si);
	}
	if (parent_autoreaps(parent, sig)) {
		tg_reap(tg);
		waitq_wake(&parent->child_wq, 1);
		return;
	}
	waitq_wake(&parent->child_wq, 1);
}

void task_host_dead(struct task *t, int status)
{
	struct thread_group *tg = t->tg;
	bool last;

	if (t->state == TASK_DEAD)
		return;
	t->state = TASK_DEAD;
	task_ns_exit(t);
	live_host_threads--;
	tg->nlive--;
	last = tg->nlive == 0;
	if (!last) {
		if (t != tg->leader)
			task_free(t);
		return;
	}
	/* exit_group or the last thread: the process's status is this one. */
	task_unpark(t);
	tg_died(tg, seccomp_exit_status(t, status));
}

void tg_reap(struct thread_group *tg)
{
	struct task *t, *tmp;
	list_for_each_entry_safe(t, tmp, &tg->threads, tg_link)
		task_free(t);
	if (!list_empty(&tg->sibling))
		list_del(&tg->sibling);
	list_del(&tg->all_link);
	tg_put_resources(tg);
	if (tg == init_tg)
		init_tg = NULL;
	signalfd_group_gone(tg);
	cgroup_tg_release(tg);
	pidns_group_reaped(tg);
	tg_put_userns(tg);
	int vpid = tg->vpid, pgid = tg->pgid, sid = tg->sid;
	free(tg);
	pidns_release(vpid);
	pidns_release(pgid);
	pidns_release(sid);
	pidfd_group_exit();
}

/* ---- accessors of sentry/syscall.h ---- */
struct guest_mem *task_mem(struct task *t)
{
	return &t->mem;
}

const struct vfs_cred *task_cred(struct task *t)
{
	return &t->tg->cred;
}

struct vfs_fdtable *task_fdt(struct task *t)
{
	return t->tg->fdt;
}

struct vfs_fs_ctx *task_fs(struct task *t)
{
	return t->fs ? t->fs : t->tg->fs;
}

void task_vfs_ctx(struct task *t, struct vfs_ctx *c)
{
	c->cred = &t->tg->cred;
	c->fs = task_fs(t);
	c->mntns = t->ns ? t->ns->mnt : t->tg->mntns;
	c->fdt = t->tg->fdt;
	c->mem = &t->mem;
	c->pid = t->tg->vpid;
	c->tid = t->vtid;
	c->cgroup = t->tg->cgroup;
}

int task_vtid(struct task *t)
{
	return t->vtid;
}

int task_vpid(struct task *t)
{
	return t->tg->vpid;
}

uint64_t *task_call_scratch(struct task *t)
{
	return t->scratch;
}

int64_t sentry_now_ns(void)
{
	return stimer_now_ns();
}
