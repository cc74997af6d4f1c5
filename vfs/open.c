/* vfs/open.c - opening by path (open/openat/openat2/creat, execve's open), and the
 * per-file operations the handlers call (truncate, seek, getdents, sync, fallocate,
 * F_SETFL). Permission and read-only-mount checks live here, not in filesystems. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <unistd.h>
#include "vfs/inotify.h"
#include "vfs/internal.h"
#include "vfs/ops.h"

#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

/* Owner of a new inode in @dir: fsuid, and the directory's group when it is setgid. */
void vfs_new_owner(struct vfs_ctx *c, struct vfs_dentry *dir, mode_t *mode, uint32_t *uid,
		   uint32_t *gid)
{
	struct stat st;
	*uid = c->cred ? c->cred->fsuid : 0;
	*gid = c->cred ? c->cred->fsgid : 0;
	if (!vfs_getattr(dir, &st) && (st.st_mode & S_ISGID)) {
		*gid = st.st_gid;
		if (S_ISDIR(*mode))
			*mode |= S_ISGID;
	} else if (!S_ISDIR(*mode) && (*mode & S_ISGID) && (*mode & S_IXGRP) && c->cred &&
		   !vfs_in_group(c->cred, *gid) && !vfs_capable(c->cred, VFS_CAP_FSETID)) {
		*mode &= ~S_ISGID;
	}
}

/* May the caller create in @dir (a positive directory on @mnt)? A read-only mount is
 * EROFS before any permission check (Linux's mnt_want_write in filename_create). */
int vfs_may_create(struct vfs_ctx *c, struct vfs_mount *mnt, struct vfs_dentry *dir)
{
	if (dir->dead)
		return -ENOENT;
	if (vfs_mount_is_rdonly(mnt))
		return -EROFS;
	return vfs_dentry_permission(c->cred, dir, MAY_WRITE | MAY_EXEC);
}

static int do_truncate(struct vfs_dentry *d, off_t len)
{
	struct vfs_iattr ia = { .valid = VFS_ATTR_SIZE | VFS_ATTR_MTIME | VFS_ATTR_CTIME, .size = len };
	vfs_now(&ia.mtime);
	ia.ctime = ia.mtime;
	if (!d->inode->iops || !d->inode->iops->setattr)
		return -EPERM;
	int err = d->inode->iops->setattr(d, &ia);
	if (!err)
		vfs_notify_dentry(d, IN_MODIFY);
	return err;
}

static int open_create(struct vfs_ctx *c, struct vfs_path *p, mode_t mode)
{
	struct vfs_dentry *dir = p->dentry->parent;
	int err = vfs_may_create(c, p->mnt, dir);
	if (err)
		return err;
	if (!dir->inode->iops || !dir->inode->iops->mknod)
		return -EPERM;
	uint32_t uid, gid;
	mode = S_IFREG | (mode & 07777 & ~c->fs->umask);
	vfs_new_owner(c, dir, &mode, &uid, &gid);
	err = dir->inode->iops->mknod(dir, p->dentry, mode, 0, uid, gid);
	if (!err)
		vfs_notify_name(dir->inode, IN_CREATE, p->dentry->name, 0);
	return err;
}

static int open_tmpfile(struct vfs_ctx *c, int dirfd, const char *path, int flags, mode_t mode,
			struct vfs_file **out)
{
	struct vfs_path p;
	int acc = flags & O_ACCMODE;
	if (acc == O_RDONLY)
		return -EINVAL;
	int err = vfs_walk(c, dirfd, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p, NULL);
	if (err)
		return err;
	struct vfs_inode *inode = NULL;
	err = vfs_may_create(c, p.mnt, p.dentry);
	if (!err && !p.dentry->inode->iops->tmpfile)
		err = -EOPNOTSUPP;
	if (!err) {
		uint32_t uid, gid;
		mode = S_IFREG | (mode & 07777 & ~c->fs->umask);
		vfs_new_owner(c, p.dentry, &mode, &uid, &gid);
		err = p.dentry->inode->iops->tmpfile(p.dentry, mode, uid, gid, &inode);
	}
	if (!err) {
		struct vfs_dentry *d = vfs_dentry_new_root(p.dentry->sb, inode);
		if (!d) {
			err = -ENOMEM;
		} else {
			/* an unnamed dentry whose path reads "/#ino (deleted)" */
			char nm[32];
			int l = snprintf(nm, sizeof(nm), "#%llu", (unsigned long long)inode->ino);
			char *n = strdup(nm);
			if (n) {
				free(d->name);
				d->name = n;
				d->namelen = (size_t)l;
			}
			d->dead = true;
			err = vfs_open_dentry(p.mnt, d, flags & ~(O_TMPFILE | O_CREAT | O_EXCL), out);
			vfs_dentry_put(d);
		}
	}
	vfs_path_put(&p);
	return err;
}

