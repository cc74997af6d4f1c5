/* vfs/fs/proc_ns.c - /proc/<pid>/ns/ (the namespace links, and the nsfs-like files
 * following them opens: their inode number is the namespace's, they hold it for
 * setns(2)) and /proc/<pid>/{uid_map,gid_map,setgroups}. The namespaces are the
 * provider's (sentry/procinfo.c): procfs only names them.
 * Must not include sentry headers. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <string.h>
#include "platform/guest_mem.h"
#include "vfs/fs/procfs.h"

#define NS_FILE_FD (-2) /* proc_node.fd of an opened ns file (procfs_file_is_ns) */

/* uid_map, gid_map, setgroups: the process's user namespace (the provider applies
 * user_namespaces(7)'s rules, reader and writer included). */
static int show_id_file(const struct proc_node *n, struct proc_buf *b, int which)
{
	const struct vfs_proc_ops *ops = proc_ops();
	char text[512];
	if (!ops || !ops->id_map_show)
		return -ESRCH;
	int err = ops->id_map_show(n->pid, which, text, sizeof(text));
	if (err)
		return err;
	proc_buf_printf(b, "%s", text);
	return 0;
}

int proc_show_uid_map(const struct proc_node *n, struct proc_buf *b)
{
	return show_id_file(n, b, 0);
}

int proc_show_gid_map(const struct proc_node *n, struct proc_buf *b)
{
	return show_id_file(n, b, 1);
}

int proc_show_setgroups(const struct proc_node *n, struct proc_buf *b)
{
	return show_id_file(n, b, 2);
}

static ssize_t write_id_file(const struct proc_node *n, const char *buf, size_t len, int which)
{
	const struct vfs_proc_ops *ops = proc_ops();
	if (!ops || !ops->id_map_write)
		return -EPERM;
	return ops->id_map_write(n->pid, which, buf, len);
}

ssize_t proc_write_uid_map(const struct proc_node *n, const char *buf, size_t len)
{
	return write_id_file(n, buf, len, 0);
}

ssize_t proc_write_gid_map(const struct proc_node *n, const char *buf, size_t len)
{
	return write_id_file(n, buf, len, 1);
}

ssize_t proc_write_setgroups(const struct proc_node *n, const char *buf, size_t len)
{
	return write_id_file(n, buf, len, 2);
}

/* ---- ns/ ---- */

const char *const proc_ns_names[VFS_PROC_NS_NR] = {
	[VFS_PROC_NS_CGROUP] = "cgroup",
	[VFS_PROC_NS_IPC] = "ipc",
	[VFS_PROC_NS_MNT] = "mnt",
	[VFS_PROC_NS_NET] = "net",
	[VFS_PROC_NS_PID] = "pid",
	[VFS_PROC_NS_PID_FOR_CHILDREN] = "pid_for_children",
	[VFS_PROC_NS_TIME] = "time",
	[VFS_PROC_NS_TIME_FOR_CHILDREN] = "time_for_children",
	[VFS_PROC_NS_USER] = "user",
	[VFS_PROC_NS_UTS] = "uts",
};

static uint64_t ns_ino(int pid, int ns)
{
	const struct vfs_proc_ops *ops = proc_ops();
	if (ops && ops->ns_ino)
		return ops->ns_ino(pid, (enum vfs_proc_ns)ns);
	return 0;
}

int proc_ns_name(int pid, int ns, char *buf, size_t size)
{
	static const char *const type[VFS_PROC_NS_NR] = {
		[VFS_PROC_NS_PID_FOR_CHILDREN] = "pid", [VFS_PROC_NS_TIME_FOR_CHILDREN] = "time",
	};
	uint64_t ino = ns_ino(pid, ns);
	if (!ino)
		return -ENOENT;
	int n = snprintf(buf, size, "%s:[%llu]", type[ns] ? type[ns] : proc_ns_names[ns],
			 (unsigned long long)ino);
	return n < (int)size ? n : -ENAMETOOLONG;
}

/* The provider's ns ops take a tid for /proc/<pid>/task/<tid>/ns/ (namespaces are per
 * thread), the pid otherwise. */
static int ns_who(const struct proc_node *n)
{
	return n->tid ? n->tid : n->pid;
}

static int link_ns(const struct proc_node *n, char *buf, size_t size)
{
	return proc_ns_name(ns_who(n), n->ent->arg, buf, size);
}

