/* sentry/ipc/sysv_task.c - the Sentry's side of SysV IPC (see sysv_task.h): which tables a
 * task uses, who it is to them, its per-process state over fork/exec/exit, and the
 * translations of ids and pids at the boundary. Must not touch guest memory. */
#include "sentry/ipc/sysv_task.h"
#include "sentry/nsproxy.h"
#include "sentry/pidns.h"
#include "sentry/task.h"
#include "vfs/fs/mqueue.h"
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define CAP_IPC_LOCK_BIT 14
#define CAP_IPC_OWNER_BIT 15
#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYS_RESOURCE_BIT 24

extern struct task *sentry_current_task __attribute__((weak));

/* The IPC namespace of @t (the sandbox's initial one for NULL) with its tables made. */
static struct ipc_ns *task_ipc(struct task *t)
{
	struct ipc_ns *ipc = t && t->ns && t->ns->ipc ? t->ns->ipc : ipc_ns_init();
	if (!ipc->sysv)
		ipc->sysv = sysv_ns_new();
	return ipc;
}

struct sysv_ns *task_sysv(struct task *t, struct sysv_caller *c)
{
	struct ipc_ns *ipc = task_ipc(t);
	if (c && ipc->sysv) {
		struct thread_group *tg = t->tg;
		const struct user_ns *owner = ipc->ns.owner;
		c->euid = tg->cred.euid;
		c->egid = tg->cred.egid;
		c->ngroups = tg->cred.ngroups;
		c->groups = tg->cred.groups;
		c->cap_ipc_owner = ns_capable(tg, owner, CAP_IPC_OWNER_BIT);
		c->cap_sys_admin = ns_capable(tg, owner, CAP_SYS_ADMIN_BIT);
		c->cap_sys_resource = ns_capable(tg, owner, CAP_SYS_RESOURCE_BIT);
		c->cap_ipc_lock = ns_capable(tg, owner, CAP_IPC_LOCK_BIT);
		c->pid = tg->vpid;
	}
	return ipc->sysv;
}

/* sysv_shm_mapped for a thread group: its stub's host maps name the segment's memfd
 * (device and inode) somewhere in the range. Unknown (no live thread, no maps): true. */
static bool tg_maps_segment(void *owner, uint64_t addr, uint64_t len, int fd)
{
	struct thread_group *tg = owner;
	struct task *t, *live = NULL;
	struct stat st;
	char path[64], line[512];
	list_for_each_entry(t, &tg->threads, tg_link)
		if (t->state != TASK_DEAD && !live)
			live = t;
	if (!live || fstat(fd, &st) < 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)live->host_tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return true;
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, ino;
		unsigned maj, min;
		if (sscanf(line, "%llx-%llx %*s %*x %x:%x %llu", &start, &end, &maj, &min, &ino) == 5)
			found = ino == st.st_ino && makedev(maj, min) == st.st_dev && start < addr + len &&
				end > addr;
	}
	fclose(f);
	return found;
}

struct sysv_proc *tg_sysv(struct thread_group *tg)
{
	if (!tg->sysv && (tg->sysv = sysv_proc_new())) {
		tg->sysv->owner = tg;
		tg->sysv->pid = tg->vpid;
		sysv_shm_mapped = tg_maps_segment;
	}
	return tg->sysv;
}

int sysv_tg_fork(struct thread_group *child, struct thread_group *parent, uint64_t flags)
{
	if ((flags & CLONE_VM) || !parent->sysv || list_empty(&parent->sysv->attaches))
		return 0;
	if (!tg_sysv(child))
		return -ENOMEM;
	return sysv_proc_fork(child->sysv, parent->sysv, parent->vpid);
}

void sysv_tg_exec(struct thread_group *tg)
{
	if (tg->sysv)
		sysv_proc_detach_all(tg->sysv, tg->vpid);
}

void sysv_tg_exit(struct thread_group *tg)
{
	sysv_proc_free(tg->sysv, tg->vpid);
	tg->sysv = NULL;
}

void sysv_tg_undo(struct thread_group *tg)
{
	if (tg->sysv)
		sysv_proc_undo(tg->sysv, tg->vpid);
}

void sysv_perm_to_user(struct task *t, struct sysv_perm_abi *p)
{
	const struct user_ns *ns = tg_userns(t->tg);
	p->uid = userns_from_uid(ns, p->uid);
	p->cuid = userns_from_uid(ns, p->cuid);
	p->gid = userns_from_gid(ns, p->gid);
	p->cgid = userns_from_gid(ns, p->cgid);
}

