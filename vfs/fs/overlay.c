/* vfs/fs/overlay.c - a writable upper layer over read-only lower layers (overlayfs), or
 * lower layers alone (a read-only overlay).
 *
 * An overlay inode holds references on its upper and/or lower dentries (real dentries of
 * the layer filesystems, reached through their own ops, never through a path). A name is
 * looked up in the upper layer, then in each lower layer from the top: a whiteout (a 0:0
 * character device, in any layer) hides what is below it, so does a non-directory or an
 * opaque directory (xattr trusted.overlay.opaque=y); directories found on the way merge.
 * Writes copy the object up from whichever lower layer holds it first, keeping mode,
 * owner, times and xattrs. Deleting a lower entry leaves a whiteout in the upper
 * directory; a directory created over a whiteout is opaque. Renaming a directory that
 * exists in a lower layer is -EXDEV (as Linux without redirect_dir). Lower layers are
 * never modified. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include "vfs/internal.h"
#include "vfs/ops.h"
#include "vfs/fs/overlay.h"

static const struct vfs_inode_ops ovl_iops;
static const struct vfs_sb_ops ovl_sb_ops;

/* A new inode over upper dentry @u (may be NULL) and the @nl lower dentries @l (new
 * references taken on all); NULL on ENOMEM. */
static struct vfs_inode *ovl_new_inode(struct vfs_sb *sb, struct vfs_dentry *u,
				       const struct ovl_lower *l, int nl)
{
	struct ovl_inode *oi = calloc(1, sizeof(*oi));
	struct vfs_dentry *top = u ? u : l[0].d;
	if (!oi)
		return NULL;
	oi->lower = nl ? calloc((size_t)nl, sizeof(*oi->lower)) : NULL;
	struct vfs_inode *i = nl && !oi->lower ? NULL : vfs_inode_new(sb, top->inode->mode);
	if (!i) {
		free(oi->lower);
		free(oi);
		return NULL;
	}
	oi->upper = u;
	if (u)
		vfs_dentry_get(u);
	for (int k = 0; k < nl; k++) {
		oi->lower[k] = l[k];
		vfs_dentry_get(l[k].d);
	}
	oi->nlower = nl;
	i->priv = oi;
	i->iops = &ovl_iops;
	i->fops = S_ISDIR(i->mode) ? &ovl_dir_ops : &ovl_file_ops;
	i->rdev = top->inode->rdev;
	i->ino = nl ? l[0].d->inode->ino : top->inode->ino;
	return i;
}

static void ovl_evict(struct vfs_inode *i)
{
	struct ovl_inode *oi = OI(i);
	if (!oi)
		return;
	vfs_dentry_put(oi->upper);
	for (int k = 0; k < oi->nlower; k++)
		vfs_dentry_put(oi->lower[k].d);
	free(oi->lower);
	free(oi);
}

static void ovl_put_super(struct vfs_sb *sb)
{
	struct ovl_sb *os = OS(sb);
	for (int k = 0; k < os->nlower; k++)
		vfs_path_put(&os->lower[k]);
	free(os->lower);
	if (os->upper.mnt)
		vfs_path_put(&os->upper);
	free(os);
}

bool overlay_is_lower_only(const struct vfs_sb *sb)
{
	return sb->ops == &ovl_sb_ops && !OS((struct vfs_sb *)sb)->upper.mnt;
}

static int ovl_statfs(struct vfs_sb *sb, struct statfs *st)
{
	struct ovl_sb *os = OS(sb);
	struct vfs_sb *usb = os->upper.mnt ? os->upper.dentry->sb : os->lower[0].dentry->sb;
	int err = usb->ops && usb->ops->statfs ? usb->ops->statfs(usb, st) : 0;
	st->f_type = OVERLAYFS_MAGIC;
	return err;
}

static const struct vfs_sb_ops ovl_sb_ops = {
	.statfs = ovl_statfs,
	.evict = ovl_evict,
	.put_super = ovl_put_super,
};

