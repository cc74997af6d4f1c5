/* vfs/mount_tree.c - copying mount trees and moving mounts around in them: bind-mount
 * copies, mount-namespace copies (unshare/clone CLONE_NEWNS) with the caller's root and
 * cwd translated into the copy, joining a namespace (setns), and pivot_root(2).
 *
 * References: a copy holds what vfs_mount_new takes (sb, root dentry); copies are attached
 * with vfs_mount_attach, so the new tree owns them exactly as mount.c describes. Must not
 * parse mount options (mount_sys.c does) nor know any filesystem. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "common/list.h"
#include "vfs/internal.h"

/* See internal.h. */
struct vfs_mount *vfs_mount_clone(struct vfs_mount *old, struct vfs_dentry *root, bool keep_prop)
{
	struct vfs_mount *m = vfs_mount_new(old->sb, root, old->flags);
	if (m && old->devname)
		m->devname = strdup(old->devname); /* NULL (the fs's name) on ENOMEM */
	if (!m || !keep_prop)
		return m;
	if (old->group_id) {
		m->group_id = old->group_id;
		list_add_tail(&m->share, &old->share);
	}
	if (old->master) {
		m->master = old->master;
		list_add_tail(&m->slave, &old->master->slaves);
	}
	m->unbindable = old->unbindable;
	return m;
}

/* See internal.h. */
void vfs_mount_set_ns(struct vfs_mount *m, struct vfs_mntns *ns)
{
	m->ns = ns;
	struct vfs_mount *c;
	list_for_each_entry(c, &m->children, sibling)
		vfs_mount_set_ns(c, ns);
}

/* Copies the submounts of @old that sit at or below @root into @copy. */
static int copy_children(struct vfs_mount *old, struct vfs_dentry *root, struct vfs_mount *copy,
			 bool skip_unbindable)
{
	struct vfs_mount *c;
	list_for_each_entry(c, &old->children, sibling)
	{
		if (!vfs_d_is_ancestor(root, c->mountpoint))
			continue;
		if (skip_unbindable && c->unbindable)
			continue;
		struct vfs_mount *cc = vfs_mount_clone(c, c->root, true);
		if (!cc)
			return -ENOMEM;
		c->copy = cc;
		vfs_mount_attach(cc, copy, c->mountpoint);
		int err = copy_children(c, c->root, cc, skip_unbindable);
		if (err)
			return err;
	}
	return 0;
}

static long tree_size(struct vfs_mount *m)
{
	long n = 1;
	struct vfs_mount *c;
	list_for_each_entry(c, &m->children, sibling)
		n += tree_size(c);
	return n;
}

/* See internal.h. -ENOSPC past VFS_MOUNT_MAX live mounts. */
int vfs_mount_copy_tree(struct vfs_mount *m, struct vfs_dentry *root, bool recursive,
			bool skip_unbindable, struct vfs_mount **out)
{
	if (vfs_live_mounts + (recursive ? tree_size(m) : 1) > VFS_MOUNT_MAX)
		return -ENOSPC;
	struct vfs_mount *top = vfs_mount_clone(m, root, true);
	if (!top)
		return -ENOMEM;
	m->copy = top;
	int err = recursive ? copy_children(m, root, top, skip_unbindable) : 0;
	if (err) {
		vfs_mount_clear_copies(m);
		vfs_mount_detach_tree(top);
		vfs_mount_put(top);
		return err;
	}
	*out = top;
	return 0;
}

/* See internal.h. */
void vfs_mount_clear_copies(struct vfs_mount *m)
{
	m->copy = NULL;
	struct vfs_mount *c;
	list_for_each_entry(c, &m->children, sibling)
		vfs_mount_clear_copies(c);
}

/* See internal.h. Linux's is_path_reachable. */
bool vfs_path_reachable(struct vfs_mount *m, struct vfs_dentry *d, const struct vfs_path *root)
{
	while (m != root->mnt && m->parent) {
		d = m->mountpoint;
		m = m->parent;
	}
	return m == root->mnt && vfs_d_is_ancestor(root->dentry, d);
}

static void translate(struct vfs_path *p)
{
	if (p->mnt && p->mnt->copy) {
		struct vfs_path np = {p->mnt->copy, p->dentry};
		vfs_path_set(p, &np);
	}
}

/* See vfs.h. Linux's copy_mnt_ns: every mount is copied (unbindable ones too), keeping
 * its peer group and master, so the copy and the original are peers where the original
 * was shared. */
