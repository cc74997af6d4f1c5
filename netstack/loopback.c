/* netstack/loopback.c - "lo": an Ethernet-framed loopback (as Linux's, zero MAC
 * addresses). A transmitted frame goes to its own receive queue (link_rxq.c), delivered
 * to net_frame_input from a zero-deadline timer, never inside the sender's call.
 *
 * Owns: the loopback's queue (its priv). Must not: look inside frames. */
#include <errno.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include "netstack/link.h"
#include "netstack/netns.h"

struct loopback {
	struct link_rxq rxq;
};

static int lo_xmit(struct net_iface *ifc, struct pkt *p)
{
	struct loopback *lo = ifc->priv;
	int err = link_rxq_add(&lo->rxq, p);
	if (err)
		ifc->stats.tx_dropped++;
	return err;
}

static void lo_destroy(struct net_iface *ifc)
{
	struct loopback *lo = ifc->priv;
	link_rxq_flush(&lo->rxq);
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
	struct net_iface *ifc = net_iface_add(ns, "lo", ARPHRD_LOOPBACK, &lo_ops, lo);
	if (!ifc) {
		free(lo);
		return NULL;
	}
	link_rxq_init(&lo->rxq, ifc);
	ifc->flags = IFF_LOOPBACK;
	ifc->mtu = 65536;
	ifc->txqlen = 1000;
	ns->lo = ifc;
	return ifc;
}

int loopback_queued(struct net_iface *ifc)
{
	struct loopback *lo = ifc->priv;
	return lo->rxq.queued;
}
