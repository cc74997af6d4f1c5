/* vfs/attr.c - attributes by path or fd: stat, statfs, access, chmod, chown, utimes,
 * extended attributes, and the fs context's cwd/root (chdir, fchdir, chroot, getcwd).
 * Permission rules are Linux's (notify_change, xattr_permission). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include "vfs/inotify.h"
#include "vfs/internal.h"
#include "vfs/ops.h"

#ifndef UTIME_NOW
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#endif

/* The object named by (@dirfd, @path) or, with @path NULL, the file @dirfd: new
 * references in *@p. */
static int resolve(struct vfs_ctx *c, int dirfd, const char *path, bool follow, bool empty,
		   bool allow_opath, struct vfs_path *p)
{
	if (!path) {
		struct vfs_file *f = c->fdt ? vfs_fdtable_lookup(c->fdt, dirfd) : NULL;
		if (!f)
			return -EBADF;
		int err = 0;
		if (!f->dentry)
			err = -EBADF;
		else if ((f->flags & O_PATH) && !allow_opath)
			err = -EBADF;
		if (!err) {
			p->mnt = f->mnt;
			p->dentry = f->dentry;
			vfs_path_get(p);
		}
		vfs_file_put(f);
		return err;
	}
	unsigned lf = (follow ? LOOKUP_FOLLOW : 0) | (empty ? LOOKUP_EMPTY : 0);
	return vfs_walk(c, dirfd, path, lf, p, NULL);
}

int vfs_statat(struct vfs_ctx *c, int dirfd, const char *path, int flags, struct stat *st)
{
	struct vfs_path p;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if (path && !*path && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		/* fstat(2) as glibc does it: any file, anonymous ones too */
		struct vfs_file *f = c->fdt ? vfs_fdtable_lookup(c->fdt, dirfd) : NULL;
		if (!f)
			return -EBADF;
		int err = vfs_file_stat(f, st);
		vfs_file_put(f);
		return err;
	}
	int err = resolve(c, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH,
			  true, &p);
	if (err)
		return err;
	err = vfs_getattr(p.dentry, st);
	vfs_path_put(&p);
	return err;
}

static int dentry_statfs(struct vfs_path *p, struct statfs *st)
{
	struct vfs_sb *sb = p->dentry->sb;
	memset(st, 0, sizeof(*st));
	if (sb->ops && sb->ops->statfs) {
		int err = sb->ops->statfs(sb, st);
		if (err)
			return err;
	} else {
		st->f_type = sb->magic;
		st->f_bsize = 4096;
		st->f_namelen = VFS_NAME_MAX;
		st->f_frsize = 4096;
	}
	st->f_flags |= 0x20; /* ST_VALID */
	if (vfs_mount_is_rdonly(p->mnt))
		st->f_flags |= ST_RDONLY;
	if (p->mnt->flags & MS_NOSUID)
		st->f_flags |= ST_NOSUID;
	if (p->mnt->flags & MS_NODEV)
		st->f_flags |= ST_NODEV;
	if (p->mnt->flags & MS_NOEXEC)
		st->f_flags |= ST_NOEXEC;
	return 0;
}

int vfs_statfsat(struct vfs_ctx *c, int dirfd, const char *path, int flags, struct statfs *st)
{
	struct vfs_path p;
	int err = resolve(c, dirfd, path, true, false, true, &p);
	if (err)
		return err;
	err = dentry_statfs(&p, st);
	vfs_path_put(&p);
	return err;
}

int vfs_file_statfs(struct vfs_file *f, struct statfs *st)
{
	if (!f->dentry) {
		memset(st, 0, sizeof(*st));
		st->f_type = 0x50495045; /* PIPEFS_MAGIC: anon objects */
		st->f_bsize = 4096;
		st->f_namelen = VFS_NAME_MAX;
		return 0;
	}
	struct vfs_path p = { f->mnt, f->dentry };
	return dentry_statfs(&p, st);
}

