/* vfs/fs/tmpfs.c - the in-memory filesystem: files, directories, symlinks, device nodes,
 * fifos, sockets, hard links, xattrs, times. Also the body of devfs and of memfd_create.
 *
 * File data lives in Sentry memory as lazily allocated 4 KiB pages (holes stay NULL).
 * When the host needs a descriptor (vfs_file_host_fd: mmap, exec) or the file becomes
 * huge, the data moves once into a memfd and stays there (pread/pwrite on it), so that
 * thousands of small files cost no host fds. Directory entries hold inode references;
 * the dentry cache in front of them is only a cache. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include "common/cleanup.h"
#include "vfs/internal.h"
#include "vfs/ops.h"
#include "vfs/fs/tmpfs.h"

#define TMPFS_MAGIC 0x01021994
#define TPAGE 4096
#define TPAGE_MAX ((size_t)1 << 18) /* 1 GiB in pages before moving to a memfd */

struct tmpfs_xattr {
	struct list_head link;
	char *name;
	void *val;
	size_t size;
};

struct tmpfs_entry {
	struct list_head link;
	char *name;
	struct vfs_inode *inode;
	uint64_t cookie;
};

struct tmpfs_node;
static struct tmpfs_node *TN(struct vfs_inode *i);

struct tmpfs_node {
	char **pages;
	size_t npages;
	int memfd;
	struct list_head entries;
	uint64_t next_cookie;
	char *target;
	struct list_head xattrs;
	unsigned seals; /* F_SEAL_* (regular files; F_SEAL_SEAL unless a sealable memfd) */
	size_t charged; /* pages counted against the filesystem's size= limit */
};

/* A mount's size limit (size=, in pages; 0: none) and what its files hold. sb->priv. */
struct tmpfs_sbinfo {
	uint64_t max_pages, used_pages;
};

static void tmpfs_put_super(struct vfs_sb *sb);

/* The size limit of @sb, or NULL: none, or not a plain tmpfs (devpts and devfs build on
 * tmpfs and put their own object in sb->priv, with their own put_super). */
static struct tmpfs_sbinfo *sb_info(const struct vfs_sb *sb)
{
	return sb->ops->put_super == tmpfs_put_super ? sb->priv : NULL;
}

static struct tmpfs_sbinfo *SBI(struct vfs_inode *i)
{
	return sb_info(i->sb);
}

/* Counts @n more pages against @i's filesystem: false (nothing counted) past size=. */
static bool charge(struct vfs_inode *i, size_t n)
{
	struct tmpfs_sbinfo *si = SBI(i);
	if (si && si->max_pages && si->used_pages + n > si->max_pages)
		return false;
	if (si)
		si->used_pages += n;
	TN(i)->charged += n;
	return true;
}

static void uncharge(struct vfs_inode *i, size_t n)
{
	struct tmpfs_sbinfo *si = SBI(i);
	n = MIN(n, TN(i)->charged);
	TN(i)->charged -= n;
	if (si)
		si->used_pages -= MIN(n, si->used_pages);
}

static const struct vfs_inode_ops tmpfs_iops;
static const struct vfs_file_ops tmpfs_file_ops, tmpfs_dir_ops;
long tmpfs_memfds;

static struct tmpfs_node *TN(struct vfs_inode *i)
{
	return i->priv;
}

/* A new tmpfs inode of @sb (one reference). */
struct vfs_inode *tmpfs_new_inode(struct vfs_sb *sb, mode_t mode, dev_t rdev, uint32_t uid,
				  uint32_t gid)
{
	struct tmpfs_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	struct vfs_inode *i = vfs_inode_new(sb, mode);
	if (!i) {
		free(n);
		return NULL;
	}
	n->memfd = -1;
	n->seals = F_SEAL_SEAL;
	list_init(&n->entries);
	list_init(&n->xattrs);
	n->next_cookie = 2;
	i->priv = n;
	i->iops = &tmpfs_iops;
	i->fops = S_ISDIR(mode) ? &tmpfs_dir_ops : S_ISREG(mode) ? &tmpfs_file_ops : NULL;
	i->uid = uid;
	i->gid = gid;
	i->rdev = rdev;
	return i;
}

