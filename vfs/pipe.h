/* vfs/pipe.h - pipes (pipe2(2)) and fifos (fifo(7)).
 *
 * A pipe object is a ring of page buffers (64 KiB = 16 pages by default) shared by its
 * read end and write end files; each open end holds the object (see vfs/OBJECTS.md).
 * Fifos keep the object in the inode's `void *fifo` slot while any end is open or any
 * open is waiting for its partner.
 *
 * Contract with the handlers (vfs-core's read/write/writev/fcntl/ioctl/open):
 *  - ->read returns bytes, 0 at EOF (no writer), -EAGAIN when empty with a writer.
 *    A read never blocks: a blocking reader parks on vfs_file_waitq(f) for EPOLLIN.
 *  - ->write returns -EPIPE when no reader is left: the write handler must then raise
 *    SIGPIPE on the caller (task_signal_self(t, SIGPIPE)), as Linux's pipe_write does.
 *    Writes of at most PIPE_BUF bytes are atomic: all or -EAGAIN. Larger writes return
 *    a partial count (or -EAGAIN when nothing fits) WHATEVER the O_NONBLOCK flag:
 *    a handler serving a blocking file must loop: keep the count done so far in
 *    task_call_scratch(t), park on vfs_file_waitq(f) for EPOLLOUT, and on re-run continue
 *    at buf + done until everything is written; a signal ends it with the partial count
 *    if done > 0 (Linux returns the bytes written), else -ERESTARTSYS.
 *  - fcntl(F_SETPIPE_SZ / F_GETPIPE_SZ) is vfs_pipe_fcntl; FIONREAD is the ->ioctl op.
 *  - Every change wakes the pipe's single wait queue with the new bits: data written ->
 *    EPOLLIN|EPOLLRDNORM; a slot freed in a full pipe -> EPOLLOUT|EPOLLWRNORM; last writer
 *    gone -> EPOLLIN|EPOLLRDNORM|EPOLLHUP; last reader gone -> EPOLLOUT|EPOLLWRNORM|EPOLLERR.
 */
#ifndef CVISOR_VFS_PIPE_H
#define CVISOR_VFS_PIPE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "common/waitq.h"

struct vfs_file;
struct vfs_pipe;

#define VFS_PIPE_PAGE 4096u
#define VFS_PIPE_BUF 4096u                  /* PIPE_BUF: atomic write size */
#define VFS_PIPE_DEF_SIZE (16u * 4096u)     /* 64 KiB */
#define VFS_PIPE_MAX_SIZE (1024u * 1024u)   /* /proc/sys/fs/pipe-max-size */

/* Implements pipe2(2) without the fds: creates a pipe owned by @uid/@gid (the caller's
 * fsuid/fsgid: its inode's owner, mode 0600) and returns new references to its read end
 * in out[0] and write end in out[1]. @flags: O_NONBLOCK, O_DIRECT (packet mode);
 * O_CLOEXEC is the caller's (fd flag). Returns 0 or -ENOMEM / -EINVAL. */
int vfs_pipe_create(int flags, uint32_t uid, uint32_t gid, struct vfs_file *out[2]);

/* True for pipe ends and fifo files. */
bool vfs_file_is_pipe(struct vfs_file *f);

/* fcntl(2) F_SETPIPE_SZ / F_GETPIPE_SZ on @f. Returns the (new) capacity in bytes, or
 * -EBADF when @f is not a pipe (as Linux), -EINVAL (bad @cmd/size), -EPERM (above
 * pipe-max-size; CAP_SYS_RESOURCE is not honoured), -EBUSY (data would not fit). */
long vfs_pipe_fcntl(struct vfs_file *f, int cmd, unsigned long arg);

/* Opens a fifo whose state lives in *@slot (the inode's `fifo` field; created here).
 * @flags are the open flags (access mode, O_NONBLOCK). On success returns 0 and a new
 * reference in *@out: an anonymous file with stat == NULL, to which the caller attaches
 * its mount and dentry as for any path open (fstat goes to the inode). Errors:
 *   -ENXIO   O_WRONLY|O_NONBLOCK with no reader;
 *   -EAGAIN  a blocking open must wait for its partner: *@wait is the queue to park on
 *            (EPOLLIN); re-run the open from the top when woken. Until it is woken the
 *            waiting opener counts as a partner for the other side. A waiter removed from
 *            *@wait without having been woken (signal, timeout) cancels the wait.
 *            *@wait lives as long as the fifo inode: call task_wait_on before dropping the
 *            path references that keep the inode alive.
 *   -ENOMEM. */
int vfs_fifo_open(void **slot, int flags, struct vfs_file **out, struct waitq **wait);
/* The inode that owns *@slot dies: frees the fifo state (open files keep the pipe alive
 * on their own: it is detached from the slot). */
void vfs_fifo_release(void **slot);

/* ---- for splice(2)/tee(2) (sentry/syscalls/sys_pipe.c) ---- */
struct vfs_pipe *vfs_pipe_of(struct vfs_file *f);
/* Bytes buffered / bytes that can be added now without waiting (free slots * page). */
size_t vfs_pipe_len(struct vfs_pipe *p);
size_t vfs_pipe_room(struct vfs_pipe *p);
bool vfs_pipe_has_writers(struct vfs_pipe *p);
bool vfs_pipe_has_readers(struct vfs_pipe *p);
/* Copies up to @len buffered bytes, skipping @skip, without consuming them. */
size_t vfs_pipe_peek(struct vfs_pipe *p, void *buf, size_t len, size_t skip);
/* Discards @len buffered bytes (as a read would, waking writers). */
void vfs_pipe_consume(struct vfs_pipe *p, size_t len);
/* Appends up to @len bytes (no atomicity), page by page as free slots allow; returns the
 * count (0 when full). Wakes readers. */
size_t vfs_pipe_append(struct vfs_pipe *p, const void *buf, size_t len);
struct waitq *vfs_pipe_waitq(struct vfs_pipe *p);

/* Live pipe objects (unit tests check for leaks). */
extern long vfs_live_pipes;

#endif