/* See internal.h. */
int overlay_create_sb(struct vfs_path *lower, int nlower, struct vfs_path *upper,
		      struct vfs_sb **out)
{
	if (nlower < 1 || nlower > OVL_MAX_STACK)
		return -EINVAL;
	struct ovl_sb *os = calloc(1, sizeof(*os));
	struct ovl_lower *roots = calloc((size_t)nlower, sizeof(*roots));
	struct vfs_path *paths = calloc((size_t)nlower, sizeof(*paths));
	struct vfs_sb *sb = os && roots && paths ? vfs_sb_new("overlay", &ovl_sb_ops, os) : NULL;
	if (!sb) {
		free(os);
		free(roots);
		free(paths);
		return -ENOMEM;
	}
	os->lower = paths;
	os->nlower = nlower;
	for (int k = 0; k < nlower; k++) {
		vfs_path_set(&os->lower[k], &lower[k]);
		roots[k].d = lower[k].dentry;
		roots[k].layer = k;
	}
	if (upper)
		vfs_path_set(&os->upper, upper);
	else
		sb->flags |= VFS_SB_RDONLY;
	sb->magic = OVERLAYFS_MAGIC;
	struct vfs_inode *root = ovl_new_inode(sb, upper ? upper->dentry : NULL, roots, nlower);
	free(roots);
	int err = root ? vfs_sb_set_root(sb, root) : -ENOMEM;
	if (err) {
		vfs_sb_put(sb);
		return err;
	}
	*out = sb;
	return 0;
}

/* ---- lookup ---- */

/* Looks @name up in the upper directory of @od: *@u is the positive dentry or NULL.
 * -ENOENT for a whiteout. *@more: whether lower layers may still contribute. */
static int lookup_upper(struct ovl_inode *od, struct vfs_dentry *d, struct vfs_dentry **u,
			bool *more)
{
	*u = NULL;
	*more = !od->opaque;
	if (!od->upper)
		return 0;
	int err = vfs_lookup_one(od->upper, d->name, d->namelen, u);
	if (err)
		return err;
	if (is_whiteout(*u) || !(*u)->inode) {
		bool wh = is_whiteout(*u);
		vfs_dentry_put(*u);
		*u = NULL;
		return wh ? -ENOENT : 0;
	}
	if (!S_ISDIR((*u)->inode->mode) || is_opaque(*u))
		*more = false;
	return 0;
}

/* Collects @d's name from the lower directories of @od into @found (room for all of
 * them), topmost first, stopping at a whiteout, a non-directory or an opaque directory.
 * @have_dir: the upper layer has a directory there (only directories merge below it).
 * Returns the count or -errno. */
static int lookup_lowers(struct ovl_inode *od, struct vfs_dentry *d, bool have_dir,
			 bool have_any, struct ovl_lower *found)
{
	int n = 0;
	for (int k = 0; k < od->nlower; k++) {
		struct vfs_dentry *ld = od->lower[k].d, *l;
		if (!S_ISDIR(ld->inode->mode))
			continue;
		int err = vfs_lookup_one(ld, d->name, d->namelen, &l);
		if (err)
			return err;
		if (!l->inode) {
			vfs_dentry_put(l);
			continue;
		}
		bool dir = S_ISDIR(l->inode->mode);
		if (is_whiteout(l) || ((have_any || n) && !(have_dir && dir))) {
			vfs_dentry_put(l);
			break;
		}
		found[n].d = l;
		found[n].layer = od->lower[k].layer;
		n++;
		have_dir = dir;
		if (!dir || is_opaque(l))
			break;
	}
	return n;
}

static int ovl_lookup(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct ovl_inode *od = OI(dir->inode);
	struct vfs_dentry *u;
	struct ovl_lower *found = NULL;
	bool more;
	int n = 0, err = lookup_upper(od, d, &u, &more);
	if (err)
		return err;
	if (more && od->nlower) {
		found = calloc((size_t)od->nlower, sizeof(*found));
		n = found ? lookup_lowers(od, d, u && S_ISDIR(u->inode->mode), u != NULL, found)
			  : -ENOMEM;
		if (n < 0) {
			err = n;
			n = 0;
			goto out;
		}
	}
	if (!u && !n) {
		err = -ENOENT;
		goto out;
	}
	d->inode = ovl_new_inode(d->sb, u, found, n);
	if (!d->inode)
		err = -ENOMEM;
	else if (u && S_ISDIR(u->inode->mode) && (!n || is_opaque(u)))
		OI(d->inode)->opaque = true;
out:
	vfs_dentry_put(u);
	for (int k = 0; k < n; k++)
		vfs_dentry_put(found[k].d);
	free(found);
	return err;
}

