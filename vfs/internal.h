/* vfs/internal.h - the VFS's own objects: superblocks, inodes, dentries, mounts, mount
 * namespaces, fs contexts and the operations a filesystem provides.
 *
 * Only vfs/ and the sentry/syscalls/sys_<file area>.c handlers include this. Nothing here
 * blocks; everything runs on the Sentry's single thread, so there are no locks.
 *
 * References (see vfs/README.md):
 *   dentry -> its parent dentry, its inode (NULL for a negative dentry), its superblock
 *   inode  -> its superblock
 *   mount  -> its root dentry and superblock; while attached, its parent mount and its
 *             mountpoint dentry; the mount tree (namespace) holds one "attached" ref
 *   file   -> its mount and dentry (path-opened files)
 *   fs_ctx -> root and cwd paths */
#ifndef CVISOR_VFS_INTERNAL_H
#define CVISOR_VFS_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include "common/list.h"
#include "common/waitq.h"
#include "vfs/vfs.h"
#include "vfs/file.h"

struct vfs_sb;
struct vfs_inode;
struct vfs_dentry;
struct vfs_path;

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096
#define VFS_MAXSYMLINKS 40

/* Access masks for vfs_permission. */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

/* Capability bits of struct vfs_cred.cap_effective. */
#define VFS_CAP(c) (1ULL << (c))
#define VFS_CAP_CHOWN 0
#define VFS_CAP_DAC_OVERRIDE 1
#define VFS_CAP_DAC_READ_SEARCH 2
#define VFS_CAP_FOWNER 3
#define VFS_CAP_FSETID 4
#define VFS_CAP_MKNOD 27
#define VFS_CAP_SYS_ADMIN 21
#define VFS_CAP_SYS_CHROOT 18
#define VFS_CAP_LINUX_IMMUTABLE 9
static inline bool vfs_capable(const struct vfs_cred *cr, int cap)
{
	return cr && (cr->cap_effective & VFS_CAP(cap));
}

/* setattr */
#define VFS_ATTR_MODE 0x1
#define VFS_ATTR_UID 0x2
#define VFS_ATTR_GID 0x4
#define VFS_ATTR_SIZE 0x8
#define VFS_ATTR_ATIME 0x10
#define VFS_ATTR_MTIME 0x20
#define VFS_ATTR_CTIME 0x40
struct vfs_iattr {
	unsigned valid;
	mode_t mode;
	uint32_t uid, gid;
	off_t size;
	struct timespec atime, mtime, ctime;
};

/* What a filesystem provides for its inodes. Every op takes dentries so that a
 * filesystem can find its way back to its backing store (hostfs re-opens by parent +
 * name). Ops return 0 / a count or -errno. The VFS has done the permission checks. */
