/* vfs/mount.c - mounts, mount trees and mount namespaces; the filesystem type table.
 *
 * A namespace owns its tree: every attached mount holds one "attached" reference taken
 * by the tree, plus references on its parent mount and mountpoint dentry. Detaching
 * (umount, namespace teardown) drops those; open files keep a detached mount alive.
 * Must not know the inside of any filesystem. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vfs/internal.h"
#include "vfs/fs/cgroupfs.h"
#include "vfs/fs/mqueue.h"
#include "vfs/fs/devpts.h"
#include "vfs/ops.h"

long vfs_live_mounts;

/* Returns a new mount (one reference) of @sb at its dentry @root (references taken). */
struct vfs_mount *vfs_mount_new(struct vfs_sb *sb, struct vfs_dentry *root, unsigned long flags)
{
	static uint64_t next_id = 20;
	struct vfs_mount *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->refs = 1;
	m->sb = sb;
	vfs_sb_get(sb);
	m->root = root;
	vfs_dentry_get(root);
	m->flags = flags & VFS_MNT_FLAGS;
	m->id = next_id++;
	list_init(&m->children);
	list_init(&m->sibling);
	list_init(&m->share);
	list_init(&m->slaves);
	list_init(&m->slave);
	vfs_live_mounts++;
	return m;
}

void vfs_mount_get(struct vfs_mount *m)
{
	m->refs++;
}

void vfs_mount_put(struct vfs_mount *m)
{
	if (!m || --m->refs > 0)
		return;
	vfs_mount_prop_release(m);
	free(m->devname);
	vfs_dentry_put(m->root);
	vfs_sb_put(m->sb);
	vfs_live_mounts--;
	free(m);
}

/* Takes references on @parent and @mp; the tree keeps the caller's reference on @child. */
void vfs_mount_attach(struct vfs_mount *child, struct vfs_mount *parent, struct vfs_dentry *mp)
{
	child->parent = parent;
	vfs_mount_get(parent);
	child->mountpoint = mp;
	vfs_dentry_get(mp);
	mp->mounted++;
	child->ns = parent->ns;
	child->attached = true;
	list_add_tail(&child->sibling, &parent->children);
}

/* See internal.h. */
void vfs_mount_unhash(struct vfs_mount *m)
{
	list_del(&m->sibling);
	if (m->parent) {
		m->mountpoint->mounted--;
		vfs_dentry_put(m->mountpoint);
		vfs_mount_put(m->parent);
		m->parent = NULL;
		m->mountpoint = NULL;
	}
}

/* Detaches @m and everything below it, dropping the tree's references. */
void vfs_mount_detach_tree(struct vfs_mount *m)
{
	while (!list_empty(&m->children))
		vfs_mount_detach_tree(list_first_entry(&m->children, struct vfs_mount, sibling));
	vfs_mount_unhash(m);
	vfs_mount_prop_release(m);
	m->ns = NULL;
	if (m->attached) {
		m->attached = false;
		vfs_mount_put(m);
	}
}

struct vfs_mount *vfs_mount_lookup(struct vfs_mount *m, struct vfs_dentry *d)
{
	struct vfs_mount *c, *found = NULL;
	if (!d->mounted)
		return NULL;
	list_for_each_entry(c, &m->children, sibling)
	{
		if (c->mountpoint == d)
			found = c; /* the last one mounted covers the others */
	}
	return found;
}

bool vfs_mount_is_rdonly(const struct vfs_mount *m)
{
	return (m->flags & MS_RDONLY) || (m->sb->flags & VFS_SB_RDONLY);
}

/* Returns a namespace (one reference) whose tree is rooted at @root (the tree takes the
 * caller's reference on @root). */
struct vfs_mntns *vfs_mntns_new(struct vfs_mount *root)
{
	struct vfs_mntns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	static uint64_t next_seq = 1;
	ns->refs = 1;
	ns->root = root;
	ns->seq = next_seq++;
	vfs_mount_set_ns(root, ns);
	root->attached = true;
	return ns;
}

void vfs_mntns_get(struct vfs_mntns *ns)
{
	ns->refs++;
}

void vfs_mntns_put(struct vfs_mntns *ns)
{
	if (!ns || --ns->refs > 0)
		return;
	vfs_mount_detach_tree(ns->root);
	free(ns);
}