static unsigned resolve_flags(uint64_t resolve)
{
	unsigned f = 0;
	if (resolve & RESOLVE_NO_SYMLINKS)
		f |= LOOKUP_NO_SYMLINKS;
	if (resolve & RESOLVE_BENEATH)
		f |= LOOKUP_BENEATH;
	if (resolve & RESOLVE_IN_ROOT)
		f |= LOOKUP_IN_ROOT;
	if (resolve & RESOLVE_NO_XDEV)
		f |= LOOKUP_NO_XDEV;
	if (resolve & RESOLVE_NO_MAGICLINKS)
		f |= LOOKUP_NO_MAGICLINKS;
	return f;
}

/* See ops.h. */
int vfs_openat(struct vfs_ctx *c, int dirfd, const char *path, int flags, mode_t mode,
	       uint64_t resolve, struct vfs_file **out, struct waitq **wait)
{
	struct vfs_path p;
	int acc = flags & O_ACCMODE;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return open_tmpfile(c, dirfd, path, flags, mode, out);
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	else if (acc == 3)
		return -EINVAL;
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	unsigned lf = resolve_flags(resolve);
	if (!(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL)))
		lf |= LOOKUP_FOLLOW;
	if (flags & O_CREAT)
		lf |= LOOKUP_CREATE;
	if (flags & O_DIRECTORY)
		lf |= LOOKUP_DIRECTORY;
	int err = vfs_walk(c, dirfd, path, lf, &p, NULL);
	if (err)
		return err;
	bool created = false;
	if (!p.dentry->inode) {
		err = open_create(c, &p, mode);
		if (err)
			goto out;
		created = true;
	} else if ((flags & O_CREAT) && (flags & O_EXCL)) {
		err = -EEXIST;
		goto out;
	}
	mode_t m = p.dentry->inode->mode;
	if (S_ISLNK(m) && !(flags & O_PATH)) {
		err = -ELOOP;
		goto out;
	}
	if (flags & O_PATH) {
		err = vfs_open_dentry(p.mnt, p.dentry, flags & ~O_CLOEXEC, out);
		goto out;
	}
	if (S_ISDIR(m) && (acc != O_RDONLY || (flags & O_CREAT))) {
		err = -EISDIR;
		goto out;
	}
	if (!created) {
		int mask = (acc == O_RDONLY ? MAY_READ : acc == O_WRONLY ? MAY_WRITE
									  : MAY_READ | MAY_WRITE);
		if (flags & O_TRUNC)
			mask |= MAY_WRITE;
		if ((flags & O_TRUNC) && S_ISREG(m) && vfs_mount_is_rdonly(p.mnt)) {
			err = -EROFS; /* do_open's mnt_want_write, before may_open */
			goto out;
		}
		err = vfs_dentry_permission(c->cred, p.dentry, mask);
		if (!err)
			err = vfs_dev_inode_permission(c, p.dentry, mask);
		if (err)
			goto out;
		if ((mask & MAY_WRITE) && (S_ISREG(m) || S_ISDIR(m)) && vfs_mount_is_rdonly(p.mnt)) {
			err = -EROFS;
			goto out;
		}
		if ((S_ISCHR(m) || S_ISBLK(m)) && (p.mnt->flags & MS_NODEV)) {
			err = -EACCES;
			goto out;
		}
	}
	/* A terminal's open needs O_NOCTTY (devpts strips it from the status flags). */
	int fflags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | (S_ISCHR(m) ? 0 : O_NOCTTY));
	err = vfs_open_dentry_wait(p.mnt, p.dentry, fflags, out, wait);
	if (!err && (flags & O_TRUNC) && S_ISREG(m) && !created) {
		err = do_truncate(p.dentry, 0);
		if (err)
			vfs_file_put(*out);
	}
	if (!err)
		vfs_notify_dentry(p.dentry, IN_OPEN);
out:
	vfs_path_put(&p);
	return err;
}

