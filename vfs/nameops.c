/* vfs/nameops.c - operations on names: mknod, mkdir, unlink, rmdir, symlink, link,
 * rename, readlink. Walks the parent, looks the last name up, checks permissions,
 * mounts and sticky bits, calls the filesystem, then fixes up the dentry cache. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include "vfs/inotify.h"
#include "vfs/internal.h"
#include "vfs/ops.h"

/* Walks @path's parent and looks its last name up: new references in *@parent and
 * *@d (possibly negative). Returns -errno; the last name's type goes to @last. */
static int lookup_create_target(struct vfs_ctx *c, int dirfd, const char *path,
				struct vfs_path *parent, struct vfs_last *last,
				struct vfs_dentry **d)
{
	int err = vfs_walk(c, dirfd, path, LOOKUP_PARENT, parent, last);
	if (err)
		return err;
	*d = NULL;
	if (last->type != LAST_NORM)
		return 0;
	err = vfs_dentry_permission(c->cred, parent->dentry, MAY_EXEC);
	if (!err)
		err = vfs_lookup_one(parent->dentry, last->name, last->len, d);
	if (err)
		vfs_path_put(parent);
	return err;
}

static void put_target(struct vfs_path *parent, struct vfs_dentry *d)
{
	if (d)
		vfs_dentry_put(d);
	vfs_path_put(parent);
}

/* Common start of the creating calls: the target must not exist. */
static int create_prep(struct vfs_ctx *c, int dirfd, const char *path, bool isdir,
		       struct vfs_path *parent, struct vfs_dentry **d)
{
	struct vfs_last last;
	int err = lookup_create_target(c, dirfd, path, parent, &last, d);
	if (err)
		return err;
	if (last.type != LAST_NORM)
		err = -EEXIST;
	else if ((*d)->inode)
		err = -EEXIST;
	else if (last.trailing_slash && !isdir)
		err = -ENOENT;
	else
		err = vfs_may_create(c, parent->mnt, parent->dentry);
	if (err)
		put_target(parent, *d);
	return err;
}

int vfs_mknodat(struct vfs_ctx *c, int dirfd, const char *path, mode_t mode, dev_t dev)
{
	struct vfs_path parent;
	struct vfs_dentry *d;
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (!vfs_capable(c->cred, VFS_CAP_MKNOD))
			return -EPERM;
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	int err = create_prep(c, dirfd, path, false, &parent, &d);
	if (err)
		return err;
	if (!(S_ISCHR(mode) && dev == 0)) /* overlay whiteouts are not devices */
		err = vfs_dev_permission(c, mode, dev, VFS_DEV_ACC_MKNOD);
	if (err) {
		put_target(&parent, d);
		return err;
	}
	struct vfs_inode *di = parent.dentry->inode;
	uint32_t uid, gid;
	mode = (mode & S_IFMT) | (mode & 07777 & ~c->fs->umask);
	vfs_new_owner(c, parent.dentry, &mode, &uid, &gid);
	err = di->iops->mknod ? di->iops->mknod(parent.dentry, d, mode, dev, uid, gid) : -EPERM;
	if (!err)
		vfs_notify_name(di, IN_CREATE, d->name, 0);
	put_target(&parent, d);
	return err;
}

int vfs_mkdirat(struct vfs_ctx *c, int dirfd, const char *path, mode_t mode)
{
	struct vfs_path parent;
	struct vfs_dentry *d;
	int err = create_prep(c, dirfd, path, true, &parent, &d);
	if (err)
		return err;
	struct vfs_inode *di = parent.dentry->inode;
	uint32_t uid, gid;
	mode = S_IFDIR | (mode & 01777 & ~c->fs->umask);
	vfs_new_owner(c, parent.dentry, &mode, &uid, &gid);
	err = di->iops->mkdir ? di->iops->mkdir(parent.dentry, d, mode, uid, gid) : -EPERM;
	if (!err)
		vfs_notify_name(di, IN_CREATE | IN_ISDIR, d->name, 0);
	put_target(&parent, d);
	return err;
}

int vfs_symlinkat(struct vfs_ctx *c, const char *target, int dirfd, const char *path)
{
	struct vfs_path parent;
	struct vfs_dentry *d;
	if (!*target)
		return -ENOENT;
	int err = create_prep(c, dirfd, path, false, &parent, &d);
	if (err)
		return err;
	struct vfs_inode *di = parent.dentry->inode;
	uint32_t uid, gid;
	mode_t mode = S_IFLNK | 0777;
	vfs_new_owner(c, parent.dentry, &mode, &uid, &gid);
	err = di->iops->symlink ? di->iops->symlink(parent.dentry, d, target, uid, gid) : -EPERM;
	if (!err)
		vfs_notify_name(di, IN_CREATE, d->name, 0);
	put_target(&parent, d);
	return err;
}

/* inotify after unlink/rmdir of @d in @di: IN_ATTRIB (link count), IN_DELETE_SELF when
 * the last link went, then IN_DELETE in the directory (Linux's order). */
