/* vfs/vfs.h - the VFS's contract with the Sentry core (sentry/).
 *
 * The VFS owns: dentries, inodes, mounts and mount namespaces, file descriptions
 * (struct vfs_file), fd tables, per-process fs contexts (root, cwd, umask), every
 * filesystem (hostfs, tmpfs, overlay, procfs, sysfs, devfs, devpts) and every file-like
 * object (pipes, fifos, eventfd, epoll, timerfd, signalfd, inotify).
 * It never touches guest memory except through platform/guest_mem.h, never blocks
 * (operations that would block return -EAGAIN and offer a wait queue), and never calls
 * into sentry/ except through the callbacks in struct vfs_host_ops below.
 *
 * Reference counting: *_get takes a reference, *_put drops one; functions documented
 * "returns a new reference" hand one to the caller. */
#ifndef CVISOR_VFS_VFS_H
#define CVISOR_VFS_VFS_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include "common/waitq.h"

struct vfs_file;
struct vfs_fdtable;
struct vfs_fs_ctx;
struct vfs_mntns;
struct guest_mem;
struct vfs_proc_ops;
struct cgroup;
struct mq_ns;

/* Credentials as the VFS sees them (the Sentry's, never the host's). */
struct vfs_cred {
	uint32_t uid, gid, euid, egid, suid, sgid, fsuid, fsgid;
	uint32_t ngroups;
	uint32_t groups[64];
	uint64_t cap_effective; /* bit CAP_x set = has it */
	/* A process of a child user namespace (the Sentry's): cap_effective is empty and its
	 * own set, @ns_caps, counts for objects whose owner and group @ids_mapped says are
	 * mapped in @userns (Linux's capable_wrt_inode_uidgid). NULL @userns: the sandbox's
	 * namespace. @userns is borrowed: valid while the process lives (a copy kept longer,
	 * as SCM credentials, is never used for permission checks). */
	uint64_t ns_caps;
	const void *userns;
	bool (*ids_mapped)(const void *userns, uint32_t uid, uint32_t gid);
};

/* Who is asking: built by the Sentry for each call. Borrowed pointers. */
struct vfs_ctx {
	const struct vfs_cred *cred;
	struct vfs_fs_ctx *fs;      /* root, cwd, umask */
	struct vfs_fdtable *fdt;    /* for dirfd arguments */
	struct guest_mem *mem;      /* the caller's memory (ioctl arguments) */
	int pid;                    /* caller's thread-group id as the caller sees it */
	int tid;                    /* caller's thread id */
	struct vfs_mntns *mntns;    /* caller's mount namespace (mount(2) checks); NULL: any */
	struct cgroup *cgroup;      /* caller's cgroup (device programs); NULL: the root */
};

/* ---- fd tables (per thread group, shared by CLONE_FILES) ---- */
/* Returns a new, empty table with one reference; NULL on ENOMEM. */
struct vfs_fdtable *vfs_fdtable_new(void);
/* Returns a copy sharing every file description (fork without CLONE_FILES). */
struct vfs_fdtable *vfs_fdtable_clone(struct vfs_fdtable *fdt);
void vfs_fdtable_get(struct vfs_fdtable *fdt);
void vfs_fdtable_put(struct vfs_fdtable *fdt);
/* Closes every fd marked close-on-exec (execve). */
void vfs_fdtable_exec(struct vfs_fdtable *fdt);
/* Installs @file (takes a new reference of its own) at the lowest fd >= @minfd.
 * @cloexec sets FD_CLOEXEC. Returns the fd, -EMFILE past the table's limit. */
int vfs_fdtable_install(struct vfs_fdtable *fdt, struct vfs_file *file, int minfd, bool cloexec);
/* Returns a new reference to the file at @fd, or NULL (the caller answers -EBADF). */
struct vfs_file *vfs_fdtable_lookup(struct vfs_fdtable *fdt, int fd);
/* RLIMIT_NOFILE as the table enforces it. */
void vfs_fdtable_set_limit(struct vfs_fdtable *fdt, unsigned limit);

