/* vfs/fs/mqueue_fs.c - the "mqueue" filesystem (mount -t mqueue): the queues of a table
 * (vfs/fs/mqueue.h) as regular files of one sticky, world-writable directory. Opening
 * one gives a queue descriptor (read(2) shows its status line); open(O_CREAT) creates a
 * queue with the default limits; unlink removes one; nothing else can be made.
 *
 * Each mount has its own superblock; dentries hold their queue and are revalidated
 * against the table (a queue unlinked through mq_unlink or another mount drops out).
 * Owns the fs's inodes. Must not include sentry headers; never blocks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "vfs/fs/mqueue.h"
#include "vfs/ops.h"

#define MQUEUE_MAGIC 0x19800202
#define QUEUE_POS_BASE 2

static const struct vfs_inode_ops mqfs_iops;
static const struct vfs_file_ops mqfs_dir_ops;

static struct vfs_inode *queue_inode(struct vfs_sb *sb, struct mq_queue *q)
{
	struct vfs_inode *i = vfs_inode_new(sb, S_IFREG);
	if (!i)
		return NULL;
	mq_queue_get(q);
	i->priv = q;
	i->iops = &mqfs_iops;
	i->fops = &mq_file_ops;
	i->ino = mq_queue_ino(q);
	return i;
}

static void mqfs_evict(struct vfs_inode *i)
{
	if (i->priv)
		mq_queue_put(i->priv);
	i->priv = NULL;
}

static int mqfs_statfs(struct vfs_sb *sb, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = MQUEUE_MAGIC;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	return 0;
}

static struct mq_ns *NS(struct vfs_sb *sb)
{
	return sb->priv;
}

static void mqfs_put_super(struct vfs_sb *sb)
{
	mq_ns_put(NS(sb));
}

static const struct vfs_sb_ops mqfs_sb_ops = {
	.statfs = mqfs_statfs, .evict = mqfs_evict, .put_super = mqfs_put_super};

static int mqfs_lookup(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct mq_queue *q = mq_lookup(NS(dir->sb), d->name, d->namelen);
	if (!q)
		return -ENOENT;
	struct vfs_inode *i = queue_inode(dir->sb, q);
	if (!i)
		return -ENOMEM;
	vfs_d_instantiate(d, i);
	return 0;
}

static bool mqfs_revalidate(struct vfs_dentry *d)
{
	return !d->inode->priv || mq_queue_linked(d->inode->priv);
}

static int mqfs_mknod(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, dev_t rdev,
		      uint32_t uid, uint32_t gid)
{
	if (!S_ISREG(mode))
		return -EINVAL;
	struct mq_queue *q;
	int err = mq_create_default(NS(dir->sb), d->name, d->namelen, mode, uid, gid, &q);
	if (err)
		return err;
	struct vfs_inode *i = queue_inode(dir->sb, q);
	if (!i) {
		mq_unlink_linked(q);
		return -ENOMEM;
	}
	vfs_d_instantiate(d, i);
	return 0;
}

static int mqfs_unlink(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct mq_queue *q = d->inode->priv;
	if (!mq_queue_linked(q))
		return -ENOENT;
	mq_unlink_linked(q);
	d->inode->nlink = 0;
	return 0;
}

static int mqfs_getattr(struct vfs_dentry *d, struct stat *st)
{
	struct vfs_inode *i = d->inode;
	if (!i->priv) {
		vfs_inode_fill_stat(i, st);
		return 0;
	}
	mq_queue_stat(i->priv, st);
	st->st_dev = i->sb->dev;
	return 0;
}

static int mqfs_setattr(struct vfs_dentry *d, const struct vfs_iattr *ia)
{
	struct vfs_inode *i = d->inode;
	if (!i->priv) {
		if (ia->valid & VFS_ATTR_MODE)
			i->mode = (i->mode & S_IFMT) | (ia->mode & 07777);
		if (ia->valid & VFS_ATTR_UID)
			i->uid = ia->uid;
		if (ia->valid & VFS_ATTR_GID)
			i->gid = ia->gid;
		return 0;
	}
	mq_queue_setattr(i->priv, ia); /* O_TRUNC's size change is ignored */
	return 0;
}

