/* vfs/fs/cgroupfs.c - the "cgroup2" filesystem: a directory per cgroup of the one
 * hierarchy (cgroupfs_tree.c) holding its interface files (cgroupfs_files.c); mkdir
 * creates a cgroup, rmdir removes one; nothing else can be created, removed or renamed.
 *
 * Every dentry gets its own inode whose priv is a struct cg_ino (a cgroup reference and
 * the file it stands for, NULL for the directory). Each mount has its own superblock, so
 * cached dentries are revalidated against the tree (a cgroup removed through another
 * mount, a controller's files gone with subtree_control). Files are rendered at open and
 * again by a read at offset 0 (pollers of cgroup.events re-read with pread(fd, 0)).
 *
 * Owns the fs's inodes and open files. Must not include sentry headers; never blocks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfs/fs/cgroupfs.h"
#include "vfs/fs/cgroupfs_files.h"
#include "vfs/ops.h"

#define CGROUP2_SUPER_MAGIC 0x63677270
#define CHILD_POS_BASE 0x10000 /* getdents offsets of child cgroups: base + creation seq */

static const struct vfs_inode_ops cg_iops;
static const struct vfs_file_ops cg_file_ops, cg_dir_ops;

struct cg_ino {
	struct cgroup *cg;	    /* a reference */
	const struct cg_file *file; /* NULL: the cgroup's directory */
};

static struct cg_ino *CI(struct vfs_inode *i)
{
	return i->priv;
}

static uint64_t file_ino(const struct cgroup *cg, const struct cg_file *f)
{
	return cg->ino * 64 + (uint64_t)(f - cg_files) + 1;
}

static struct vfs_inode *cg_inode(struct vfs_sb *sb, struct cgroup *cg, const struct cg_file *f)
{
	struct cg_ino *ci = malloc(sizeof(*ci));
	if (!ci)
		return NULL;
	struct vfs_inode *i = vfs_inode_new(sb, f ? S_IFREG | f->mode : S_IFDIR | 0755);
	if (!i) {
		free(ci);
		return NULL;
	}
	cgroup_get(cg);
	ci->cg = cg;
	ci->file = f;
	i->priv = ci;
	i->iops = &cg_iops;
	i->fops = f ? &cg_file_ops : &cg_dir_ops;
	i->ino = f ? file_ino(cg, f) : cg->ino;
	i->nlink = f ? 1 : 2;
	return i;
}

static void cg_evict(struct vfs_inode *i)
{
	struct cg_ino *ci = CI(i);
	if (ci) {
		cgroup_put(ci->cg);
		free(ci);
	}
	i->priv = NULL;
}

static int cg_statfs(struct vfs_sb *sb, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = CGROUP2_SUPER_MAGIC;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	return 0;
}

static const struct vfs_sb_ops cg_sb_ops = {.statfs = cg_statfs, .evict = cg_evict};

/* ---- inode operations ---- */

static int cg_lookup(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct cgroup *cg = CI(dir->inode)->cg;
	if (cg->dead)
		return -ENOENT;
	const struct cg_file *f = cg_file_find(cg, d->name, d->namelen);
	struct cgroup *child = f ? NULL : cgroup_child(cg, d->name, d->namelen);
	if (!f && !child)
		return -ENOENT;
	struct vfs_inode *i = cg_inode(dir->sb, child ? child : cg, f);
	if (!i)
		return -ENOMEM;
	vfs_d_instantiate(d, i);
	return 0;
}

/* A cached name stays right while its cgroup lives and the file is still there. */
static bool cg_revalidate(struct vfs_dentry *d)
{
	struct cg_ino *ci = CI(d->inode);
	if (!ci || ci->cg->dead)
		return false;
	return !ci->file || cg_file_visible(ci->file, ci->cg);
}

/* Names: no "/", not "." or "..", no newline (Linux's kernfs and cgroup_mkdir). */
static int cg_mkdir(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, uint32_t uid,
		    uint32_t gid)
{
	struct cgroup *parent = CI(dir->inode)->cg, *cg;
	if (memchr(d->name, '\n', d->namelen))
		return -EINVAL;
	int err = cgroup_mkdir(parent, d->name, d->namelen, &cg);
	if (err)
		return err;
	struct vfs_inode *i = cg_inode(dir->sb, cg, NULL);
	if (!i) {
		cgroup_rmdir(cg);
		return -ENOMEM;
	}
	i->uid = uid;
	i->gid = gid;
	dir->inode->nlink++;
	vfs_d_instantiate(d, i);
	return 0;
}

