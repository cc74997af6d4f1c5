/* sentry/syscalls/sys_vfs.h - helpers shared by the file-area handlers
 * (sys_file.c sys_rw.c sys_stat.c sys_dir.c sys_attr.c sys_fd.c sys_xattr.c):
 * copying path names in, fetching files from the fd table, the bounce buffer. */
#ifndef CVISOR_SENTRY_SYSCALLS_SYS_VFS_H
#define CVISOR_SENTRY_SYSCALLS_SYS_VFS_H
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include "common/cleanup.h"
#include "platform/guest_mem.h"
#include "sentry/syscall.h"
#include "vfs/fdtable.h"
#include "vfs/file.h"
#include "vfs/ops.h"

#define SYS_PATH_MAX 4096
/* Largest single transfer through the bounce buffer; larger reads return short. */
#define SYS_BOUNCE_SIZE (1024 * 1024)
#define SYS_MAX_RW_COUNT 0x7ffff000L

/* Copies the app's path at @gaddr into @buf (SYS_PATH_MAX bytes). Returns 0, -EFAULT or
 * -ENAMETOOLONG. An empty path is returned as is (the VFS answers ENOENT unless
 * AT_EMPTY_PATH). */
static inline int sys_path_in(struct task *t, uint64_t gaddr, char *buf)
{
	if (!gaddr)
		return -EFAULT;
	long n = guest_strncpy_in(task_mem(t), buf, gaddr, SYS_PATH_MAX);
	return n < 0 ? (int)n : 0;
}

/* The file at @fd (a new reference) or NULL. */
static inline struct vfs_file *sys_file(struct task *t, int fd)
{
	return vfs_fdtable_lookup(task_fdt(t), fd);
}

static inline void sys_ctx(struct task *t, struct vfs_ctx *c)
{
	task_vfs_ctx(t, c);
}

/* The Sentry is single-threaded: one bounce buffer serves every handler. */
void *sys_bounce(void);

#endif