int sysv_perm_from_user(struct task *t, struct sysv_perm_abi *p)
{
	const struct user_ns *ns = tg_userns(t->tg);
	uint32_t uid = userns_make_uid(ns, p->uid), gid = userns_make_gid(ns, p->gid);
	if (uid == (uint32_t)-1 || gid == (uint32_t)-1)
		return -EINVAL;
	p->uid = uid;
	p->gid = gid;
	return 0;
}

int sysv_pid_to_user(struct task *t, int pid)
{
	return pid > 0 ? pidns_nr(pid, task_pidns(t)) : 0;
}

long sysv_enter(struct task *t, struct sysv_caller *c, struct sysv_ns **ns, bool bad_args)
{
	*ns = task_sysv(t, c);
	if (!*ns)
		return -ENOMEM;
	return bad_args ? -EINVAL : 0;
}

bool sysv_ctl_is_stat(const struct sysv_ctl_abi *abi, int cmd)
{
	return cmd == IPC_STAT || cmd == abi->stat_cmd || cmd == abi->stat_any_cmd;
}

long sysv_ctl_in(struct task *t, const struct sysv_ctl_abi *abi, int cmd, uint64_t gaddr,
		 void *ds)
{
	if (cmd != IPC_SET)
		return 0;
	if (guest_copy_in(task_mem(t), ds, gaddr, abi->ds_size))
		return -EFAULT;
	return sysv_perm_from_user(t, ds);
}

long sysv_ctl_out(struct task *t, const struct sysv_ctl_abi *abi, int cmd, uint64_t gaddr,
		  void *buf, long r)
{
	size_t size = 0;
	if (r < 0)
		return r;
	if (sysv_ctl_is_stat(abi, cmd)) {
		sysv_perm_to_user(t, buf); /* the ipc_perm is the structure's first member */
		size = abi->ds_size;
	} else if (cmd == IPC_INFO) {
		size = abi->ipc_info_size;
	} else if (cmd == abi->info_cmd) {
		size = abi->info_size;
	}
	return size && guest_copy_out(task_mem(t), gaddr, buf, size) ? -EFAULT : r;
}

/* ---- procfs ---- */

static struct task *reader(void)
{
	return &sentry_current_task ? sentry_current_task : NULL;
}

static uint32_t view_uid(void *arg, uint32_t kid)
{
	return arg ? userns_from_uid(tg_userns(((struct task *)arg)->tg), kid) : kid;
}

static uint32_t view_gid(void *arg, uint32_t kid)
{
	return arg ? userns_from_gid(tg_userns(((struct task *)arg)->tg), kid) : kid;
}

static int view_pid(void *arg, int pid)
{
	return arg ? sysv_pid_to_user(arg, pid) : pid;
}

/* The reader's namespace tables (the sandbox's initial ones without a reader). */
static struct sysv_ns *reader_sysv(void)
{
	return task_ipc(reader())->sysv;
}

int sysv_proc_show(int kind, struct proc_buf *b)
{
	struct sysv_ns *ns = reader_sysv();
	if (!ns)
		return -ENOMEM;
	struct sysv_view v = { view_uid, view_gid, view_pid, reader() };
	sysv_procfs_render(ns, (enum sysv_kind)kind, b, &v);
	return 0;
}

/* The reader's POSIX queue table (the sandbox's initial one without a reader). */
static struct mq_ns *reader_mq(void)
{
	struct task *t = reader();
	return t ? task_mq_ns(t) : mq_ns_default();
}

int sysv_proc_sysctl_show(const char *name, char *buf, size_t size)
{
	struct sysv_ns *ns = reader_sysv();
	int err = ns ? sysv_sysctl_show(ns, name, buf, size) : -ENOMEM;
	struct mq_ns *mq = err == -ENOENT ? reader_mq() : NULL;
	return mq ? mq_sysctl_show(mq, name, buf, size) : err;
}

ssize_t sysv_proc_sysctl_write(const char *name, const char *buf, size_t len)
{
	struct sysv_ns *ns = reader_sysv();
	ssize_t r = ns ? sysv_sysctl_write(ns, name, buf, len) : -ENOMEM;
	struct mq_ns *mq = r == -ENOENT ? reader_mq() : NULL;
	return mq ? mq_sysctl_write(mq, name, buf, len) : r;
}
