/* netstack/bridge.c - Linux bridges (net/bridge/): a learning L2 switch between its ports
 * that is itself an Ethernet interface of its namespace with addresses of its own (the
 * docker0 model). No STP: a port forwards as soon as it is up with a carrier.
 *
 * Owns: struct bridge (the bridge's priv): its ports (struct bridge_port, each port
 * interface's `port`) and its forwarding database (MAC -> port, aged).
 * Must not: deliver a frame inside a sender's call: frames enter from a port's input (a
 * timer run) or leave through a port's xmit (which queues, as veth does). */
#include "netstack/bridge.h"
#include <errno.h>
#include <linux/rtnetlink.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include "netstack/ip4.h"
#include "netstack/veth.h"

#define BR_FDB_MAX 1024
#define BR_AGEING_DEFAULT_CS 30000 /* 300 s, in centiseconds (IFLA_BR_AGEING_TIME) */

struct bridge_port {
	struct list_head link; /* in bridge.ports */
	struct net_iface *dev; /* borrowed: leaves the bridge before it goes */
	struct bridge *br;
	struct bridge_port_cfg cfg;
};

struct fdb_entry {
	uint8_t mac[6];
	struct net_iface *port; /* borrowed: entries go with their port */
	int64_t seen_ns;
};

struct bridge {
	struct net_iface *ifc;
	struct list_head ports;
	struct fdb_entry fdb[BR_FDB_MAX];
	int nfdb;
	uint32_t ageing_cs;
};

static const struct net_iface_ops bridge_ops;

bool is_bridge(const struct net_iface *ifc)
{
	return ifc->ops == &bridge_ops;
}

uint32_t bridge_ageing_cs(const struct net_iface *br)
{
	return ((struct bridge *)br->priv)->ageing_cs;
}

void bridge_set_ageing_cs(struct net_iface *br, uint32_t cs)
{
	((struct bridge *)br->priv)->ageing_cs = cs;
}

static void notify_link(struct net_iface *ifc)
{
	if (netlink_notify) /* weak: absent without netlink */
		netlink_notify(ifc->ns, RTM_NEWLINK, ifc);
}

/* ---- forwarding database ---- */

static bool fdb_fresh(const struct bridge *b, const struct fdb_entry *e, int64_t now)
{
	return now - e->seen_ns <= (int64_t)b->ageing_cs * 10000000LL;
}

static void fdb_del_at(struct bridge *b, int i)
{
	b->fdb[i] = b->fdb[--b->nfdb];
}

/* The port @mac was last seen on (a fresh entry), or NULL; stale entries go. */
static struct net_iface *fdb_lookup(struct bridge *b, const uint8_t *mac)
{
	int64_t now = stimer_now_ns();
	for (int i = 0; i < b->nfdb; i++) {
		if (memcmp(b->fdb[i].mac, mac, 6))
			continue;
		if (fdb_fresh(b, &b->fdb[i], now))
			return b->fdb[i].port;
		fdb_del_at(b, i);
		return NULL;
	}
	return NULL;
}

/* br_fdb_update: @mac (a unicast source) is behind @port. Aged entries make room; a full
 * table of fresh entries learns nothing more (as Linux's max_learned). */
static void fdb_learn(struct bridge *b, const uint8_t *mac, struct net_iface *port)
{
	int64_t now = stimer_now_ns();
	if (mac[0] & 1)
		return;
	for (int i = 0; i < b->nfdb; i++)
		if (!memcmp(b->fdb[i].mac, mac, 6)) {
			b->fdb[i].port = port;
			b->fdb[i].seen_ns = now;
			return;
		}
	if (b->nfdb == BR_FDB_MAX)
		for (int i = b->nfdb - 1; i >= 0; i--)
			if (!fdb_fresh(b, &b->fdb[i], now))
				fdb_del_at(b, i);
	if (b->nfdb == BR_FDB_MAX)
		return;
	struct fdb_entry *e = &b->fdb[b->nfdb++];
	memcpy(e->mac, mac, 6);
	e->port = port;
	e->seen_ns = now;
}