/* Following an ns link opens a namespace file (an nsfs inode in Linux): a nameless
 * procfs inode whose st_ino is the namespace's; procfs_file_is_ns() recognises it
 * (setns(2)). */
static int getl_ns(struct vfs_ctx *c, const struct proc_node *n, const struct vfs_path *link,
		   struct vfs_path *out)
{
	const struct vfs_proc_ops *ops = proc_ops();
	uint64_t ino = 0;
	void *obj = ops && ops->ns_get ? ops->ns_get(ns_who(n), n->ent->arg, &ino) : NULL;
	if (!obj)
		return -ENOENT;
	struct proc_node nn = *n;
	nn.fd = NS_FILE_FD;
	nn.target = NULL;
	nn.nsref = obj; /* the inode holds it from here */
	struct vfs_dentry *d;
	int err = proc_anon_dentry(link->dentry->sb, &nn, S_IFREG | 0444, &d);
	if (err) {
		if (ops->ns_put)
			ops->ns_put(n->ent->arg, obj);
		return err;
	}
	d->inode->ino = ino;
	out->mnt = link->mnt;
	vfs_mount_get(out->mnt);
	out->dentry = d;
	return 0;
}

const struct proc_entry proc_ns_children[] = {
	{ "cgroup", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_CGROUP, .readlink = link_ns, .get_link = getl_ns },
	{ "ipc", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_IPC, .readlink = link_ns, .get_link = getl_ns },
	{ "mnt", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_MNT, .readlink = link_ns, .get_link = getl_ns },
	{ "net", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_NET, .readlink = link_ns, .get_link = getl_ns },
	{ "pid", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_PID, .readlink = link_ns, .get_link = getl_ns },
	{ "pid_for_children", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_PID_FOR_CHILDREN,
	  .readlink = link_ns, .get_link = getl_ns },
	{ "time", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_TIME, .readlink = link_ns, .get_link = getl_ns },
	{ "time_for_children", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_TIME_FOR_CHILDREN,
	  .readlink = link_ns, .get_link = getl_ns },
	{ "user", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_USER, .readlink = link_ns, .get_link = getl_ns },
	{ "uts", S_IFLNK | 0777, PE_TASK, VFS_PROC_NS_UTS, .readlink = link_ns, .get_link = getl_ns },
	{ NULL },
};

const struct proc_entry *proc_ns_entry(int ns)
{
	return ns >= 0 && ns < VFS_PROC_NS_NR ? &proc_ns_children[ns] : NULL; /* in enum order */
}

/* ---- nsfs's ioctls ---- */

/* nsfs's ioctls on an open ns file: NS_GET_USERNS / NS_GET_PARENT open the related
 * namespace as a new ns file (close-on-exec, as Linux). */
long proc_ns_file_ioctl(struct vfs_file *f, const struct proc_node *n, struct vfs_ctx *c,
			unsigned cmd, uint64_t arg)
{
	const struct vfs_proc_ops *ops = proc_ops();
	if (!n->nsref || !ops || !ops->ns_ioctl)
		return -ENOTTY;
	void *rel = NULL;
	enum vfs_proc_ns rt = VFS_PROC_NS_USER;
	uint64_t rino = 0;
	uint32_t uid = 0;
	long r = ops->ns_ioctl((enum vfs_proc_ns)n->ent->arg, n->nsref, cmd, &rel, &rt, &rino, &uid);
	if (r < 0)
		return r;
	if (cmd == NS_GET_OWNER_UID)
		return guest_copy_out(c->mem, arg, &uid, sizeof(uid)) < 0 ? -EFAULT : 0;
	if (!rel)
		return r;
	struct proc_node nn = *n;
	nn.ent = proc_ns_entry(rt);
	nn.nsref = rel; /* the new inode holds it */
	struct vfs_dentry *d;
	int err = proc_anon_dentry(f->dentry->sb, &nn, S_IFREG | 0444, &d);
	if (err) {
		if (ops->ns_put)
			ops->ns_put(rt, rel);
		return err;
	}
	d->inode->ino = rino;
	struct vfs_file *nf;
	err = vfs_open_dentry(f->mnt, d, O_RDONLY, &nf);
	vfs_dentry_put(d);
	if (err)
		return err;
	int fd = vfs_fdtable_install(c->fdt, nf, 0, true);
	vfs_file_put(nf);
	return fd;
}
