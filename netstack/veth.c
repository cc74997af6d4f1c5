/* netstack/veth.c - virtual Ethernet pairs (Linux's drivers/net/veth.c): two interfaces,
 * in one namespace or in two, each of which transmits into the other. This is how a
 * container's namespace reaches its parent's (`ip link add a type veth peer name b`, then
 * `ip link set b netns <pid>`).
 *
 * Owns: struct veth (each end's priv): the peer pointer and the end's receive queue
 * (link_rxq.c). Removing one end removes the other (as veth_dellink); the carrier
 * of both ends is on only while both are up (veth_open / veth_close).
 * Must not: deliver a frame inside the sender's call: as with lo, the receiving end queues
 * it (link_rxq.c) for the event loop's next turn. */
#include "netstack/veth.h"
#include "netstack/link.h"
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct veth {
	struct net_iface *peer; /* borrowed: the other end (NULL once it is gone) */
	struct link_rxq rxq;	/* frames the peer sent */
};

static const struct net_iface_ops veth_ops;

bool is_veth(const struct net_iface *ifc)
{
	return ifc->ops == &veth_ops;
}

struct net_iface *veth_peer(const struct net_iface *ifc)
{
	return is_veth(ifc) ? ((struct veth *)ifc->priv)->peer : NULL;
}

/* veth_xmit: into the peer's queue; a frame the peer cannot take (no peer, peer down,
 * longer than its MTU, its queue full) is dropped and counted, and the sender is told
 * nothing (NETDEV_TX_OK), as Linux. Consumes @p. */
static int veth_xmit(struct net_iface *ifc, struct pkt *p)
{
	struct veth *v = ifc->priv;
	struct net_iface *peer = v->peer;
	if (!peer || !(peer->flags & IFF_UP) || p->len < ETH_HLEN ||
	    p->len > (size_t)peer->mtu + ETH_HLEN) {
		ifc->stats.tx_dropped++;
		pkt_put(p);
		return 0;
	}
	if (link_rxq_add(&((struct veth *)peer->priv)->rxq, p))
		ifc->stats.tx_dropped++; /* its queue is full */
	return 0;
}

/* Carrier on both ends exactly while both are up (veth_open / veth_close). */
static void veth_updown(struct net_iface *ifc)
{
	struct veth *v = ifc->priv;
	if (!v->peer)
		return;
	bool both = (ifc->flags & IFF_UP) && (v->peer->flags & IFF_UP);
	net_iface_set_carrier(ifc, both);
	net_iface_set_carrier(v->peer, both);
}

/* The end is being removed: its queue goes, and so does its peer (veth_dellink). */
static void veth_destroy(struct net_iface *ifc)
{
	struct veth *v = ifc->priv;
	struct net_iface *peer = v->peer;
	link_rxq_flush(&v->rxq);
	if (peer) {
		((struct veth *)peer->priv)->peer = NULL;
		v->peer = NULL;
		net_iface_remove(peer);
	}
	free(v);
}

static const struct net_iface_ops veth_ops = {
    .xmit = veth_xmit,
    .destroy = veth_destroy,
    .updown = veth_updown,
    .kind = "veth",
    .netns_movable = true,
};

/* eth_random_addr: a random unicast, locally administered MAC. */
void net_random_mac(uint8_t mac[6])
{
	if (getrandom(mac, 6, GRND_NONBLOCK) != 6) {
		static uint32_t seq;
		uint32_t x = (uint32_t)(uintptr_t)mac ^ ++seq * 2654435761u;
		for (int i = 0; i < 6; i++, x = x * 1103515245u + 12345u)
			mac[i] = (uint8_t)(x >> 16);
	}
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
}

/* One end in @ns named @name (DOWN, carrier off, a random MAC). NULL on ENOMEM (the
 * caller checked the name). */
static struct net_iface *veth_end(struct netns *ns, const char *name)
{
	struct veth *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	struct net_iface *ifc = net_iface_add(ns, name, ARPHRD_ETHER, &veth_ops, v);
	if (!ifc) {
		free(v);
		return NULL;
	}
	link_rxq_init(&v->rxq, ifc);
	ifc->no_carrier = true;
	net_random_mac(ifc->hwaddr);
	return ifc;
}

/* See veth.h. */
int veth_create(struct netns *ns, const char *name, struct netns *peer_ns, const char *peer_name,
		struct net_iface **dev, struct net_iface **peer)
{
	char n1[IFNAMSIZ], n2[IFNAMSIZ];
	int err = net_iface_name_pick(peer_ns, peer_name && *peer_name ? peer_name : "veth%d", n2);
	if (err)
		return err;
	struct net_iface *p = veth_end(peer_ns, n2); /* the peer first, as veth_newlink */
	if (!p)
		return -ENOMEM;
	err = net_iface_name_pick(ns, name && *name ? name : "veth%d", n1);
	struct net_iface *d = err ? NULL : veth_end(ns, n1);
	if (!d) {
		net_iface_remove(p);
		return err ? err : -ENOMEM;
	}
	((struct veth *)d->priv)->peer = p;
	((struct veth *)p->priv)->peer = d;
	*dev = d;
	if (peer)
		*peer = p;
	return 0;
}
