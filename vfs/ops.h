/* vfs/ops.h - path-based VFS operations, one per family of syscalls. The handlers in
 * sentry/syscalls/sys_{file,dir,stat,attr,fd,xattr}.c are thin wrappers around these:
 * they copy strings and buffers in and out of guest memory, the VFS does the rest.
 * Path arguments are Sentry strings (already copied in, at most PATH_MAX); @dirfd is
 * AT_FDCWD or an fd of c->fdt. Everything returns 0 / a count / a new reference, or
 * -errno exactly as Linux would answer. */
#ifndef CVISOR_VFS_OPS_H
#define CVISOR_VFS_OPS_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include "common/waitq.h"
#include "vfs/vfs.h"
#include "vfs/file.h"

/* open(2)/openat(2)/openat2(2). @resolve: RESOLVE_* of openat2 (0 otherwise). On a
 * blocking fifo open that must wait, returns -EAGAIN with *@wait set (park on it with
 * EPOLLIN and re-run). A new file reference in *@out. O_CLOEXEC is the caller's. */
int vfs_openat(struct vfs_ctx *c, int dirfd, const char *path, int flags, mode_t mode,
	       uint64_t resolve, struct vfs_file **out, struct waitq **wait);
int vfs_mknodat(struct vfs_ctx *c, int dirfd, const char *path, mode_t mode, dev_t dev);
int vfs_mkdirat(struct vfs_ctx *c, int dirfd, const char *path, mode_t mode);
/* unlinkat(2): @flags 0 or AT_REMOVEDIR. */
int vfs_unlinkat(struct vfs_ctx *c, int dirfd, const char *path, int flags);
int vfs_symlinkat(struct vfs_ctx *c, const char *target, int dirfd, const char *path);
/* linkat(2): @flags AT_SYMLINK_FOLLOW, AT_EMPTY_PATH. */
int vfs_linkat(struct vfs_ctx *c, int olddirfd, const char *oldpath, int newdirfd,
	       const char *newpath, int flags);
/* renameat2(2): RENAME_NOREPLACE, RENAME_EXCHANGE. */
int vfs_renameat2(struct vfs_ctx *c, int olddirfd, const char *oldpath, int newdirfd,
		  const char *newpath, unsigned flags);
/* readlinkat(2) into a Sentry buffer; returns the length (truncated to @size). */
ssize_t vfs_readlinkat(struct vfs_ctx *c, int dirfd, const char *path, char *buf, size_t size);
/* fstatat(2): @flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_NO_AUTOMOUNT. */
int vfs_statat(struct vfs_ctx *c, int dirfd, const char *path, int flags, struct stat *st);
int vfs_statfsat(struct vfs_ctx *c, int dirfd, const char *path, int flags, struct statfs *st);
int vfs_file_statfs(struct vfs_file *f, struct statfs *st);
/* faccessat2(2): @mode F_OK or R_OK|W_OK|X_OK; @flags AT_EACCESS, AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH. */
int vfs_accessat(struct vfs_ctx *c, int dirfd, const char *path, int mode, int flags);
/* Attribute changes. A NULL @path means the file @dirfd itself (f-variants). */
int vfs_chmodat(struct vfs_ctx *c, int dirfd, const char *path, mode_t mode, int flags);
int vfs_chownat(struct vfs_ctx *c, int dirfd, const char *path, uint32_t uid, uint32_t gid,
		int flags);
/* utimensat(2): @ts NULL = now; tv_nsec UTIME_NOW / UTIME_OMIT honoured. */
int vfs_utimensat(struct vfs_ctx *c, int dirfd, const char *path, const struct timespec *ts,
		  int flags);
int vfs_truncate_path(struct vfs_ctx *c, const char *path, off_t len);
int vfs_file_truncate(struct vfs_ctx *c, struct vfs_file *f, off_t len);
int vfs_chdir(struct vfs_ctx *c, const char *path);
int vfs_fchdir(struct vfs_ctx *c, int fd);
int vfs_chroot(struct vfs_ctx *c, const char *path);
/* getcwd(2): the cwd as seen from the root; -ENOENT when it was removed. */
int vfs_getcwd(struct vfs_ctx *c, char *buf, size_t size);
/* Extended attributes: @path NULL means fd @dirfd; @follow false for the l-variants. */
ssize_t vfs_getxattr(struct vfs_ctx *c, int dirfd, const char *path, bool follow,
		     const char *name, void *buf, size_t size);
int vfs_setxattr(struct vfs_ctx *c, int dirfd, const char *path, bool follow, const char *name,
		 const void *val, size_t size, int flags);
ssize_t vfs_listxattr(struct vfs_ctx *c, int dirfd, const char *path, bool follow, char *buf,
		      size_t size);
int vfs_removexattr(struct vfs_ctx *c, int dirfd, const char *path, bool follow,
		    const char *name);
/* pwrite without moving the offset (-ESPIPE for streams). */
ssize_t vfs_file_pwrite(struct vfs_file *f, const void *buf, size_t len, off_t off);
/* lseek(2) (SEEK_SET/CUR/END/DATA/HOLE). */
off_t vfs_file_llseek(struct vfs_file *f, off_t off, int whence);
/* getdents64(2) into a Sentry buffer. */
ssize_t vfs_file_getdents64(struct vfs_file *f, void *buf, size_t len);
int vfs_file_fsync(struct vfs_file *f, bool datasync);
int vfs_file_fallocate(struct vfs_file *f, int mode, off_t off, off_t len);
/* fcntl(F_SETFL). */
int vfs_file_setfl(struct vfs_file *f, int flags);
/* memfd_create(2) without the fd: a new tmpfs file with no name. */
int vfs_memfd_create(const char *name, unsigned flags, struct vfs_file **out);
/* fcntl(2) F_ADD_SEALS (@add, @seals) / F_GET_SEALS: 0 or the seals, -EPERM when sealing
 * is not allowed, -EINVAL for files that cannot be sealed (only tmpfs/memfd ones can). */
int vfs_file_seals(struct vfs_file *f, bool add, unsigned seals);
/* Generic seek helper for files with a size. */
off_t vfs_generic_llseek(struct vfs_file *f, off_t off, int whence, off_t size);

#endif