struct vfs_inode_ops {
	/* Fills @d->inode (a new reference) for @d->name in @dir, or returns -ENOENT. */
	int (*lookup)(struct vfs_dentry *dir, struct vfs_dentry *d);
	/* Create a regular file, fifo, socket or device node (@mode has the type) / a
	 * directory / a symlink named @d in @dir owned by @uid/@gid; set @d->inode. */
	int (*mknod)(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, dev_t rdev,
		     uint32_t uid, uint32_t gid);
	int (*mkdir)(struct vfs_dentry *dir, struct vfs_dentry *d, mode_t mode, uint32_t uid,
		     uint32_t gid);
	int (*symlink)(struct vfs_dentry *dir, struct vfs_dentry *d, const char *target,
		       uint32_t uid, uint32_t gid);
	/* Hard link @old (a positive dentry of this sb) as negative @d in @dir; set @d->inode. */
	int (*link)(struct vfs_dentry *old, struct vfs_dentry *dir, struct vfs_dentry *d);
	int (*unlink)(struct vfs_dentry *dir, struct vfs_dentry *d);
	int (*rmdir)(struct vfs_dentry *dir, struct vfs_dentry *d);
	/* @newd may be positive (replaced; or exchanged with RENAME_EXCHANGE). The VFS
	 * moves the dentries afterwards. */
	int (*rename)(struct vfs_dentry *olddir, struct vfs_dentry *oldd, struct vfs_dentry *newdir,
		      struct vfs_dentry *newd, unsigned flags);
	/* Copies the target (no NUL) into @buf; returns its length (truncated to @size). */
	ssize_t (*readlink)(struct vfs_dentry *d, char *buf, size_t size);
	int (*getattr)(struct vfs_dentry *d, struct stat *st);
	int (*setattr)(struct vfs_dentry *d, const struct vfs_iattr *ia);
	/* Sets @f->ops and @f->priv for an open of @d with @f->flags. */
	int (*open)(struct vfs_dentry *d, struct vfs_file *f);
	ssize_t (*getxattr)(struct vfs_dentry *d, const char *name, void *buf, size_t size);
	int (*setxattr)(struct vfs_dentry *d, const char *name, const void *val, size_t size,
			int flags);
	ssize_t (*listxattr)(struct vfs_dentry *d, char *buf, size_t size);
	int (*removexattr)(struct vfs_dentry *d, const char *name);
	/* Re-checks a cached dentry against the backing store; false drops it. */
	bool (*revalidate)(struct vfs_dentry *d);
	/* An unnamed regular file in @dir (O_TMPFILE); sets *@out (new reference). */
	int (*tmpfile)(struct vfs_dentry *dir, mode_t mode, uint32_t uid, uint32_t gid,
		       struct vfs_inode **out);
	/* A "magic link" (procfs): the walk jumps to the path this returns (new references
	 * in *@out) instead of walking the readlink text. @c is the walker. */
	int (*get_link)(struct vfs_ctx *c, const struct vfs_path *link, struct vfs_path *out);
};
#define VFS_HAVE_GET_LINK 1

struct vfs_sb_ops {
	int (*statfs)(struct vfs_sb *sb, struct statfs *st);
	/* Frees the inode's fs part (last reference dropped). */
	void (*evict)(struct vfs_inode *inode);
	/* Frees the superblock's fs part. */
	void (*put_super)(struct vfs_sb *sb);
};

#define VFS_SB_RDONLY 0x1
#define VFS_SB_NO_DCACHE_NEG 0x2 /* never keep negative dentries (host-backed) */
#define VFS_SB_RDONLY_REMOUNTED 0x4 /* read-only by mount -o remount,ro (may go back) */
struct vfs_sb {
	int refs;
	const struct vfs_sb_ops *ops;
	const char *type;  /* "tmpfs", "hostfs", "overlay"... */
	dev_t dev;
	unsigned flags;
	unsigned long magic;
	struct vfs_dentry *root; /* held by the sb until vfs_sb_kill */
	void *priv;
};

struct vfs_lock_state;
struct vfs_inode {
	int refs;
	struct vfs_sb *sb;
	const struct vfs_inode_ops *iops;
	const struct vfs_file_ops *fops; /* default file ops for opens (iops->open may differ) */
	uint64_t ino;
	mode_t mode;
	uint32_t uid, gid;
	nlink_t nlink;
	off_t size;
	dev_t rdev;
	struct timespec atime, mtime, ctime;
	void *priv;
	void *fifo;                  /* vfs-objects' fifo state (vfs_fifo_open) */
	struct vfs_lock_state *locks; /* record locks and flock, lazily */
};

struct vfs_dentry {
	int refs;
	char *name;
	size_t namelen;
	struct vfs_dentry *parent; /* self for a superblock root */
	struct vfs_inode *inode;   /* NULL: negative */
	struct vfs_sb *sb;
	struct list_head hash_link;
	struct list_head lru;      /* on the unused list when refs == 0 */
	int mounted;               /* mounts whose mountpoint this is */
	bool hashed, dead;
};

struct vfs_mount {
	int refs;
	struct vfs_mount *parent;       /* NULL: namespace root or detached */
	struct vfs_dentry *mountpoint;  /* in parent */
	struct vfs_dentry *root;
	struct vfs_sb *sb;
	struct vfs_mntns *ns;
	struct list_head children, sibling;
	unsigned long flags;            /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, atime */
	uint64_t id;
	bool attached;
	/* propagation (mount_prop.c); no references: every link is undone at detach */
	uint64_t group_id;              /* peer group ("shared:N"); 0: not shared */
	struct list_head share;         /* ring of the peer group's mounts */
	struct vfs_mount *master;       /* slave of this mount's group ("master:N") */
	struct list_head slaves;        /* mounts whose master this is */
	struct list_head slave;         /* in master->slaves */
	bool unbindable;
	bool expiry_mark;               /* umount2(MNT_EXPIRE) asked once */
	char *devname;                  /* mount(2)'s source, shown by /proc; NULL: the fs's */
	struct vfs_mount *copy;         /* transient: this mount's copy while a tree is copied */
	uint64_t prop_seen;             /* transient: the last propagation event it was in */
};

