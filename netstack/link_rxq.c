/* netstack/link_rxq.c - the receive queue of a software link (lo, each veth end): a frame
 * "transmitted" to it is queued, and a zero-deadline timer hands what was queued to
 * net_frame_input on the event loop's next turn, never inside the sender's call (a sender
 * holding its socket's state must not see its own packet, or the answer, arrive under its
 * feet). One run delivers only what was queued before it, so ping-pong traffic cannot
 * starve the loop.
 *
 * Owns: the queued packets (one reference each) and the timer. Must not: look inside
 * frames. */
#include <errno.h>
#include "netstack/link.h"

static void rxq_drain(struct stimer *tm)
{
	struct link_rxq *q = tm->priv;
	int n = q->queued;
	while (n-- > 0 && !list_empty(&q->queue)) {
		struct pkt *p = list_first_entry(&q->queue, struct pkt, link);
		list_del(&p->link);
		list_init(&p->link);
		q->queued--;
		/* as skb_scrub_packet: nothing of the sender's side comes along */
		p->mac = p->nh = NULL;
		p->tstamp_ns = 0;
		p->type = PKT_HOST;
		p->iface = q->ifc;
		net_frame_input(q->ifc, p);
	}
	if (q->queued)
		stimer_arm(&q->drain, 0);
}

void link_rxq_init(struct link_rxq *q, struct net_iface *ifc)
{
	list_init(&q->queue);
	q->queued = 0;
	q->ifc = ifc;
	stimer_init(&q->drain, rxq_drain, q);
}

int link_rxq_add(struct link_rxq *q, struct pkt *p)
{
	if (q->queued >= LINK_RXQ_MAX || (!stimer_armed(&q->drain) && stimer_arm(&q->drain, 0) < 0)) {
		pkt_put(p);
		return -ENOBUFS;
	}
	list_add_tail(&p->link, &q->queue);
	q->queued++;
	return 0;
}

void link_rxq_flush(struct link_rxq *q)
{
	stimer_cancel(&q->drain);
	while (!list_empty(&q->queue)) {
		struct pkt *p = list_first_entry(&q->queue, struct pkt, link);
		list_del(&p->link);
		pkt_put(p);
	}
	q->queued = 0;
}
