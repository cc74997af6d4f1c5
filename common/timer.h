/* common/timer.h - one-shot timers on the Sentry's CLOCK_MONOTONIC timeline.
 *
 * The Sentry's event loop sleeps until stimer_next_deadline() and then calls
 * stimer_run_expired(). Timers are owned by their embedding object (a task's sleep, a
 * timerfd, an itimer, a TCP retransmission) which must cancel them before freeing.
 * Callbacks may arm or cancel any timer, including their own. Nothing blocks. */
#ifndef CVISOR_COMMON_TIMER_H
#define CVISOR_COMMON_TIMER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stimer;
typedef void (*stimer_fn)(struct stimer *tm);

struct stimer {
	int64_t deadline_ns; /* CLOCK_MONOTONIC */
	stimer_fn fn;
	void *priv;
	size_t heap_idx;     /* position in the heap; SIZE_MAX when not armed */
};

void stimer_init(struct stimer *tm, stimer_fn fn, void *priv);
/* (Re)arms @tm to fire at @deadline_ns. Returns 0 or -ENOMEM. */
int stimer_arm(struct stimer *tm, int64_t deadline_ns);
void stimer_cancel(struct stimer *tm);
static inline bool stimer_armed(const struct stimer *tm)
{
	return tm->heap_idx != (size_t)-1;
}
/* Earliest deadline, or -1 when no timer is armed. */
int64_t stimer_next_deadline(void);
/* Fires (and disarms) every timer whose deadline is <= @now_ns. Returns how many fired. */
int stimer_run_expired(int64_t now_ns);
/* CLOCK_MONOTONIC now, ns. */
int64_t stimer_now_ns(void);

#endif
