/* sentry/cgroup.c - thread groups in the cgroup v2 hierarchy: membership (a reference
 * from each thread group, inherited at fork), pids charges (one per task, checked
 * against pids.max before a clone runs), migration through cgroup.procs, the freezer
 * (cgroup.freeze → sentry/freeze.c), and the host facts cgroupfs shows (RSS and CPU time
 * of the stubs, read from the host's /proc/<host pid>/{stat,status}).
 *
 * Owns tg->cgroup, task->pids_cg, task->clone.pids_cg and tg->cg_frozen. Must not
 * resume tasks itself (freeze.c does). */
#include "sentry/cgroup.h"
#include "sentry/bpf/bpf_cgroup.h"
#include "sentry/freeze.h"
#include "sentry/nsproxy.h"
#include "sentry/pidns.h"
#include "vfs/fs/cgroupfs.h"
#include "common/log.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern struct task *sentry_current_task __attribute__((weak));

static const struct cgroupfs_host_ops sentry_cgroup_ops;

struct cgroup *cgroup_of(const struct thread_group *tg)
{
	return tg->cgroup ? tg->cgroup : cgroup_root();
}

/* The group's freeze follows its cgroup's effective cgroup.freeze. */
static void sync_freeze(struct thread_group *tg)
{
	bool want = !tg->zombie && tg->cgroup && cgroup_freeze_effective(tg->cgroup);
	if (want == tg->cg_frozen)
		return;
	tg->cg_frozen = want;
	if (want)
		freeze_tg(tg);
	else
		thaw_tg(tg);
}

void cgroup_tg_init(struct thread_group *tg)
{
	static bool registered;
	if (!registered) {
		cgroupfs_set_host_ops(&sentry_cgroup_ops);
		registered = true;
	}
	struct cgroup *root = cgroup_root();
	if (!root)
		return; /* out of memory: cgroup_of() answers the root later */
	cgroup_get(root);
	tg->cgroup = root;
	tg->cg_live = true;
	cgroup_proc_enter(root);
}

void cgroup_tg_fork(struct thread_group *tg, struct thread_group *parent)
{
	if (parent->cgroup && tg->cgroup != parent->cgroup)
		cgroup_tg_migrate(tg, parent->cgroup);
}

void cgroup_tg_exit(struct thread_group *tg)
{
	if (tg->cg_live && tg->cgroup)
		cgroup_proc_leave(tg->cgroup);
	tg->cg_live = false;
	if (tg->cg_frozen) {
		tg->cg_frozen = false;
		thaw_tg(tg);
	}
}

void cgroup_tg_release(struct thread_group *tg)
{
	cgroup_tg_exit(tg);
	if (tg->cgroup)
		cgroup_put(tg->cgroup);
	tg->cgroup = NULL;
}

void cgroup_task_init(struct task *t)
{
	struct cgroup *cg = cgroup_of(t->tg);
	if (!cg)
		return;
	cgroup_get(cg);
	cgroup_pids_force_charge(cg);
	t->pids_cg = cg;
	freeze_task_new(t);
}

void cgroup_task_release(struct task *t)
{
	if (t->pids_cg) {
		cgroup_pids_uncharge(t->pids_cg);
		cgroup_put(t->pids_cg);
		t->pids_cg = NULL;
	}
	cgroup_clone_unreserve(t);
}

int cgroup_clone_reserve(struct task *t)
{
	struct cgroup *cg = cgroup_of(t->tg);
	cgroup_clone_unreserve(t);
	if (!cg)
		return 0;
	int err = cgroup_pids_try_charge(cg);
	if (err)
		return err;
	cgroup_get(cg);
	t->clone.pids_cg = cg;
	return 0;
}

void cgroup_clone_unreserve(struct task *t)
{
	struct cgroup *cg = t->clone.pids_cg;
	if (!cg)
		return;
	t->clone.pids_cg = NULL;
	cgroup_pids_uncharge(cg);
	cgroup_put(cg);
}

void cgroup_tg_migrate(struct thread_group *tg, struct cgroup *cg)
{
	struct cgroup *old = tg->cgroup;
	struct task *t;
	if (old == cg)
		return;
	cgroup_get(cg);
	list_for_each_entry(t, &tg->threads, tg_link)
	{
		if (!t->pids_cg)
			continue;
		cgroup_pids_uncharge(t->pids_cg);
		cgroup_put(t->pids_cg);
		cgroup_get(cg);
		cgroup_pids_force_charge(cg);
		t->pids_cg = cg;
	}
	if (tg->cg_live && old)
		cgroup_proc_leave(old);
	tg->cgroup = cg;
	if (tg->cg_live)
		cgroup_proc_enter(cg);
	if (old)
		cgroup_put(old);
	sync_freeze(tg);
}

/* ---- cgroupfs's questions ---- */

/* cgroup.procs and cgroup.threads list pids in the reader's pid namespace, leaving out
 * what it cannot see (0), as Linux; without a reader (unit tests), sandbox-level ones. */