/* ---- fs contexts (root, cwd, umask; per process, shared by CLONE_FS) ---- */
struct vfs_fs_ctx *vfs_fs_ctx_clone(struct vfs_fs_ctx *fs);
void vfs_fs_ctx_get(struct vfs_fs_ctx *fs);
void vfs_fs_ctx_put(struct vfs_fs_ctx *fs);
/* Returns a new fs context whose root and cwd are the root of @ns. */
struct vfs_fs_ctx *vfs_fs_ctx_new(struct vfs_mntns *ns);

/* ---- file descriptions ---- */
void vfs_file_get(struct vfs_file *f);
void vfs_file_put(struct vfs_file *f);

/* Opens @path for execution (execve): resolves it from @dirfd as openat would (with
 * @at_flags AT_EMPTY_PATH / AT_SYMLINK_NOFOLLOW), checks search and execute permission
 * and that it is a regular file (-EACCES otherwise). Returns 0 and a new reference in
 * *@out, or -errno. */
int vfs_open_exec(struct vfs_ctx *c, int dirfd, const char *path, int at_flags,
		  struct vfs_file **out);
/* Reads at @off without moving the file offset. Returns bytes read or -errno. */
ssize_t vfs_file_pread(struct vfs_file *f, void *buf, size_t len, off_t off);
/* A host fd whose contents are the file's, for mmap and exec: hostfs gives its own
 * descriptor, tmpfs its memfd. The fd stays owned by the file (do not close it).
 * @writable asks for one that a MAP_SHARED|PROT_WRITE mapping may use.
 * Returns the fd or -ENODEV when the file cannot be mapped. */
int vfs_file_host_fd(struct vfs_file *f, bool writable);
/* Fills @st like fstat(2). */
int vfs_file_stat(struct vfs_file *f, struct stat *st);
/* Writes the absolute path of @f as seen from @fs's root into @buf (like /proc/self/fd/N
 * links). Returns the length or -errno. */
int vfs_file_path(struct vfs_file *f, struct vfs_fs_ctx *fs, char *buf, size_t size);

/* Wraps a host fd the Sentry inherited (cvisor's own stdin/stdout/stderr: a tty, pipe,
 * socket or file) as a file description. Takes ownership of @host_fd. Reads and writes
 * never block the Sentry: readiness comes from the Sentry's event loop (vfs_host_ops). */
struct vfs_file *vfs_hostfd_file_new(int host_fd, int open_flags);

/* ---- mount namespaces and root filesystems ---- */
/* A mount namespace whose root is a host directory (@host_dirfd, taken) seen through
 * an in-memory overlay (tmpfs upper): reads come from the host, writes stay in memory,
 * the host directory is never modified (`cvisor do`). */
int vfs_mntns_new_overlay_host(int host_dirfd, struct vfs_mntns **out);
/* A mount namespace whose root is the host directory @host_dirfd (taken) itself,
 * written through (an OCI bundle's rootfs). */
int vfs_mntns_new_host(int host_dirfd, bool readonly, struct vfs_mntns **out);
/* Mounts a filesystem of type @fstype ("proc", "sysfs", "devfs", "devpts", "tmpfs",
 * "overlay", ...) at absolute @path of @ns, as mount(2) would with @flags and @data.
 * Used by the Sentry to assemble a sandbox (sys_mount uses vfs_mount). Returns 0 or -errno. */
int vfs_mount_at(struct vfs_mntns *ns, const char *path, const char *fstype,
		 unsigned long flags, const char *data);
/* Bind-mounts the host directory or file @host_fd (taken; O_PATH is fine) at absolute
 * @path of @ns, read-only when @readonly (mount(2) with MS_BIND[|MS_RDONLY] of a host
 * path: OCI "bind" mounts, Docker's -v and /etc/hosts). A missing @path is created (its
 * directories, and an empty file when @host_fd is not a directory); an existing one must
 * be of the same kind (-ENOTDIR / -EISDIR). Nothing outside the bound directory or file
 * is reachable through the mount. Returns 0 or -errno. */
