/* vfs/file.c - open file descriptions: allocation, references, the generic read/write/
 * poll helpers, opening a dentry, directory records, the character device table.
 * Must not touch guest memory and never blocks. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/sysmacros.h>
#include "vfs/inotify.h"
#include "vfs/internal.h"

long vfs_live_files;

struct vfs_file *vfs_file_alloc(int flags)
{
	struct vfs_file *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->refs = 1;
	f->flags = flags;
	list_init(&f->epoll_links);
	vfs_live_files++;
	return f;
}

/* See file.h. */
void vfs_anon_attr_set(struct vfs_anon_attr *a, const struct vfs_iattr *ia)
{
	if (ia->valid & VFS_ATTR_MODE)
		a->mode = ia->mode & 07777;
	if (ia->valid & VFS_ATTR_UID)
		a->uid = ia->uid;
	if (ia->valid & VFS_ATTR_GID)
		a->gid = ia->gid;
	if (ia->valid & VFS_ATTR_ATIME)
		a->atime = ia->atime;
	if (ia->valid & VFS_ATTR_MTIME)
		a->mtime = ia->mtime;
	if (ia->valid & VFS_ATTR_CTIME)
		a->ctime = ia->ctime;
}

/* See file.h. */
void vfs_anon_attr_fill(const struct vfs_anon_attr *a, struct stat *st)
{
	st->st_mode = (st->st_mode & S_IFMT) | a->mode;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_atim = a->atime;
	st->st_mtim = a->mtime;
	st->st_ctim = a->ctime;
}

/* See file.h. */
struct vfs_file *vfs_file_new_anon(const struct vfs_file_ops *ops, void *priv, int flags,
				   const char *name)
{
	struct vfs_file *f = vfs_file_alloc(flags);
	if (!f)
		return NULL;
	f->ops = ops;
	f->priv = priv;
	f->anon_name = name;
	f->anon_ino = vfs_next_ino();
	return f;
}

void vfs_file_get(struct vfs_file *f)
{
	f->refs++;
}

/* epoll (vfs-objects) forgets a dying file through this, when linked in. */
extern void vfs_epoll_file_release(struct vfs_file *f) __attribute__((weak));

void vfs_file_put(struct vfs_file *f)
{
	if (!f || --f->refs > 0)
		return;
	if (!list_empty(&f->epoll_links) && vfs_epoll_file_release)
		vfs_epoll_file_release(f);
	vfs_locks_file_release(f);
	/* a path-opened file (failed opens have no ops left) */
	if (f->dentry && f->ops && !(f->flags & O_PATH))
		vfs_notify_dentry(f->dentry, (f->flags & O_ACCMODE) == O_RDONLY ? IN_CLOSE_NOWRITE
										 : IN_CLOSE_WRITE);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	if (f->dentry)
		vfs_dentry_put(f->dentry);
	if (f->mnt)
		vfs_mount_put(f->mnt);
	vfs_live_files--;
	free(f);
}

struct vfs_inode *vfs_file_inode(struct vfs_file *f)
{
	return f->dentry ? f->dentry->inode : NULL;
}

static bool is_opath(struct vfs_file *f)
{
	return (f->flags & O_PATH) != 0;
}

/* A file without ->read: EISDIR for a directory (Linux's generic_read_dir), else EINVAL. */
static ssize_t no_read(struct vfs_file *f)
{
	return f->dentry && f->dentry->inode && S_ISDIR(f->dentry->inode->mode) ? -EISDIR
										  : -EINVAL;
}

/* See file.h: checks access mode, then calls ->read at the file offset. */
ssize_t vfs_file_read(struct vfs_file *f, void *buf, size_t len)
{
	if (is_opath(f) || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!f->ops || !f->ops->read)
		return no_read(f);
	return f->ops->read(f, buf, len, f->ops->llseek ? &f->pos : NULL);
}