static void tmpfs_evict(struct vfs_inode *i)
{
	struct tmpfs_node *n = TN(i);
	struct tmpfs_entry *e, *et;
	struct tmpfs_xattr *x, *xt;
	if (!n)
		return;
	uncharge(i, n->charged);
	for (size_t p = 0; p < n->npages; p++)
		free(n->pages[p]);
	free(n->pages);
	if (n->memfd >= 0) {
		close(n->memfd);
		tmpfs_memfds--;
	}
	list_for_each_entry_safe(e, et, &n->entries, link)
	{
		vfs_inode_put(e->inode);
		free(e->name);
		free(e);
	}
	list_for_each_entry_safe(x, xt, &n->xattrs, link)
	{
		free(x->name);
		free(x->val);
		free(x);
	}
	free(n->target);
	free(n);
}

static int tmpfs_statfs(struct vfs_sb *sb, struct statfs *st)
{
	const struct tmpfs_sbinfo *si = sb_info(sb);
	st->f_type = sb->magic;
	st->f_bsize = TPAGE;
	st->f_frsize = TPAGE;
	st->f_blocks = 1 << 20;
	st->f_bfree = st->f_bavail = 1 << 19;
	if (si && si->max_pages) {
		st->f_blocks = si->max_pages;
		st->f_bfree = st->f_bavail = si->max_pages - MIN(si->used_pages, si->max_pages);
	}
	st->f_files = 1 << 20;
	st->f_ffree = 1 << 19;
	st->f_namelen = VFS_NAME_MAX;
	return 0;
}

static void tmpfs_put_super(struct vfs_sb *sb)
{
	free(sb->priv);
	sb->priv = NULL;
}

static const struct vfs_sb_ops tmpfs_sb_ops = {
	.statfs = tmpfs_statfs,
	.evict = tmpfs_evict,
	.put_super = tmpfs_put_super,
};

/* size= as Linux's shmem reads it (memparse, or a percentage of RAM), in pages rounded
 * up; 0 means no limit. mount(2) validated the syntax already. */
static uint64_t parse_size_pages(const char *v)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 0);
	if (*end == '%') {
		long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
		unsigned long long ram = pages > 0 && psz > 0 ? (unsigned long long)pages * psz : 0;
		return (ram / 100 * n + TPAGE - 1) / TPAGE;
	}
	const char *suf = "kmgtpe";
	const char *at = *end ? strchr(suf, tolower((unsigned char)*end)) : NULL;
	for (int k = at ? (int)(at - suf) + 1 : 0; k > 0; k--)
		n = n > ULLONG_MAX / 1024 ? ULLONG_MAX : n * 1024;
	return n / TPAGE + (n % TPAGE != 0);
}

/* Options: mode=, uid=, gid=, size= (enforced: writes past it fail with ENOSPC);
 * nr_inodes= accepted, not enforced. */
int tmpfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out)
{
	mode_t mode = 01777;
	uint32_t uid = 0, gid = 0;
	uint64_t max_pages = 0;
	if (data) {
		char *copy = strdup(data), *save = NULL;
		if (!copy)
			return -ENOMEM;
		for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
			if (!strncmp(o, "mode=", 5))
				mode = strtoul(o + 5, NULL, 8) & 07777;
			else if (!strncmp(o, "uid=", 4))
				uid = strtoul(o + 4, NULL, 10);
			else if (!strncmp(o, "gid=", 4))
				gid = strtoul(o + 4, NULL, 10);
			else if (!strncmp(o, "size=", 5))
				max_pages = parse_size_pages(o + 5);
		}
		free(copy);
	}
	struct tmpfs_sbinfo *si = max_pages ? calloc(1, sizeof(*si)) : NULL;
	struct vfs_sb *sb = !max_pages || si ? vfs_sb_new("tmpfs", &tmpfs_sb_ops, si) : NULL;
	if (!sb) {
		free(si);
		return -ENOMEM;
	}
	if (si)
		si->max_pages = max_pages;
	sb->magic = TMPFS_MAGIC;
	if (flags & 1 /* MS_RDONLY */)
		sb->flags |= VFS_SB_RDONLY;
	struct vfs_inode *root = tmpfs_new_inode(sb, S_IFDIR | mode, 0, uid, gid);
	int err = root ? vfs_sb_set_root(sb, root) : -ENOMEM;
	if (err) {
		vfs_sb_put(sb);
		return err;
	}
	*out = sb;
	return 0;
}

