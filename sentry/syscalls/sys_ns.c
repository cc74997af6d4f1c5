/* sentry/syscalls/sys_ns.c - unshare(2) and setns(2) for every namespace type the Sentry
 * emulates (sentry/nsproxy.c): mount, uts, ipc, pid (pid_for_children), user, cgroup and
 * net (with the netstack's hook); time namespaces do not exist (EINVAL). */
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/nsproxy.h"
#include "sentry/pidns.h"
#include "sentry/task.h"
#include "sentry/ipc/sysv_task.h"
#include "vfs/fs/procfs.h"
#include "vfs/internal.h"
#include <sched.h>

#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYS_CHROOT_BIT 18
#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWPID | \
	 CLONE_NEWCGROUP)
#define UNSHARE_FLAGS                                                                              \
	(CLONE_THREAD | CLONE_FS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM |        \
	 NS_FLAGS | CLONE_NEWTIME)

/* @cap in the caller's own user namespace */
static bool has_cap(struct task *t, int cap)
{
	return ns_capable(t->tg, tg_userns(t->tg), cap);
}

static int live_threads(struct thread_group *tg)
{
	return tg->nlive;
}

/* implements unshare(2): CLONE_NEWNS (a copy of the caller's mount namespace, root and
 * cwd moved into it), CLONE_NEWUTS/IPC/CGROUP/NET (new namespaces for the calling
 * thread), CLONE_NEWPID (the caller's next child is pid 1 of a new namespace),
 * CLONE_NEWUSER (single-threaded callers; full capabilities in it), CLONE_FS,
 * CLONE_FILES (single-threaded callers), CLONE_SYSVSEM and CLONE_NEWIPC (the process's
 * SEM_UNDO adjustments are applied and dropped); CLONE_THREAD/SIGHAND/VM as Linux's checks; CLONE_NEWTIME: EINVAL
 * (no time namespaces). */
long sys_unshare(struct task *t, const struct syscall_args *a)
{
	uint64_t flags = a->a[0];
	if (flags & ~(uint64_t)UNSHARE_FLAGS)
		return -EINVAL;
	if (flags & CLONE_NEWTIME)
		return -EINVAL; /* not emulated: see the table note */
	if (flags & CLONE_NEWUSER)
		flags |= CLONE_THREAD | CLONE_FS;
	if (flags & CLONE_VM)
		flags |= CLONE_SIGHAND;
	if (flags & CLONE_SIGHAND)
		flags |= CLONE_THREAD;
	if (flags & CLONE_NEWNS)
		flags |= CLONE_FS;
	if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && live_threads(t->tg) > 1)
		return -EINVAL;
	if ((flags & (CLONE_SIGHAND | CLONE_VM)) && t->tg->sighand->refs > 1)
		return -EINVAL;
	if (flags & NS_FLAGS) {
		int err = task_ns_check(t, flags, true);
		if (err)
			return err;
	}
	struct vfs_fdtable *fdt = NULL;
	if ((flags & CLONE_FILES) && live_threads(t->tg) > 1)
		return -EINVAL; /* fd tables are per process here: no per-thread copy (table note) */
	if ((flags & CLONE_FILES) && t->tg->fdt->refs > 1 &&
	    !(fdt = vfs_fdtable_clone(t->tg->fdt)))
		return -ENOMEM;
	int err = task_ns_unshare(t, flags);
	if (err) {
		if (fdt)
			vfs_fdtable_put(fdt);
		return err;
	}
	if (fdt) {
		vfs_fdtable_put(t->tg->fdt);
		t->tg->fdt = fdt;
	}
	if (flags & (CLONE_NEWIPC | CLONE_SYSVSEM))
		sysv_tg_undo(t->tg); /* semaphore adjustments apply now, as Linux's exit_sem */
	return 0;
}

static const uint64_t ns_clone_flag[VFS_PROC_NS_NR] = {
    [VFS_PROC_NS_CGROUP] = CLONE_NEWCGROUP, [VFS_PROC_NS_IPC] = CLONE_NEWIPC,
    [VFS_PROC_NS_MNT] = CLONE_NEWNS,	    [VFS_PROC_NS_NET] = CLONE_NEWNET,
    [VFS_PROC_NS_PID] = CLONE_NEWPID,	    [VFS_PROC_NS_PID_FOR_CHILDREN] = CLONE_NEWPID,
    [VFS_PROC_NS_TIME] = CLONE_NEWTIME,	    [VFS_PROC_NS_TIME_FOR_CHILDREN] = CLONE_NEWTIME,
    [VFS_PROC_NS_USER] = CLONE_NEWUSER,	    [VFS_PROC_NS_UTS] = CLONE_NEWUTS,
};

/* implements setns(2) with a /proc/<pid>/ns/<type> file (open files keep the namespace
 * alive): mount, uts, ipc, pid (becomes pid_for_children: only the caller's own or a
 * descendant), user, cgroup, net are joined with Linux's checks; time has one namespace,
 * the caller's (joining it changes nothing); pidfds: EINVAL (none exist). */
long sys_setns(struct task *t, const struct syscall_args *a)
{
	uint64_t nstype = a->a[1];
	enum vfs_proc_ns type;
	uint64_t ino;
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	void *obj = NULL;
	bool is_ns = procfs_file_is_ns(f, &type, &ino) && (obj = procfs_ns_file_object(f));
	if (!is_ns || type >= VFS_PROC_NS_NR) {
		vfs_file_put(f);
		return -EINVAL; /* pidfds are not supported (table note) */
	}
	long err;
	uint64_t flag = ns_clone_flag[type];
	if (nstype && nstype != flag)
		err = -EINVAL;
	else if (flag == CLONE_NEWTIME) /* the one time namespace, the caller's: a no-op */
		err = has_cap(t, CAP_SYS_ADMIN_BIT) ? 0 : -EPERM;
	else if (flag == CLONE_NEWNS && (!has_cap(t, CAP_SYS_ADMIN_BIT) ||
					 !has_cap(t, CAP_SYS_CHROOT_BIT)))
		err = -EPERM;
	else if (flag == CLONE_NEWNS)
		err = task_ns_setns_mnt(t, obj);
	else
		err = task_ns_setns(t, flag, obj);
	if (!err && flag == CLONE_NEWIPC)
		sysv_tg_undo(t->tg);
	vfs_file_put(f); /* after the join: the file held the namespace */
	return err;
}
