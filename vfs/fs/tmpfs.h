/* vfs/fs/tmpfs.h - tmpfs pieces other filesystems build on (devfs, overlay's upper). */
#ifndef CVISOR_VFS_FS_TMPFS_H
#define CVISOR_VFS_FS_TMPFS_H
#include "vfs/internal.h"

/* A new tmpfs inode of @sb (one reference), not linked anywhere. */
struct vfs_inode *tmpfs_new_inode(struct vfs_sb *sb, mode_t mode, dev_t rdev, uint32_t uid,
				  uint32_t gid);
void tmpfs_memfd_shutdown(void);
extern long tmpfs_memfds;

#endif