static void fdb_forget_port(struct bridge *b, struct net_iface *port)
{
	for (int i = b->nfdb - 1; i >= 0; i--)
		if (b->fdb[i].port == port)
			fdb_del_at(b, i);
}

/* ---- forwarding ---- */

static bool port_forwards(const struct net_iface *dev)
{
	return (dev->flags & IFF_UP) && !dev->no_carrier;
}

/* Sends @p (p->data at the Ethernet header) out of every forwarding port but @except
 * (unless it is in hairpin mode); @unknown_unicast skips ports with flooding off
 * (BR_FLOOD). Consumes @p. */
static void flood(struct bridge *b, struct pkt *p, struct net_iface *except, bool unknown_unicast)
{
	struct bridge_port *bp;
	struct net_iface *last = NULL;
	list_for_each_entry(bp, &b->ports, link) {
		if ((bp->dev == except && !bp->cfg.hairpin) || !port_forwards(bp->dev) ||
		    (unknown_unicast && !bp->cfg.flood))
			continue;
		if (last) {
			struct pkt *c = pkt_copy(p);
			if (c)
				net_iface_xmit_frame(last, c);
		}
		last = bp->dev;
	}
	if (last)
		net_iface_xmit_frame(last, p);
	else
		pkt_put(p);
}

/* The bridge device transmits (its own IP stack, ARP): to the port the destination was
 * learnt on, else to every port. Consumes @p. */
static int bridge_xmit(struct net_iface *ifc, struct pkt *p)
{
	struct bridge *b = ifc->priv;
	struct net_iface *to = p->data[0] & 1 ? NULL : fdb_lookup(b, p->data);
	if (to && port_forwards(to))
		net_iface_xmit_frame(to, p); /* a port's drop is counted there */
	else
		flood(b, p, NULL, !(p->data[0] & 1));
	return 0;
}

/* See bridge.h (br_handle_frame / br_handle_frame_finish). Consumes @p. */
void bridge_input(struct net_iface *port, struct pkt *p)
{
	struct bridge_port *bp = port->port;
	struct bridge *b = bp->br;
	struct net_iface *br = b->ifc;
	const uint8_t *dst = p->data, *src = p->data + 6;
	if (!(br->flags & IFF_UP) || (src[0] & 1)) {
		port->stats.rx_dropped++;
		pkt_put(p);
		return;
	}
	if (bp->cfg.learning)
		fdb_learn(b, src, port);
	if (dst[0] & 1) { /* broadcast, multicast: every other port and the bridge itself */
		struct pkt *c = pkt_copy(p);
		if (c)
			flood(b, c, port, false);
		net_frame_input(br, p);
		return;
	}
	if (!memcmp(dst, br->hwaddr, 6)) {
		net_frame_input(br, p);
		return;
	}
	struct net_iface *to = fdb_lookup(b, dst);
	if (to == port && !bp->cfg.hairpin) { /* behind the port it came from: nothing to do */
		pkt_put(p);
		return;
	}
	if (to && port_forwards(to))
		net_iface_xmit_frame(to, p);
	else
		flood(b, p, port, true);
}

/* ---- carrier and ports ---- */

bool bridge_has_ports(const struct net_iface *br)
{
	return !list_empty(&((struct bridge *)br->priv)->ports);
}

/* br_port_carrier_check: the bridge has a carrier while a port forwards. */
static void carrier_update(struct bridge *b)
{
	struct bridge_port *bp;
	bool any = false;
	list_for_each_entry(bp, &b->ports, link)
		any |= port_forwards(bp->dev);
	net_iface_set_carrier(b->ifc, any);
}

void bridge_port_changed(struct net_iface *port)
{
	struct bridge_port *bp = port->port;
	if (!bp)
		return;
	if (!port_forwards(port))
		fdb_forget_port(bp->br, port);
	carrier_update(bp->br);
}

/* br_stp_recalculate_bridge_id: a bridge whose MAC nobody set takes the lowest of its
 * ports' (it keeps its own while it has none). */
