/* vfs/inotify.h - inotify(7) instances and the hooks the VFS core calls on changes.
 *
 * An inotify file holds its instance; the instance holds its watches; each watch holds a
 * reference on the watched inode (as Linux pins it) until inotify_rm_watch, IN_ONESHOT,
 * IN_DELETE_SELF or the instance's release. Readiness: EPOLLIN while events are queued.
 *
 * HOOKS FOR vfs-core (declared weak: call as `if (vfs_inotify_event) ...`). They are cheap
 * when nothing is watched (one hash lookup).
 *   vfs_inotify_dentry_event(d, mask)  an event on the object of dentry @d: delivered to
 *        watches on d->inode (no name) and on d->parent->inode (with d->name); IN_ISDIR is
 *        added for directories. Call it for
 *          IN_MODIFY       write/pwrite/writev/truncate/fallocate succeeded (f->dentry)
 *          IN_ACCESS       read succeeded (optional)
 *          IN_ATTRIB       chmod, chown, utimes, setxattr/removexattr, link count change
 *          IN_OPEN         a path open succeeded
 *          IN_CLOSE_WRITE  / IN_CLOSE_NOWRITE: a path-opened file description is released
 *                          (vfs_file_put), by its access mode
 *   vfs_inotify_event(dir_inode, mask, name, cookie)  a directory entry changed:
 *          IN_CREATE (|IN_ISDIR)  after create/mkdir/mknod/symlink/link/rename-over
 *          IN_DELETE (|IN_ISDIR)  after unlink/rmdir
 *          IN_MOVED_FROM on the old dir and IN_MOVED_TO on the new dir, same cookie from
 *          vfs_inotify_next_cookie(), after a rename; then
 *          vfs_inotify_event(moved_inode, IN_MOVE_SELF, NULL, 0)
 *   vfs_inotify_event(victim_inode, IN_DELETE_SELF, NULL, 0) when unlink/rmdir drops the
 *          victim's link count to 0 (watches on it are then removed with IN_IGNORED).
 */
#ifndef CVISOR_VFS_INOTIFY_H
#define CVISOR_VFS_INOTIFY_H
#include <stdbool.h>
#include <stdint.h>

struct vfs_file;
struct vfs_inode;
struct vfs_dentry;
struct vfs_path;
struct vfs_cred;

void vfs_inotify_event(struct vfs_inode *inode, uint32_t mask, const char *name, uint32_t cookie)
	__attribute__((weak));
void vfs_inotify_dentry_event(struct vfs_dentry *d, uint32_t mask) __attribute__((weak));
uint32_t vfs_inotify_next_cookie(void) __attribute__((weak));

/* What the VFS core calls: no-ops when inotify is not linked in or nothing is watched
 * (vfs_live_inotify_watches is 0), so the hot paths (write) pay one load. */
extern long vfs_live_inotify_watches __attribute__((weak));

static inline bool vfs_inotify_active(void)
{
	return &vfs_live_inotify_watches && vfs_live_inotify_watches > 0;
}

static inline void vfs_notify_name(struct vfs_inode *dir, uint32_t mask, const char *name,
				   uint32_t cookie)
{
	if (vfs_inotify_active() && vfs_inotify_event)
		vfs_inotify_event(dir, mask, name, cookie);
}

static inline void vfs_notify_dentry(struct vfs_dentry *d, uint32_t mask)
{
	if (d && vfs_inotify_active() && vfs_inotify_dentry_event)
		vfs_inotify_dentry_event(d, mask);
}

/* Implements inotify_init1(2) without the fd: @flags IN_NONBLOCK | IN_CLOEXEC (the
 * caller's), else -EINVAL. Returns 0 and a new reference in *@out. */
int vfs_inotify_create(int flags, struct vfs_file **out);
bool vfs_file_is_inotify(struct vfs_file *f);
/* inotify_add_watch(2) on the resolved @inode: returns the watch descriptor or -EINVAL /
 * -EEXIST (IN_MASK_CREATE) / -ENOMEM. Takes its own inode reference. */
int vfs_inotify_add_watch(struct vfs_file *f, struct vfs_inode *inode, uint32_t mask);
/* inotify_rm_watch(2): 0 or -EINVAL. */
int vfs_inotify_rm_watch(struct vfs_file *f, int wd);

#endif
