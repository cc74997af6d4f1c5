/* vfs/perm.c - permission checks against struct vfs_cred: mode bits, supplementary
 * groups, CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH / CAP_FOWNER (for a process of a child
 * user namespace: over objects whose owner and group are mapped there), sticky
 * directories.
 * Pure functions of credentials and attributes: must not change anything. */
#include <errno.h>
#include <sys/sysmacros.h>
#include "vfs/internal.h"

bool vfs_in_group(const struct vfs_cred *cr, uint32_t gid)
{
	if (cr->fsgid == gid)
		return true;
	for (uint32_t i = 0; i < cr->ngroups && i < 64; i++)
		if (cr->groups[i] == gid)
			return true;
	return false;
}

/* See internal.h. */
bool vfs_capable_wrt(const struct vfs_cred *cr, int cap, uint32_t uid, uint32_t gid)
{
	if (vfs_capable(cr, cap))
		return true;
	return cr && cr->userns && cr->ids_mapped && (cr->ns_caps & VFS_CAP(cap)) &&
	       cr->ids_mapped(cr->userns, uid, gid);
}

/* True when the caller owns @uid's object or has CAP_FOWNER over it. */
bool vfs_is_owner_or_cap(const struct vfs_cred *cr, uint32_t uid)
{
	return cr->fsuid == uid || vfs_capable_wrt(cr, VFS_CAP_FOWNER, uid, (uint32_t)-1);
}

/* generic_permission: returns 0 or -EACCES for @mask (MAY_READ|MAY_WRITE|MAY_EXEC). */
int vfs_permission(const struct vfs_cred *cr, const struct stat *st, int mask)
{
	mode_t m = st->st_mode;
	unsigned bits;
	if (!cr)
		return 0;
	if (cr->fsuid == st->st_uid)
		bits = (m >> 6) & 7;
	else if (vfs_in_group(cr, st->st_gid))
		bits = (m >> 3) & 7;
	else
		bits = m & 7;
	if ((mask & ~bits & 7) == 0)
		return 0;
	bool isdir = S_ISDIR(m);
	if (vfs_capable_wrt(cr, VFS_CAP_DAC_OVERRIDE, st->st_uid, st->st_gid)) {
		if (!(mask & MAY_EXEC) || isdir || (m & 0111))
			return 0;
	}
	if (vfs_capable_wrt(cr, VFS_CAP_DAC_READ_SEARCH, st->st_uid, st->st_gid)) {
		if (!(mask & MAY_WRITE) && (!(mask & MAY_EXEC) || isdir))
			return 0;
	}
	return -EACCES;
}

int vfs_dentry_permission(const struct vfs_cred *cr, struct vfs_dentry *d, int mask)
{
	struct stat st;
	int err = vfs_getattr(d, &st);
	if (err)
		return err;
	return vfs_permission(cr, &st, mask);
}

int vfs_dev_permission(const struct vfs_ctx *c, mode_t mode, dev_t rdev, unsigned access)
{
	if (!vfs_host || !vfs_host->dev_permission || !c)
		return 0;
	if (!S_ISCHR(mode) && !S_ISBLK(mode))
		return 0;
	return vfs_host->dev_permission(c->cgroup, S_ISBLK(mode) ? VFS_DEV_BLOCK : VFS_DEV_CHAR,
					major(rdev), minor(rdev), access);
}

int vfs_dev_inode_permission(const struct vfs_ctx *c, struct vfs_dentry *d, int mask)
{
	struct stat st;
	if (!d->inode || (!S_ISCHR(d->inode->mode) && !S_ISBLK(d->inode->mode)))
		return 0;
	int err = vfs_getattr(d, &st);
	if (err)
		return err;
	if (!st.st_rdev)
		return 0;
	unsigned access = (mask & MAY_WRITE ? VFS_DEV_ACC_WRITE : 0) |
			  (mask & MAY_READ ? VFS_DEV_ACC_READ : 0);
	return vfs_dev_permission(c, st.st_mode, st.st_rdev, access);
}

/* May @cr remove or rename @victim out of @dir? Write+search on @dir, and with the
 * sticky bit only the owner of the file or of the directory (or CAP_FOWNER). */
int vfs_may_delete(const struct vfs_cred *cr, struct vfs_dentry *dir, struct vfs_dentry *victim,
		   bool isdir)
{
	struct stat dst, vst;
	int err = vfs_getattr(dir, &dst);
	if (err)
		return err;
	err = vfs_permission(cr, &dst, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	if (!victim || !victim->inode)
		return 0;
	if (cr && (dst.st_mode & S_ISVTX)) {
		err = vfs_getattr(victim, &vst);
		if (err)
			return err;
		if (cr->fsuid != vst.st_uid && cr->fsuid != dst.st_uid &&
		    !vfs_capable_wrt(cr, VFS_CAP_FOWNER, vst.st_uid, vst.st_gid))
			return -EPERM;
	}
	return 0;
}