/* ---- directories ---- */
static struct tmpfs_entry *dir_find(struct vfs_inode *dir, const char *name)
{
	struct tmpfs_entry *e;
	list_for_each_entry(e, &TN(dir)->entries, link)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

static void touch_dir(struct vfs_inode *dir)
{
	vfs_now(&dir->mtime);
	dir->ctime = dir->mtime;
}

static int dir_add(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	struct tmpfs_entry *e = calloc(1, sizeof(*e));
	if (!e || !(e->name = strdup(name))) {
		free(e);
		return -ENOMEM;
	}
	e->inode = inode;
	vfs_inode_get(inode);
	e->cookie = TN(dir)->next_cookie++;
	list_add_tail(&e->link, &TN(dir)->entries);
	dir->size += 1;
	touch_dir(dir);
	return 0;
}

static void dir_remove(struct vfs_inode *dir, struct tmpfs_entry *e)
{
	list_del(&e->link);
	vfs_inode_put(e->inode);
	free(e->name);
	free(e);
	dir->size -= 1;
	touch_dir(dir);
}

static int tmpfs_lookup(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct tmpfs_entry *e = dir_find(dir->inode, d->name);
	if (!e)
		return -ENOENT;
	vfs_inode_get(e->inode);
	d->inode = e->inode;
	return 0;
}

static int add_new(struct vfs_dentry *dir, struct vfs_dentry *d, struct vfs_inode *i)
{
	int err = dir_add(dir->inode, d->name, i);
	if (err) {
		vfs_inode_put(i);
		return err;
	}
	vfs_d_instantiate(d, i);
	return 0;
}

static int tmpfs_mknod(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, dev_t rdev,
		       uint32_t uid, uint32_t gid)
{
	struct vfs_inode *i = tmpfs_new_inode(dir->sb, mode, rdev, uid, gid);
	return i ? add_new(dir, d, i) : -ENOMEM;
}

static int tmpfs_mkdir(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, uint32_t uid,
		       uint32_t gid)
{
	struct vfs_inode *i = tmpfs_new_inode(dir->sb, mode, 0, uid, gid);
	if (!i)
		return -ENOMEM;
	int err = add_new(dir, d, i);
	if (!err)
		dir->inode->nlink++;
	return err;
}

static int tmpfs_symlink(struct vfs_dentry *dir, struct vfs_dentry *d, const char *target,
			 uint32_t uid, uint32_t gid)
{
	struct vfs_inode *i = tmpfs_new_inode(dir->sb, S_IFLNK | 0777, 0, uid, gid);
	if (!i)
		return -ENOMEM;
	TN(i)->target = strdup(target);
	if (!TN(i)->target) {
		vfs_inode_put(i);
		return -ENOMEM;
	}
	i->size = (off_t)strlen(target);
	return add_new(dir, d, i);
}

static int tmpfs_link(struct vfs_dentry *old, struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct vfs_inode *i = old->inode;
	int err = dir_add(dir->inode, d->name, i);
	if (err)
		return err;
	i->nlink++;
	vfs_now(&i->ctime);
	vfs_inode_get(i);
	vfs_d_instantiate(d, i);
	return 0;
}

static int tmpfs_unlink(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct tmpfs_entry *e = dir_find(dir->inode, d->name);
	if (!e)
		return -ENOENT;
	struct vfs_inode *i = e->inode;
	i->nlink--;
	vfs_now(&i->ctime);
	dir_remove(dir->inode, e);
	return 0;
}

static bool dir_empty(struct vfs_inode *i)
{
	return list_empty(&TN(i)->entries);
}

static int tmpfs_rmdir(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct tmpfs_entry *e = dir_find(dir->inode, d->name);
	if (!e)
		return -ENOENT;
	if (!dir_empty(e->inode))
		return -ENOTEMPTY;
	e->inode->nlink = 0;
	dir->inode->nlink--;
	dir_remove(dir->inode, e);
	return 0;
}

static int tmpfs_rename(struct vfs_dentry *olddir, struct vfs_dentry *od, struct vfs_dentry *newdir,
			struct vfs_dentry *nd, unsigned flags)
{
	struct vfs_inode *odi = olddir->inode, *ndi = newdir->inode;
	struct tmpfs_entry *oe = dir_find(odi, od->name), *ne = dir_find(ndi, nd->name);
	if (!oe)
		return -ENOENT;
	bool odir = S_ISDIR(oe->inode->mode);
	if (flags & 2 /* RENAME_EXCHANGE */) {
		if (!ne)
			return -ENOENT;
		bool ndir = S_ISDIR(ne->inode->mode);
		struct vfs_inode *t = oe->inode;
		oe->inode = ne->inode;
		ne->inode = t;
		if (odi != ndi && odir != ndir) {
			odi->nlink += odir ? -1 : 1;
			ndi->nlink += odir ? 1 : -1;
		}
		touch_dir(odi);
		touch_dir(ndi);
		return 0;
	}
	if (ne) {
		if (S_ISDIR(ne->inode->mode)) {
			if (!dir_empty(ne->inode))
				return -ENOTEMPTY;
			ne->inode->nlink = 0;
			ndi->nlink--;
		} else {
			ne->inode->nlink--;
		}
		vfs_now(&ne->inode->ctime);
		dir_remove(ndi, ne);
	}
	struct vfs_inode *i = oe->inode;
	int err = dir_add(ndi, nd->name, i);
	if (err)
		return err;
	dir_remove(odi, oe);
	if (odir && odi != ndi) {
		odi->nlink--;
		ndi->nlink++;
	}
	vfs_now(&i->ctime);
	return 0;
}

static ssize_t tmpfs_readlink(struct vfs_dentry *d, char *buf, size_t size)
{
	const char *t = TN(d->inode)->target;
	size_t n = MIN(strlen(t), size);
	memcpy(buf, t, n);
	return (ssize_t)n;
}

/* ---- file data ---- */
static int to_memfd(struct vfs_inode *i)
{
	struct tmpfs_node *n = TN(i);
	if (n->memfd >= 0)
		return n->memfd;
	int fd = memfd_create("tmpfs", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, i->size) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	for (size_t p = 0; p < n->npages; p++) {
		if (!n->pages[p])
			continue;
		off_t off = (off_t)p * TPAGE;
		size_t len = (size_t)MIN((off_t)TPAGE, i->size - off);
		if (off < i->size && pwrite(fd, n->pages[p], len, off) != (ssize_t)len) {
			close(fd);
			return -EIO;
		}
		free(n->pages[p]);
	}
	free(n->pages);
	n->pages = NULL;
	n->npages = 0;
	n->memfd = fd;
	tmpfs_memfds++;
	return fd;
}

static int set_size(struct vfs_inode *i, off_t len)
{
	struct tmpfs_node *n = TN(i);
	if (n->memfd < 0 && (size_t)(len / TPAGE) >= TPAGE_MAX) {
		int fd = to_memfd(i);
		if (fd < 0)
			return fd;
	}
	if (n->memfd >= 0) {
		if (ftruncate(n->memfd, len) < 0)
			return -errno;
		size_t keep = (size_t)((len + TPAGE - 1) / TPAGE);
		if (n->charged > keep)
			uncharge(i, n->charged - keep);
	} else if (len < i->size) {
		size_t keep = (size_t)((len + TPAGE - 1) / TPAGE);
		for (size_t p = keep; p < n->npages; p++) {
			if (n->pages[p])
				uncharge(i, 1);
			free(n->pages[p]);
			n->pages[p] = NULL;
		}
		if (len % TPAGE && keep - 1 < n->npages && n->pages[keep - 1])
			memset(n->pages[keep - 1] + len % TPAGE, 0, TPAGE - len % TPAGE);
	}
	i->size = len;
	return 0;
}

static ssize_t data_read(struct vfs_inode *i, void *buf, size_t len, off_t off)
{
	struct tmpfs_node *n = TN(i);
	if (n->memfd >= 0) {
		ssize_t r = pread(n->memfd, buf, len, off);
		return r < 0 ? -errno : r;
	}
	if (off >= i->size)
		return 0;
	len = (size_t)MIN((off_t)len, i->size - off);
	size_t done = 0;
	while (done < len) {
		size_t p = (size_t)((off + (off_t)done) / TPAGE), po = (size_t)((off + (off_t)done) % TPAGE);
		size_t chunk = MIN(len - done, TPAGE - po);
		if (p < n->npages && n->pages[p])
			memcpy((char *)buf + done, n->pages[p] + po, chunk);
		else
			memset((char *)buf + done, 0, chunk);
		done += chunk;
	}
	return (ssize_t)done;
}

static ssize_t data_write(struct vfs_inode *i, const void *buf, size_t len, off_t off)
{
	struct tmpfs_node *n = TN(i);
	if (off + (off_t)len < off)
		return -EFBIG;
	if (n->memfd < 0 && (size_t)((off + (off_t)len) / TPAGE) >= TPAGE_MAX) {
		int fd = to_memfd(i);
		if (fd < 0)
			return fd;
	}
	if (n->memfd >= 0) {
		size_t need = (size_t)((off + (off_t)len + TPAGE - 1) / TPAGE);
		if (need > n->charged && !charge(i, need - n->charged))
			return -ENOSPC;
		ssize_t w = pwrite(n->memfd, buf, len, off);
		if (w < 0)
			return -errno;
		if (off + w > i->size)
			i->size = off + w;
		return w;
	}
	size_t need = (size_t)((off + (off_t)len + TPAGE - 1) / TPAGE);
	if (need > n->npages) {
		size_t cap = n->npages ? n->npages : 4;
		while (cap < need)
			cap *= 2;
		char **np = realloc(n->pages, cap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		memset(np + n->npages, 0, (cap - n->npages) * sizeof(*np));
		n->pages = np;
		n->npages = cap;
	}
	size_t done = 0;
	while (done < len) {
		size_t p = (size_t)((off + (off_t)done) / TPAGE), po = (size_t)((off + (off_t)done) % TPAGE);
		size_t chunk = MIN(len - done, TPAGE - po);
		if (!n->pages[p]) {
			if (!charge(i, 1)) {
				if (!done)
					return -ENOSPC;
				break;
			}
			if (!(n->pages[p] = calloc(1, TPAGE))) {
				uncharge(i, 1);
				break;
			}
		}
		memcpy(n->pages[p] + po, (const char *)buf + done, chunk);
		done += chunk;
	}
	if (!done && len)
		return -ENOMEM;
	if (off + (off_t)done > i->size)
		i->size = off + (off_t)done;
	return (ssize_t)done;
}

static int tmpfs_getattr(struct vfs_dentry *d, struct stat *st)
{
	struct vfs_inode *i = d->inode;
	vfs_inode_fill_stat(i, st);
	if (S_ISDIR(i->mode))
		st->st_size = (i->size + 2) * 20;
	if (S_ISREG(i->mode) && TN(i)->memfd < 0) {
		blkcnt_t b = 0;
		for (size_t p = 0; p < TN(i)->npages; p++)
			b += TN(i)->pages[p] ? TPAGE / 512 : 0;
		st->st_blocks = b;
	}
	return 0;
}

static int tmpfs_setattr(struct vfs_dentry *d, const struct vfs_iattr *ia)
{
	struct vfs_inode *i = d->inode;
	if (ia->valid & VFS_ATTR_SIZE) {
		if (!S_ISREG(i->mode))
			return -EINVAL;
		unsigned seals = TN(i)->seals;
		if (((seals & F_SEAL_SHRINK) && ia->size < i->size) ||
		    ((seals & F_SEAL_GROW) && ia->size > i->size))
			return -EPERM;
		int err = set_size(i, ia->size);
		if (err)
			return err;
	}
	if (ia->valid & VFS_ATTR_MODE)
		i->mode = (i->mode & S_IFMT) | (ia->mode & 07777);
	if (ia->valid & VFS_ATTR_UID)
		i->uid = ia->uid;
	if (ia->valid & VFS_ATTR_GID)
		i->gid = ia->gid;
	if (ia->valid & VFS_ATTR_ATIME)
		i->atime = ia->atime;
	if (ia->valid & VFS_ATTR_MTIME)
		i->mtime = ia->mtime;
	if (ia->valid & VFS_ATTR_CTIME)
		i->ctime = ia->ctime;
	return 0;
}

static int tmpfs_open(struct vfs_dentry *d, struct vfs_file *f)
{
	f->ops = d->inode->fops;
	return 0;
}

/* ---- xattrs ---- */
static struct tmpfs_xattr *xattr_find(struct vfs_inode *i, const char *name)
{
	struct tmpfs_xattr *x;
	list_for_each_entry(x, &TN(i)->xattrs, link)
		if (!strcmp(x->name, name))
			return x;
	return NULL;
}

static ssize_t tmpfs_getxattr(struct vfs_dentry *d, const char *name, void *buf, size_t size)
{
	struct tmpfs_xattr *x = xattr_find(d->inode, name);
	if (!x)
		return -ENODATA;
	if (!size)
		return (ssize_t)x->size;
	if (size < x->size)
		return -ERANGE;
	memcpy(buf, x->val, x->size);
	return (ssize_t)x->size;
}

static int tmpfs_setxattr(struct vfs_dentry *d, const char *name, const void *val, size_t size,
			  int flags)
{
	struct tmpfs_xattr *x = xattr_find(d->inode, name);
	if (x && (flags & XATTR_CREATE))
		return -EEXIST;
	if (!x && (flags & XATTR_REPLACE))
		return -ENODATA;
	void *v = malloc(size ? size : 1);
	if (!v)
		return -ENOMEM;
	memcpy(v, val, size);
	if (!x) {
		x = calloc(1, sizeof(*x));
		if (!x || !(x->name = strdup(name))) {
			free(x);
			free(v);
			return -ENOMEM;
		}
		list_add_tail(&x->link, &TN(d->inode)->xattrs);
	}
	free(x->val);
	x->val = v;
	x->size = size;
	vfs_now(&d->inode->ctime);
	return 0;
}

static ssize_t tmpfs_listxattr(struct vfs_dentry *d, char *buf, size_t size)
{
	struct tmpfs_xattr *x;
	size_t total = 0;
	list_for_each_entry(x, &TN(d->inode)->xattrs, link)
	{
		size_t l = strlen(x->name) + 1;
		if (size) {
			if (total + l > size)
				return -ERANGE;
			memcpy(buf + total, x->name, l);
		}
		total += l;
	}
	return (ssize_t)total;
}

static int tmpfs_removexattr(struct vfs_dentry *d, const char *name)
{
	struct tmpfs_xattr *x = xattr_find(d->inode, name);
	if (!x)
		return -ENODATA;
	list_del(&x->link);
	free(x->name);
	free(x->val);
	free(x);
	vfs_now(&d->inode->ctime);
	return 0;
}

static int tmpfs_tmpfile(struct vfs_dentry *dir, mode_t mode, uint32_t uid, uint32_t gid,
			 struct vfs_inode **out)
{
	struct vfs_inode *i = tmpfs_new_inode(dir->sb, mode, 0, uid, gid);
	if (!i)
		return -ENOMEM;
	i->nlink = 0;
	*out = i;
	return 0;
}

static const struct vfs_inode_ops tmpfs_iops = {
	.lookup = tmpfs_lookup,
	.mknod = tmpfs_mknod,
	.mkdir = tmpfs_mkdir,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.readlink = tmpfs_readlink,
	.getattr = tmpfs_getattr,
	.setattr = tmpfs_setattr,
	.open = tmpfs_open,
	.getxattr = tmpfs_getxattr,
	.setxattr = tmpfs_setxattr,
	.listxattr = tmpfs_listxattr,
	.removexattr = tmpfs_removexattr,
	.tmpfile = tmpfs_tmpfile,
};

/* ---- open regular files ---- */
static ssize_t tf_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	ssize_t r = data_read(f->dentry->inode, buf, len, *pos);
	if (r > 0)
		*pos += r;
	return r;
}

static ssize_t tf_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct vfs_inode *i = f->dentry->inode;
	if ((f->flags & O_APPEND) && pos == &f->pos)
		*pos = i->size;
	unsigned seals = TN(i)->seals;
	if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((seals & F_SEAL_GROW) && *pos + (off_t)len > i->size)
		return -EPERM; /* Linux may write the pages below EOF first; we write nothing */
	ssize_t w = data_write(i, buf, len, *pos);
	if (w > 0) {
		*pos += w;
		vfs_now(&i->mtime);
		i->ctime = i->mtime;
		if (i->mode & (S_ISUID | S_ISGID))
			i->mode &= ~(mode_t)(S_ISUID | ((i->mode & S_IXGRP) ? S_ISGID : 0));
	}
	return w;
}

