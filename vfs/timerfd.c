/* vfs/timerfd.c - timerfd: an stimer that counts expirations for read(2).
 * Owns struct timerfd and its stimer. Must not block or touch guest memory. Time comes
 * from stimer_now_ns() (monotonic) and the host's clock_gettime for the other clocks. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include "common/timer.h"
#include "vfs/file.h"
#include "vfs/poll.h"
#include "vfs/timerfd.h"

#ifndef CLOCK_REALTIME_ALARM
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#endif
#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif
#define NSEC 1000000000LL

struct timerfd {
	int clockid;
	struct stimer tm;
	int64_t interval_ns;
	uint64_t ticks;  /* expirations not yet read */
	struct waitq wq;
};

long vfs_live_timerfds;

/* Offset of @clockid from the monotonic timeline now (0 for monotonic). */
static int64_t clock_offset_ns(int clockid)
{
	struct timespec a;
	int host = clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME
		   : clockid == CLOCK_MONOTONIC					 ? -1
										 : CLOCK_BOOTTIME;
	if (host < 0)
		return 0;
	struct timespec m;
	clock_gettime(host, &a);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return (a.tv_sec - m.tv_sec) * NSEC + (a.tv_nsec - m.tv_nsec);
}

static void tfd_fire(struct stimer *tm)
{
	struct timerfd *t = tm->priv;
	uint64_t n = 1;
	if (t->interval_ns > 0) {
		int64_t now = stimer_now_ns(), next = tm->deadline_ns + t->interval_ns;
		if (now >= next) {
			uint64_t missed = (uint64_t)((now - next) / t->interval_ns) + 1;
			n += missed;
			next += (int64_t)missed * t->interval_ns;
		}
		stimer_arm(tm, next);
	}
	t->ticks += n;
	waitq_wake(&t->wq, EPOLLIN | EPOLLRDNORM);
}

static ssize_t tfd_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct timerfd *t = f->priv;
	if (len < sizeof(uint64_t))
		return -EINVAL;
	if (!t->ticks)
		return -EAGAIN;
	memcpy(buf, &t->ticks, sizeof(t->ticks));
	t->ticks = 0;
	return sizeof(uint64_t);
}

static uint32_t tfd_poll(struct vfs_file *f)
{
	struct timerfd *t = f->priv;
	return t->ticks ? EPOLLIN | EPOLLRDNORM : 0;
}

static struct waitq *tfd_waitq(struct vfs_file *f)
{
	return &((struct timerfd *)f->priv)->wq;
}

static int tfd_stat(struct vfs_file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = 0600;
	st->st_ino = f->anon_ino;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	return 0;
}

static int tfd_setfl(struct vfs_file *f, int new_flags)
{
	return 0;
}

static void tfd_release(struct vfs_file *f)
{
	struct timerfd *t = f->priv;
	stimer_cancel(&t->tm);
	vfs_waitq_drain(&t->wq, EPOLLHUP | EPOLLIN);
	free(t);
	f->priv = NULL;
	vfs_live_timerfds--;
}

static const struct vfs_file_ops timerfd_ops = {
	.read = tfd_read,
	.poll = tfd_poll,
	.waitq = tfd_waitq,
	.stat = tfd_stat,
	.setfl = tfd_setfl,
	.release = tfd_release,
};

bool vfs_file_is_timerfd(struct vfs_file *f)
{
	return f && f->ops == &timerfd_ops;
}

int vfs_timerfd_create(int clockid, int flags, bool cap_wake_alarm, struct vfs_file **out)
{
	if (flags & ~(TFD_NONBLOCK | TFD_CLOEXEC))
		return -EINVAL;
	switch (clockid) {
	case CLOCK_MONOTONIC:
	case CLOCK_REALTIME:
	case CLOCK_BOOTTIME:
		break;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		if (!cap_wake_alarm)
			return -EPERM;
		break;
	default:
		return -EINVAL;
	}
	struct timerfd *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->clockid = clockid;
	stimer_init(&t->tm, tfd_fire, t);
	waitq_init(&t->wq);
	struct vfs_file *f = vfs_file_new_anon(&timerfd_ops, t, O_RDWR | (flags & TFD_NONBLOCK),
					       "[timerfd]");
	if (!f) {
		free(t);
		return -ENOMEM;
	}
	vfs_live_timerfds++;
	*out = f;
	return 0;
}

static bool ts_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NSEC;
}

static int64_t ts_to_ns(const struct timespec *ts)
{
	if (ts->tv_sec >= INT64_MAX / NSEC - 1)
		return INT64_MAX / 2;
	return ts->tv_sec * NSEC + ts->tv_nsec;
}

static struct timespec ns_to_ts(int64_t ns)
{
	return (struct timespec){ .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };
}

int vfs_timerfd_gettime(struct vfs_file *f, struct itimerspec *cur)
{
	if (!vfs_file_is_timerfd(f))
		return -EINVAL;
	struct timerfd *t = f->priv;
	memset(cur, 0, sizeof(*cur));
	if (stimer_armed(&t->tm)) {
		int64_t left = t->tm.deadline_ns - stimer_now_ns();
		/* An expired, not yet run timer reports 1 ns, as Linux's hrtimer does. */
		cur->it_value = ns_to_ts(left > 0 ? left : 1);
	}
	cur->it_interval = ns_to_ts(t->interval_ns);
	return 0;
}

int vfs_timerfd_settime(struct vfs_file *f, int flags, const struct itimerspec *new,
			struct itimerspec *old)
{
	if (!vfs_file_is_timerfd(f))
		return -EINVAL;
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (!ts_valid(&new->it_value) || !ts_valid(&new->it_interval))
		return -EINVAL;
	struct timerfd *t = f->priv;
	if (old)
		vfs_timerfd_gettime(f, old);
	stimer_cancel(&t->tm);
	t->ticks = 0;
	t->interval_ns = ts_to_ns(&new->it_interval);
	int64_t value = ts_to_ns(&new->it_value);
	if (!value)
		return 0; /* disarm */
	int64_t now = stimer_now_ns(), deadline;
	if (flags & TFD_TIMER_ABSTIME)
		deadline = value - clock_offset_ns(t->clockid);
	else
		deadline = now + value;
	if (deadline < 0)
		deadline = 0;
	return stimer_arm(&t->tm, deadline);
}
