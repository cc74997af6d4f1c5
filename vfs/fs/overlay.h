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

#define OVL_MAX_STACK 500 /* lower layers, as Linux */

struct ovl_sb {
	struct vfs_path upper; /* .mnt NULL: lower layers only (a read-only overlay) */
	int nlower;
	struct vfs_path *lower; /* the topmost first */
};

/* A lower layer's dentry and the index of its layer (whose mount opens it). */
struct ovl_lower {
	struct vfs_dentry *d;
	int layer;
};

struct ovl_inode {
	struct vfs_dentry *upper;
	/* A directory: every lower directory merged into it, topmost first (cut at a
	 * whiteout, an opaque directory or a non-directory); anything else: at most one,
	 * the topmost, whose data it shows until copied up. */
	int nlower;
	struct ovl_lower *lower;
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

static inline struct vfs_dentry *ovl_lower_top(const struct ovl_inode *oi)
{
	return oi->nlower ? oi->lower[0].d : NULL;
}

/* The mount of @l's layer (opens of its dentries go through it). */
static inline struct vfs_mount *ovl_lower_mnt(struct vfs_sb *sb, const struct ovl_lower *l)
{
	return OS(sb)->lower[l->layer].mnt;
}

static inline struct vfs_dentry *real(struct vfs_dentry *d)
{
	struct ovl_inode *oi = OI(d->inode);
	return oi->upper ? oi->upper : ovl_lower_top(oi);
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