/* See vfs.h. */
int vfs_open_exec(struct vfs_ctx *c, int dirfd, const char *path, int at_flags,
		  struct vfs_file **out)
{
	struct vfs_path p;
	unsigned lf = (at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (at_flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	int err = vfs_walk(c, dirfd, path, lf, &p, NULL);
	if (err)
		return err;
	mode_t m = p.dentry->inode->mode;
	if (S_ISLNK(m))
		err = -ELOOP;
	else if (!S_ISREG(m) || (p.mnt->flags & MS_NOEXEC))
		err = -EACCES;
	else
		err = vfs_dentry_permission(c->cred, p.dentry, MAY_EXEC);
	if (!err)
		err = vfs_open_dentry(p.mnt, p.dentry, O_RDONLY, out);
	vfs_path_put(&p);
	return err;
}

int vfs_file_truncate(struct vfs_ctx *c, struct vfs_file *f, off_t len)
{
	if (len < 0)
		return -EINVAL;
	if (!f->dentry || (f->flags & O_PATH))
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	if (!S_ISREG(f->dentry->inode->mode))
		return -EINVAL;
	if (f->ops && f->ops->truncate) {
		int err = f->ops->truncate(f, len);
		if (!err)
			vfs_notify_dentry(f->dentry, IN_MODIFY);
		return err;
	}
	return do_truncate(f->dentry, len);
}

int vfs_truncate_path(struct vfs_ctx *c, const char *path, off_t len)
{
	struct vfs_path p;
	if (len < 0)
		return -EINVAL;
	int err = vfs_walk(c, AT_FDCWD, path, LOOKUP_FOLLOW, &p, NULL);
	if (err)
		return err;
	mode_t m = p.dentry->inode->mode;
	if (S_ISDIR(m))
		err = -EISDIR;
	else if (!S_ISREG(m))
		err = -EINVAL;
	else
		err = vfs_dentry_permission(c->cred, p.dentry, MAY_WRITE);
	if (!err && vfs_mount_is_rdonly(p.mnt))
		err = -EROFS;
	if (!err)
		err = do_truncate(p.dentry, len);
	vfs_path_put(&p);
	return err;
}

off_t vfs_generic_llseek(struct vfs_file *f, off_t off, int whence, off_t size)
{
	off_t base;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA:
		if (off < 0 || off >= size)
			return -ENXIO;
		return f->pos = off;
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		return f->pos = size;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	return f->pos = base + off;
}

off_t vfs_file_llseek(struct vfs_file *f, off_t off, int whence)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (!f->ops || !f->ops->llseek)
		return -ESPIPE;
	return f->ops->llseek(f, off, whence);
}

ssize_t vfs_file_getdents64(struct vfs_file *f, void *buf, size_t len)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (!f->ops || !f->ops->getdents64)
		return -ENOTDIR;
	if (f->dentry && f->dentry->dead && S_ISDIR(f->dentry->inode->mode))
		return -ENOENT;
	return f->ops->getdents64(f, buf, len);
}

int vfs_file_fsync(struct vfs_file *f, bool datasync)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (!f->ops || !f->ops->fsync)
		return f->dentry ? 0 : -EINVAL;
	return f->ops->fsync(f, datasync);
}

int vfs_file_fallocate(struct vfs_file *f, int mode, off_t off, off_t len)
{
	if (off < 0 || len <= 0)
		return -EINVAL;
	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	struct vfs_inode *inode = vfs_file_inode(f);
	if (!inode)
		return -ESPIPE;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -ENODEV;
	if (f->mnt && vfs_mount_is_rdonly(f->mnt))
		return -EROFS;
	if (!f->ops || !f->ops->fallocate)
		return -EOPNOTSUPP;
	int err = f->ops->fallocate(f, mode, off, len);
	if (!err)
		vfs_notify_dentry(f->dentry, IN_MODIFY);
	return err;
}

int vfs_file_setfl(struct vfs_file *f, int flags)
{
	const int settable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
	int nf = (f->flags & ~settable) | (flags & settable);
	if (f->ops && f->ops->setfl) {
		int err = f->ops->setfl(f, nf);
		if (err)
			return err;
	}
	f->flags = nf;
	return 0;
}

int vfs_memfd_create(const char *name, unsigned flags, struct vfs_file **out)
{
	return tmpfs_memfd_new(name, (int)flags, out);
}

int vfs_file_seals(struct vfs_file *f, bool add, unsigned seals)
{
	return tmpfs_seals(f, add, seals);
}