/* Live mounts in the sandbox, at most (mount(2), bind, namespace copies: -ENOSPC, as
 * Linux's fs.mount-max, which is 100000 per namespace). Mount trees are walked
 * recursively, so this also bounds the Sentry's stack use. */
#define VFS_MOUNT_MAX 20000

/* Mount flags a mount keeps (the rest of mount(2)'s flags are requests). */
/* MS_RDONLY MS_NOSUID MS_NODEV MS_NOEXEC MS_NOATIME MS_NODIRATIME MS_RELATIME MS_STRICTATIME
 * (numeric: <sys/mount.h> clashes with <linux/fs.h>, which some vfs files include). */
#define VFS_MNT_FLAGS 0x1200c0fUL

struct vfs_mntns {
	int refs;
	struct vfs_mount *root;         /* changes at pivot_root */
	uint64_t seq;                   /* creation order, for tests and logs */
};

struct vfs_path {
	struct vfs_mount *mnt;
	struct vfs_dentry *dentry;
};

struct vfs_fs_ctx {
	int refs;
	struct vfs_path root, cwd;
	mode_t umask;
	struct list_head all_link; /* every context from vfs_fs_ctx_new/clone (pivot_root) */
};
/* Calls @fn on every live fs context (pivot_root moves their roots and cwds). */
void vfs_fs_ctx_for_each(void (*fn)(struct vfs_fs_ctx *fs, void *arg), void *arg);

struct vfs_fdtable {
	int refs;
	struct vfs_file **files;
	uint8_t *fdflags; /* FD_CLOEXEC */
	unsigned size, limit;
};

/* ---- debug counters (unit tests check for leaks) ---- */
struct vfs_debug_counts {
	long inodes, dentries, files, mounts, sbs, unused_dentries, host_fds;
};
void vfs_debug_counts(struct vfs_debug_counts *out);
extern long vfs_live_inodes, vfs_live_dentries, vfs_live_files, vfs_live_mounts, vfs_live_sbs;

/* ---- superblocks and inodes (inode.c) ---- */
/* A new superblock with one reference; @root set later by vfs_sb_set_root. */
struct vfs_sb *vfs_sb_new(const char *type, const struct vfs_sb_ops *ops, void *priv);
void vfs_sb_get(struct vfs_sb *sb);
void vfs_sb_put(struct vfs_sb *sb);
/* Gives @sb a root dentry for @root_inode (consumed). */
int vfs_sb_set_root(struct vfs_sb *sb, struct vfs_inode *root_inode);
/* Drops the sb's own reference and its root dentry (the fs is going away). */
void vfs_sb_kill(struct vfs_sb *sb);
dev_t vfs_anon_dev(void);
/* A new inode of @sb (one reference, takes a ref on @sb), times set to now. */
struct vfs_inode *vfs_inode_new(struct vfs_sb *sb, mode_t mode);
void vfs_inode_get(struct vfs_inode *inode);
void vfs_inode_put(struct vfs_inode *inode);
uint64_t vfs_next_ino(void);
void vfs_now(struct timespec *ts);
/* Attributes from the fs (getattr op) or the inode's fields. */
int vfs_getattr(struct vfs_dentry *d, struct stat *st);
void vfs_inode_fill_stat(struct vfs_inode *inode, struct stat *st);

/* ---- dentries (dentry.c) ---- */
void vfs_dentry_get(struct vfs_dentry *d);
void vfs_dentry_put(struct vfs_dentry *d);
/* A new unhashed root dentry for @inode (consumed). */
struct vfs_dentry *vfs_dentry_new_root(struct vfs_sb *sb, struct vfs_inode *inode);
/* Looks @name up in directory @dir: returns a new reference to a positive or negative
 * dentry in *@out, or -errno (lookup failures other than ENOENT). */