static int cg_rmdir(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct cg_ino *ci = CI(d->inode);
	if (ci->file)
		return -ENOTDIR;
	int err = cgroup_rmdir(ci->cg);
	if (!err) {
		const struct cgroupfs_host_ops *h = cgroupfs_host();
		if (h && h->removed)
			h->removed(ci->cg);
		d->inode->nlink = 0;
		if (dir->inode->nlink > 2)
			dir->inode->nlink--;
	}
	return err;
}

/* Regular files cannot be created (kernfs has no create op). */
static int cg_mknod(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, dev_t rdev,
		    uint32_t uid, uint32_t gid)
{
	return -EPERM;
}

static int cg_getattr(struct vfs_dentry *d, struct stat *st)
{
	vfs_inode_fill_stat(d->inode, st);
	st->st_size = 0;
	st->st_blocks = 0;
	st->st_blksize = 4096;
	return 0;
}

/* chmod/chown (delegation) last as long as the inode; truncation (O_TRUNC of
 * `echo x > file`) is accepted and ignored. */
static int cg_setattr(struct vfs_dentry *d, const struct vfs_iattr *ia)
{
	struct vfs_inode *i = d->inode;
	if (ia->valid & VFS_ATTR_MODE)
		i->mode = (i->mode & S_IFMT) | (ia->mode & 07777);
	if (ia->valid & VFS_ATTR_UID)
		i->uid = ia->uid;
	if (ia->valid & VFS_ATTR_GID)
		i->gid = ia->gid;
	if (ia->valid & VFS_ATTR_MTIME)
		i->mtime = ia->mtime;
	if (ia->valid & VFS_ATTR_ATIME)
		i->atime = ia->atime;
	vfs_now(&i->ctime);
	return 0;
}

struct cg_open {
	struct proc_buf buf;
};

static int render(struct vfs_inode *i, struct cg_open *o)
{
	struct cg_ino *ci = CI(i);
	proc_buf_free(&o->buf);
	if (ci->cg->dead)
		return -ENODEV;
	int err = ci->file->show(ci->cg, &o->buf);
	return err ? err : o->buf.failed ? -ENOMEM : 0;
}

static int cg_open(struct vfs_dentry *d, struct vfs_file *f)
{
	struct cg_ino *ci = CI(d->inode);
	if (!ci->file) {
		f->ops = &cg_dir_ops;
		return 0;
	}
	if ((f->flags & O_ACCMODE) != O_RDONLY && !ci->file->write)
		return -EACCES;
	if ((f->flags & O_ACCMODE) != O_WRONLY && !ci->file->show)
		return -EACCES; /* write-only (cgroup.kill), as kernfs */
	struct cg_open *o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	if ((f->flags & O_ACCMODE) != O_WRONLY) {
		int err = render(d->inode, o);
		if (err) {
			proc_buf_free(&o->buf);
			free(o);
			return err;
		}
	}
	f->ops = &cg_file_ops;
	f->priv = o;
	return 0;
}

static const struct vfs_inode_ops cg_iops = {
    .lookup = cg_lookup,
    .mkdir = cg_mkdir,
    .rmdir = cg_rmdir,
    .mknod = cg_mknod,
    .getattr = cg_getattr,
    .setattr = cg_setattr,
    .open = cg_open,
    .revalidate = cg_revalidate,
};

/* ---- files ---- */

static ssize_t cf_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct cg_open *o = f->priv;
	off_t off = pos ? *pos : 0;
	if (off < 0)
		return -EINVAL;
	if (off == 0) {
		int err = render(f->dentry->inode, o);
		if (err)
			return err;
	}
	if ((size_t)off >= o->buf.len)
		return 0;
	size_t n = o->buf.len - (size_t)off;
	if (n > len)
		n = len;
	memcpy(buf, o->buf.data + off, n);
	if (pos)
		*pos += (off_t)n;
	return (ssize_t)n;
}

static ssize_t cf_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct cg_ino *ci = CI(f->dentry->inode);
	if (!ci->file->write)
		return -EINVAL;
	if (ci->cg->dead)
		return -ENODEV;
	if (len > 65536)
		return -E2BIG;
	char *s = malloc(len + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, buf, len);
	s[len] = 0;
	char *p = s, *e = s + len;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == 0))
		*--e = 0;
	int err = ci->file->write(ci->cg, p);
	free(s);
	if (err)
		return err;
	if (pos)
		*pos += (off_t)len;
	return (ssize_t)len;
}