int vfs_mount_host_at(struct vfs_mntns *ns, const char *path, int host_fd, bool readonly);
void vfs_mntns_get(struct vfs_mntns *ns);
void vfs_mntns_put(struct vfs_mntns *ns);

/* ---- mount(2), umount2(2), pivot_root(2), mount namespaces (mount_*.c) ---- */
/* Implements mount(2) for @c (CAP_SYS_ADMIN in c->cred): new mounts of @fstype, MS_BIND
 * [MS_REC], MS_REMOUNT [MS_BIND], MS_SHARED/PRIVATE/SLAVE/UNBINDABLE [MS_REC], MS_MOVE,
 * in c->mntns. @source, @fstype and @data may be NULL. Returns 0 or -errno as Linux. */
int vfs_mount(struct vfs_ctx *c, const char *source, const char *target, const char *fstype,
	      unsigned long flags, const char *data);
/* Implements umount2(2) (MNT_FORCE accepted, MNT_DETACH, MNT_EXPIRE, UMOUNT_NOFOLLOW). */
int vfs_umount(struct vfs_ctx *c, const char *target, int flags);
/* Implements pivot_root(2): moves the root of every fs context that was on the old root
 * (and cwds there) to @new_root, and mounts the old root on @put_old. */
int vfs_pivot_root(struct vfs_ctx *c, const char *new_root, const char *put_old);
/* A copy of @old (unshare/clone CLONE_NEWNS): every mount copied, peer groups and masters
 * kept. @fs (may be NULL; not shared with anyone else) has its root and cwd moved to
 * their copies. Returns 0 and a new namespace (one reference) in *@out, or -ENOMEM. */
int vfs_mntns_copy(struct vfs_mntns *old, struct vfs_fs_ctx *fs, struct vfs_mntns **out);
/* setns(2) into @ns: @fs's root and cwd become @ns's root. */
void vfs_mntns_install(struct vfs_mntns *ns, struct vfs_fs_ctx *fs);

/* ---- what the VFS asks of the Sentry ---- */
struct vfs_host_ops {
	/* Watch a host fd for readiness (EPOLLIN/EPOLLOUT); @wq is woken with the events.
	 * Returns 0 or -errno. unwatch must be called before the fd is closed. */
	int (*watch_fd)(int host_fd, uint32_t events, struct waitq *wq);
	void (*unwatch_fd)(int host_fd);
	/* procfs asks the Sentry for task information through these (vfs/fs/procfs.h
	 * declares struct vfs_proc_ops); NULL until the Sentry provides them. */
	const struct vfs_proc_ops *proc;
	/* The device programs of cgroup @cg (NULL: the root) on an access to a device node
	 * (@type VFS_DEV_BLOCK/CHAR, @access VFS_DEV_ACC_* bits, Linux's
	 * devcgroup_check_permission): 0 or -EPERM. NULL: every access is allowed. */
	int (*dev_permission)(struct cgroup *cg, unsigned type, unsigned major, unsigned minor,
			      unsigned access);
	/* The POSIX message queue table of the calling task's IPC namespace (mount -t
	 * mqueue shows it): a new reference, NULL when there is no caller. */
	struct mq_ns *(*mq_ns_get)(void);
};
/* Linux's DEVCG_DEV_* and DEVCG_ACC_* (the values of BPF_DEVCG_*). */
#define VFS_DEV_BLOCK 1
#define VFS_DEV_CHAR 2
#define VFS_DEV_ACC_MKNOD 1
#define VFS_DEV_ACC_READ 2
#define VFS_DEV_ACC_WRITE 4
void vfs_set_host_ops(const struct vfs_host_ops *ops);

#endif
