/* vfs/inode.c - superblocks and inodes: allocation, reference counts, attributes.
 * Owns the inode and sb lifetimes; a filesystem frees its part in ->evict/->put_super.
 * Must not know any particular filesystem. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include "vfs/internal.h"

long vfs_live_inodes, vfs_live_sbs;
const struct vfs_host_ops *vfs_host;

/* Installs the Sentry's callbacks (event loop watches, procfs data). */
void vfs_set_host_ops(const struct vfs_host_ops *ops)
{
	vfs_host = ops;
}

void vfs_now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

uint64_t vfs_next_ino(void)
{
	static uint64_t next = 1000;
	return next++;
}

/* Anonymous device numbers (major 0) as Linux gives to tmpfs, overlay, proc... */
dev_t vfs_anon_dev(void)
{
	static unsigned minor = 40;
	return makedev(0, minor++);
}

/* Returns a new superblock with one reference, or NULL on ENOMEM. */
struct vfs_sb *vfs_sb_new(const char *type, const struct vfs_sb_ops *ops, void *priv)
{
	struct vfs_sb *sb = calloc(1, sizeof(*sb));
	if (!sb)
		return NULL;
	sb->refs = 1;
	sb->type = type;
	sb->ops = ops;
	sb->priv = priv;
	sb->dev = vfs_anon_dev();
	vfs_live_sbs++;
	return sb;
}

void vfs_sb_get(struct vfs_sb *sb)
{
	sb->refs++;
}

void vfs_sb_put(struct vfs_sb *sb)
{
	if (!sb || --sb->refs > 0)
		return;
	if (sb->ops && sb->ops->put_super)
		sb->ops->put_super(sb);
	vfs_live_sbs--;
	free(sb);
}

/* Consumes @root_inode. Returns 0 or -ENOMEM (inode dropped). */
int vfs_sb_set_root(struct vfs_sb *sb, struct vfs_inode *root_inode)
{
	sb->root = vfs_dentry_new_root(sb, root_inode);
	return sb->root ? 0 : -ENOMEM;
}

/* Drops the creator's reference: the root dentry and the sb go once mounts and open
 * files are gone. */
void vfs_sb_kill(struct vfs_sb *sb)
{
	struct vfs_dentry *root = sb->root;
	sb->root = NULL;
	if (root)
		vfs_dentry_put(root);
	vfs_sb_put(sb);
}

/* Returns a new inode (one reference; takes a reference on @sb), or NULL. */
struct vfs_inode *vfs_inode_new(struct vfs_sb *sb, mode_t mode)
{
	struct vfs_inode *i = calloc(1, sizeof(*i));
	if (!i)
		return NULL;
	i->refs = 1;
	i->sb = sb;
	vfs_sb_get(sb);
	i->mode = mode;
	i->nlink = S_ISDIR(mode) ? 2 : 1;
	i->ino = vfs_next_ino();
	vfs_now(&i->atime);
	i->mtime = i->ctime = i->atime;
	vfs_live_inodes++;
	return i;
}

void vfs_inode_get(struct vfs_inode *inode)
{
	inode->refs++;
}

/* vfs-objects provides these in vfs/pipe.c; weak so the VFS links without it. */
extern void vfs_fifo_release(void **slot) __attribute__((weak));

void vfs_inode_put(struct vfs_inode *inode)
{
	if (!inode || --inode->refs > 0)
		return;
	if (inode->fifo && vfs_fifo_release)
		vfs_fifo_release(&inode->fifo);
	vfs_locks_free(inode);
	if (inode->sb->ops && inode->sb->ops->evict)
		inode->sb->ops->evict(inode);
	vfs_sb_put(inode->sb);
	vfs_live_inodes--;
	free(inode);
}

void vfs_inode_fill_stat(struct vfs_inode *inode, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->sb->dev;
	st->st_ino = inode->ino;
	st->st_mode = inode->mode;
	st->st_nlink = inode->nlink;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = inode->size;
	st->st_blksize = 4096;
	st->st_blocks = (inode->size + 511) / 512;
	st->st_atim = inode->atime;
	st->st_mtim = inode->mtime;
	st->st_ctim = inode->ctime;
}

/* Fills @st for positive @d. Returns 0 or -errno. */
int vfs_getattr(struct vfs_dentry *d, struct stat *st)
{
	struct vfs_inode *inode = d->inode;
	if (!inode)
		return -ENOENT;
	if (inode->iops && inode->iops->getattr)
		return inode->iops->getattr(d, st);
	vfs_inode_fill_stat(inode, st);
	return 0;
}

void vfs_debug_counts(struct vfs_debug_counts *out)
{
	extern long vfs_unused_dentries;
	out->inodes = vfs_live_inodes;
	out->dentries = vfs_live_dentries;
	out->files = vfs_live_files;
	out->mounts = vfs_live_mounts;
	out->sbs = vfs_live_sbs;
	out->unused_dentries = vfs_unused_dentries;
	out->host_fds = hostfs_open_fds();
}