static off_t cf_llseek(struct vfs_file *f, off_t off, int whence)
{
	struct cg_open *o = f->priv;
	return vfs_generic_llseek(f, off, whence, (off_t)o->buf.len);
}

static void cf_release(struct vfs_file *f)
{
	struct cg_open *o = f->priv;
	if (o) {
		proc_buf_free(&o->buf);
		free(o);
	}
}

static const struct vfs_file_ops cg_file_ops = {
    .read = cf_read,
    .write = cf_write,
    .llseek = cf_llseek,
    .release = cf_release,
};

/* ---- directories: ".", "..", the files, then the children by creation order ---- */

static ssize_t cd_getdents64(struct vfs_file *f, void *buf, size_t len)
{
	struct vfs_dentry *d = f->dentry;
	struct cgroup *cg = CI(d->inode)->cg;
	size_t nfiles = 0, done = 0;
	while (cg_files[nfiles].name)
		nfiles++;
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
		} else if ((size_t)(pos - 2) < nfiles) {
			const struct cg_file *cf = &cg_files[pos - 2];
			next = pos + 1;
			if (!cg_file_visible(cf, cg)) {
				f->pos = next;
				continue;
			}
			nm = cf->name;
			ino = file_ino(cg, cf);
			type = DT_REG;
		} else {
			uint64_t after =
			    pos < CHILD_POS_BASE ? 0 : (uint64_t)(pos - CHILD_POS_BASE);
			struct cgroup *c, *found = NULL;
			list_for_each_entry(c, &cg->children,
					    sibling) if (c->seq >= after &&
							 (!found || c->seq < found->seq)) found = c;
			if (!found || cg->dead)
				break;
			nm = found->name;
			ino = found->ino;
			type = DT_DIR;
			next = CHILD_POS_BASE + (off_t)found->seq + 1;
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

static off_t cd_llseek(struct vfs_file *f, off_t off, int whence)
{
	if (whence == SEEK_SET && off >= 0)
		return f->pos = off;
	if (whence == SEEK_CUR && f->pos + off >= 0)
		return f->pos += off;
	return -EINVAL;
}

static const struct vfs_file_ops cg_dir_ops = {
    .getdents64 = cd_getdents64,
    .llseek = cd_llseek,
};

/* ---- superblock ---- */

struct cgroup *cgroupfs_dir_cgroup(struct vfs_file *f, int *err)
{
	struct vfs_inode *i = f && f->dentry ? f->dentry->inode : NULL;
	if (!i || i->iops != &cg_iops || !CI(i) || CI(i)->file) {
		*err = -EBADF;
		return NULL;
	}
	if (CI(i)->cg->dead) {
		*err = -ENOENT;
		return NULL;
	}
	cgroup_get(CI(i)->cg);
	return CI(i)->cg;
}

static int check_opts(const char *data)
{
	static const char *const ok[] = {"nsdelegate",
					 "memory_recursiveprot",
					 "memory_localevents",
					 "favordynmods",
					 "memory_hugetlb_accounting",
					 "rw",
					 "ro",
					 NULL};
	if (!data)
		return 0;
	const char *p = data;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool found = n == 0;
		for (int i = 0; ok[i] && !found; i++)
			found = strlen(ok[i]) == n && !memcmp(ok[i], p, n);
		if (!found)
			return -EINVAL;
		p += n + (e ? 1 : 0);
	}
	return 0;
}

/* See cgroupfs.h. */
int cgroupfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out)
{
	int err = check_opts(data);
	if (err)
		return err;
	/* inside a cgroup namespace the mount starts at the namespace's root */
	const struct cgroupfs_host_ops *h = cgroupfs_host();
	struct cgroup *root = h && h->ns_root && h->ns_root() ? h->ns_root() : cgroup_root();
	if (!root)
		return -ENOMEM;
	struct vfs_sb *sb = vfs_sb_new("cgroup2", &cg_sb_ops, NULL);
	if (!sb)
		return -ENOMEM;
	sb->magic = CGROUP2_SUPER_MAGIC;
	sb->flags |= VFS_SB_NO_DCACHE_NEG;
	if (flags & 1 /* MS_RDONLY */)
		sb->flags |= VFS_SB_RDONLY;
	struct vfs_inode *i = cg_inode(sb, root, NULL); /* takes its own reference */
	if (!i || vfs_sb_set_root(sb, i)) {
		vfs_sb_put(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}
