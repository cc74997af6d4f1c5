/* vfs/fs/hostfs.c - a filesystem over a host directory.
 *
 * The host is reached only through descriptors opened relative to the mount's root
 * descriptor, one component at a time, with openat2(RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS|
 * RESOLVE_NO_SYMLINKS|RESOLVE_NO_XDEV) and O_NOFOLLOW: the host never resolves a symlink
 * or "..", never crosses a host mount (such a directory shows up empty and read-only), and
 * never sees a path string, only single names our walk produced. Symlinks are read with
 * readlinkat and resolved by vfs/namei.c in our mount tree.
 *
 * Host fds: the Sentry's RLIMIT_NOFILE is bounded, so only a bounded LRU of directory
 * descriptors (O_PATH) is cached, plus one descriptor per open file; anything else is
 * re-opened from its parent's descriptor and its name when needed. st_dev/st_ino are the
 * host's. Must not modify the host in read-only mode (every write is -EROFS). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include "common/cleanup.h"
#include "vfs/internal.h"
#include "vfs/ops.h"

#define HOSTFS_LRU_MAX 256

struct hostfs_sb {
	int rootfd;
	bool ro;
};

struct hostfs_inode {
	int fd;                /* cached O_PATH fd of a directory, or -1 */
	struct list_head lru;  /* in fd_lru while fd >= 0 */
	bool xdev;             /* a host mount point: an empty read-only directory */
};

struct hostfs_file {
	int fd;
};

static struct list_head fd_lru = LIST_HEAD_INIT(fd_lru);
static long lru_count, open_file_fds;
static const struct vfs_inode_ops hostfs_iops;
static const struct vfs_file_ops hostfs_file_ops, hostfs_dir_ops, hostfs_empty_dir_ops;

long hostfs_open_fds(void)
{
	return lru_count + open_file_fds;
}

static struct hostfs_sb *HSB(struct vfs_sb *sb)
{
	return sb->priv;
}

static struct hostfs_inode *HI(struct vfs_inode *i)
{
	return i->priv;
}

static uint64_t mnt_id(int fd)
{
	struct statx sx;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
		return 0;
	return sx.stx_mnt_id;
}

/* Without openat2 (older kernels, valgrind): one name, O_NOFOLLOW, and a mount id check
 * instead of RESOLVE_NO_XDEV. */
static int host_open_compat(int dirfd, const char *name, int flags, mode_t mode)
{
	if (strchr(name, '/') || !strcmp(name, ".."))
		return -EXDEV;
	int fd = openat(dirfd, name, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, mode);
	if (fd < 0)
		return -errno;
	if (strcmp(name, ".") && mnt_id(fd) != mnt_id(dirfd)) {
		close(fd);
		return -EXDEV;
	}
	return fd;
}

/* openat2 of one name beneath @dirfd; never follows a symlink, never crosses a mount. */
static int host_open(int dirfd, const char *name, int flags, mode_t mode)
{
	static bool no_openat2;
	if (no_openat2)
		return host_open_compat(dirfd, name, flags, (flags & O_CREAT) ? mode : 0);
	struct open_how how = {
		/* openat2 rejects O_PATH combined with anything but O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC */
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW | ((flags & O_PATH) ? 0 : O_NOCTTY)),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_XDEV,
	};
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		no_openat2 = true;
		return host_open(dirfd, name, flags, mode);
	}
	return fd < 0 ? -errno : (int)fd;
}

static void lru_drop(struct hostfs_inode *hi)
{
	if (hi->fd < 0)
		return;
	list_del(&hi->lru);
	close(hi->fd);
	hi->fd = -1;
	lru_count--;
}

