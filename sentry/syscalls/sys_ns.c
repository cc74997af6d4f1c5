/* sentry/syscalls/sys_ns.c - unshare(2) and setns(2). The mount namespace is the only one
 * the Sentry emulates today (sentry/nsproxy.c); every process is in the one instance of
 * the others, so unsharing them answers EPERM (as clone does) and joining them is joining
 * the namespace the caller is already in. */
#include "sentry/syscalls/sys_vfs.h"
#include "sentry/nsproxy.h"
#include "sentry/task.h"
#include "vfs/fs/procfs.h"
#include "vfs/internal.h"
#include <sched.h>

#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYS_CHROOT_BIT 18
#define NS_NOT_EMULATED                                                                            \
	(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWPID |               \
	 CLONE_NEWCGROUP | CLONE_NEWTIME)
#define UNSHARE_FLAGS                                                                              \
	(CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES |          \
	 CLONE_SYSVSEM | NS_NOT_EMULATED)

extern const struct vfs_proc_ops sentry_proc_ops;

static bool has_cap(struct task *t, int cap)
{
	return t->tg->cred.cap_effective & (1ULL << cap);
}

static int live_threads(struct thread_group *tg)
{
	return tg->nlive;
}

/* implements unshare(2): CLONE_NEWNS (a copy of the caller's mount namespace, root and
 * cwd moved into it), CLONE_FS, CLONE_FILES (single-threaded callers), CLONE_SYSVSEM (no
 * SysV semaphores exist: nothing to detach); CLONE_THREAD/SIGHAND/VM as Linux's checks. */
long sys_unshare(struct task *t, const struct syscall_args *a)
{
	uint64_t flags = a->a[0];
	if (flags & ~(uint64_t)UNSHARE_FLAGS)
		return -EINVAL;
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
	if (flags & NS_NOT_EMULATED)
		return -EPERM; /* see the table note */
	if ((flags & CLONE_NEWNS) && !has_cap(t, CAP_SYS_ADMIN_BIT))
		return -EPERM;
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
	return 0;
}

static const uint64_t ns_clone_flag[VFS_PROC_NS_NR] = {
    [VFS_PROC_NS_CGROUP] = CLONE_NEWCGROUP, [VFS_PROC_NS_IPC] = CLONE_NEWIPC,
    [VFS_PROC_NS_MNT] = CLONE_NEWNS,	    [VFS_PROC_NS_NET] = CLONE_NEWNET,
    [VFS_PROC_NS_PID] = CLONE_NEWPID,	    [VFS_PROC_NS_PID_FOR_CHILDREN] = CLONE_NEWPID,
    [VFS_PROC_NS_TIME] = CLONE_NEWTIME,	    [VFS_PROC_NS_TIME_FOR_CHILDREN] = CLONE_NEWTIME,
    [VFS_PROC_NS_USER] = CLONE_NEWUSER,	    [VFS_PROC_NS_UTS] = CLONE_NEWUTS,
};

/* The mount namespace whose /proc/<pid>/ns/mnt inode number is @ino (a process's). */
static struct vfs_mntns *mntns_by_ino(uint64_t ino)
{
	struct thread_group *tg;
	list_for_each_entry(tg, &all_groups, all_link)
	{
		if (tg->mntns && !tg->zombie &&
		    sentry_proc_ops.ns_ino(tg->vpid, VFS_PROC_NS_MNT) == ino)
			return tg->mntns;
	}
	return NULL;
}

/* implements setns(2) with a /proc/<pid>/ns/<type> file: mount namespaces are joined
 * (root and cwd become its root); the other types have one instance, the caller's. */
long sys_setns(struct task *t, const struct syscall_args *a)
{
	uint64_t nstype = a->a[1];
	enum vfs_proc_ns type;
	uint64_t ino;
	struct vfs_file *f = sys_file(t, (int)a->a[0]);
	if (!f)
		return -EBADF;
	bool is_ns = procfs_file_is_ns(f, &type, &ino);
	vfs_file_put(f);
	if (!is_ns || type >= VFS_PROC_NS_NR)
		return -EINVAL; /* pidfds are not supported (table note) */
	if (nstype && nstype != ns_clone_flag[type])
		return -EINVAL;
	if (!has_cap(t, CAP_SYS_ADMIN_BIT))
		return -EPERM;
	if (type == VFS_PROC_NS_USER)
		return -EINVAL; /* the caller's own user namespace, as Linux */
	if (type != VFS_PROC_NS_MNT)
		return 0;
	if (!has_cap(t, CAP_SYS_CHROOT_BIT))
		return -EPERM;
	struct vfs_mntns *ns = mntns_by_ino(ino);
	if (!ns)
		return -EINVAL; /* its last process is gone (ns files do not pin it here) */
	return task_ns_setns_mnt(t, ns);
}
