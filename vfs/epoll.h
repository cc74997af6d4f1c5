/* vfs/epoll.h - epoll(7) instances.
 *
 * An epoll file holds its instance; the instance holds its items (one per (file, fd)
 * pair added with EPOLL_CTL_ADD). An item does NOT hold a reference on the watched file,
 * as in Linux: it lives on the file's `epoll_links` list and on the file's wait queue,
 * and disappears when the file description is released.
 *
 * HOOK FOR vfs-core (vfs/file.c):
 *   - every struct vfs_file must have `list_init(&f->epoll_links)` at allocation;
 *   - vfs_file_put, when the count drops to 0 and BEFORE calling ->release, must call
 *         if (vfs_epoll_file_released) vfs_epoll_file_released(f);
 *     (declared weak below, so file.c links without epoll.c). It unhooks every epoll
 *     item watching @f. For an epoll file, ->release then frees its own items.
 *
 * Readiness is pushed, never polled: each item keeps a waiter on the watched file's
 * queue; the callback puts the item on the ready list and wakes the instance's queue
 * with EPOLLIN (which wakes tasks in epoll_wait and any epoll watching this one).
 * epoll_wait (vfs_epoll_harvest) re-polls each ready item as Linux's ep_send_events:
 * level-triggered items stay on the ready list, EPOLLET items leave it until the next
 * wakeup, EPOLLONESHOT items are disarmed until EPOLL_CTL_MOD. */
#ifndef CVISOR_VFS_EPOLL_H
#define CVISOR_VFS_EPOLL_H
#include <stdbool.h>
#include <sys/epoll.h>

struct vfs_file;
struct waitq;

#define VFS_EP_MAX_NESTS 4

/* Implements epoll_create1(2) without the fd: @flags is 0 or EPOLL_CLOEXEC (the
 * caller's fd flag), else -EINVAL. Returns 0 and a new reference in *@out. */
int vfs_epoll_create(int flags, struct vfs_file **out);
bool vfs_file_is_epoll(struct vfs_file *f);

/* Implements epoll_ctl(2) once the handler has looked both fds up: @epf the epoll file,
 * @tf the target file of @fd (borrowed; no reference is kept), @ev the event (ignored for
 * EPOLL_CTL_DEL, may be NULL then). Returns 0 or -EINVAL / -EPERM / -EEXIST / -ENOENT /
 * -ELOOP / -ENOMEM, as Linux. @may_wakeup: the caller has CAP_BLOCK_SUSPEND (else
 * EPOLLWAKEUP is silently dropped). */
int vfs_epoll_ctl(struct vfs_file *epf, int op, int fd, struct vfs_file *tf,
		  const struct epoll_event *ev, bool may_wakeup);

/* Takes up to @max ready events into @out (Sentry memory), as epoll_wait(2) reports them.
 * Returns the count (0: nothing ready; the caller parks on the epoll file's wait queue
 * for EPOLLIN). */
int vfs_epoll_harvest(struct vfs_file *epf, struct epoll_event *out, int max);
/* Number of items (an upper bound on what one harvest can return). */
unsigned vfs_epoll_nitems(struct vfs_file *epf);

/* vfs-core calls this from vfs_file_put (see above). vfs_epoll_file_release is the same
 * function under the name vfs/file.c currently uses. */
void vfs_epoll_file_released(struct vfs_file *f) __attribute__((weak));
void vfs_epoll_file_release(struct vfs_file *f) __attribute__((weak));

extern long vfs_live_epolls, vfs_live_epitems;

#endif