static void ops_list(struct cgroup *cg, bool threads, struct proc_buf *b)
{
	struct thread_group *tg;
	struct task *t;
	struct pid_ns *ns = sentry_current_task ? task_pidns(sentry_current_task) : NULL;
	list_for_each_entry(tg, &all_groups, all_link)
	{
		if (tg->zombie || cgroup_of(tg) != cg)
			continue;
		if (!threads) {
			int nr = ns ? pidns_nr(tg->vpid, ns) : tg->vpid;
			if (nr > 0)
				proc_buf_printf(b, "%d\n", nr);
			continue;
		}
		list_for_each_entry(t, &tg->threads, tg_link) if (t->state != TASK_DEAD)
		{
			int nr = ns ? pidns_nr(t->vtid, ns) : t->vtid;
			if (nr > 0)
				proc_buf_printf(b, "%d\n", nr);
		}
	}
}

static int ops_attach(struct cgroup *cg, int pid, bool thread)
{
	/* @pid is a number in the writer's pid namespace */
	if (pid && sentry_current_task) {
		pid = pidns_find(pid, task_pidns(sentry_current_task));
		if (pid <= 0)
			return -ESRCH;
	}
	struct task *t =
	    pid ? task_by_vtid(pid) : (&sentry_current_task ? sentry_current_task : NULL);
	if (!t || t->tg->zombie || t->tg->group_exiting)
		return -ESRCH;
	if (thread) /* threaded cgroups do not exist: a thread stays in its process's */
		return cgroup_of(t->tg) == cg ? 0 : -EOPNOTSUPP;
	cgroup_tg_migrate(t->tg, cg);
	return 0;
}

/* "Key:   123 kB" of a host status text, in bytes. */
static uint64_t status_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	if (!p)
		return 0;
	p += strlen(key);
	while (*p == ' ' || *p == '\t' || *p == ':')
		p++;
	return strtoull(p, NULL, 10) * 1024;
}

static void add_host_usage(const struct thread_group *tg, struct cgroup_usage *u)
{
	char path[64];
	struct proc_buf b = {0};
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tg->host_pid);
	if (proc_read_host(path, &b) == 0 && b.data) {
		u->rss += status_kb(b.data, "\nVmRSS");
		u->anon += status_kb(b.data, "\nRssAnon");
		u->file += status_kb(b.data, "\nRssFile");
		u->shmem += status_kb(b.data, "\nRssShmem");
		u->pagetables += status_kb(b.data, "\nVmPTE");
	}
	proc_buf_free(&b);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tg->host_pid);
	struct proc_host_stat hs;
	memset(&hs, 0, sizeof(hs));
	if (proc_read_host(path, &b) == 0 && b.data && proc_host_stat_parse(b.data, &hs) == 0) {
		long hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0)
			hz = 100;
		u->user_usec += (uint64_t)hs.utime * 1000000ULL / (uint64_t)hz;
		u->system_usec += (uint64_t)hs.stime * 1000000ULL / (uint64_t)hz;
	}
	proc_buf_free(&b);
	const struct task *t;
	list_for_each_entry(t, &tg->threads, tg_link) if (t->state != TASK_DEAD) u->kernel_stack +=
	    16384; /* THREAD_SIZE of x86-64: one stack a thread */
}

static void ops_usage(struct cgroup *cg, struct cgroup_usage *u)
{
	struct thread_group *tg;
	list_for_each_entry(tg, &all_groups, all_link) if (!tg->zombie && tg->nlive > 0 &&
							   cgroup_is_ancestor(cg, cgroup_of(tg)))
	    add_host_usage(tg, u);
}

static void ops_freeze_sync(void)
{
	struct thread_group *tg;
	list_for_each_entry(tg, &all_groups, all_link) sync_freeze(tg);
}

/* Every group is asked (not just up to the first that runs): asking re-kicks tasks whose
 * freeze kick was lost. */
static bool ops_subtree_frozen(struct cgroup *cg)
{
	struct thread_group *tg;
	bool frozen = true;
	list_for_each_entry(tg, &all_groups, all_link) if (!tg->zombie &&
							   cgroup_is_ancestor(cg, cgroup_of(tg)) &&
							   !freeze_tg_is_frozen(tg)) frozen = false;
	return frozen;
}

static void ops_kill(struct cgroup *cg)
{
	struct thread_group *tg;
	siginfo_t si;
	signal_info_user(&si, SIGKILL, SI_KERNEL, NULL);
	list_for_each_entry(tg, &all_groups,
			    all_link) if (!tg->zombie && cgroup_is_ancestor(cg, cgroup_of(tg)))
	    signal_send_group(tg, &si);
}

static struct cgroup *ops_of_pid(int pid)
{
	struct thread_group *tg = tg_by_vpid(pid);
	struct cgroup *cg = tg ? cgroup_of(tg) : NULL;
	if (cg)
		cgroup_get(cg);
	return cg;
}

static struct cgroup *ops_ns_root(void)
{
	struct task *t = &sentry_current_task ? sentry_current_task : NULL;
	return t && t->ns && t->ns->cgroup ? t->ns->cgroup->root : NULL;
}

static const struct cgroupfs_host_ops sentry_cgroup_ops = {
    .ns_root = ops_ns_root,
    .list = ops_list,
    .attach = ops_attach,
    .usage = ops_usage,
    .freeze_sync = ops_freeze_sync,
    .subtree_frozen = ops_subtree_frozen,
    .kill = ops_kill,
    .of_pid = ops_of_pid,
    .removed = bpf_cgroup_release,
};
