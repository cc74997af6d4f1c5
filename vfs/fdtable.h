/* vfs/fdtable.h - fd table operations beyond vfs.h, for the syscall handlers
 * (close, dup2, fcntl F_GETFD/F_SETFD, close_range) and procfs. */
#ifndef CVISOR_VFS_FDTABLE_H
#define CVISOR_VFS_FDTABLE_H
#include <stdbool.h>
#include "vfs/vfs.h"

/* Closes @fd. Returns 0 or -EBADF. */
int vfs_fdtable_close(struct vfs_fdtable *fdt, int fd);
/* Installs @file (own reference taken) at exactly @fd, closing what was there (dup2).
 * Returns @fd, -EBADF past the limit. */
int vfs_fdtable_replace(struct vfs_fdtable *fdt, int fd, struct vfs_file *file, bool cloexec);
/* FD_CLOEXEC of @fd, or -EBADF. */
int vfs_fdtable_get_flags(struct vfs_fdtable *fdt, int fd);
int vfs_fdtable_set_flags(struct vfs_fdtable *fdt, int fd, int flags);
int vfs_fdtable_count(struct vfs_fdtable *fdt);
unsigned vfs_fdtable_size(struct vfs_fdtable *fdt);
unsigned vfs_fdtable_limit(struct vfs_fdtable *fdt);

#endif
