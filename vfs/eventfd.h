/* vfs/eventfd.h - eventfd(2) objects: a 64-bit counter behind a file.
 * The file holds the object (one reference path: file -> eventfd). Readiness: EPOLLIN
 * when the counter is > 0, EPOLLOUT when at least 1 can be added, EPOLLERR on overflow
 * (unreachable through write). Reads/writes never block: -EAGAIN and the handler parks
 * on vfs_file_waitq(f). */
#ifndef CVISOR_VFS_EVENTFD_H
#define CVISOR_VFS_EVENTFD_H
#include <stdbool.h>
#include <stdint.h>

struct vfs_file;

#define VFS_EFD_SEMAPHORE 1 /* EFD_SEMAPHORE */

/* Implements eventfd2(2) without the fd: returns 0 and a new file reference in *@out.
 * @flags: EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC (the last one is the caller's);
 * others -EINVAL. */
int vfs_eventfd_create(unsigned int initval, int flags, struct vfs_file **out);
bool vfs_file_is_eventfd(struct vfs_file *f);
/* Adds @n to the counter from inside the Sentry (like eventfd_signal(); used by AIO-like
 * producers). Saturates instead of blocking. */
void vfs_eventfd_signal(struct vfs_file *f, uint64_t n);

extern long vfs_live_eventfds;

#endif