static int mqfs_open(struct vfs_dentry *d, struct vfs_file *f)
{
	if (!d->inode->priv) {
		f->ops = &mqfs_dir_ops;
		return 0;
	}
	if (!mq_queue_linked(d->inode->priv))
		return -ENOENT;
	mq_file_attach(f, d->inode->priv);
	return 0;
}

static const struct vfs_inode_ops mqfs_iops = {
    .lookup = mqfs_lookup,
    .mknod = mqfs_mknod,
    .unlink = mqfs_unlink,
    .getattr = mqfs_getattr,
    .setattr = mqfs_setattr,
    .open = mqfs_open,
    .revalidate = mqfs_revalidate,
};

static ssize_t mqd_getdents64(struct vfs_file *f, void *buf, size_t len)
{
	struct vfs_dentry *d = f->dentry;
	size_t done = 0;
	for (;;) {
		off_t pos = f->pos, next;
		const char *nm;
		uint64_t ino;
		unsigned char type;
		if (pos < 2) {
			nm = pos == 0 ? "." : "..";
			ino = pos == 0 ? d->inode->ino : d->parent->inode->ino;
			type = DT_DIR;
			next = pos + 1;
		} else {
			uint64_t seq;
			struct mq_queue *q =
			    mq_next(NS(d->sb), (uint64_t)(pos - QUEUE_POS_BASE), &seq);
			if (!q)
				break;
			nm = mq_queue_name(q);
			ino = mq_queue_ino(q);
			type = DT_REG;
			next = QUEUE_POS_BASE + (off_t)seq + 1;
		}
		size_t rl = vfs_dirent_pack((char *)buf + done, len - done, nm, strlen(nm), ino,
					    type, next);
		if (!rl)
			return done ? (ssize_t)done : -EINVAL;
		done += rl;
		f->pos = next;
	}
	return (ssize_t)done;
}

static off_t mqd_llseek(struct vfs_file *f, off_t off, int whence)
{
	if (whence == SEEK_SET && off >= 0)
		return f->pos = off;
	if (whence == SEEK_CUR && f->pos + off >= 0)
		return f->pos += off;
	return -EINVAL;
}

static const struct vfs_file_ops mqfs_dir_ops = {
    .getdents64 = mqd_getdents64,
    .llseek = mqd_llseek,
};

/* See mqueue.h. Mount options are not interpreted (Linux's mqueue has none). The table
 * shown is the mounting task's IPC namespace's (the sb holds a reference on it). */
int mqueue_create_sb(unsigned long flags, const char *data, struct vfs_sb **out)
{
	struct mq_ns *ns = vfs_host && vfs_host->mq_ns_get ? vfs_host->mq_ns_get() : NULL;
	if (!ns) {
		ns = mq_ns_default();
		if (!ns)
			return -ENOMEM;
		mq_ns_get(ns);
	}
	struct vfs_sb *sb = vfs_sb_new("mqueue", &mqfs_sb_ops, ns);
	if (!sb) {
		mq_ns_put(ns);
		return -ENOMEM;
	}
	sb->magic = MQUEUE_MAGIC;
	sb->flags |= VFS_SB_NO_DCACHE_NEG;
	if (flags & 1 /* MS_RDONLY */)
		sb->flags |= VFS_SB_RDONLY;
	struct vfs_inode *root = vfs_inode_new(sb, S_IFDIR | S_ISVTX | 0777);
	if (root) {
		root->iops = &mqfs_iops;
		root->fops = &mqfs_dir_ops;
	}
	if (!root || vfs_sb_set_root(sb, root)) {
		vfs_sb_put(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}
