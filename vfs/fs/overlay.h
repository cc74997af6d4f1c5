/* vfs/fs/overlay.h - overlay internals shared by overlay.c (inodes, copy-up, names) and
 * overlay_file.c (merged directories, forwarded files). Nothing outside vfs/fs/overlay*.c
 * includes this. */
#ifndef CVISOR_VFS_FS_OVERLAY_H
#define CVISOR_VFS_FS_OVERLAY_H
#include <stdbool.h>
#include <string.h>
#include <sys/sysmacros.h>
#include "vfs/internal.h"

#define OVL_OPAQUE "trusted.overlay.opaque"
#define OVERLAYFS_MAGIC 0x794c7630

struct ovl_sb {
	struct vfs_path lower, upper;
};

struct ovl_inode {
	struct vfs_dentry *upper, *lower;
	bool opaque;
};

extern const struct vfs_file_ops ovl_file_ops, ovl_dir_ops;

static inline struct ovl_sb *OS(struct vfs_sb *sb)
{
	return sb->priv;
}

static inline struct ovl_inode *OI(struct vfs_inode *i)
{
	return i->priv;
}

static inline struct vfs_dentry *real(struct vfs_dentry *d)
{
	struct ovl_inode *oi = OI(d->inode);
	return oi->upper ? oi->upper : oi->lower;
}

static inline bool is_whiteout(struct vfs_dentry *d)
{
	return d->inode && S_ISCHR(d->inode->mode) && d->inode->rdev == makedev(0, 0);
}

static inline bool is_opaque(struct vfs_dentry *u)
{
	char v;
	const struct vfs_inode_ops *ops = u->inode->iops;
	return ops->getxattr && ops->getxattr(u, OVL_OPAQUE, &v, 1) == 1 && v == 'y';
}

/* merged directories (overlay_file.c) */
int ovl_check_empty(struct vfs_dentry *d);
int ovl_clear_upper_dir(struct vfs_sb *sb, struct vfs_dentry *u);

#endif