/* A borrowed O_PATH descriptor of directory @d (valid until the next hostfs call). */
static int dir_fd(struct vfs_dentry *d)
{
	if (d == d->sb->root || d->parent == d)
		return HSB(d->sb)->rootfd;
	struct hostfs_inode *hi = HI(d->inode);
	if (hi->fd >= 0) {
		list_del(&hi->lru);
		list_add(&hi->lru, &fd_lru);
		return hi->fd;
	}
	if (hi->xdev)
		return -EXDEV;
	int pfd = dir_fd(d->parent);
	if (pfd < 0)
		return pfd;
	int fd = host_open(pfd, d->name, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	hi->fd = fd;
	list_add(&hi->lru, &fd_lru);
	if (++lru_count > HOSTFS_LRU_MAX) {
		struct hostfs_inode *old = list_entry(fd_lru.prev, struct hostfs_inode, lru);
		if (old != hi)
			lru_drop(old);
	}
	return fd;
}

/* A new descriptor of @d itself with @flags (the caller closes it). */
static int open_self(struct vfs_dentry *d, int flags)
{
	if (d->parent == d)
		return host_open(HSB(d->sb)->rootfd, ".", flags, 0);
	int pfd = dir_fd(d->parent);
	return pfd < 0 ? pfd : host_open(pfd, d->name, flags, 0);
}

static int parent_fd(struct vfs_dentry *d, const char **name)
{
	if (d->parent == d) {
		*name = ".";
		return HSB(d->sb)->rootfd;
	}
	*name = d->name;
	return dir_fd(d->parent);
}

static int host_stat(struct vfs_dentry *d, struct stat *st)
{
	const char *name;
	int pfd = parent_fd(d, &name);
	if (pfd < 0)
		return pfd;
	if (fstatat(pfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

static void evict(struct vfs_inode *i)
{
	struct hostfs_inode *hi = HI(i);
	if (hi) {
		lru_drop(hi);
		free(hi);
	}
}

static void put_super(struct vfs_sb *sb)
{
	struct hostfs_sb *h = HSB(sb);
	close(h->rootfd);
	free(h);
}

static int hostfs_statfs(struct vfs_sb *sb, struct statfs *st)
{
	if (fstatfs(HSB(sb)->rootfd, st) < 0)
		return -errno;
	return 0;
}

static const struct vfs_sb_ops hostfs_sb_ops = {
	.statfs = hostfs_statfs,
	.evict = evict,
	.put_super = put_super,
};

static struct vfs_inode *new_inode(struct vfs_sb *sb, const struct stat *st)
{
	struct hostfs_inode *hi = calloc(1, sizeof(*hi));
	if (!hi)
		return NULL;
	struct vfs_inode *i = vfs_inode_new(sb, st->st_mode);
	if (!i) {
		free(hi);
		return NULL;
	}
	hi->fd = -1;
	list_init(&hi->lru);
	i->priv = hi;
	i->iops = &hostfs_iops;
	i->fops = S_ISDIR(st->st_mode) ? &hostfs_dir_ops : &hostfs_file_ops;
	i->ino = st->st_ino;
	i->uid = st->st_uid;
	i->gid = st->st_gid;
	i->nlink = st->st_nlink;
	i->size = st->st_size;
	i->rdev = st->st_rdev;
	return i;
}

/* See internal.h. Takes @host_dirfd. */
int hostfs_create_sb(int host_dirfd, bool readonly, struct vfs_sb **out)
{
	struct stat st;
	if (fstat(host_dirfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(host_dirfd);
		return -ENOTDIR;
	}
	struct hostfs_sb *h = calloc(1, sizeof(*h));
	struct vfs_sb *sb = h ? vfs_sb_new("hostfs", &hostfs_sb_ops, h) : NULL;
	if (!sb) {
		free(h);
		close(host_dirfd);
		return -ENOMEM;
	}
	h->rootfd = host_dirfd;
	h->ro = readonly;
	sb->dev = st.st_dev;
	sb->flags = VFS_SB_NO_DCACHE_NEG | (readonly ? VFS_SB_RDONLY : 0);
	struct statfs sfs;
	if (!fstatfs(host_dirfd, &sfs))
		sb->magic = (unsigned long)sfs.f_type;
	struct vfs_inode *root = new_inode(sb, &st);
	int err = root ? vfs_sb_set_root(sb, root) : -ENOMEM;
	if (err) {
		vfs_sb_put(sb);
		return err;
	}
	*out = sb;
	return 0;
}

/* See internal.h. Takes @host_fd. The host file is reached from its parent directory,
 * found through /proc/self/fd and checked to still hold the same inode (st_dev/st_ino),
 * so a rename racing with us fails with -ESTALE instead of binding another file. */
int hostfs_create_file_root(int host_fd, bool readonly, struct vfs_sb **out,
			    struct vfs_dentry **root)
{
	char link[64], path[VFS_PATH_MAX];
	struct stat st, st2;
	int err = 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", host_fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (fstat(host_fd, &st) < 0 || n <= 0)
		err = n < 0 ? -errno : -EINVAL;
	close(host_fd);
	if (err)
		return err;
	path[n] = 0;
	char *slash = strrchr(path, '/');
	if (path[0] != '/' || !slash || !slash[1])
		return -ESTALE; /* "(deleted)", "anon_inode:[...]" and the like */
	*slash = 0;
	const char *name = slash + 1;
	int dirfd = open(path[0] ? path : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	if (fstatat(dirfd, name, &st2, AT_SYMLINK_NOFOLLOW) < 0 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino) {
		close(dirfd);
		return -ESTALE;
	}
	struct vfs_sb *sb;
	err = hostfs_create_sb(dirfd, readonly, &sb);
	if (err)
		return err;
	struct vfs_dentry *d;
	err = vfs_lookup_one(sb->root, name, strlen(name), &d);
	if (!err && (!d->inode || S_ISDIR(d->inode->mode) || d->inode->ino != st.st_ino)) {
		vfs_dentry_put(d);
		err = -ESTALE;
	}
	if (err) {
		vfs_sb_kill(sb);
		return err;
	}
	*out = sb;
	*root = d;
	return 0;
}

/* ---- inode ops ---- */
static int hostfs_lookup(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	struct stat st;
	if (HI(dir->inode)->xdev)
		return -ENOENT;
	int pfd = dir_fd(dir);
	if (pfd < 0)
		return pfd == -EXDEV ? -ENOENT : pfd;
	if (fstatat(pfd, d->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	struct vfs_inode *i = new_inode(dir->sb, &st);
	if (!i)
		return -ENOMEM;
	d->inode = i;
	if (S_ISDIR(st.st_mode)) {
		int fd = host_open(pfd, d->name, O_PATH | O_DIRECTORY, 0);
		if (fd == -EXDEV) {
			HI(i)->xdev = true;
			i->mode = S_IFDIR | 0555;
			i->fops = &hostfs_empty_dir_ops;
		} else if (fd >= 0) {
			HI(i)->fd = fd;
			list_add(&HI(i)->lru, &fd_lru);
			if (++lru_count > HOSTFS_LRU_MAX)
				lru_drop(list_entry(fd_lru.prev, struct hostfs_inode, lru));
		}
	}
	return 0;
}

static int hostfs_getattr(struct vfs_dentry *d, struct stat *st)
{
	int err = host_stat(d, st);
	if (err)
		return err;
	struct vfs_inode *i = d->inode;
	if (HI(i)->xdev) {
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		st->st_size = 0;
	}
	i->mode = st->st_mode;
	i->uid = st->st_uid;
	i->gid = st->st_gid;
	i->size = st->st_size;
	i->nlink = st->st_nlink;
	return 0;
}

static bool writable(struct vfs_dentry *d)
{
	return !HSB(d->sb)->ro && !HI(d->inode)->xdev;
}

/* Looks @d up again after the host created it. */
static int instantiate(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	return hostfs_lookup(dir, d);
}

static void host_chown(int pfd, const char *name, uint32_t uid, uint32_t gid)
{
	/* best effort: the Sentry may not be allowed to give files away on the host */
	(void)!fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW);
}

static int hostfs_mknod(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, dev_t rdev,
			uint32_t uid, uint32_t gid)
{
	if (!writable(dir))
		return -EROFS;
	int pfd = dir_fd(dir);
	if (pfd < 0)
		return pfd;
	if (S_ISREG(mode)) {
		int fd = host_open(pfd, d->name, O_CREAT | O_EXCL | O_WRONLY, mode & 07777);
		if (fd < 0)
			return fd;
		close(fd);
	} else if (mknodat(pfd, d->name, mode, rdev) < 0) {
		return -errno;
	}
	host_chown(pfd, d->name, uid, gid);
	return instantiate(dir, d);
}

static int hostfs_mkdir(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, uint32_t uid,
			uint32_t gid)
{
	if (!writable(dir))
		return -EROFS;
	int pfd = dir_fd(dir);
	if (pfd < 0)
		return pfd;
	if (mkdirat(pfd, d->name, mode & 07777) < 0)
		return -errno;
	host_chown(pfd, d->name, uid, gid);
	return instantiate(dir, d);
}

static int hostfs_symlink(struct vfs_dentry *dir, struct vfs_dentry *d, const char *target,
			  uint32_t uid, uint32_t gid)
{
	if (!writable(dir))
		return -EROFS;
	int pfd = dir_fd(dir);
	if (pfd < 0)
		return pfd;
	if (symlinkat(target, pfd, d->name) < 0)
		return -errno;
	host_chown(pfd, d->name, uid, gid);
	return instantiate(dir, d);
}

static int hostfs_link(struct vfs_dentry *old, struct vfs_dentry *dir, struct vfs_dentry *d)
{
	if (!writable(dir))
		return -EROFS;
	const char *oname;
	int opfd = parent_fd(old, &oname);
	if (opfd < 0)
		return opfd;
	int ofd = host_open(opfd, oname, O_PATH, 0);
	if (ofd < 0)
		return ofd;
	int pfd = dir_fd(dir);
	int err = pfd < 0 ? pfd : linkat(ofd, "", pfd, d->name, AT_EMPTY_PATH) < 0 ? -errno : 0;
	close(ofd);
	return err ? err : instantiate(dir, d);
}

static int hostfs_remove(struct vfs_dentry *dir, struct vfs_dentry *d, int flags)
{
	if (!writable(dir))
		return -EROFS;
	int pfd = dir_fd(dir);
	if (pfd < 0)
		return pfd;
	if (unlinkat(pfd, d->name, flags) < 0)
		return -errno;
	if (HI(d->inode)->fd >= 0)
		lru_drop(HI(d->inode));
	return 0;
}

static int hostfs_unlink(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	return hostfs_remove(dir, d, 0);
}

static int hostfs_rmdir(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	return hostfs_remove(dir, d, AT_REMOVEDIR);
}

static int hostfs_rename(struct vfs_dentry *olddir, struct vfs_dentry *od, struct vfs_dentry *newdir,
			 struct vfs_dentry *nd, unsigned flags)
{
	if (!writable(olddir) || !writable(newdir))
		return -EROFS;
	int ofd = dir_fd(olddir);
	if (ofd < 0)
		return ofd;
	int keep = dup(ofd); /* the next dir_fd may evict it */
	if (keep < 0)
		return -errno;
	int nfd = dir_fd(newdir);
	int err = nfd < 0 ? nfd : 0;
	if (!err && syscall(SYS_renameat2, keep, od->name, nfd, nd->name, flags) < 0)
		err = -errno;
	close(keep);
	return err;
}

static ssize_t hostfs_readlink(struct vfs_dentry *d, char *buf, size_t size)
{
	const char *name;
	int pfd = parent_fd(d, &name);
	if (pfd < 0)
		return pfd;
	ssize_t n = readlinkat(pfd, name, buf, size);
	return n < 0 ? -errno : n;
}

static int hostfs_setattr(struct vfs_dentry *d, const struct vfs_iattr *ia)
{
	if (!writable(d))
		return -EROFS;
	const char *name;
	int pfd = parent_fd(d, &name);
	if (pfd < 0)
		return pfd;
	if (ia->valid & VFS_ATTR_SIZE) {
		int fd = open_self(d, O_WRONLY | O_NONBLOCK);
		if (fd < 0)
			return fd;
		int err = ftruncate(fd, ia->size) < 0 ? -errno : 0;
		close(fd);
		if (err)
			return err;
		pfd = parent_fd(d, &name);
	}
	if ((ia->valid & VFS_ATTR_MODE) && !S_ISLNK(d->inode->mode) &&
	    fchmodat(pfd, name, ia->mode & 07777, 0) < 0)
		return -errno;
	if ((ia->valid & (VFS_ATTR_UID | VFS_ATTR_GID)) &&
	    fchownat(pfd, name, (ia->valid & VFS_ATTR_UID) ? ia->uid : (uint32_t)-1,
		     (ia->valid & VFS_ATTR_GID) ? ia->gid : (uint32_t)-1, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (ia->valid & (VFS_ATTR_ATIME | VFS_ATTR_MTIME)) {
		struct timespec ts[2] = { ia->atime, ia->mtime };
		if (!(ia->valid & VFS_ATTR_ATIME))
			ts[0].tv_nsec = UTIME_OMIT;
		if (!(ia->valid & VFS_ATTR_MTIME))
			ts[1].tv_nsec = UTIME_OMIT;
		if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	}
	return 0;
}

static int xattr_fd(struct vfs_dentry *d)
{
	mode_t m = d->inode->mode;
	if ((!S_ISREG(m) && !S_ISDIR(m)) || HI(d->inode)->xdev)
		return -EOPNOTSUPP;
	return open_self(d, O_RDONLY | O_NONBLOCK | (S_ISDIR(m) ? O_DIRECTORY : 0));
}

static ssize_t hostfs_getxattr(struct vfs_dentry *d, const char *name, void *buf, size_t size)
{
	int fd = xattr_fd(d);
	if (fd < 0)
		return fd == -EOPNOTSUPP ? -ENODATA : fd;
	ssize_t n = fgetxattr(fd, name, buf, size);
	n = n < 0 ? -errno : n;
	close(fd);
	return n;
}

static int hostfs_setxattr(struct vfs_dentry *d, const char *name, const void *val, size_t size,
			   int flags)
{
	if (!writable(d))
		return -EROFS;
	int fd = xattr_fd(d);
	if (fd < 0)
		return fd;
	int err = fsetxattr(fd, name, val, size, flags) < 0 ? -errno : 0;
	close(fd);
	return err;
}

static ssize_t hostfs_listxattr(struct vfs_dentry *d, char *buf, size_t size)
{
	int fd = xattr_fd(d);
	if (fd < 0)
		return fd == -EOPNOTSUPP ? 0 : fd;
	ssize_t n = flistxattr(fd, buf, size);
	n = n < 0 ? -errno : n;
	close(fd);
	return n;
}

static int hostfs_removexattr(struct vfs_dentry *d, const char *name)
{
	if (!writable(d))
		return -EROFS;
	int fd = xattr_fd(d);
	if (fd < 0)
		return fd;
	int err = fremovexattr(fd, name) < 0 ? -errno : 0;
	close(fd);
	return err;
}

static int hostfs_open(struct vfs_dentry *d, struct vfs_file *f)
{
	mode_t m = d->inode->mode;
	int acc = f->flags & O_ACCMODE;
	if (acc != O_RDONLY && !writable(d))
		return -EROFS;
	if (HI(d->inode)->xdev) {
		f->ops = &hostfs_empty_dir_ops;
		return 0;
	}
	if (!S_ISREG(m) && !S_ISDIR(m))
		return -ENXIO;
	int fd = open_self(d, acc | O_NONBLOCK | (S_ISDIR(m) ? O_DIRECTORY : 0) |
				      (f->flags & O_APPEND));
	if (fd < 0)
		return fd;
	struct hostfs_file *hf = malloc(sizeof(*hf));
	if (!hf) {
		close(fd);
		return -ENOMEM;
	}
	hf->fd = fd;
	open_file_fds++;
	f->priv = hf;
	f->ops = S_ISDIR(m) ? &hostfs_dir_ops : &hostfs_file_ops;
	return 0;
}

static const struct vfs_inode_ops hostfs_iops = {
	.lookup = hostfs_lookup,
	.mknod = hostfs_mknod,
	.mkdir = hostfs_mkdir,
	.symlink = hostfs_symlink,
	.link = hostfs_link,
	.unlink = hostfs_unlink,
	.rmdir = hostfs_rmdir,
	.rename = hostfs_rename,
	.readlink = hostfs_readlink,
	.getattr = hostfs_getattr,
	.setattr = hostfs_setattr,
	.open = hostfs_open,
	.getxattr = hostfs_getxattr,
	.setxattr = hostfs_setxattr,
	.listxattr = hostfs_listxattr,
	.removexattr = hostfs_removexattr,
};

/* ---- open files ---- */
static int FD(struct vfs_file *f)
{
	return ((struct hostfs_file *)f->priv)->fd;
}

static ssize_t hf_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	ssize_t n = pread(FD(f), buf, len, *pos);
	if (n < 0)
		return -errno;
	*pos += n;
	return n;
}

static ssize_t hf_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct stat st;
	if ((f->flags & O_APPEND) && pos == &f->pos) {
		if (fstat(FD(f), &st) < 0)
			return -errno;
		*pos = st.st_size;
	}
	ssize_t n = pwrite(FD(f), buf, len, *pos);
	if (n < 0)
		return -errno;
	*pos += n;
	return n;
}

static off_t hf_llseek(struct vfs_file *f, off_t off, int whence)
{
	if (whence == SEEK_DATA || whence == SEEK_HOLE) {
		off_t r = lseek(FD(f), off, whence);
		if (r < 0)
			return -errno;
		return f->pos = r;
	}
	struct stat st;
	if (fstat(FD(f), &st) < 0)
		return -errno;
	return vfs_generic_llseek(f, off, whence, st.st_size);
}

static int hf_stat(struct vfs_file *f, struct stat *st)
{
	if (fstat(FD(f), st) < 0)
		return -errno;
	return 0;
}

static int hf_truncate(struct vfs_file *f, off_t len)
{
	return ftruncate(FD(f), len) < 0 ? -errno : 0;
}

static int hf_fsync(struct vfs_file *f, bool datasync)
{
	int r = datasync ? fdatasync(FD(f)) : fsync(FD(f));
	return r < 0 ? -errno : 0;
}

static int hf_fallocate(struct vfs_file *f, int mode, off_t off, off_t len)
{
	return fallocate(FD(f), mode, off, len) < 0 ? -errno : 0;
}

static int hf_host_fd(struct vfs_file *f, bool writable)
{
	return FD(f);
}

static void hf_release(struct vfs_file *f)
{
	struct hostfs_file *hf = f->priv;
	if (!hf)
		return;
	close(hf->fd);
	open_file_fds--;
	free(hf);
}

static const struct vfs_file_ops hostfs_file_ops = {
	.read = hf_read,
	.write = hf_write,
	.llseek = hf_llseek,
	.stat = hf_stat,
	.truncate = hf_truncate,
	.fsync = hf_fsync,
	.fallocate = hf_fallocate,
	.host_fd = hf_host_fd,
	.release = hf_release,
};

static ssize_t hd_getdents64(struct vfs_file *f, void *buf, size_t len)
{
	if (lseek(FD(f), f->pos, SEEK_SET) < 0)
		return -errno;
	long n = syscall(SYS_getdents64, FD(f), buf, len);
	if (n < 0)
		return -errno;
	f->pos = lseek(FD(f), 0, SEEK_CUR);
	return n;
}

static off_t hd_llseek(struct vfs_file *f, off_t off, int whence)
{
	off_t r = lseek(FD(f), whence == SEEK_CUR ? f->pos + off : off,
			whence == SEEK_CUR ? SEEK_SET : whence);
	if (r < 0)
		return -errno;
	return f->pos = r;
}

static const struct vfs_file_ops hostfs_dir_ops = {
	.getdents64 = hd_getdents64,
	.llseek = hd_llseek,
	.stat = hf_stat,
	.fsync = hf_fsync,
	.release = hf_release,
};

/* A host mount point seen from inside: "." and ".." only. */
static ssize_t he_getdents64(struct vfs_file *f, void *buf, size_t len)
{
	size_t used = 0, n;
	uint64_t ino = f->dentry->inode->ino;
	if (f->pos == 0) {
		n = vfs_dirent_pack(buf, len, ".", 1, ino, DT_DIR, 1);
		if (!n)
			return -EINVAL;
		used += n;
		f->pos = 1;
	}
	if (f->pos == 1) {
		n = vfs_dirent_pack((char *)buf + used, len - used, "..", 2, ino, DT_DIR, 2);
		if (!n)
			return used ? (ssize_t)used : -EINVAL;
		used += n;
		f->pos = 2;
	}
	return (ssize_t)used;
}

static off_t he_llseek(struct vfs_file *f, off_t off, int whence)
{
	if (whence != SEEK_SET || off < 0)
		return -EINVAL;
	return f->pos = off;
}

static const struct vfs_file_ops hostfs_empty_dir_ops = {
	.getdents64 = he_getdents64,
	.llseek = he_llseek,
};