ssize_t vfs_file_write(struct vfs_file *f, const void *buf, size_t len)
{
	if (is_opath(f) || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	ssize_t n = f->ops->write(f, buf, len, f->ops->llseek ? &f->pos : NULL);
	if (n > 0)
		vfs_notify_dentry(f->dentry, IN_MODIFY);
	return n;
}

/* See vfs.h. -ESPIPE for streams. */
ssize_t vfs_file_pread(struct vfs_file *f, void *buf, size_t len, off_t off)
{
	if (is_opath(f) || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!f->ops || !f->ops->read)
		return no_read(f);
	if (!f->ops->llseek)
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	return f->ops->read(f, buf, len, &off);
}

ssize_t vfs_file_pwrite(struct vfs_file *f, const void *buf, size_t len, off_t off)
{
	if (is_opath(f) || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	if (!f->ops->llseek)
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	if (f->flags & O_APPEND) { /* Linux: pwrite on O_APPEND appends */
		struct stat st;
		if (!vfs_file_stat(f, &st))
			off = st.st_size;
	}
	ssize_t n = f->ops->write(f, buf, len, &off);
	if (n > 0)
		vfs_notify_dentry(f->dentry, IN_MODIFY);
	return n;
}

uint32_t vfs_file_poll(struct vfs_file *f)
{
	if (f->ops && f->ops->poll)
		return f->ops->poll(f);
	return EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;
}

struct waitq *vfs_file_waitq(struct vfs_file *f)
{
	return f->ops && f->ops->waitq ? f->ops->waitq(f) : NULL;
}

int vfs_file_host_fd(struct vfs_file *f, bool writable)
{
	if (!f->ops || !f->ops->host_fd)
		return -ENODEV;
	return f->ops->host_fd(f, writable);
}

int vfs_file_stat(struct vfs_file *f, struct stat *st)
{
	if (f->ops && f->ops->stat)
		return f->ops->stat(f, st);
	if (f->dentry)
		return vfs_getattr(f->dentry, st);
	memset(st, 0, sizeof(*st));
	st->st_ino = f->anon_ino;
	st->st_mode = 0600;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

int vfs_file_path(struct vfs_file *f, struct vfs_fs_ctx *fs, char *buf, size_t size)
{
	if (!f->dentry) {
		int n = snprintf(buf, size, "%s:[%llu]", f->anon_name ? f->anon_name : "anon_inode",
				 (unsigned long long)f->anon_ino);
		return n < (int)size ? n : -ERANGE;
	}
	struct vfs_path p = { f->mnt, f->dentry };
	return vfs_path_to_string(&p, &fs->root, buf, size);
}

unsigned char vfs_mode_to_dtype(mode_t mode)
{
	return (unsigned char)((mode & S_IFMT) >> 12);
}

/* linux_dirent64: d_ino, d_off, d_reclen, d_type, d_name. */
size_t vfs_dirent_pack(void *buf, size_t len, const char *name, size_t namelen, uint64_t ino,
		       unsigned char type, int64_t next_off)
{
	size_t reclen = (19 + namelen + 1 + 7) & ~(size_t)7;
	if (reclen > len)
		return 0;
	char *p = buf;
	memset(p, 0, reclen);
	memcpy(p, &ino, 8);
	memcpy(p + 8, &next_off, 8);
	uint16_t rl = (uint16_t)reclen;
	memcpy(p + 16, &rl, 2);
	p[18] = (char)type;
	memcpy(p + 19, name, namelen);
	return reclen;
}

/* ---- character devices ---- */
struct chrdev {
	unsigned major;
	int minor;
	vfs_chrdev_open_fn open;
};
static struct chrdev chrdevs[64];
static int nchrdevs;

int vfs_chrdev_register(unsigned major, int minor, vfs_chrdev_open_fn fn)
{
	for (int i = 0; i < nchrdevs; i++)
		if (chrdevs[i].major == major && chrdevs[i].minor == minor) {
			chrdevs[i].open = fn;
			return 0;
		}
	if (nchrdevs == (int)(sizeof(chrdevs) / sizeof(chrdevs[0])))
		return -ENOSPC;
	chrdevs[nchrdevs++] = (struct chrdev){ major, minor, fn };
	return 0;
}

extern void devfs_register_devices(void);

int vfs_chrdev_open(dev_t rdev, struct vfs_file *f)
{
	devfs_register_devices();
	for (int i = 0; i < nchrdevs; i++)
		if (chrdevs[i].major == major(rdev) &&
		    (chrdevs[i].minor < 0 || chrdevs[i].minor == (int)minor(rdev)))
			return chrdevs[i].open(rdev, f);
	return -ENXIO;
}

/* vfs-objects' fifo opener (vfs/pipe.c); weak so the VFS links without it. */
extern int vfs_fifo_open(void **slot, int flags, struct vfs_file **out, struct waitq **wait)
	__attribute__((weak));

/* Opens positive @d on @mnt: a new file in *@out (references on both taken), or -errno.
 * Fifos return -EAGAIN with *@wait set when a blocking open must wait (see vfs/pipe.h).
 * No permission checks here. */
int vfs_open_dentry_wait(struct vfs_mount *mnt, struct vfs_dentry *d, int flags,
			 struct vfs_file **out, struct waitq **wait)
{
	struct vfs_inode *inode = d->inode;
	struct vfs_file *f;
	int err = 0;
	if (!inode)
		return -ENOENT;
	if (S_ISFIFO(inode->mode) && !(flags & O_PATH)) {
		struct waitq *dummy;
		if (!vfs_fifo_open)
			return -ENXIO;
		err = vfs_fifo_open(&inode->fifo, flags, &f, wait ? wait : &dummy);
		if (err)
			return err;
	} else {
		f = vfs_file_alloc(flags);
		if (!f)
			return -ENOMEM;
		f->ops = inode->fops;
	}
	f->mnt = mnt;
	vfs_mount_get(mnt);
	f->dentry = d;
	vfs_dentry_get(d);
	if (S_ISFIFO(inode->mode) || (flags & O_PATH)) {
		if (flags & O_PATH)
			f->ops = NULL;
	} else if (S_ISCHR(inode->mode)) {
		err = vfs_chrdev_open(inode->rdev, f);
	} else if (S_ISSOCK(inode->mode)) {
		err = -ENXIO;
	} else if (S_ISBLK(inode->mode)) {
		err = -ENXIO;
	} else if (inode->iops && inode->iops->open) {
		err = inode->iops->open(d, f);
	}
	if (err) {
		f->ops = NULL;
		vfs_file_put(f);
		return err;
	}
	*out = f;
	return 0;
}

int vfs_open_dentry(struct vfs_mount *mnt, struct vfs_dentry *d, int flags, struct vfs_file **out)
{
	return vfs_open_dentry_wait(mnt, d, flags, out, NULL);
}
