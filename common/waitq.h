/* common/waitq.h - wait queues for the event-driven Sentry.
 *
 * Nothing here blocks: a waiter is a callback. A task parked in an emulated blocking
 * call, an epoll instance watching a file, a poll() call: each adds a struct waiter
 * to the wait queue of what it waits for and is called back by waitq_wake().
 * The waiter's owner allocates and owns the struct waiter and must remove it
 * (waiter_remove) before freeing it. A callback may remove its own waiter, or others. */
#ifndef CVISOR_COMMON_WAITQ_H
#define CVISOR_COMMON_WAITQ_H
#include <stdint.h>
#include "common/list.h"

struct waiter;
typedef void (*waiter_fn)(struct waiter *w, uint32_t events);

struct waitq {
	struct list_head waiters;
};

struct waiter {
	struct list_head link; /* in waitq->waiters; self-linked when not queued */
	struct waitq *wq;      /* NULL when not queued */
	uint32_t mask;         /* events of interest (EPOLLIN...); 0 = any */
	waiter_fn fn;
	void *priv;
};

void waitq_init(struct waitq *wq);
void waiter_init(struct waiter *w, waiter_fn fn, void *priv);
/* Queues @w on @wq for @mask events. A waiter is on at most one queue. */
void waiter_add(struct waitq *wq, struct waiter *w, uint32_t mask);
void waiter_remove(struct waiter *w);
/* Calls every waiter whose mask intersects @events (or whose mask is 0).
 * Safe against callbacks removing any waiter, including ones not yet called. */
void waitq_wake(struct waitq *wq, uint32_t events);
static inline int waitq_active(const struct waitq *wq)
{
	return !list_empty(&wq->waiters);
}

#endif
