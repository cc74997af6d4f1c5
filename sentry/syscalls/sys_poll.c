/* sentry/syscalls/sys_poll.c - poll(2), ppoll(2), select(2), pselect6(2).
 * Owns no state. Each run scans the fds (vfs/poll.c); when nothing is ready it queues the
 * task on every file's wait queue and parks until the deadline (task_call_scratch keeps
 * it across re-runs). ppoll/select/pselect6 write the remaining time back, as Linux. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include "common/cleanup.h"
#include "platform/guest_mem.h"
#include "sentry/syscall.h"
#include "vfs/fdtable.h"
#include "vfs/file.h"
#include "vfs/poll.h"

#define NSEC 1000000000LL

/* The sentry provides it: sets @mask for the duration of the call. Weak: optional. */
int task_sigmask_swap_for_call(struct task *t, const uint64_t *mask) __attribute__((weak));

static void queue_task(void *arg, struct waitq *wq, uint32_t events)
{
	task_wait_on(arg, wq, events);
}

/* The call's deadline (0: none), fixed at the first run. @timeout_ns < 0: none. */
static int64_t call_deadline(struct task *t, int64_t timeout_ns)
{
	uint64_t *s = task_call_scratch(t);
	if (!s[0]) {
		s[0] = 1;
		s[1] = timeout_ns < 0 ? 0 : (uint64_t)(sentry_now_ns() + timeout_ns);
	}
	return (int64_t)s[1];
}

static int64_t remaining_ns(struct task *t, int64_t timeout_ns)
{
	if (timeout_ns <= 0)
		return 0;
	int64_t left = call_deadline(t, timeout_ns) - sentry_now_ns();
	return left > 0 ? left : 0;
}

static int sigmask_for_call(struct task *t, uint64_t mask_gaddr, size_t size)
{
	uint64_t mask;
	if (!mask_gaddr)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (guest_copy_in(task_mem(t), &mask, mask_gaddr, sizeof(mask)))
		return -EFAULT;
	return task_sigmask_swap_for_call ? task_sigmask_swap_for_call(t, &mask) : 0;
}

static int ts_to_timeout(const struct timespec *ts, int64_t *out)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC)
		return -EINVAL;
	*out = ts->tv_sec > INT64_MAX / (2 * NSEC) ? -1 : ts->tv_sec * NSEC + ts->tv_nsec;
	return 0;
}

/* ---- poll, ppoll ---- */

static long poll_common(struct task *t, uint64_t fds_gaddr, unsigned long nfds, int64_t timeout_ns)
{
	struct vfs_fdtable *fdt = task_fdt(t);
	if (nfds > vfs_fdtable_limit(fdt))
		return -EINVAL;
	CLEANUP_FREE struct pollfd *fds = NULL;
	if (nfds) {
		fds = calloc(nfds, sizeof(*fds));
		if (!fds)
			return -ENOMEM;
		if (guest_copy_in(task_mem(t), fds, fds_gaddr, nfds * sizeof(*fds)))
			return -EFAULT;
	}
	int n = vfs_poll_scan(fdt, fds, nfds, NULL, NULL);
	if (n == 0 && timeout_ns != 0 && !task_timed_out(t)) {
		int64_t deadline = call_deadline(t, timeout_ns);
		vfs_poll_scan(fdt, fds, nfds, queue_task, t);
		long r = task_block(t, deadline, -ERESTARTNOHAND);
		if (r != -ETIMEDOUT)
			return r;
	}
	if (nfds && guest_copy_out(task_mem(t), fds_gaddr, fds, nfds * sizeof(*fds)))
		return -EFAULT;
	return n;
}

/* Implements poll(2). A signal ends it with EINTR (restart only without a handler,
 * with the full timeout again). */
long sys_poll(struct task *t, const struct syscall_args *a)
{
	int ms = (int)a->a[2];
	return poll_common(t, a->a[0], (unsigned long)(unsigned)a->a[1],
			   ms < 0 ? -1 : (int64_t)ms * 1000000);
}

/* Implements ppoll(2): timespec timeout (written back with the time left), sigmask. */
long sys_ppoll(struct task *t, const struct syscall_args *a)
{
	uint64_t ts_gaddr = a->a[2];
	int64_t timeout_ns = -1;
	struct timespec ts;
	if (ts_gaddr) {
		if (guest_copy_in(task_mem(t), &ts, ts_gaddr, sizeof(ts)))
			return -EFAULT;
		int err = ts_to_timeout(&ts, &timeout_ns);
		if (err)
			return err;
	}
	int err = sigmask_for_call(t, a->a[3], a->a[4]);
	if (err)
		return err;
	long ret = poll_common(t, a->a[0], (unsigned long)(unsigned)a->a[1], timeout_ns);
	if (ret != SYSRET_PARK && ts_gaddr && timeout_ns > 0) {
		int64_t left = remaining_ns(t, timeout_ns);
		ts = (struct timespec){ .tv_sec = left / NSEC, .tv_nsec = left % NSEC };
		guest_copy_out(task_mem(t), ts_gaddr, &ts, sizeof(ts));
	}
	return ret;
}