static void mac_update(struct bridge *b)
{
	struct bridge_port *bp;
	const uint8_t *min = NULL;
	if (b->ifc->hwaddr_set)
		return;
	list_for_each_entry(bp, &b->ports, link)
		if (!min || memcmp(bp->dev->hwaddr, min, 6) < 0)
			min = bp->dev->hwaddr;
	if (min && memcmp(min, b->ifc->hwaddr, 6)) {
		memcpy(b->ifc->hwaddr, min, 6);
		notify_link(b->ifc);
	}
}

/* See bridge.h (br_add_if). */
int bridge_port_add(struct net_iface *br, struct net_iface *dev)
{
	struct bridge *b = br->priv;
	if (dev->master == br)
		return 0;
	if (dev->master)
		return -EBUSY;
	if (is_bridge(dev))
		return -ELOOP;
	if (dev->type != ARPHRD_ETHER || dev == br || dev->ns != br->ns)
		return -EINVAL;
	struct bridge_port *bp = calloc(1, sizeof(*bp));
	if (!bp)
		return -ENOMEM;
	bp->dev = dev;
	bp->br = b;
	/* Linux's defaults: priority 32, cost of a 10 Gb/s link, learning and flooding */
	bp->cfg = (struct bridge_port_cfg){.priority = 32, .cost = 2, .learning = true,
					   .flood = true};
	list_add_tail(&bp->link, &b->ports);
	dev->master = br;
	dev->port = bp;
	notify_link(dev);
	mac_update(b);
	carrier_update(b);
	return 0;
}

/* See bridge.h (br_del_if). */
void bridge_port_del(struct net_iface *dev)
{
	struct bridge_port *bp = dev->port;
	if (!bp)
		return;
	struct bridge *b = bp->br;
	fdb_forget_port(b, dev);
	list_del(&bp->link);
	dev->master = NULL;
	dev->port = NULL;
	free(bp);
	notify_link(dev);
	mac_update(b);
	carrier_update(b);
}

struct bridge_port_cfg *bridge_port_cfg(struct net_iface *dev)
{
	struct bridge_port *bp = dev->port;
	return bp ? &bp->cfg : NULL;
}

void bridge_port_cfg_changed(struct net_iface *dev)
{
	struct bridge_port *bp = dev->port;
	if (bp && !bp->cfg.learning)
		fdb_forget_port(bp->br, dev); /* as br_fdb_delete_by_port on BR_LEARNING off */
	notify_link(dev);
}

/* The core's hook: a port leaves its namespace (removed or moved). */
void bridge_port_gone(struct net_iface *dev)
{
	bridge_port_del(dev);
}

static void bridge_destroy(struct net_iface *ifc)
{
	struct bridge *b = ifc->priv;
	while (!list_empty(&b->ports))
		bridge_port_del(list_first_entry(&b->ports, struct bridge_port, link)->dev);
	free(b);
}

static const struct net_iface_ops bridge_ops = {
    .xmit = bridge_xmit,
    .destroy = bridge_destroy,
    .kind = "bridge",
    .netns_movable = false, /* NETIF_F_NETNS_LOCAL */
};

/* See bridge.h (br_dev_newlink). */
int bridge_create(struct netns *ns, const char *name, struct net_iface **out)
{
	char n[IFNAMSIZ];
	int err = net_iface_name_pick(ns, name && *name ? name : "bridge%d", n);
	if (err)
		return err;
	struct bridge *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	list_init(&b->ports);
	b->ageing_cs = BR_AGEING_DEFAULT_CS;
	struct net_iface *ifc = net_iface_add(ns, n, ARPHRD_ETHER, &bridge_ops, b);
	if (!ifc) {
		free(b);
		return -ENOMEM;
	}
	b->ifc = ifc;
	/* the carrier is on until ports come and go (Linux: only port events recompute it) */
	net_random_mac(ifc->hwaddr);
	*out = ifc;
	return 0;
}