static int ovl_getattr(struct vfs_dentry *d, struct stat *st)
{
	int err = vfs_getattr(real(d), st);
	if (err)
		return err;
	st->st_dev = d->sb->dev;
	st->st_ino = d->inode->ino;
	d->inode->mode = st->st_mode;
	d->inode->uid = st->st_uid;
	d->inode->gid = st->st_gid;
	return 0;
}

/* ---- copy-up ---- */
static int copy_data(struct vfs_sb *sb, const struct ovl_lower *l, struct vfs_dentry *u)
{
	struct vfs_file *in, *out;
	int err = vfs_open_dentry(ovl_lower_mnt(sb, l), l->d, O_RDONLY, &in);
	if (err)
		return err;
	err = vfs_open_dentry(OS(sb)->upper.mnt, u, O_WRONLY, &out);
	if (err) {
		vfs_file_put(in);
		return err;
	}
	char *buf = malloc(65536);
	err = buf ? 0 : -ENOMEM;
	while (!err) {
		ssize_t n = vfs_file_read(in, buf, 65536);
		if (n <= 0) {
			err = (int)n;
			break;
		}
		ssize_t w = vfs_file_write(out, buf, (size_t)n);
		if (w != n)
			err = w < 0 ? (int)w : -EIO;
	}
	free(buf);
	vfs_file_put(in);
	vfs_file_put(out);
	return err;
}

/* Copies @l's xattrs to @u, except the overlay's own (trusted.overlay.*: an opaque lower
 * directory copied up is not opaque in the upper layer, as Linux's ovl_copy_xattr). */
static void copy_xattrs(struct vfs_dentry *l, struct vfs_dentry *u)
{
	const struct vfs_inode_ops *lo = l->inode->iops, *uo = u->inode->iops;
	char names[4096], val[4096];
	if (!lo->listxattr || !lo->getxattr || !uo->setxattr)
		return;
	ssize_t n = lo->listxattr(l, names, sizeof(names));
	for (ssize_t i = 0; i > -1 && i < n; i += (ssize_t)strlen(names + i) + 1) {
		if (!strncmp(names + i, "trusted.overlay.", 16))
			continue;
		ssize_t vl = lo->getxattr(l, names + i, val, sizeof(val));
		if (vl >= 0)
			uo->setxattr(u, names + i, val, (size_t)vl, 0);
	}
}

/* Removes a whiteout at negative-or-whiteout upper dentry @u in @udir. */
static int clear_whiteout(struct vfs_dentry *udir, struct vfs_dentry *u, bool *had)
{
	*had = is_whiteout(u);
	if (!*had)
		return u->inode ? -EEXIST : 0;
	int err = udir->inode->iops->unlink(udir, u);
	if (!err)
		vfs_d_delete(u);
	return err;
}

static int upper_child(struct vfs_dentry *udir, const char *name, struct vfs_dentry **u, bool *wh)
{
	int err = vfs_lookup_one(udir, name, strlen(name), u);
	if (err)
		return err;
	bool dummy;
	err = clear_whiteout(udir, *u, wh ? wh : &dummy);
	if (err) {
		vfs_dentry_put(*u);
		return err;
	}
	if ((wh && *wh) || (*u)->dead) {
		vfs_dentry_put(*u);
		return vfs_lookup_one(udir, name, strlen(name), u);
	}
	return 0;
}