static off_t tf_llseek(struct vfs_file *f, off_t off, int whence)
{
	return vfs_generic_llseek(f, off, whence, f->dentry->inode->size);
}

static int tf_truncate(struct vfs_file *f, off_t len)
{
	struct vfs_iattr ia = { .valid = VFS_ATTR_SIZE | VFS_ATTR_MTIME | VFS_ATTR_CTIME, .size = len };
	vfs_now(&ia.mtime);
	ia.ctime = ia.mtime;
	return tmpfs_setattr(f->dentry, &ia);
}

static int tf_fsync(struct vfs_file *f, bool datasync)
{
	return 0;
}

static int tf_fallocate(struct vfs_file *f, int mode, off_t off, off_t len)
{
	struct vfs_inode *i = f->dentry->inode;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EINVAL;
	unsigned seals = TN(i)->seals;
	if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) &&
	    (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	if ((seals & F_SEAL_GROW) && !(mode & FALLOC_FL_KEEP_SIZE) && off + len > i->size)
		return -EPERM;
	if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
		char zero[TPAGE] = { 0 };
		off_t end = MIN(off + len, i->size);
		for (off_t o = off; o < end; o += TPAGE) {
			ssize_t w = data_write(i, zero, (size_t)MIN((off_t)TPAGE, end - o), o);
			if (w < 0)
				return (int)w;
		}
	}
	if (!(mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))) {
		/* allocation: refuse what could not be written later (pages are not reserved) */
		const struct tmpfs_sbinfo *si = SBI(i);
		size_t need = (size_t)((off + len + TPAGE - 1) / TPAGE);
		if (si && si->max_pages && need > TN(i)->charged &&
		    si->used_pages + (need - TN(i)->charged) > si->max_pages)
			return -ENOSPC;
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > i->size)
		return set_size(i, off + len);
	return 0;
}

