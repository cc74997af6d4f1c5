/* netstack/eth.c - Ethernet framing: the netstack's input from every interface
 * (net_frame_input) and the three ways out (IPv4 to a next hop, ARP, AF_PACKET frames).
 * Every frame in and out is shown to packet sockets.
 *
 * Owns: Ethernet header validation and construction, per-interface counters.
 * Must not: trust a frame's bytes (this is the fuzzed entry point) or deliver a frame
 * synchronously to a local receiver (loopback queues). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>
#include <time.h>
#include "netstack/arp.h"
#include "netstack/bridge.h"
#include "netstack/ip4.h"
#include "netstack/link.h"

static const uint8_t eth_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static enum pkt_type classify(const struct net_iface *ifc, const uint8_t *dst)
{
	if (ifc->flags & IFF_LOOPBACK)
		return PKT_HOST;
	if (!memcmp(dst, eth_bcast, 6))
		return PKT_BROADCAST;
	if (dst[0] & 1)
		return PKT_MULTICAST;
	if (!memcmp(dst, ifc->hwaddr, 6))
		return PKT_HOST;
	return PKT_OTHERHOST;
}

/* See netns.h. Consumes @p. */
void net_frame_input(struct net_iface *ifc, struct pkt *p)
{
	struct netns *ns = ifc->ns;
	if (!(ifc->flags & IFF_UP)) {
		ifc->stats.rx_dropped++;
		pkt_put(p);
		return;
	}
	ifc->stats.rx_packets++;
	ifc->stats.rx_bytes += p->len;
	if (!pkt_may_pull(p, ETH_HLEN)) {
		ifc->stats.rx_errors++;
		ns->stats.eth_in_bad++;
		pkt_put(p);
		return;
	}
	p->iface = ifc;
	p->mac = p->data;
	p->nh = NULL;
	p->protocol = (uint16_t)(p->data[12] << 8 | p->data[13]);
	p->type = classify(ifc, p->data);
	if (p->type == PKT_MULTICAST)
		ifc->stats.multicast++;
	if (!p->tstamp_ns) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		p->tstamp_ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}
	if (packet_deliver)
		packet_deliver(ifc, p);
	if (ifc->master && bridge_input) { /* a bridge port: the bridge takes every frame */
		bridge_input(ifc, p);
		return;
	}
	pkt_pull(p, ETH_HLEN);
	switch (p->protocol) {
	case ETH_P_IP:
		if (p->type == PKT_OTHERHOST)
			break; /* not for us (promiscuous capture only) */
		ip4_input(ifc, p);
		return;
	case ETH_P_ARP:
		if (ifc->flags & IFF_NOARP)
			break;
		arp_input(ifc, p);
		return;
	default:
		/* IPv6, 802.3 lengths, VLANs...: nobody here speaks them */
		ns->stats.eth_in_bad++;
		break;
	}
	ifc->stats.rx_dropped++;
	pkt_put(p);
}

/* The frame is complete: show it to packet sockets, count it, hand it to the driver. */
static int xmit(struct net_iface *ifc, struct pkt *p)
{
	if (!(ifc->flags & IFF_UP)) {
		ifc->stats.tx_dropped++;
		pkt_put(p);
		return -ENETDOWN;
	}
	p->iface = ifc;
	p->mac = p->data;
	if (packet_deliver) {
		enum pkt_type t = p->type;
		p->type = PKT_OUTGOING;
		packet_deliver(ifc, p);
		p->type = t;
	}
	size_t len = p->len;
	/* the driver may free it at once: nothing of @p after this */
	int r = ifc->ops->xmit(ifc, p);
	if (r < 0) {
		ifc->stats.tx_errors++;
	} else {
		ifc->stats.tx_packets++;
		ifc->stats.tx_bytes += len;
	}
	return r;
}

int eth_output(struct net_iface *ifc, struct pkt *p, const uint8_t dst[6], uint16_t ethertype)
{
	uint8_t *h = pkt_push(p, ETH_HLEN);
	if (!h) {
		ifc->stats.tx_errors++;
		pkt_put(p);
		return -ENOBUFS;
	}
	memcpy(h, dst, 6);
	memcpy(h + 6, ifc->hwaddr, 6);
	h[12] = (uint8_t)(ethertype >> 8);
	h[13] = (uint8_t)ethertype;
	p->protocol = ethertype;
	return xmit(ifc, p);
}

static bool is_bcast_nexthop(struct net_iface *ifc, uint32_t nh)
{
	struct net_ifaddr *ifa;
	if (nh == INADDR_BROADCAST)
		return true;
	list_for_each_entry(ifa, &ifc->addrs, link)
		if (net_ifaddr_is_bcast(ifa, nh))
			return true;
	return false;
}

/* See netns.h. Consumes @p. */
int net_iface_output_ip(struct net_iface *ifc, struct pkt *p, uint32_t nexthop)
{
	uint8_t mac[6];
	if (!(ifc->flags & IFF_UP)) {
		ifc->stats.tx_dropped++;
		pkt_put(p);
		return -ENETDOWN;
	}
	p->nh = p->data;
	if (ifc->flags & IFF_LOOPBACK) {
		memset(mac, 0, 6);
	} else if (is_bcast_nexthop(ifc, nexthop)) {
		memcpy(mac, eth_bcast, 6);
	} else if ((ntohl(nexthop) >> 28) == 0xe) {
		uint32_t h = ntohl(nexthop);
		uint8_t m[6] = {0x01, 0x00, 0x5e, (uint8_t)((h >> 16) & 0x7f), (uint8_t)(h >> 8),
				(uint8_t)h};
		memcpy(mac, m, 6);
	} else if (ifc->flags & IFF_NOARP) {
		memcpy(mac, ifc->brdaddr, 6);
	} else {
		int r = arp_resolve(ifc, p, nexthop, mac);
		if (r == 0)
			return 0; /* queued: sent when resolved */
		if (r < 0) {
			ifc->stats.tx_dropped++;
			pkt_put(p);
			return r;
		}
	}
	return eth_output(ifc, p, mac, ETH_P_IP);
}

/* See netns.h. Consumes @p. -EMSGSIZE for a frame longer than MTU + header, -EINVAL for
 * one shorter than a header. */
int net_iface_xmit_frame(struct net_iface *ifc, struct pkt *p)
{
	if (p->len < ETH_HLEN || p->len > (size_t)ifc->mtu + ETH_HLEN) {
		int err = p->len < ETH_HLEN ? -EINVAL : -EMSGSIZE;
		ifc->stats.tx_dropped++;
		pkt_put(p);
		return err;
	}
	p->protocol = (uint16_t)(p->data[12] << 8 | p->data[13]);
	return xmit(ifc, p);
}