static int mntns_from_sb(struct vfs_sb *sb, struct vfs_mntns **out)
{
	struct vfs_mount *m = vfs_mount_new(sb, sb->root, 0);
	vfs_sb_kill(sb);
	if (!m)
		return -ENOMEM;
	*out = vfs_mntns_new(m);
	if (!*out) {
		vfs_mount_put(m);
		return -ENOMEM;
	}
	return 0;
}

/* See vfs.h. */
int vfs_mntns_new_host(int host_dirfd, bool readonly, struct vfs_mntns **out)
{
	struct vfs_sb *sb;
	int err = hostfs_create_sb(host_dirfd, readonly, &sb);
	if (err)
		return err;
	return mntns_from_sb(sb, out);
}

/* See vfs.h: hostfs (read-only) below, tmpfs above, overlay on top. */
int vfs_mntns_new_overlay_host(int host_dirfd, struct vfs_mntns **out)
{
	struct vfs_sb *lower, *upper, *ovl;
	int err = hostfs_create_sb(host_dirfd, true, &lower);
	if (err)
		return err;
	err = tmpfs_create_sb(0, "mode=0755", &upper);
	if (err) {
		vfs_sb_kill(lower);
		return err;
	}
	struct vfs_mount *lm = vfs_mount_new(lower, lower->root, MS_RDONLY);
	struct vfs_mount *um = vfs_mount_new(upper, upper->root, 0);
	struct vfs_path lp = { lm, lower->root }, up = { um, upper->root };
	err = (lm && um) ? overlay_create_sb(&lp, 1, &up, &ovl) : -ENOMEM;
	vfs_mount_put(lm);
	vfs_mount_put(um);
	vfs_sb_kill(lower);
	vfs_sb_kill(upper);
	if (err)
		return err;
	return mntns_from_sb(ovl, out);
}

/* Resolves the colon-separated lowerdir= list @list into @lp (references; *@n set).
 * Returns 0, -EINVAL (an empty entry, more than OVL_MAX_STACK 500), or the walk's error. */
static int overlay_lowers(struct vfs_ctx *c, char *list, struct vfs_path *lp, int *n)
{
	char *save = NULL;
	*n = 0;
	if (!*list || list[strlen(list) - 1] == ':' || strstr(list, "::") || *list == ':')
		return -EINVAL;
	for (char *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (*n == 500)
			return -EINVAL;
		int err = vfs_walk(c, AT_FDCWD, d, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lp[*n], NULL);
		if (err)
			return err;
		(*n)++;
	}
	return 0;
}

/* overlay(5) options over VFS directories: lowerdir=a:b:c (topmost first, at most 500),
 * upperdir= with workdir= (required with an upper, as Linux; on the same mount, not
 * inside upperdir; its "work" directory is made afresh); without upperdir (workdir
 * ignored) at least two lower layers, and the overlay is read-only. */
static int parse_overlay_opts(const char *data, struct vfs_ctx *c, struct vfs_sb **out)
{
	char lower[VFS_PATH_MAX] = "", upper[VFS_PATH_MAX] = "", work[VFS_PATH_MAX] = "";
	char *copy = strdup(data ? data : ""), *save = NULL;
	if (!copy)
		return -ENOMEM;
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strncmp(o, "lowerdir=", 9))
			snprintf(lower, sizeof(lower), "%s", o + 9);
		else if (!strncmp(o, "upperdir=", 9))
			snprintf(upper, sizeof(upper), "%s", o + 9);
		else if (!strncmp(o, "workdir=", 8))
			snprintf(work, sizeof(work), "%s", o + 8);
	}
	free(copy);
	if (!lower[0] || (upper[0] && !work[0]) || !c)
		return -EINVAL;
	struct vfs_path *lp = calloc(500, sizeof(*lp)), up = { 0 }, wp = { 0 };
	int n = 0;
	if (!lp)
		return -ENOMEM;
	int err = overlay_lowers(c, lower, lp, &n);
	if (!err && !upper[0] && n < 2)
		err = -EINVAL; /* "at least 2 lowerdir are needed while upperdir nonexistent" */
	unsigned lf = LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
	if (!err && upper[0])
		err = vfs_walk(c, AT_FDCWD, upper, lf, &up, NULL);
	if (!err && upper[0])
		err = vfs_walk(c, AT_FDCWD, work, lf, &wp, NULL);
	if (!err && upper[0] &&
	    (wp.mnt != up.mnt || vfs_d_is_ancestor(up.dentry, wp.dentry) ||
	     vfs_d_is_ancestor(wp.dentry, up.dentry)))
		err = -EINVAL; /* "workdir and upperdir must be separate subtrees" */
	if (!err && upper[0] && vfs_mount_is_rdonly(up.mnt))
		err = -EROFS;
	if (!err && upper[0])
		err = overlay_make_workdir(&wp, c->cred ? c->cred->fsuid : 0,
					   c->cred ? c->cred->fsgid : 0);
	if (!err)
		err = overlay_create_sb(lp, n, upper[0] ? &up : NULL, out);
	for (int k = 0; k < n; k++)
		vfs_path_put(&lp[k]);
	free(lp);
	if (up.mnt)
		vfs_path_put(&up);
	if (wp.mnt)
		vfs_path_put(&wp);
	return err;
}