/* ---- select, pselect6 ---- */

static long select_common(struct task *t, int nfds, const uint64_t set_gaddr[3],
			  int64_t timeout_ns)
{
	struct vfs_fdtable *fdt = task_fdt(t);
	if (nfds < 0)
		return -EINVAL;
	/* Linux ignores bits at or past the table's max_fds (at least BITS_PER_LONG). */
	unsigned size = MAX((vfs_fdtable_size(fdt) + 63) / 64 * 64, 64u);
	if ((unsigned)nfds > size)
		nfds = (int)size;
	size_t words = ((size_t)nfds + 63) / 64, bytes = words * sizeof(unsigned long);
	CLEANUP_FREE unsigned long *mem = calloc(6 * words + 1, sizeof(unsigned long));
	if (!mem)
		return -ENOMEM;
	unsigned long *in[3], *res[3];
	for (int i = 0; i < 3; i++) {
		in[i] = NULL;
		res[i] = set_gaddr[i] ? mem + (3 + i) * words : NULL;
		if (set_gaddr[i] && bytes) {
			in[i] = mem + i * words;
			if (guest_copy_in(task_mem(t), in[i], set_gaddr[i], bytes))
				return -EFAULT;
		}
	}
	int n = vfs_select_scan(fdt, nfds, in[0], in[1], in[2], res[0], res[1], res[2], NULL, NULL);
	if (n < 0)
		return n;
	if (n == 0 && timeout_ns != 0 && !task_timed_out(t)) {
		int64_t deadline = call_deadline(t, timeout_ns);
		vfs_select_scan(fdt, nfds, in[0], in[1], in[2], res[0], res[1], res[2], queue_task,
				t);
		long r = task_block(t, deadline, -ERESTARTNOHAND);
		if (r != -ETIMEDOUT)
			return r;
		n = 0;
		for (int i = 0; i < 3; i++)
			if (res[i])
				memset(res[i], 0, bytes);
	}
	for (int i = 0; i < 3; i++)
		if (res[i] && bytes && guest_copy_out(task_mem(t), set_gaddr[i], res[i], bytes))
			return -EFAULT;
	return n;
}

/* Implements select(2); the timeval is written back with the time left. */
long sys_select(struct task *t, const struct syscall_args *a)
{
	uint64_t sets[3] = { a->a[1], a->a[2], a->a[3] }, tv_gaddr = a->a[4];
	int64_t timeout_ns = -1;
	struct timeval tv;
	if (tv_gaddr) {
		if (guest_copy_in(task_mem(t), &tv, tv_gaddr, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		timeout_ns = tv.tv_sec > INT64_MAX / (2 * NSEC)
				     ? -1
				     : tv.tv_sec * NSEC + (int64_t)tv.tv_usec * 1000;
	}
	long ret = select_common(t, (int)a->a[0], sets, timeout_ns);
	if (ret != SYSRET_PARK && tv_gaddr && timeout_ns > 0) {
		int64_t left = remaining_ns(t, timeout_ns);
		tv = (struct timeval){ .tv_sec = left / NSEC, .tv_usec = (left % NSEC) / 1000 };
		guest_copy_out(task_mem(t), tv_gaddr, &tv, sizeof(tv));
	}
	return ret;
}

/* Implements pselect6(2): timespec timeout (written back), and a {sigset *, size} pair. */
long sys_pselect6(struct task *t, const struct syscall_args *a)
{
	uint64_t sets[3] = { a->a[1], a->a[2], a->a[3] }, ts_gaddr = a->a[4], sig_gaddr = a->a[5];
	int64_t timeout_ns = -1;
	struct timespec ts;
	if (ts_gaddr) {
		if (guest_copy_in(task_mem(t), &ts, ts_gaddr, sizeof(ts)))
			return -EFAULT;
		int err = ts_to_timeout(&ts, &timeout_ns);
		if (err)
			return err;
	}
	if (sig_gaddr) {
		uint64_t pair[2]; /* const sigset_t *ss; size_t ss_len */
		if (guest_copy_in(task_mem(t), pair, sig_gaddr, sizeof(pair)))
			return -EFAULT;
		int err = sigmask_for_call(t, pair[0], pair[1]);
		if (err)
			return err;
	}
	long ret = select_common(t, (int)a->a[0], sets, timeout_ns);
	if (ret != SYSRET_PARK && ts_gaddr && timeout_ns > 0) {
		int64_t left = remaining_ns(t, timeout_ns);
		ts = (struct timespec){ .tv_sec = left / NSEC, .tv_nsec = left % NSEC };
		guest_copy_out(task_mem(t), ts_gaddr, &ts, sizeof(ts));
	}
	return ret;
}