int vfs_accessat(struct vfs_ctx *c, int dirfd, const char *path, int mode, int flags)
{
	struct vfs_path p;
	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct vfs_cred real;
	const struct vfs_cred *cr = c->cred;
	if (!(flags & AT_EACCESS) && cr) {
		real = *cr;
		real.fsuid = cr->uid;
		real.fsgid = cr->gid;
		if (cr->uid != 0)
			real.cap_effective = 0;
		cr = &real;
	}
	struct vfs_ctx c2 = *c;
	c2.cred = cr;
	int err = resolve(&c2, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH,
			  true, &p);
	if (err)
		return err;
	if (mode) {
		err = vfs_dentry_permission(cr, p.dentry, mode);
		if (!err)
			err = vfs_dev_inode_permission(c, p.dentry, mode);
		mode_t m = p.dentry->inode->mode;
		if (!err && (mode & W_OK) && vfs_mount_is_rdonly(p.mnt) &&
		    (S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m)))
			err = -EROFS;
	}
	vfs_path_put(&p);
	return err;
}

static int setattr(struct vfs_path *p, struct vfs_iattr *ia)
{
	struct vfs_inode *inode = p->dentry->inode;
	if (vfs_mount_is_rdonly(p->mnt))
		return -EROFS;
	if (!inode->iops || !inode->iops->setattr)
		return -EPERM;
	if (!(ia->valid & VFS_ATTR_CTIME)) {
		ia->valid |= VFS_ATTR_CTIME;
		vfs_now(&ia->ctime);
	}
	int err = inode->iops->setattr(p->dentry, ia);
	if (!err)
		vfs_notify_dentry(p->dentry, IN_ATTRIB);
	return err;
}

/* What chmod/chown/utimensat change: the object at a path or behind an fd, or (fd form
 * only) an anonymous file such as a pipe, whose inode the file's ->setattr op owns. */
struct attr_target {
	struct vfs_path p;
	struct vfs_file *anon; /* a reference, or NULL: @p holds references */
};

static int target_resolve(struct vfs_ctx *c, int dirfd, const char *path, int flags,
			  struct attr_target *t)
{
	t->anon = NULL;
	if (!path) {
		struct vfs_file *f = c->fdt ? vfs_fdtable_lookup(c->fdt, dirfd) : NULL;
		if (f && !f->dentry && !(f->flags & O_PATH)) {
			t->anon = f;
			return 0;
		}
		if (f)
			vfs_file_put(f);
	}
	return resolve(c, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH,
		       false, &t->p);
}

static int target_getattr(struct attr_target *t, struct stat *st)
{
	return t->anon ? vfs_file_stat(t->anon, st) : vfs_getattr(t->p.dentry, st);
}

static int target_setattr(struct attr_target *t, struct vfs_iattr *ia)
{
	if (!t->anon)
		return setattr(&t->p, ia);
	if (!t->anon->ops || !t->anon->ops->setattr)
		return -EPERM;
	if (!(ia->valid & VFS_ATTR_CTIME)) {
		ia->valid |= VFS_ATTR_CTIME;
		vfs_now(&ia->ctime);
	}
	return t->anon->ops->setattr(t->anon, ia);
}

static bool target_is_rdonly(struct attr_target *t)
{
	return !t->anon && vfs_mount_is_rdonly(t->p.mnt);
}

static void target_put(struct attr_target *t)
{
	if (t->anon)
		vfs_file_put(t->anon);
	else
		vfs_path_put(&t->p);
}