int vfs_lookup_one(struct vfs_dentry *dir, const char *name, size_t len, struct vfs_dentry **out);
/* Attaches @inode (consumed) to negative @d. */
void vfs_d_instantiate(struct vfs_dentry *d, struct vfs_inode *inode);
/* @d's name was removed: unhash it, keep the inode for open files. */
void vfs_d_delete(struct vfs_dentry *d);
/* After a rename: @d now lives as @name in @newdir; @target (the replaced one) dies. */
int vfs_d_move(struct vfs_dentry *d, struct vfs_dentry *newdir, const char *name);
void vfs_d_exchange(struct vfs_dentry *a, struct vfs_dentry *b);
bool vfs_d_is_ancestor(struct vfs_dentry *anc, struct vfs_dentry *d);
/* Frees every unused cached dentry (tests, memory pressure). */
void vfs_dcache_shrink(long keep);
void vfs_dcache_set_limit(long limit);

/* ---- mounts (mount.c) ---- */
struct vfs_mount *vfs_mount_new(struct vfs_sb *sb, struct vfs_dentry *root, unsigned long flags);
void vfs_mount_get(struct vfs_mount *m);
void vfs_mount_put(struct vfs_mount *m);
/* Mounts @child on (@parent, @mp), taking references; the tree keeps @child. */
void vfs_mount_attach(struct vfs_mount *child, struct vfs_mount *parent, struct vfs_dentry *mp);
void vfs_mount_detach_tree(struct vfs_mount *m);
/* The topmost mount on (@m, @d), or NULL. Borrowed. */
struct vfs_mount *vfs_mount_lookup(struct vfs_mount *m, struct vfs_dentry *d);
bool vfs_mount_is_rdonly(const struct vfs_mount *m);
struct vfs_mntns *vfs_mntns_new(struct vfs_mount *root);
/* Creates a filesystem of @fstype; returns its sb (one reference) with a root. */
int vfs_fs_create(const char *fstype, unsigned long flags, const char *data, struct vfs_ctx *c,
		  struct vfs_sb **out);
/* mount(2) on a walked path: mounts @sb (reference taken) at @at. */
int vfs_mount_sb_at(struct vfs_path *at, struct vfs_sb *sb, unsigned long flags);
int vfs_umount_path(struct vfs_path *p, int flags);
/* Detaches @m from its parent, keeping the tree's "attached" reference (moves). */
void vfs_mount_unhash(struct vfs_mount *m);
/* A new unattached mount (one reference) of @old's sb at @root with @old's flags; with
 * @keep_prop it joins @old's peer group / master as a bind mount or namespace copy does. */
struct vfs_mount *vfs_mount_clone(struct vfs_mount *old, struct vfs_dentry *root, bool keep_prop);
/* Copies @m and (when @recursive) its submounts into a new unattached tree (one
 * reference on the top). @skip_unbindable leaves unbindable submounts out (rbind).
 * Each copied mount's ->copy points to its copy until vfs_mount_clear_copies(). */
int vfs_mount_copy_tree(struct vfs_mount *m, struct vfs_dentry *root, bool recursive,
			bool skip_unbindable, struct vfs_mount **out);
void vfs_mount_clear_copies(struct vfs_mount *m);
/* Sets @ns as the namespace of @m and every mount below it. */
void vfs_mount_set_ns(struct vfs_mount *m, struct vfs_mntns *ns);
/* Is (@m, @d) at or below @root through the mount tree? */
bool vfs_path_reachable(struct vfs_mount *m, struct vfs_dentry *d, const struct vfs_path *root);

/* ---- propagation (mount_prop.c) ---- */
/* MS_SHARED / MS_PRIVATE / MS_SLAVE / MS_UNBINDABLE on @m (and below with @rec). */
void vfs_mount_set_propagation(struct vfs_mount *m, unsigned long type, bool rec);
/* Leaves every propagation relation (umount, free): slaves go to a peer or the master. */
void vfs_mount_prop_release(struct vfs_mount *m);
/* A mount attached under a shared parent becomes shared (a new group per mount). */
void vfs_mount_prop_graft(struct vfs_mount *top, struct vfs_mount *parent);
bool vfs_mount_is_shared(const struct vfs_mount *m);
/* (mount_propagate.c) @src was just attached: copies of it go to every peer and slave of
 * its parent that sees its mount point. */