static int tf_host_fd(struct vfs_file *f, bool writable)
{
	/* mmap(MAP_SHARED, PROT_WRITE) of a write-sealed memfd: EPERM as Linux */
	if (writable && (TN(f->dentry->inode)->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	return to_memfd(f->dentry->inode);
}

static const struct vfs_file_ops tmpfs_file_ops = {
	.read = tf_read,
	.write = tf_write,
	.llseek = tf_llseek,
	.truncate = tf_truncate,
	.fsync = tf_fsync,
	.fallocate = tf_fallocate,
	.host_fd = tf_host_fd,
};

/* ---- open directories ---- */
static ssize_t td_getdents64(struct vfs_file *f, void *buf, size_t len)
{
	struct vfs_inode *dir = f->dentry->inode;
	size_t used = 0, n;
	if (f->pos == 0) {
		n = vfs_dirent_pack(buf, len, ".", 1, dir->ino, DT_DIR, 1);
		if (!n)
			return -EINVAL;
		used += n;
		f->pos = 1;
	}
	if (f->pos == 1) {
		struct vfs_inode *pi = f->dentry->parent->inode;
		n = vfs_dirent_pack((char *)buf + used, len - used, "..", 2, pi ? pi->ino : dir->ino,
				    DT_DIR, 2);
		if (!n)
			return used ? (ssize_t)used : -EINVAL;
		used += n;
		f->pos = 2;
	}
	struct tmpfs_entry *e;
	list_for_each_entry(e, &TN(dir)->entries, link)
	{
		if ((off_t)e->cookie < f->pos)
			continue;
		n = vfs_dirent_pack((char *)buf + used, len - used, e->name, strlen(e->name),
				    e->inode->ino, vfs_mode_to_dtype(e->inode->mode),
				    (int64_t)e->cookie + 1);
		if (!n)
			return used ? (ssize_t)used : -EINVAL;
		used += n;
		f->pos = (off_t)e->cookie + 1;
	}
	return (ssize_t)used;
}

static off_t td_llseek(struct vfs_file *f, off_t off, int whence)
{
	if (whence == SEEK_CUR)
		off += f->pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	return f->pos = off;
}

static const struct vfs_file_ops tmpfs_dir_ops = {
	.getdents64 = td_getdents64,
	.llseek = td_llseek,
	.fsync = tf_fsync,
};

/* ---- memfd_create ---- */
static struct vfs_sb *memfd_sb;
static struct vfs_mount *memfd_mnt;

bool vfs_file_is_tmpfs(struct vfs_file *f)
{
	return f->ops == &tmpfs_file_ops;
}

/* See internal.h. The file's dentry is unnamed ("/memfd:NAME (deleted)"). */
int tmpfs_memfd_new(const char *name, int flags, struct vfs_file **out)
{
	if (!memfd_sb) {
		int err = tmpfs_create_sb(0, NULL, &memfd_sb);
		if (err)
			return err;
		memfd_mnt = vfs_mount_new(memfd_sb, memfd_sb->root, 0);
		if (!memfd_mnt)
			return -ENOMEM;
	}
	struct vfs_inode *i = tmpfs_new_inode(memfd_sb, S_IFREG | 0777, 0, 0, 0);
	if (!i)
		return -ENOMEM;
	i->nlink = 0;
	struct vfs_dentry *d = vfs_dentry_new_root(memfd_sb, i);
	if (!d)
		return -ENOMEM;
	char *nm = malloc(strlen(name) + 8);
	if (nm) {
		strcpy(nm, "memfd:");
		strcat(nm, name);
		free(d->name);
		d->name = nm;
		d->namelen = strlen(nm);
	}
	d->dead = true;
	if (flags & MFD_ALLOW_SEALING)
		TN(i)->seals = 0;
	int err = vfs_open_dentry(memfd_mnt, d, O_RDWR | O_LARGEFILE, out);
	vfs_dentry_put(d);
	return err;
}

#define SEALS_ALL (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/* See internal.h: F_GET_SEALS / F_ADD_SEALS on a tmpfs (memfd) file. */
int tmpfs_seals(struct vfs_file *f, bool add, unsigned seals)
{
	if (!vfs_file_is_tmpfs(f))
		return -EINVAL;
	struct tmpfs_node *n = TN(f->dentry->inode);
	if (!add)
		return (int)n->seals;
	if (seals & ~SEALS_ALL)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EPERM;
	if (n->seals & F_SEAL_SEAL)
		return -EPERM;
	/* F_SEAL_WRITE with a shared writable mapping should be EBUSY: not tracked */
	n->seals |= seals;
	return 0;
}

/* Frees the memfd filesystem (tests' leak checks). */
void tmpfs_memfd_shutdown(void)
{
	if (memfd_mnt)
		vfs_mount_put(memfd_mnt);
	if (memfd_sb)
		vfs_sb_kill(memfd_sb);
	memfd_mnt = NULL;
	memfd_sb = NULL;
}
