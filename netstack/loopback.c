/* netstack/loopback.c - "lo": an Ethernet-framed loopback (as Linux's, zero MAC
 * addresses). A transmitted frame is queued and delivered to net_frame_input from a
 * zero-deadline timer, never inside the sender's call: a sender holding its socket's
 * state must not see its own packet (or the answer to it) arrive under its feet.
 *
 * Owns: the loopback's queue and timer (its priv). Must not: look inside frames. */
#include <errno.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include "netstack/link.h"
#include "netstack/netns.h"

/* Linux's netdev_max_backlog is 1000; a burst of one big send may exceed that here
 * (nothing drains between the segments of one syscall), so the bound is larger. */
#define LO_QUEUE_MAX 4096

struct loopback {
	struct list_head queue; /* struct pkt.link */
	int queued;
	struct stimer drain;
	struct net_iface *ifc;
};

static void lo_drain(struct stimer *tm)
{
	struct loopback *lo = tm->priv;
	/* only what was queued before this run: answers wait for the next run */
	int n = lo->queued;
	while (n-- > 0 && !list_empty(&lo->queue)) {
		struct pkt *p = list_first_entry(&lo->queue, struct pkt, link);
		list_del(&p->link);
		list_init(&p->link);
		lo->queued--;
		p->type = PKT_HOST;
		p->iface = lo->ifc;
		net_frame_input(lo->ifc, p);
	}
	if (lo->queued)
		stimer_arm(&lo->drain, 0);
}

static int lo_xmit(struct net_iface *ifc, struct pkt *p)
{
	struct loopback *lo = ifc->priv;
	if (lo->queued >= LO_QUEUE_MAX || (!stimer_armed(&lo->drain) && stimer_arm(&lo->drain, 0) < 0)) {
		ifc->stats.tx_dropped++;
		pkt_put(p);
		return -ENOBUFS;
	}
	list_add_tail(&p->link, &lo->queue);
	lo->queued++;
	return 0;
}

static void lo_destroy(struct net_iface *ifc)
{
	struct loopback *lo = ifc->priv;
	stimer_cancel(&lo->drain);
	while (!list_empty(&lo->queue)) {
		struct pkt *p = list_first_entry(&lo->queue, struct pkt, link);
		list_del(&p->link);
		pkt_put(p);
	}
	free(lo);
}

static const struct net_iface_ops lo_ops = {
    .xmit = lo_xmit,
    .destroy = lo_destroy,
};

struct net_iface *loopback_create(struct netns *ns)
{
	struct loopback *lo = calloc(1, sizeof(*lo));
	if (!lo)
		return NULL;
	list_init(&lo->queue);
	stimer_init(&lo->drain, lo_drain, lo);
	struct net_iface *ifc = net_iface_add(ns, "lo", ARPHRD_LOOPBACK, &lo_ops, lo);
	if (!ifc) {
		free(lo);
		return NULL;
	}
	lo->ifc = ifc;
	ifc->flags = IFF_LOOPBACK;
	ifc->mtu = 65536;
	ifc->txqlen = 1000;
	ns->lo = ifc;
	return ifc;
}

int loopback_queued(struct net_iface *ifc)
{
	struct loopback *lo = ifc->priv;
	return lo->queued;
}
