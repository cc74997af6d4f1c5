/* vfs/timerfd.h - timerfd_create(2) objects on top of common/timer.h.
 * The file holds the object; the object owns one stimer (cancelled on release).
 * Readiness: EPOLLIN while the expiration count is > 0. REALTIME and BOOTTIME deadlines
 * are converted to the Sentry's CLOCK_MONOTONIC timeline when the timer is armed (a later
 * clock_settime does not move them; TFD_TIMER_CANCEL_ON_SET is accepted, never fires). */
#ifndef CVISOR_VFS_TIMERFD_H
#define CVISOR_VFS_TIMERFD_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct vfs_file;

/* Implements timerfd_create(2) without the fd. @clockid: CLOCK_MONOTONIC, CLOCK_REALTIME,
 * CLOCK_BOOTTIME, or the _ALARM variants (-EPERM unless @cap_wake_alarm). @flags:
 * TFD_NONBLOCK | TFD_CLOEXEC (the caller's). Returns 0 and a new reference in *@out. */
int vfs_timerfd_create(int clockid, int flags, bool cap_wake_alarm, struct vfs_file **out);
bool vfs_file_is_timerfd(struct vfs_file *f);
/* timerfd_settime(2): -EINVAL for bad flags or a non-normalised timespec. Fills @old. */
int vfs_timerfd_settime(struct vfs_file *f, int flags, const struct itimerspec *new,
			struct itimerspec *old);
/* timerfd_gettime(2). */
int vfs_timerfd_gettime(struct vfs_file *f, struct itimerspec *cur);

extern long vfs_live_timerfds;

#endif