static int copy_up(struct vfs_dentry *d)
{
	struct ovl_inode *oi = OI(d->inode);
	if (oi->upper)
		return 0;
	if (!OS(d->sb)->upper.mnt)
		return -EROFS;
	int err = copy_up(d->parent);
	if (err)
		return err;
	struct vfs_dentry *pu = OI(d->parent->inode)->upper, *l = ovl_lower_top(oi), *u;
	const struct vfs_inode_ops *ops = pu->inode->iops;
	struct stat st;
	err = vfs_getattr(l, &st);
	if (!err)
		err = upper_child(pu, d->name, &u, NULL);
	if (err)
		return err;
	if (S_ISREG(st.st_mode)) {
		err = ops->mknod(pu, u, S_IFREG | 0600, 0, st.st_uid, st.st_gid);
		if (!err)
			err = copy_data(d->sb, &oi->lower[0], u);
	} else if (S_ISDIR(st.st_mode)) {
		err = ops->mkdir(pu, u, S_IFDIR | 0700, st.st_uid, st.st_gid);
	} else if (S_ISLNK(st.st_mode)) {
		char target[VFS_PATH_MAX + 1];
		ssize_t n = l->inode->iops->readlink(l, target, VFS_PATH_MAX);
		err = n < 0 ? (int)n : 0;
		if (!err) {
			target[n] = 0;
			err = ops->symlink(pu, u, target, st.st_uid, st.st_gid);
		}
	} else {
		err = ops->mknod(pu, u, st.st_mode, st.st_rdev, st.st_uid, st.st_gid);
	}
	if (!err) {
		copy_xattrs(l, u);
		struct vfs_iattr ia = { .valid = VFS_ATTR_UID | VFS_ATTR_GID | VFS_ATTR_ATIME |
						 VFS_ATTR_MTIME,
					.uid = st.st_uid, .gid = st.st_gid,
					.atime = st.st_atim, .mtime = st.st_mtim };
		if (!S_ISLNK(st.st_mode)) {
			ia.valid |= VFS_ATTR_MODE;
			ia.mode = st.st_mode & 07777;
		}
		err = u->inode->iops->setattr(u, &ia);
	}
	if (err) {
		if (u->inode) {
			if (S_ISDIR(u->inode->mode))
				ops->rmdir(pu, u);
			else
				ops->unlink(pu, u);
			vfs_d_delete(u);
		}
		vfs_dentry_put(u);
		return err;
	}
	oi->upper = u;
	return 0;
}

/* ---- creation and removal ---- */
static int make_whiteout(struct vfs_dentry *udir, const char *name)
{
	struct vfs_dentry *w;
	int err = vfs_lookup_one(udir, name, strlen(name), &w);
	if (err)
		return err;
	if (!w->inode)
		err = udir->inode->iops->mknod(udir, w, S_IFCHR | 0, makedev(0, 0), 0, 0);
	vfs_dentry_put(w);
	return err;
}

static int set_opaque(struct vfs_dentry *u)
{
	return u->inode->iops->setxattr ? u->inode->iops->setxattr(u, OVL_OPAQUE, "y", 1, 0)
					: -EOPNOTSUPP;
}

static int create_common(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, dev_t rdev,
			 const char *target, uint32_t uid, uint32_t gid)
{
	int err = copy_up(dir);
	if (err)
		return err;
	struct vfs_dentry *pu = OI(dir->inode)->upper, *u;
	bool wh;
	err = upper_child(pu, d->name, &u, &wh);
	if (err)
		return err;
	const struct vfs_inode_ops *ops = pu->inode->iops;
	if (target)
		err = ops->symlink(pu, u, target, uid, gid);
	else if (S_ISDIR(mode))
		err = ops->mkdir(pu, u, mode, uid, gid);
	else
		err = ops->mknod(pu, u, mode, rdev, uid, gid);
	if (!err && S_ISDIR(mode) && wh)
		err = set_opaque(u);
	if (!err) {
		struct vfs_inode *i = ovl_new_inode(d->sb, u, NULL, 0);
		if (!i)
			err = -ENOMEM;
		else {
			if (S_ISDIR(mode))
				OI(i)->opaque = true;
			vfs_d_instantiate(d, i);
		}
	}
	vfs_dentry_put(u);
	return err;
}