int vfs_chmodat(struct vfs_ctx *c, int dirfd, const char *path, mode_t mode, int flags)
{
	struct attr_target p;
	struct stat st;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err = target_resolve(c, dirfd, path, flags, &p);
	if (err)
		return err;
	if (target_is_rdonly(&p)) {
		target_put(&p); /* chmod_common's mnt_want_write comes first */
		return -EROFS;
	}
	err = target_getattr(&p, &st);
	if (!err && S_ISLNK(st.st_mode))
		err = -EOPNOTSUPP;
	if (!err && c->cred && !vfs_is_owner_or_cap(c->cred, st.st_uid))
		err = -EPERM;
	if (!err) {
		struct vfs_iattr ia = { .valid = VFS_ATTR_MODE, .mode = mode & 07777 };
		if (c->cred && !S_ISDIR(st.st_mode) && !vfs_in_group(c->cred, st.st_gid) &&
		    !vfs_capable(c->cred, VFS_CAP_FSETID))
			ia.mode &= ~S_ISGID;
		err = target_setattr(&p, &ia);
	}
	target_put(&p);
	return err;
}

int vfs_chownat(struct vfs_ctx *c, int dirfd, const char *path, uint32_t uid, uint32_t gid,
		int flags)
{
	struct attr_target p;
	struct stat st;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err = target_resolve(c, dirfd, path, flags, &p);
	if (err)
		return err;
	if (target_is_rdonly(&p)) {
		target_put(&p); /* chmod_common's mnt_want_write comes first */
		return -EROFS;
	}
	err = target_getattr(&p, &st);
	struct vfs_iattr ia = { 0 };
	const struct vfs_cred *cr = c->cred;
	bool cap = !cr || vfs_capable_wrt(cr, VFS_CAP_CHOWN, st.st_uid, st.st_gid);
	if (!err && uid != (uint32_t)-1 && uid != st.st_uid) {
		if (!cap)
			err = -EPERM;
		ia.valid |= VFS_ATTR_UID;
		ia.uid = uid;
	}
	if (!err && gid != (uint32_t)-1 && gid != st.st_gid) {
		if (!cap && !(cr->fsuid == st.st_uid && vfs_in_group(cr, gid)))
			err = -EPERM;
		ia.valid |= VFS_ATTR_GID;
		ia.gid = gid;
	}
	if (!err && !cap && uid != (uint32_t)-1 && cr->fsuid != st.st_uid)
		err = -EPERM;
	if (!err && !cap && gid != (uint32_t)-1 && cr->fsuid != st.st_uid)
		err = -EPERM;
	if (!err && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode) &&
	    (uid != (uint32_t)-1 || gid != (uint32_t)-1) && (st.st_mode & (S_ISUID | S_ISGID))) {
		ia.valid |= VFS_ATTR_MODE;
		ia.mode = st.st_mode & 07777 & ~S_ISUID;
		if (st.st_mode & S_IXGRP)
			ia.mode &= ~S_ISGID;
	}
	if (!err)
		err = target_setattr(&p, &ia);
	target_put(&p);
	return err;
}

int vfs_utimensat(struct vfs_ctx *c, int dirfd, const char *path, const struct timespec *ts,
		  int flags)
{
	struct attr_target p;
	struct stat st;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (ts) {
		for (int i = 0; i < 2; i++)
			if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
			    (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000))
				return -EINVAL;
	}
	int err = target_resolve(c, dirfd, path, flags, &p);
	if (err)
		return err;
	if (target_is_rdonly(&p)) {
		target_put(&p); /* chmod_common's mnt_want_write comes first */
		return -EROFS;
	}
	err = target_getattr(&p, &st);
	struct vfs_iattr ia = { .valid = VFS_ATTR_ATIME | VFS_ATTR_MTIME };
	struct timespec now;
	vfs_now(&now);
	ia.atime = ia.mtime = now;
	bool explicit = false;
	if (ts) {
		if (ts[0].tv_nsec == UTIME_OMIT)
			ia.valid &= ~VFS_ATTR_ATIME;
		else if (ts[0].tv_nsec != UTIME_NOW)
			ia.atime = ts[0], explicit = true;
		if (ts[1].tv_nsec == UTIME_OMIT)
			ia.valid &= ~VFS_ATTR_MTIME;
		else if (ts[1].tv_nsec != UTIME_NOW)
			ia.mtime = ts[1], explicit = true;
	}
	if (!err && c->cred && !vfs_is_owner_or_cap(c->cred, st.st_uid)) {
		if (explicit)
			err = -EPERM;
		else if (vfs_permission(c->cred, &st, MAY_WRITE))
			err = -EACCES;
	}
	if (!err && ia.valid)
		err = target_setattr(&p, &ia);
	target_put(&p);
	return err;
}

