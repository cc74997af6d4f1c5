/* vfs/file.h - open file descriptions and the operations every file-like object provides.
 *
 * A struct vfs_file is one open file description: shared by dup(2), fork(2) and SCM_RIGHTS,
 * reference counted (vfs_file_get/put in vfs.h). It holds the offset and status flags; the
 * object behind it (an inode of some filesystem, a pipe, an epoll instance, a socket…)
 * provides struct vfs_file_ops. Ops never block: where Linux would sleep they return
 * -EAGAIN, and the caller (a sentry handler) waits on the queue that ->waitq returns
 * until ->poll reports readiness. Buffers are Sentry memory; only ->ioctl sees guest
 * memory (through ctx->mem and platform/guest_mem.h). */
#ifndef CVISOR_VFS_FILE_H
#define CVISOR_VFS_FILE_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include "common/waitq.h"
#include "vfs/vfs.h"

struct vfs_file;
struct vfs_dentry;
struct vfs_iattr;
struct vfs_mount;
struct proc_buf;

struct vfs_file_ops {
	/* Read/write at *@pos (advanced by the op for seekable files; NULL @pos for streams).
	 * Return bytes or -errno; -EAGAIN when nothing can be done now. */
	ssize_t (*read)(struct vfs_file *f, void *buf, size_t len, off_t *pos);
	ssize_t (*write)(struct vfs_file *f, const void *buf, size_t len, off_t *pos);
	/* Returns the new offset or -errno (NULL: -ESPIPE). */
	off_t (*llseek)(struct vfs_file *f, off_t off, int whence);
	/* Fills @buf with struct linux_dirent64 records from the file's position. */
	ssize_t (*getdents64)(struct vfs_file *f, void *buf, size_t len);
	/* Current readiness: EPOLLIN|EPOLLOUT|EPOLLHUP|EPOLLERR|EPOLLRDHUP|EPOLLPRI bits. */
	uint32_t (*poll)(struct vfs_file *f);
	/* The queue woken (with the new readiness bits) when ->poll's answer may change. */
	struct waitq *(*waitq)(struct vfs_file *f);
	/* ioctl(2); @arg is a guest address or a value, as @cmd says. NULL: -ENOTTY. */
	long (*ioctl)(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg);
	int (*stat)(struct vfs_file *f, struct stat *st);
	int (*truncate)(struct vfs_file *f, off_t len);
	int (*fsync)(struct vfs_file *f, bool datasync);
	int (*fallocate)(struct vfs_file *f, int mode, off_t off, off_t len);
	/* See vfs_file_host_fd in vfs.h. NULL: -ENODEV. */
	int (*host_fd)(struct vfs_file *f, bool writable);
	/* fchmod/fchown/futimens of an anonymous object (a pipe's inode): the VFS has done
	 * Linux's permission checks. NULL: -EPERM. */
	int (*setattr)(struct vfs_file *f, const struct vfs_iattr *ia);
	/* Status flags changed by fcntl(F_SETFL) (O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT). */
	int (*setfl)(struct vfs_file *f, int new_flags);
	/* Lines /proc/<pid>/fdinfo/<fd> shows after the common ones (Linux's
	 * ->show_fdinfo). NULL: none. */
	void (*show_fdinfo)(struct vfs_file *f, struct proc_buf *b);
	/* Last reference dropped: free the object's part. */
	void (*release)(struct vfs_file *f);
};

struct vfs_file {
	int refs;
	const struct vfs_file_ops *ops;
	int flags;          /* O_ACCMODE | status flags (O_APPEND, O_NONBLOCK, O_DIRECT...) */
	off_t pos;
	/* For files opened through a path: the mount and dentry (references held);
	 * NULL for anonymous objects (pipes, eventfd, epoll, sockets). */
	struct vfs_mount *mnt;
	struct vfs_dentry *dentry;
	const char *anon_name; /* "pipe", "[eventfd]", "anon_inode:[eventpoll]"... */
	uint64_t anon_ino;     /* st_ino for anonymous objects */
	void *priv;            /* the object behind the file */
	struct list_head epoll_links; /* epoll items watching this file (vfs/epoll.c) */
};

/* Returns a new anonymous file (one reference) for @ops with @priv, or NULL on ENOMEM.
 * @name is what /proc/self/fd shows, e.g. "pipe:[12]" is built from "pipe" + ino. */
struct vfs_file *vfs_file_new_anon(const struct vfs_file_ops *ops, void *priv, int flags,
				   const char *name);
/* The attributes of an anonymous object's inode (sockfs): what fstat shows and what
 * fchmod/fchown/futimens change through the setattr op. */
struct vfs_anon_attr {
	mode_t mode; /* permission bits only */
	uint32_t uid, gid;
	struct timespec atime, mtime, ctime;
};
/* Applies @ia, the VFS's checked change, to @a. */
void vfs_anon_attr_set(struct vfs_anon_attr *a, const struct vfs_iattr *ia);
/* Fills the permission bits, owner and times of @st from @a (the file type is the
 * caller's). */
void vfs_anon_attr_fill(const struct vfs_anon_attr *a, struct stat *st);

/* Generic helpers a handler uses: each checks access mode, then calls the op. */
ssize_t vfs_file_read(struct vfs_file *f, void *buf, size_t len);
ssize_t vfs_file_write(struct vfs_file *f, const void *buf, size_t len);
uint32_t vfs_file_poll(struct vfs_file *f);
struct waitq *vfs_file_waitq(struct vfs_file *f);

#endif