void vfs_mount_propagate(struct vfs_mount *src);
/* @m (attached) is about to be unmounted: its copies on its parent's peers and slaves go
 * too. Without @lazy, -EBUSY (nothing done) when such a copy is in use. */
int vfs_mount_propagate_umount(struct vfs_mount *m, bool lazy);

/* ---- paths and walks (namei.c) ---- */
void vfs_path_get(struct vfs_path *p);
void vfs_path_put(struct vfs_path *p);
void vfs_path_set(struct vfs_path *dst, const struct vfs_path *src); /* takes refs */
/* Moves @p to the topmost mount stacked on it (as a walk does after each name). */
void vfs_path_follow_mounts(struct vfs_path *p);

#define LOOKUP_FOLLOW 0x1    /* follow a final symlink */
#define LOOKUP_DIRECTORY 0x2 /* final must be a directory */
#define LOOKUP_CREATE 0x4    /* final may be negative (returned negative) */
#define LOOKUP_PARENT 0x8    /* stop at the parent; the last name goes to @last */
#define LOOKUP_EMPTY 0x10    /* "" means the dirfd itself (AT_EMPTY_PATH) */
#define LOOKUP_NO_SYMLINKS 0x20
#define LOOKUP_BENEATH 0x40  /* openat2 RESOLVE_BENEATH / IN_ROOT (treated as in-root) */
#define LOOKUP_IN_ROOT 0x80
#define LOOKUP_NO_XDEV 0x100
#define LOOKUP_MOUNTPOINT 0x200 /* the final path goes to the topmost mount (umount) */
#define LOOKUP_NO_MAGICLINKS 0x400 /* openat2 RESOLVE_NO_MAGICLINKS: ELOOP on a magic link */

enum { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };
struct vfs_last {
	char name[VFS_NAME_MAX + 1];
	size_t len;
	int type;
	bool trailing_slash;
};
/* Resolves @path from @dirfd (AT_FDCWD or an fd of c->fdt) for @c. On success *@out holds
 * new references (possibly a negative dentry with LOOKUP_CREATE; the parent directory with
 * LOOKUP_PARENT, which also fills @last). Returns 0 or -errno. */
int vfs_walk(struct vfs_ctx *c, int dirfd, const char *path, unsigned flags, struct vfs_path *out,
	     struct vfs_last *last);
/* Like vfs_walk from an explicit start and root (kernel-internal walks). */
int vfs_walk_from(struct vfs_ctx *c, const struct vfs_path *root, const struct vfs_path *start,
		  const char *path, unsigned flags, struct vfs_path *out, struct vfs_last *last);
int vfs_path_to_string(const struct vfs_path *p, const struct vfs_path *root, char *buf,
		       size_t size);

/* ---- permissions (perm.c) ---- */
int vfs_permission(const struct vfs_cred *cr, const struct stat *st, int mask);
int vfs_dentry_permission(const struct vfs_cred *cr, struct vfs_dentry *d, int mask);
/* The device cgroup's say on @c's access to device @rdev of type @mode (S_IFCHR/S_IFBLK;
 * other types and 0:0 with @access other than MKNOD pass) for @access VFS_DEV_ACC_*
 * bits: 0 or -EPERM (vfs_host_ops.dev_permission). */
int vfs_dev_permission(const struct vfs_ctx *c, mode_t mode, dev_t rdev, unsigned access);
/* The same for an open/access(2) @mask (MAY_READ/MAY_WRITE) of inode @d (Linux's
 * devcgroup_inode_permission). */
int vfs_dev_inode_permission(const struct vfs_ctx *c, struct vfs_dentry *d, int mask);
bool vfs_is_owner_or_cap(const struct vfs_cred *cr, uint32_t uid);
/* Capability @cap over an object owned by @uid/@gid ((uint32_t)-1: not known): the
 * sandbox's capabilities, or a child user namespace's (cred->ns_caps) when both ids are
 * mapped there (Linux's capable_wrt_inode_uidgid). */