int vfs_chdir(struct vfs_ctx *c, const char *path)
{
	struct vfs_path p;
	int err = vfs_walk(c, AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p, NULL);
	if (err)
		return err;
	err = vfs_dentry_permission(c->cred, p.dentry, MAY_EXEC);
	if (!err)
		vfs_path_set(&c->fs->cwd, &p);
	vfs_path_put(&p);
	return err;
}

int vfs_fchdir(struct vfs_ctx *c, int fd)
{
	struct vfs_path p;
	int err = resolve(c, fd, NULL, true, false, true, &p);
	if (err)
		return err;
	if (!S_ISDIR(p.dentry->inode->mode))
		err = -ENOTDIR;
	else
		err = vfs_dentry_permission(c->cred, p.dentry, MAY_EXEC);
	if (!err)
		vfs_path_set(&c->fs->cwd, &p);
	vfs_path_put(&p);
	return err;
}

int vfs_chroot(struct vfs_ctx *c, const char *path)
{
	struct vfs_path p;
	int err = vfs_walk(c, AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p, NULL);
	if (err)
		return err;
	err = vfs_dentry_permission(c->cred, p.dentry, MAY_EXEC);
	if (!err && c->cred && !vfs_capable(c->cred, VFS_CAP_SYS_CHROOT))
		err = -EPERM;
	if (!err)
		vfs_path_set(&c->fs->root, &p);
	vfs_path_put(&p);
	return err;
}

int vfs_getcwd(struct vfs_ctx *c, char *buf, size_t size)
{
	struct vfs_path *cwd = &c->fs->cwd;
	if (cwd->dentry->dead)
		return -ENOENT;
	int n = vfs_path_to_string(cwd, &c->fs->root, buf, size);
	if (n < 0)
		return n;
	/* not below the root (chroot'ed away from it): Linux prefixes "(unreachable)" */
	struct vfs_mount *m = cwd->mnt;
	struct vfs_dentry *d = cwd->dentry;
	for (;;) {
		if (m == c->fs->root.mnt && d == c->fs->root.dentry)
			return n + 1;
		if (d == m->root) {
			if (!m->parent)
				break;
			d = m->mountpoint;
			m = m->parent;
		} else {
			d = d->parent;
		}
	}
	if ((size_t)n + 14 > size)
		return -ERANGE;
	memmove(buf + 13, buf, (size_t)n + 1);
	memcpy(buf, "(unreachable)", 13);
	return n + 14;
}

/* ---- extended attributes ---- */
static int xattr_check_name(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > 255)
		return -ERANGE;
	if (strncmp(name, "user.", 5) && strncmp(name, "trusted.", 8) &&
	    strncmp(name, "security.", 9) && strncmp(name, "system.", 7))
		return -EOPNOTSUPP;
	return 0;
}

static int xattr_permission(struct vfs_ctx *c, struct vfs_path *p, const char *name, int mask)
{
	struct stat st;
	int err = vfs_getattr(p->dentry, &st);
	if (err)
		return err;
	if (!strncmp(name, "trusted.", 8))
		return vfs_capable(c->cred, VFS_CAP_SYS_ADMIN) || !c->cred ? 0 : -EPERM;
	if (!strncmp(name, "user.", 5)) {
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			return mask == MAY_WRITE ? -EPERM : -ENODATA;
		if (S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) && mask == MAY_WRITE && c->cred &&
		    !vfs_is_owner_or_cap(c->cred, st.st_uid))
			return -EPERM;
	}
	/* POSIX ACLs are not implemented: answer as a filesystem mounted without them, so
	 * cp -a and friends fall back to chmod instead of storing an inert ACL xattr */
	if (!strncmp(name, "system.", 7))
		return -EOPNOTSUPP;
	return vfs_permission(c->cred, &st, mask);
}

