/* common/waitq.c - callback wait queues (see waitq.h). Must not block or allocate. */
#include "common/waitq.h"

void waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

void waiter_init(struct waiter *w, waiter_fn fn, void *priv)
{
	list_init(&w->link);
	w->wq = NULL;
	w->mask = 0;
	w->fn = fn;
	w->priv = priv;
}

void waiter_add(struct waitq *wq, struct waiter *w, uint32_t mask)
{
	waiter_remove(w);
	w->mask = mask;
	w->wq = wq;
	list_add_tail(&w->link, &wq->waiters);
}

void waiter_remove(struct waiter *w)
{
	if (!w->wq)
		return;
	list_del(&w->link);
	w->wq = NULL;
}

void waitq_wake(struct waitq *wq, uint32_t events)
{
	/* Move the queue aside first: callbacks may remove or re-add waiters. A marker
	 * node walks the detached list so any removal during a callback stays safe. */
	struct list_head pending;
	list_init(&pending);
	if (list_empty(&wq->waiters))
		return;
	/* splice wq->waiters onto pending */
	pending.next = wq->waiters.next;
	pending.prev = wq->waiters.prev;
	pending.next->prev = &pending;
	pending.prev->next = &pending;
	list_init(&wq->waiters);
	while (!list_empty(&pending)) {
		struct waiter *w = list_first_entry(&pending, struct waiter, link);
		list_del(&w->link);
		list_add_tail(&w->link, &wq->waiters);
		if (w->mask && !(w->mask & events))
			continue;
		w->fn(w, events);
	}
}