static int ovl_mknod(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, dev_t rdev,
		     uint32_t uid, uint32_t gid)
{
	return create_common(dir, d, mode, rdev, NULL, uid, gid);
}

static int ovl_mkdir(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, uint32_t uid,
		     uint32_t gid)
{
	return create_common(dir, d, mode, 0, NULL, uid, gid);
}

static int ovl_symlink(struct vfs_dentry *dir, struct vfs_dentry *d, const char *target,
		       uint32_t uid, uint32_t gid)
{
	return create_common(dir, d, S_IFLNK | 0777, 0, target, uid, gid);
}

static int ovl_link(struct vfs_dentry *old, struct vfs_dentry *dir, struct vfs_dentry *d)
{
	int err = copy_up(old);
	if (!err)
		err = copy_up(dir);
	if (err)
		return err;
	struct vfs_dentry *pu = OI(dir->inode)->upper, *u;
	err = upper_child(pu, d->name, &u, NULL);
	if (err)
		return err;
	err = pu->inode->iops->link(OI(old->inode)->upper, pu, u);
	if (!err) {
		struct ovl_inode *oo = OI(old->inode);
		struct vfs_inode *i = ovl_new_inode(d->sb, u, oo->lower, oo->nlower);
		if (!i)
			err = -ENOMEM;
		else
			vfs_d_instantiate(d, i);
	}
	vfs_dentry_put(u);
	return err;
}

static int remove_common(struct vfs_dentry *dir, struct vfs_dentry *d, bool isdir)
{
	struct ovl_inode *oi = OI(d->inode);
	int err = isdir ? ovl_check_empty(d) : 0;
	if (!err)
		err = copy_up(dir);
	if (err)
		return err;
	struct vfs_dentry *pu = OI(dir->inode)->upper;
	if (oi->upper) {
		if (isdir)
			err = ovl_clear_upper_dir(d->sb, oi->upper);
		if (!err)
			err = isdir ? pu->inode->iops->rmdir(pu, oi->upper)
				    : pu->inode->iops->unlink(pu, oi->upper);
		if (err)
			return err;
		vfs_d_delete(oi->upper);
	}
	if (oi->nlower)
		err = make_whiteout(pu, d->name);
	return err;
}

static int ovl_unlink(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	return remove_common(dir, d, false);
}

static int ovl_rmdir(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	return remove_common(dir, d, true);
}

static int ovl_rename(struct vfs_dentry *olddir, struct vfs_dentry *od, struct vfs_dentry *newdir,
		      struct vfs_dentry *nd, unsigned flags)
{
	struct ovl_inode *oo = OI(od->inode), *no = nd->inode ? OI(nd->inode) : NULL;
	if ((S_ISDIR(od->inode->mode) && oo->nlower) ||
	    (no && S_ISDIR(nd->inode->mode) && no->nlower && (flags & RENAME_EXCHANGE)))
		return -EXDEV;
	int err = 0;
	if (no && S_ISDIR(nd->inode->mode))
		err = ovl_check_empty(nd);
	if (!err)
		err = copy_up(od);
	if (!err && no)
		err = copy_up(nd);
	if (!err)
		err = copy_up(olddir);
	if (!err)
		err = copy_up(newdir);
	if (err)
		return err;
	struct vfs_dentry *opu = OI(olddir->inode)->upper, *npu = OI(newdir->inode)->upper, *nu;
	bool wh = false;
	if (no) {
		/* The target was copied up above: replace its own upper dentry. (upper_child
		 * would answer -EEXIST having dropped its reference, and the put below would
		 * then steal the one @no holds.) */
		nu = no->upper;
		vfs_dentry_get(nu);
	} else {
		err = upper_child(npu, nd->name, &nu, &wh);
		if (err)
			return err;
	}
	if (no && S_ISDIR(nd->inode->mode) && !(flags & RENAME_EXCHANGE))
		err = ovl_clear_upper_dir(od->sb, nu);
	if (!err)
		err = opu->inode->iops->rename(opu, oo->upper, npu, nu, flags);
	if (!err) {
		if (flags & RENAME_EXCHANGE) {
			vfs_d_exchange(oo->upper, nu);
		} else {
			vfs_d_delete(nu);
			vfs_d_move(oo->upper, npu, nd->name);
			if (S_ISDIR(od->inode->mode) && (wh || (no && no->nlower)))
				set_opaque(oo->upper);
			if (oo->nlower)
				err = make_whiteout(opu, od->name);
		}
	}
	vfs_dentry_put(nu);
	return err;
}