/* See internal.h. */
int vfs_fs_create(const char *fstype, unsigned long flags, const char *data, struct vfs_ctx *c,
		  struct vfs_sb **out)
{
	if (!strcmp(fstype, "tmpfs"))
		return tmpfs_create_sb(flags, data, out);
	if (!strcmp(fstype, "devfs") || !strcmp(fstype, "devtmpfs"))
		return devfs_create_sb(out);
	if (!strcmp(fstype, "overlay"))
		return parse_overlay_opts(data, c, out);
	if (!strcmp(fstype, "proc"))
		return procfs_create_sb(flags, data, out);
	if (!strcmp(fstype, "devpts"))
		return devpts_create_sb(flags, data, out);
	if (!strcmp(fstype, "sysfs"))
		return sysfs_create_sb(flags, data, out);
	if (!strcmp(fstype, "cgroup2"))
		return cgroupfs_create_sb(flags, data, out);
	if (!strcmp(fstype, "mqueue"))
		return mqueue_create_sb(flags, data, out);
	return -ENODEV;
}

/* Mounts @sb (a reference taken) on the directory @at. Returns 0 or -errno. */
int vfs_mount_sb_at(struct vfs_path *at, struct vfs_sb *sb, unsigned long flags)
{
	if (!at->dentry->inode || !S_ISDIR(at->dentry->inode->mode))
		return -ENOTDIR;
	if (!at->mnt->attached)
		return -EINVAL;
	struct vfs_mount *m = vfs_mount_new(sb, sb->root, flags);
	if (!m)
		return -ENOMEM;
	vfs_mount_attach(m, at->mnt, at->dentry);
	vfs_mount_prop_graft(m, at->mnt);
	vfs_mount_propagate(m);
	if (!strcmp(sb->type, "devfs")) {
		/* /dev/shm is a tmpfs of its own */
		struct vfs_dentry *shm;
		struct vfs_sb *t;
		if (!vfs_lookup_one(sb->root, "shm", 3, &shm)) {
			if (shm->inode && !tmpfs_create_sb(0, "mode=1777", &t)) {
				struct vfs_path p = { m, shm };
				vfs_mount_sb_at(&p, t, 0);
				vfs_sb_kill(t);
			}
			vfs_dentry_put(shm);
		}
	}
	return 0;
}

/* umount(2) of the mount whose root is @p (a walked path: the caller holds one reference
 * on p->mnt). -EINVAL when @p is not a mount root or not attached; -EBUSY for the
 * namespace root and, without MNT_DETACH, for a mount with submounts or other users (open
 * files, cwds and roots hold references, as Linux's refcount check); MNT_EXPIRE answers
 * -EAGAIN the first time an unused mount is asked (it is then "marked"), -EINVAL with
 * MNT_FORCE or MNT_DETACH. MNT_FORCE is accepted (nothing to abort in the Sentry). */
