/* vfs/lock.h - advisory locks (fcntl F_SETLK/F_OFD_SETLK, flock) for the handlers. */
#ifndef CVISOR_VFS_LOCK_H
#define CVISOR_VFS_LOCK_H
#include <sys/types.h>
#include "common/waitq.h"

struct vfs_inode;
enum { VFS_LOCK_POSIX = 0, VFS_LOCK_OFD = 1, VFS_LOCK_FLOCK = 2 };
#define VFS_LOCK_EOF ((off_t)0x7fffffffffffffffLL)

struct vfs_lock_req {
	int type;         /* F_RDLCK, F_WRLCK, F_UNLCK */
	off_t start, end; /* absolute, inclusive */
	int pid;
};

int vfs_lock_test(struct vfs_inode *inode, void *owner, int kind, struct vfs_lock_req *req);
int vfs_lock_set(struct vfs_inode *inode, void *owner, int kind, const struct vfs_lock_req *req);
struct waitq *vfs_lock_waitq(struct vfs_inode *inode);

#endif