int vfs_mntns_copy(struct vfs_mntns *old, struct vfs_fs_ctx *fs, struct vfs_mntns **out)
{
	struct vfs_mount *top;
	int err = vfs_mount_copy_tree(old->root, old->root->root, true, false, &top);
	if (err)
		return err;
	struct vfs_mntns *ns = vfs_mntns_new(top);
	if (!ns) {
		vfs_mount_clear_copies(old->root);
		vfs_mount_detach_tree(top);
		vfs_mount_put(top);
		return -ENOMEM;
	}
	if (fs) {
		translate(&fs->root);
		translate(&fs->cwd);
	}
	vfs_mount_clear_copies(old->root);
	*out = ns;
	return 0;
}

/* See vfs.h. Linux's mntns_install: root and cwd become the namespace's root, below any
 * mount stacked on it. */
void vfs_mntns_install(struct vfs_mntns *ns, struct vfs_fs_ctx *fs)
{
	struct vfs_path root = {ns->root, ns->root->root};
	vfs_path_get(&root);
	vfs_path_follow_mounts(&root);
	vfs_path_set(&fs->root, &root);
	vfs_path_set(&fs->cwd, &root);
	vfs_path_put(&root);
}

/* ---- pivot_root(2) ---- */

struct chroot_move {
	struct vfs_path old, new;
};

static void chroot_one(struct vfs_fs_ctx *fs, void *arg)
{
	struct chroot_move *mv = arg;
	if (fs->root.mnt == mv->old.mnt && fs->root.dentry == mv->old.dentry)
		vfs_path_set(&fs->root, &mv->new);
	if (fs->cwd.mnt == mv->old.mnt && fs->cwd.dentry == mv->old.dentry)
		vfs_path_set(&fs->cwd, &mv->new);
}

/* The checks of Linux's pivot_root in its order. @root is the caller's root, @new the
 * new root, @old (already moved to its topmost mount) where the old root goes. */
static int pivot_check(struct vfs_ctx *c, const struct vfs_path *root, const struct vfs_path *new,
		       const struct vfs_path *old)
{
	struct vfs_mount *nm = new->mnt, *rm = root->mnt, *om = old->mnt;
	/* a parentless mount is its own parent in Linux */
	struct vfs_mount *ex_parent = nm->parent ? nm->parent : nm;
	struct vfs_mount *root_parent = rm->parent ? rm->parent : rm;
	if (vfs_mount_is_shared(om) || vfs_mount_is_shared(ex_parent) ||
	    vfs_mount_is_shared(root_parent))
		return -EINVAL;
	if (c->mntns && (rm->ns != c->mntns || nm->ns != c->mntns))
		return -EINVAL;
	if (!rm->attached || !nm->attached)
		return -EINVAL;
	if (new->dentry->dead)
		return -ENOENT;
	if (nm == rm || om == rm)
		return -EBUSY;
	if (root->dentry != rm->root)
		return -EINVAL; /* the root is not a mount point */
	if (new->dentry != nm->root || !nm->parent)
		return -EINVAL;
	if (!vfs_path_reachable(om, old->dentry, new))
		return -EINVAL;
	if (!vfs_path_reachable(nm, new->dentry, root))
		return -EINVAL;
	return 0;
}

/* See vfs.h. Our namespace root is the visible "/" (Linux always has rootfs below it), so
 * a parentless root is accepted: the new root then becomes the namespace's root. */
int vfs_pivot_root(struct vfs_ctx *c, const char *new_root, const char *put_old)
{
	struct vfs_path new, old, root = c->fs->root;
	unsigned lf = LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
	if (c->cred && !vfs_capable(c->cred, VFS_CAP_SYS_ADMIN))
		return -EPERM;
	int err = vfs_walk(c, AT_FDCWD, new_root, lf, &new, NULL);
	if (err)
		return err;
	err = vfs_walk(c, AT_FDCWD, put_old, lf, &old, NULL);
	if (err) {
		vfs_path_put(&new);
		return err;
	}
	vfs_path_get(&root);
	vfs_path_follow_mounts(&old);
	err = pivot_check(c, &root, &new, &old);
	if (err)
		goto out;
	struct vfs_mount *nm = new.mnt, *rm = root.mnt;
	struct vfs_mount *root_parent = rm->parent;
	struct vfs_dentry *root_mp = rm->mountpoint;
	vfs_mount_unhash(nm);
	if (root_parent) {
		vfs_mount_get(root_parent);
		vfs_dentry_get(root_mp);
		vfs_mount_unhash(rm);
		vfs_mount_attach(nm, root_parent, root_mp);
		vfs_mount_put(root_parent);
		vfs_dentry_put(root_mp);
	} else {
		rm->ns->root = nm;
	}
	vfs_mount_attach(rm, old.mnt, old.dentry);
	struct chroot_move mv = {root, {nm, nm->root}};
	vfs_fs_ctx_for_each(chroot_one, &mv);
out:
	vfs_path_put(&root);
	vfs_path_put(&old);
	vfs_path_put(&new);
	return err;
}