static void notify_delete(struct vfs_inode *di, struct vfs_dentry *d, bool isdir)
{
	if (!vfs_inotify_active() || !d->inode)
		return;
	if (!isdir)
		vfs_notify_name(d->inode, IN_ATTRIB, NULL, 0);
	if (isdir || d->inode->nlink == 0)
		vfs_notify_name(d->inode, IN_DELETE_SELF, NULL, 0);
	vfs_notify_name(di, IN_DELETE | (isdir ? IN_ISDIR : 0), d->name, 0);
}

int vfs_unlinkat(struct vfs_ctx *c, int dirfd, const char *path, int flags)
{
	struct vfs_path parent;
	struct vfs_last last;
	struct vfs_dentry *d;
	bool rmdir = flags & AT_REMOVEDIR;
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	int err = lookup_create_target(c, dirfd, path, &parent, &last, &d);
	if (err)
		return err;
	if (last.type != LAST_NORM) {
		err = !rmdir			  ? -EISDIR
		      : last.type == LAST_DOT	  ? -EINVAL
		      : last.type == LAST_DOTDOT ? -ENOTEMPTY
						  : -EBUSY;
		goto out;
	}
	if (vfs_mount_is_rdonly(parent.mnt)) {
		err = -EROFS; /* do_unlinkat's mnt_want_write, before the lookup */
		goto out;
	}
	if (!d->inode) {
		err = -ENOENT;
		goto out;
	}
	bool isdir = S_ISDIR(d->inode->mode);
	if (rmdir && !isdir)
		err = -ENOTDIR;
	else if (!rmdir && isdir)
		err = -EISDIR;
	else if (!rmdir && last.trailing_slash)
		err = -ENOTDIR;
	if (err)
		goto out;
	err = vfs_may_delete(c->cred, parent.dentry, d, isdir);
	if (!err && (d->mounted || d == parent.mnt->root))
		err = -EBUSY;
	if (err)
		goto out;
	struct vfs_inode *di = parent.dentry->inode;
	if (rmdir)
		err = di->iops->rmdir ? di->iops->rmdir(parent.dentry, d) : -EPERM;
	else
		err = di->iops->unlink ? di->iops->unlink(parent.dentry, d) : -EPERM;
	if (!err) {
		vfs_d_delete(d);
		notify_delete(di, d, isdir);
	}
out:
	put_target(&parent, d);
	return err;
}