static ssize_t ovl_readlink(struct vfs_dentry *d, char *buf, size_t size)
{
	struct vfs_dentry *r = real(d);
	return r->inode->iops->readlink(r, buf, size);
}

static int ovl_setattr(struct vfs_dentry *d, const struct vfs_iattr *ia)
{
	int err = copy_up(d);
	if (err)
		return err;
	struct vfs_dentry *u = OI(d->inode)->upper;
	return u->inode->iops->setattr(u, ia);
}

static ssize_t ovl_getxattr(struct vfs_dentry *d, const char *name, void *buf, size_t size)
{
	struct vfs_dentry *r = real(d);
	if (!strncmp(name, "trusted.overlay.", 16))
		return -ENODATA;
	return r->inode->iops->getxattr ? r->inode->iops->getxattr(r, name, buf, size) : -ENODATA;
}

static int ovl_setxattr(struct vfs_dentry *d, const char *name, const void *val, size_t size,
			int flags)
{
	if (!strncmp(name, "trusted.overlay.", 16))
		return -EPERM;
	int err = copy_up(d);
	if (err)
		return err;
	struct vfs_dentry *u = OI(d->inode)->upper;
	return u->inode->iops->setxattr(u, name, val, size, flags);
}

static ssize_t ovl_listxattr(struct vfs_dentry *d, char *buf, size_t size)
{
	struct vfs_dentry *r = real(d);
	char tmp[4096];
	if (!r->inode->iops->listxattr)
		return 0;
	ssize_t n = r->inode->iops->listxattr(r, tmp, sizeof(tmp));
	if (n < 0)
		return n;
	size_t total = 0;
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(tmp + i) + 1) {
		size_t l = strlen(tmp + i) + 1;
		if (!strncmp(tmp + i, "trusted.overlay.", 16))
			continue;
		if (size) {
			if (total + l > size)
				return -ERANGE;
			memcpy(buf + total, tmp + i, l);
		}
		total += l;
	}
	return (ssize_t)total;
}

static int ovl_removexattr(struct vfs_dentry *d, const char *name)
{
	int err = copy_up(d);
	if (err)
		return err;
	struct vfs_dentry *u = OI(d->inode)->upper;
	return u->inode->iops->removexattr(u, name);
}

static int ovl_open(struct vfs_dentry *d, struct vfs_file *f)
{
	if (S_ISDIR(d->inode->mode)) {
		f->ops = &ovl_dir_ops;
		return 0;
	}
	if ((f->flags & O_ACCMODE) != O_RDONLY) {
		int err = copy_up(d);
		if (err)
			return err;
	}
	struct ovl_inode *oi = OI(d->inode);
	struct vfs_mount *m = oi->upper ? OS(d->sb)->upper.mnt : ovl_lower_mnt(d->sb, &oi->lower[0]);
	struct vfs_file *in;
	int err = vfs_open_dentry(m, real(d), f->flags, &in);
	if (err)
		return err;
	f->priv = in;
	f->ops = &ovl_file_ops;
	return 0;
}

static const struct vfs_inode_ops ovl_iops = {
	.lookup = ovl_lookup,
	.mknod = ovl_mknod,
	.mkdir = ovl_mkdir,
	.symlink = ovl_symlink,
	.link = ovl_link,
	.unlink = ovl_unlink,
	.rmdir = ovl_rmdir,
	.rename = ovl_rename,
	.readlink = ovl_readlink,
	.getattr = ovl_getattr,
	.setattr = ovl_setattr,
	.open = ovl_open,
	.getxattr = ovl_getxattr,
	.setxattr = ovl_setxattr,
	.listxattr = ovl_listxattr,
	.removexattr = ovl_removexattr,
};