int vfs_umount_path(struct vfs_path *p, int flags)
{
	struct vfs_mount *m = p->mnt;
	if (p->dentry != m->root || !m->attached)
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if (!m->parent)
		return -EBUSY;
	bool busy = !list_empty(&m->children) || m->refs > 2;
	if (flags & MNT_EXPIRE) {
		if (busy)
			return -EBUSY;
		if (!m->expiry_mark) {
			m->expiry_mark = true;
			return -EAGAIN;
		}
	}
	if (!(flags & MNT_DETACH) && busy)
		return -EBUSY;
	int err = vfs_mount_propagate_umount(m, flags & MNT_DETACH);
	if (err)
		return err;
	vfs_mount_detach_tree(m);
	return 0;
}

/* See vfs.h. The path is walked from the namespace root, following symlinks inside it. */
int vfs_mount_at(struct vfs_mntns *ns, const char *path, const char *fstype, unsigned long flags,
		 const char *data)
{
	struct vfs_path root = { ns->root, ns->root->root }, at;
	struct vfs_cred cr = { .cap_effective = ~0ULL };
	struct vfs_fs_ctx fs = { .refs = 1, .root = root, .cwd = root, .umask = 022 };
	struct vfs_ctx c = { .cred = &cr, .fs = &fs };
	int err = vfs_walk_from(&c, &root, &root, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &at, NULL);
	if (err)
		return err;
	struct vfs_sb *sb;
	err = vfs_fs_create(fstype, flags, data, &c, &sb);
	if (!err) {
		err = vfs_mount_sb_at(&at, sb, flags);
		vfs_sb_kill(sb);
	}
	vfs_path_put(&at);
	return err;
}

/* Creates every missing directory of absolute @path (mkdir -p) and, when @file, an empty
 * regular file as its last component, as runc does for a bind mount's destination.
 * Returns 0 or -errno (an existing entry of another kind is left for the caller). */
static int make_mountpoint(struct vfs_ctx *c, const char *path, bool file)
{
	char buf[VFS_PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *s = buf + 1;; s++) {
		bool last = !*s;
		if (*s != '/' && !last)
			continue;
		if (s[-1] == '/' && !last)
			continue; /* "//" */
		*s = 0;
		int err = (last && file) ? vfs_mknodat(c, AT_FDCWD, buf, S_IFREG | 0644, 0)
					 : vfs_mkdirat(c, AT_FDCWD, buf, 0755);
		if (err && err != -EEXIST)
			return err;
		if (last)
			return 0;
		*s = '/';
	}
}

/* See vfs.h. Like mount(2) with MS_BIND of a host path: a directory gets a hostfs of its
 * own; a file gets a hostfs of its directory of which only the file's dentry is mounted. */
int vfs_mount_host_at(struct vfs_mntns *ns, const char *path, int host_fd, bool readonly)
{
	struct vfs_path root = { ns->root, ns->root->root }, at;
	struct vfs_cred cr = { .cap_effective = ~0ULL };
	struct vfs_fs_ctx fs = { .refs = 1, .root = root, .cwd = root, .umask = 022 };
	struct vfs_ctx c = { .cred = &cr, .fs = &fs };
	struct vfs_sb *sb;
	struct vfs_dentry *d;
	struct stat st;
	int err;
	if (path[0] != '/') {
		close(host_fd);
		return -EINVAL;
	}
	if (fstat(host_fd, &st) < 0) {
		err = -errno;
		close(host_fd);
		return err;
	}
	bool dir = S_ISDIR(st.st_mode);
	err = dir ? hostfs_create_sb(host_fd, readonly, &sb)
		  : hostfs_create_file_root(host_fd, readonly, &sb, &d);
	if (err)
		return err;
	if (dir) {
		d = sb->root;
		vfs_dentry_get(d);
	}
	err = make_mountpoint(&c, path, !dir);
	if (!err)
		err = vfs_walk_from(&c, &root, &root, path, LOOKUP_FOLLOW, &at, NULL);
	if (err)
		goto out_put_sb;
	if (!at.dentry->inode || S_ISDIR(at.dentry->inode->mode) != dir)
		err = dir ? -ENOTDIR : -EISDIR;
	else if (!at.mnt->attached)
		err = -EINVAL;
	if (!err) {
		struct vfs_mount *m = vfs_mount_new(sb, d, readonly ? MS_RDONLY : 0);
		if (m)
			vfs_mount_attach(m, at.mnt, at.dentry);
		else
			err = -ENOMEM;
	}
	vfs_path_put(&at);
out_put_sb:
	vfs_dentry_put(d);
	vfs_sb_kill(sb);
	return err;
}