bool vfs_capable_wrt(const struct vfs_cred *cr, int cap, uint32_t uid, uint32_t gid);
bool vfs_in_group(const struct vfs_cred *cr, uint32_t gid);
/* Sticky-directory rule for deleting/renaming @victim in @dir. */
int vfs_may_delete(const struct vfs_cred *cr, struct vfs_dentry *dir, struct vfs_dentry *victim,
		   bool isdir);

/* ---- files (file.c) ---- */
/* A new file for (@mnt, @d) (references taken) with @flags; ops from the inode's open. */
int vfs_open_dentry(struct vfs_mount *mnt, struct vfs_dentry *d, int flags,
		    struct vfs_file **out);
int vfs_open_dentry_wait(struct vfs_mount *mnt, struct vfs_dentry *d, int flags,
			 struct vfs_file **out, struct waitq **wait);
struct vfs_file *vfs_file_alloc(int flags);
void vfs_new_owner(struct vfs_ctx *c, struct vfs_dentry *dir, mode_t *mode, uint32_t *uid,
		   uint32_t *gid);
int vfs_may_create(struct vfs_ctx *c, struct vfs_mount *mnt, struct vfs_dentry *dir);
struct vfs_inode *vfs_file_inode(struct vfs_file *f);
/* Packs one linux_dirent64 record; returns its size, 0 when @len is too small. */
size_t vfs_dirent_pack(void *buf, size_t len, const char *name, size_t namelen, uint64_t ino,
		       unsigned char type, int64_t next_off);
unsigned char vfs_mode_to_dtype(mode_t mode);
/* A file for a character device (devfs device table); -ENXIO when none. */
int vfs_chrdev_open(dev_t rdev, struct vfs_file *f);
typedef int (*vfs_chrdev_open_fn)(dev_t rdev, struct vfs_file *f);
int vfs_chrdev_register(unsigned major, int minor /* -1 any */, vfs_chrdev_open_fn fn);

/* ---- record locks (lock.c) ---- */
/* Released when a file description dies (flock/OFD) or a process closes an fd (POSIX). */
void vfs_locks_file_release(struct vfs_file *f);
void vfs_locks_owner_close(struct vfs_inode *inode, void *owner);
void vfs_locks_free(struct vfs_inode *inode);

/* ---- filesystems ---- */
int tmpfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out);
/* A tmpfs regular file with no name (memfd_create); returns a new file reference. */
int tmpfs_memfd_new(const char *name, int flags, struct vfs_file **out);
bool vfs_file_is_tmpfs(struct vfs_file *f);
/* fcntl(2) F_GET_SEALS (@add false: returns the seals) / F_ADD_SEALS (@add: adds @seals,
 * 0 or -EPERM (F_SEAL_SEAL, read-only file) / -EINVAL (bad bits, not tmpfs)). */
int tmpfs_seals(struct vfs_file *f, bool add, unsigned seals);
int hostfs_create_sb(int host_dirfd, bool readonly, struct vfs_sb **out);
/* A hostfs over the directory holding the host non-directory @host_fd (taken), for
 * binding a single host file: *@out is the new sb (one reference; vfs_sb_kill it) and
 * *@root a new reference to the file's dentry, the root of the mount to make. Only that
 * dentry is reachable through such a mount. Returns 0 or -errno (-ESTALE when the file
 * moved or was deleted). */
int hostfs_create_file_root(int host_fd, bool readonly, struct vfs_sb **out,
			    struct vfs_dentry **root);
int devfs_create_sb(struct vfs_sb **out);
int procfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out);
int sysfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out);
/* An overlay of @nlower lower layers (topmost first) under @upper (NULL: none, the
 * superblock is then read-only). Takes references on every layer. */
int overlay_create_sb(struct vfs_path *lower, int nlower, struct vfs_path *upper,
		      struct vfs_sb **out);
/* Makes the empty directory "work" (mode 0, owned by @uid/@gid) in overlay workdir
 * @work, as Linux does at mount (ovl_workdir_create): a "work" left by an earlier mount
 * is removed first, with what it holds two levels deep. Returns 0 or -errno. */
int overlay_make_workdir(struct vfs_path *work, uint32_t uid, uint32_t gid);
/* Whether @sb is an overlay without an upper layer (remount rw: EROFS). */
bool overlay_is_lower_only(const struct vfs_sb *sb);
long hostfs_open_fds(void);

extern const struct vfs_host_ops *vfs_host;

#endif