int vfs_linkat(struct vfs_ctx *c, int olddirfd, const char *oldpath, int newdirfd,
	       const char *newpath, int flags)
{
	struct vfs_path old, parent;
	struct vfs_dentry *d;
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	unsigned lf = (flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	int err = vfs_walk(c, olddirfd, oldpath, lf, &old, NULL);
	if (err)
		return err;
	err = create_prep(c, newdirfd, newpath, false, &parent, &d);
	if (err)
		goto out_old;
	struct vfs_inode *inode = old.dentry->inode;
	if (S_ISDIR(inode->mode))
		err = -EPERM;
	else if (old.mnt != parent.mnt)
		err = -EXDEV;
	else if (inode->nlink == 0 && old.dentry->dead)
		err = -ENOENT;
	else if (!parent.dentry->inode->iops->link)
		err = -EPERM;
	else
		err = parent.dentry->inode->iops->link(old.dentry, parent.dentry, d);
	if (!err) {
		vfs_notify_name(inode, IN_ATTRIB, NULL, 0);
		vfs_notify_name(parent.dentry->inode, IN_CREATE, d->name, 0);
	}
	put_target(&parent, d);
out_old:
	vfs_path_put(&old);
	return err;
}

static int rename_checks(struct vfs_ctx *c, struct vfs_path *op, struct vfs_dentry *od,
			 struct vfs_path *np, struct vfs_dentry *nd, unsigned flags,
			 bool trailing)
{
	bool odir = S_ISDIR(od->inode->mode);
	if (!odir && trailing)
		return -ENOTDIR;
	if (nd->inode) {
		bool ndir = S_ISDIR(nd->inode->mode);
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (!(flags & RENAME_EXCHANGE)) {
			if (odir && !ndir)
				return -ENOTDIR;
			if (!odir && ndir)
				return -EISDIR;
		}
	} else if (flags & RENAME_EXCHANGE) {
		return -ENOENT;
	}
	if (odir && vfs_d_is_ancestor(od, np->dentry))
		return -EINVAL;
	if (nd->inode && vfs_d_is_ancestor(nd, op->dentry))
		return (flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
	if (od->mounted || nd->mounted || od == op->mnt->root || nd == np->mnt->root)
		return -EBUSY;
	int err = vfs_may_delete(c->cred, op->dentry, od, odir);
	if (!err)
		err = nd->inode ? vfs_may_delete(c->cred, np->dentry, nd, false)
				: vfs_dentry_permission(c->cred, np->dentry, MAY_WRITE | MAY_EXEC);
	if (!err && odir && op->dentry != np->dentry)
		err = vfs_dentry_permission(c->cred, od, MAY_WRITE);
	if (!err && (flags & RENAME_EXCHANGE) && S_ISDIR(nd->inode->mode) &&
	    op->dentry != np->dentry)
		err = vfs_dentry_permission(c->cred, nd, MAY_WRITE);
	return err;
}

/* inotify after a rename of @od (formerly @oldname in @odir, now named in @ndir) over
 * @nd's name (@victim: the replaced inode, or NULL): IN_MOVED_FROM/IN_MOVED_TO with one
 * cookie, IN_MOVE_SELF; both ways for RENAME_EXCHANGE (nd was od's name before). */
static void notify_rename(struct vfs_inode *odir, struct vfs_inode *ndir, const char *oldname,
			  struct vfs_dentry *od, struct vfs_dentry *nd, struct vfs_inode *victim,
			  unsigned flags)
{
	if (!vfs_inotify_active())
		return;
	struct vfs_dentry *moved[2] = { od, (flags & RENAME_EXCHANGE) ? nd : NULL };
	struct vfs_inode *from[2] = { odir, ndir }, *to[2] = { ndir, odir };
	for (int i = 0; i < 2 && moved[i]; i++) {
		struct vfs_dentry *m = moved[i];
		const char *from_name = i == 0 ? oldname : od->name;
		uint32_t dir = S_ISDIR(m->inode->mode) ? IN_ISDIR : 0;
		uint32_t cookie = vfs_inotify_next_cookie ? vfs_inotify_next_cookie() : 0;
		vfs_notify_name(from[i], IN_MOVED_FROM | dir, from_name, cookie);
		vfs_notify_name(to[i], IN_MOVED_TO | dir, m->name, cookie);
		vfs_notify_name(m->inode, IN_MOVE_SELF, NULL, 0);
	}
	if (victim && (victim->nlink == 0 || S_ISDIR(victim->mode)))
		vfs_notify_name(victim, IN_DELETE_SELF, NULL, 0);
}

int vfs_renameat2(struct vfs_ctx *c, int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, unsigned flags)
{
	struct vfs_path op, np;
	struct vfs_last ol, nl;
	struct vfs_dentry *od, *nd;
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	int err = lookup_create_target(c, olddirfd, oldpath, &op, &ol, &od);
	if (err)
		return err;
	err = lookup_create_target(c, newdirfd, newpath, &np, &nl, &nd);
	if (err)
		goto out_old;
	if (op.mnt != np.mnt) {
		err = -EXDEV;
		goto out;
	}
	if (ol.type != LAST_NORM || nl.type != LAST_NORM) {
		err = -EBUSY;
		goto out;
	}
	if (vfs_mount_is_rdonly(op.mnt)) {
		err = -EROFS; /* do_renameat2's mnt_want_write, before the lookups */
		goto out;
	}
	if (!od->inode) {
		err = -ENOENT;
		goto out;
	}
	if (od == nd)
		goto out;
	if ((flags & RENAME_NOREPLACE) && nd->inode) {
		err = -EEXIST;
		goto out;
	}
	if (nd->inode && nd->inode == od->inode && !(flags & RENAME_EXCHANGE))
		goto out; /* hard links of one inode: nothing to do */
	err = rename_checks(c, &op, od, &np, nd, flags, ol.trailing_slash || nl.trailing_slash);
	if (err)
		goto out;
	struct vfs_inode *di = op.dentry->inode;
	err = di->iops->rename ? di->iops->rename(op.dentry, od, np.dentry, nd, flags) : -EPERM;
	if (err)
		goto out;
	struct vfs_inode *victim = (flags & RENAME_EXCHANGE) ? NULL : nd->inode;
	char oldname[NAME_MAX + 1];
	snprintf(oldname, sizeof(oldname), "%s", od->name);
	if (flags & RENAME_EXCHANGE) {
		vfs_d_exchange(od, nd);
	} else {
		vfs_d_delete(nd);
		err = vfs_d_move(od, np.dentry, nl.name);
	}
	if (!err)
		notify_rename(op.dentry->inode, np.dentry->inode, oldname, od, nd, victim, flags);
out:
	put_target(&np, nd);
out_old:
	put_target(&op, od);
	return err;
}

ssize_t vfs_readlinkat(struct vfs_ctx *c, int dirfd, const char *path, char *buf, size_t size)
{
	struct vfs_path p;
	int err = vfs_walk(c, dirfd, path, LOOKUP_EMPTY, &p, NULL);
	if (err)
		return err;
	struct vfs_inode *inode = p.dentry->inode;
	ssize_t n = -EINVAL;
	if (S_ISLNK(inode->mode) && inode->iops && inode->iops->readlink)
		n = inode->iops->readlink(p.dentry, buf, size);
	vfs_path_put(&p);
	return n;
}
