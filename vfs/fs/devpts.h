/* vfs/fs/devpts.h - the devpts filesystem (/dev/pts) and the pty files: the master
 * (/dev/ptmx, /dev/pts/ptmx, char 5:2), the slaves (/dev/pts/N, char 136:N) and /dev/tty
 * (char 5:0, the caller's controlling terminal). The line discipline is vfs/tty.c's. */
#ifndef CVISOR_VFS_FS_DEVPTS_H
#define CVISOR_VFS_FS_DEVPTS_H
#include "vfs/internal.h"
#include "vfs/tty.h"

#define DEVPTS_SUPER_MAGIC 0x1cd1
#define DEVPTS_MAX 1024

/* mount(2) of "devpts": a new instance (Linux >= 4.7: every mount is one) with its own
 * pts numbers. Options: mode= (pts nodes, default 0620), gid= (default 5), ptmxmode=
 * (default 0666 here: /dev/ptmx is a symlink to pts/ptmx), newinstance, max=.
 * Returns 0 and the superblock (one reference, with a root) or -errno. */
int devpts_create_sb(unsigned long flags, const char *data, struct vfs_sb **out);

/* Registers ptmx (5:2), the slaves (136-143:*) and /dev/tty (5:0) in the device table.
 * Idempotent; also run by a constructor so that bin/cvisor needs no call. */
void devpts_register_devices(void);

/* Allocates a pty pair for the Sentry itself (OCI --console-socket): the master as a file
 * description (a new reference in *@master) on the devpts instance mounted at @mnt
 * (@mnt's sb must be devpts), unlocked, with window size @rows x @cols (0: unchanged).
 * Returns the pts index or -errno. The slave is opened by path (/dev/pts/N). */
int devpts_new_pair(struct vfs_mount *mnt, unsigned rows, unsigned cols, struct vfs_file **master);

/* The struct tty behind a pty master or slave file (borrowed), or NULL. */
struct tty *devpts_file_tty(struct vfs_file *f);

extern long devpts_live_instances;

#endif