ssize_t vfs_getxattr(struct vfs_ctx *c, int dirfd, const char *path, bool follow,
		     const char *name, void *buf, size_t size)
{
	struct vfs_path p;
	int err = xattr_check_name(name);
	if (err)
		return err;
	err = resolve(c, dirfd, path, follow, false, false, &p);
	if (err)
		return err;
	ssize_t n = xattr_permission(c, &p, name, MAY_READ);
	if (n == -EPERM)
		n = -ENODATA;
	struct vfs_inode *inode = p.dentry->inode;
	if (!n)
		n = inode->iops->getxattr ? inode->iops->getxattr(p.dentry, name, buf, size)
					  : -EOPNOTSUPP;
	vfs_path_put(&p);
	return n;
}

int vfs_setxattr(struct vfs_ctx *c, int dirfd, const char *path, bool follow, const char *name,
		 const void *val, size_t size, int flags)
{
	struct vfs_path p;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	int err = xattr_check_name(name);
	if (err)
		return err;
	if (size > 65536)
		return -E2BIG;
	err = resolve(c, dirfd, path, follow, false, false, &p);
	if (err)
		return err;
	err = xattr_permission(c, &p, name, MAY_WRITE);
	if (!err && vfs_mount_is_rdonly(p.mnt))
		err = -EROFS;
	struct vfs_inode *inode = p.dentry->inode;
	if (!err)
		err = inode->iops->setxattr ? inode->iops->setxattr(p.dentry, name, val, size, flags)
					    : -EOPNOTSUPP;
	if (!err)
		vfs_notify_dentry(p.dentry, IN_ATTRIB);
	vfs_path_put(&p);
	return err;
}

ssize_t vfs_listxattr(struct vfs_ctx *c, int dirfd, const char *path, bool follow, char *buf,
		      size_t size)
{
	struct vfs_path p;
	int err = resolve(c, dirfd, path, follow, false, false, &p);
	if (err)
		return err;
	struct vfs_inode *inode = p.dentry->inode;
	ssize_t n = inode->iops->listxattr ? inode->iops->listxattr(p.dentry, buf, size) : 0;
	/* trusted.* is invisible without CAP_SYS_ADMIN */
	if (n > 0 && buf && c->cred && !vfs_capable(c->cred, VFS_CAP_SYS_ADMIN)) {
		ssize_t o = 0;
		for (ssize_t i = 0; i < n;) {
			size_t l = strlen(buf + i) + 1;
			if (strncmp(buf + i, "trusted.", 8)) {
				memmove(buf + o, buf + i, l);
				o += (ssize_t)l;
			}
			i += (ssize_t)l;
		}
		n = o;
	}
	vfs_path_put(&p);
	return n;
}

int vfs_removexattr(struct vfs_ctx *c, int dirfd, const char *path, bool follow,
		    const char *name)
{
	struct vfs_path p;
	int err = xattr_check_name(name);
	if (err)
		return err;
	err = resolve(c, dirfd, path, follow, false, false, &p);
	if (err)
		return err;
	err = xattr_permission(c, &p, name, MAY_WRITE);
	if (!err && vfs_mount_is_rdonly(p.mnt))
		err = -EROFS;
	struct vfs_inode *inode = p.dentry->inode;
	if (!err)
		err = inode->iops->removexattr ? inode->iops->removexattr(p.dentry, name)
					       : -EOPNOTSUPP;
	if (!err)
		vfs_notify_dentry(p.dentry, IN_ATTRIB);
	vfs_path_put(&p);
	return err;
}
