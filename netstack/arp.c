/* netstack/arp.c - ARP (RFC 826, RFC 5227 announcements) and the neighbour cache of a
 * namespace, after Linux's arp.c/neighbour.c with the default sysctls (arp_ignore 0,
 * arp_accept 0, arp_announce 0):
 *   INCOMPLETE: broadcast requests, 3 tries 1 s apart, up to 101 packets waiting (the
 *     oldest dropped first); no answer: FAILED, the waiting packets answered with ICMP
 *     host unreachable to their (local) senders.
 *   REACHABLE: an answer came; after 30 s without confirmation: STALE.
 *   STALE: still used; the first use sends a unicast probe (PROBE: 3 tries 1 s apart,
 *     then FAILED); unused for 60 s: forgotten. FAILED entries are forgotten after 60 s.
 * A request for one of our addresses is answered and teaches us its sender (STALE);
 * replies and gratuitous ARP update entries we already have (arp_accept 0).
 *
 * Owns: struct neigh and the packets waiting in it. Must not: trust the frame. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include "netstack/arp.h"
#include "netstack/ip4.h"
#include "netstack/link.h"

#define ARP_NUD_PROBE 0x10

struct neigh {
	struct list_head link; /* in arp_ns.neighs */
	struct arp_ns *owner;
	struct net_iface *iface; /* borrowed: entries go with their interface */
	uint32_t ip;
	uint8_t mac[6];
	int state;
	int probes;
	struct list_head queue; /* struct pkt.link: IPv4 packets waiting */
	int qlen;
	struct stimer timer;
};

struct arp_ns {
	struct netns *ns;
	struct list_head neighs;
	int count;
};

/* Bound on entries per namespace (Linux gc_thresh3 1024). */
#define ARP_MAX_NEIGH 1024

struct arp_pkt {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[6];
	uint8_t spa[4];
	uint8_t tha[6];
	uint8_t tpa[4];
} __attribute__((packed));

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero_mac[6];

int arp_ns_init(struct netns *ns)
{
	struct arp_ns *a = calloc(1, sizeof(*a));
	if (!a)
		return -1;
	a->ns = ns;
	list_init(&a->neighs);
	ns->arp = a;
	return 0;
}

static void queue_purge(struct neigh *n, bool unreachable)
{
	while (!list_empty(&n->queue)) {
		struct pkt *p = list_first_entry(&n->queue, struct pkt, link);
		list_del(&p->link);
		list_init(&p->link);
		n->qlen--;
		if (unreachable)
			icmp_send_error(n->iface->ns, p, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
		pkt_put(p);
	}
}

static void neigh_free(struct neigh *n)
{
	stimer_cancel(&n->timer);
	queue_purge(n, false);
	list_del(&n->link);
	n->owner->count--;
	free(n);
}

void arp_ns_fini(struct netns *ns)
{
	struct arp_ns *a = ns->arp;
	if (!a)
		return;
	while (!list_empty(&a->neighs))
		neigh_free(list_first_entry(&a->neighs, struct neigh, link));
	free(a);
	ns->arp = NULL;
}

/* See arp.h. */
bool arp_has_waiting(struct netns *ns)
{
	struct neigh *n;
	if (!ns->arp)
		return false;
	list_for_each_entry(n, &ns->arp->neighs, link)
		if (n->qlen > 0)
			return true;
	return false;
}

static uint32_t primary_addr(const struct net_iface *ifc)
{
	const struct net_ifaddr *ifa;
	list_for_each_entry(ifa, &ifc->addrs, link)
		if (!(ifa->flags & IFA_F_SECONDARY))
			return ifa->addr;
	return 0;
}

/* Sends one ARP message on @ifc. */
static int arp_send(struct net_iface *ifc, int op, const uint8_t eth_dst[6], const uint8_t tha[6],
		    uint32_t sip, uint32_t tip)
{
	if (!(ifc->flags & IFF_UP) || (ifc->flags & (IFF_NOARP | IFF_LOOPBACK)))
		return -ENETDOWN;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, sizeof(struct arp_pkt));
	if (!p)
		return -ENOMEM;
	struct arp_pkt *a = (struct arp_pkt *)p->data;
	a->htype = htons(ARPHRD_ETHER);
	a->ptype = htons(ETH_P_IP);
	a->hlen = 6;
	a->plen = 4;
	a->op = htons((uint16_t)op);
	memcpy(a->sha, ifc->hwaddr, 6);
	memcpy(a->spa, &sip, 4);
	memcpy(a->tha, tha, 6);
	memcpy(a->tpa, &tip, 4);
	p->nh = p->data;
	ifc->ns->stats.arp_out++;
	return eth_output(ifc, p, eth_dst, ETH_P_ARP);
}

/* The source of a request: the waiting packet's source when it is ours, else the
 * interface's primary address (arp_announce 0). */
static void solicit(struct neigh *n, bool unicast)
{
	uint32_t sip = 0;
	if (!list_empty(&n->queue)) {
		struct pkt *p = list_first_entry(&n->queue, struct pkt, link);
		const struct iphdr *ip = (const struct iphdr *)p->nh;
		if (ip && net_addr_owner(n->iface->ns, ip->saddr))
			sip = ip->saddr;
	}
	if (!sip)
		sip = primary_addr(n->iface);
	arp_send(n->iface, ARPOP_REQUEST, unicast ? n->mac : bcast, zero_mac, sip, n->ip);
}

static void neigh_arm(struct neigh *n, int64_t after_ns)
{
	stimer_arm(&n->timer, stimer_now_ns() + after_ns);
}

static void neigh_timer(struct stimer *tm)
{
	struct neigh *n = tm->priv;
	switch (n->state) {
	case ARP_NUD_INCOMPLETE:
	case ARP_NUD_PROBE:
		if (++n->probes < ARP_RETRIES) {
			solicit(n, n->state == ARP_NUD_PROBE);
			neigh_arm(n, ARP_RETRANS_NS);
			return;
		}
		n->state = ARP_NUD_FAILED;
		queue_purge(n, true);
		neigh_arm(n, ARP_STALE_NS);
		return;
	case ARP_NUD_REACHABLE:
		n->state = ARP_NUD_STALE;
		neigh_arm(n, ARP_STALE_NS);
		return;
	case ARP_NUD_STALE:
	case ARP_NUD_FAILED:
		neigh_free(n);
		return;
	default:
		return; /* permanent */
	}
}

static struct neigh *neigh_find(struct arp_ns *a, const struct net_iface *ifc, uint32_t ip)
{
	struct neigh *n;
	list_for_each_entry(n, &a->neighs, link)
		if (n->iface == ifc && n->ip == ip)
			return n;
	return NULL;
}

static struct neigh *neigh_new(struct arp_ns *a, struct net_iface *ifc, uint32_t ip)
{
	if (a->count >= ARP_MAX_NEIGH) {
		/* forget the oldest entry nobody waits on (Linux's forced gc) */
		struct neigh *o, *victim = NULL;
		list_for_each_entry(o, &a->neighs, link)
			if (o->state != ARP_NUD_PERMANENT && !o->qlen) {
				victim = o;
				break;
			}
		if (!victim)
			return NULL;
		neigh_free(victim);
	}
	struct neigh *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->owner = a;
	n->iface = ifc;
	n->ip = ip;
	list_init(&n->queue);
	stimer_init(&n->timer, neigh_timer, n);
	list_add_tail(&n->link, &a->neighs);
	a->count++;
	return n;
}

/* The neighbour's address is known: send what waited. */
static void neigh_flush(struct neigh *n)
{
	while (!list_empty(&n->queue)) {
		struct pkt *p = list_first_entry(&n->queue, struct pkt, link);
		list_del(&p->link);
		list_init(&p->link);
		n->qlen--;
		eth_output(n->iface, p, n->mac, ETH_P_IP);
	}
}

static void neigh_update(struct neigh *n, const uint8_t mac[6], int state)
{
	if (n->state == ARP_NUD_PERMANENT)
		return;
	memcpy(n->mac, mac, 6);
	n->state = state;
	n->probes = 0;
	neigh_arm(n, state == ARP_NUD_REACHABLE ? ARP_REACHABLE_NS : ARP_STALE_NS);
	neigh_flush(n);
}

/* See arp.h. */
int arp_resolve(struct net_iface *ifc, struct pkt *p, uint32_t nexthop, uint8_t mac[6])
{
	struct arp_ns *a = ifc->ns->arp;
	if (!a)
		return -EHOSTUNREACH;
	struct neigh *n = neigh_find(a, ifc, nexthop);
	if (n) {
		switch (n->state) {
		case ARP_NUD_STALE:
			n->state = ARP_NUD_PROBE;
			n->probes = 0;
			solicit(n, true);
			neigh_arm(n, ARP_RETRANS_NS);
			/* fall through */
		case ARP_NUD_REACHABLE:
		case ARP_NUD_PROBE:
		case ARP_NUD_PERMANENT:
			memcpy(mac, n->mac, 6);
			return 1;
		case ARP_NUD_FAILED:
			n->state = ARP_NUD_INCOMPLETE; /* try again, as Linux on the next use */
			n->probes = 0;
			break;
		default:
			break;
		}
	} else {
		n = neigh_new(a, ifc, nexthop);
		if (!n)
			return -ENOBUFS;
		n->state = ARP_NUD_INCOMPLETE;
	}
	if (n->qlen >= ARP_QUEUE_MAX) {
		struct pkt *old = list_first_entry(&n->queue, struct pkt, link);
		list_del(&old->link);
		list_init(&old->link);
		n->qlen--;
		ifc->stats.tx_dropped++;
		pkt_put(old);
	}
	list_add_tail(&p->link, &n->queue);
	n->qlen++;
	if (!stimer_armed(&n->timer)) {
		solicit(n, false);
		neigh_arm(n, ARP_RETRANS_NS);
	}
	return 0;
}

/* See arp.h. Consumes @p. */
void arp_input(struct net_iface *ifc, struct pkt *p)
{
	struct netns *ns = ifc->ns;
	struct arp_ns *an = ns->arp;
	ns->stats.arp_in++;
	if (!pkt_may_pull(p, sizeof(struct arp_pkt)) || !an) {
		ns->stats.arp_bad++;
		goto out;
	}
	p->nh = p->data;
	struct arp_pkt a;
	memcpy(&a, p->data, sizeof(a));
	uint16_t op = ntohs(a.op);
	if (ntohs(a.htype) != ARPHRD_ETHER || ntohs(a.ptype) != ETH_P_IP || a.hlen != 6 ||
	    a.plen != 4 || (op != ARPOP_REQUEST && op != ARPOP_REPLY)) {
		ns->stats.arp_bad++;
		goto out;
	}
	uint32_t sip, tip;
	memcpy(&sip, a.spa, 4);
	memcpy(&tip, a.tpa, 4);
	uint32_t ht = ntohl(tip), hs = ntohl(sip);
	if ((a.sha[0] & 1) || (ht >> 28) == 0xe || (hs >> 28) == 0xe || (ht >> 24) == 127 ||
	    (hs >> 24) == 127 || sip == INADDR_BROADCAST) {
		ns->stats.arp_bad++;
		goto out;
	}
	if (!memcmp(a.sha, ifc->hwaddr, 6))
		goto out; /* our own, looped back by the medium */
	bool for_us = tip && net_addr_owner(ns, tip) && !net_addr_owner(ns, sip);
	struct neigh *n = sip ? neigh_find(an, ifc, sip) : NULL;
	if (op == ARPOP_REQUEST && for_us) {
		if (sip) {
			if (!n)
				n = neigh_new(an, ifc, sip);
			if (n)
				neigh_update(n, a.sha, ARP_NUD_STALE);
		}
		arp_send(ifc, ARPOP_REPLY, a.sha, a.sha, tip, sip);
		goto out;
	}
	if (n) {
		/* a reply to us confirms; anything else (gratuitous, overheard) is news */
		bool confirm = op == ARPOP_REPLY && !memcmp(a.tha, ifc->hwaddr, 6);
		if (confirm || memcmp(n->mac, a.sha, 6) || n->state == ARP_NUD_INCOMPLETE ||
		    n->state == ARP_NUD_FAILED)
			neigh_update(n, a.sha, confirm ? ARP_NUD_REACHABLE : ARP_NUD_STALE);
	}
out:
	pkt_put(p);
}

/* Gratuitous ARP (RFC 5227 announcement): a request for @addr from @addr. */
static void announce(struct net_iface *ifc, uint32_t addr)
{
	arp_send(ifc, ARPOP_REQUEST, bcast, zero_mac, addr, addr);
}

void arp_addr_added(struct net_ifaddr *ifa)
{
	announce(ifa->iface, ifa->addr);
}

void arp_iface_up(struct net_iface *ifc)
{
	struct net_ifaddr *ifa;
	list_for_each_entry(ifa, &ifc->addrs, link)
		announce(ifc, ifa->addr);
}

void arp_iface_down(struct net_iface *ifc)
{
	struct arp_ns *a = ifc->ns->arp;
	struct neigh *n, *tmp;
	if (!a)
		return;
	list_for_each_entry_safe(n, tmp, &a->neighs, link)
		if (n->iface == ifc && n->state != ARP_NUD_PERMANENT)
			neigh_free(n);
}

void arp_iface_gone(struct net_iface *ifc)
{
	struct arp_ns *a = ifc->ns->arp;
	struct neigh *n, *tmp;
	if (!a)
		return;
	list_for_each_entry_safe(n, tmp, &a->neighs, link)
		if (n->iface == ifc)
			neigh_free(n);
}

void arp_for_each(struct netns *ns, int (*fn)(const struct arp_entry_info *e, void *arg), void *arg)
{
	struct neigh *n;
	if (!ns->arp)
		return;
	list_for_each_entry(n, &ns->arp->neighs, link) {
		struct arp_entry_info e = {.ip = n->ip, .iface = n->iface, .state = n->state};
		memcpy(e.mac, n->mac, 6);
		if (fn(&e, arg))
			return;
	}
}

int arp_neigh_set(struct net_iface *ifc, uint32_t ip, const uint8_t mac[6], bool permanent)
{
	struct arp_ns *a = ifc->ns->arp;
	if (!a)
		return -EOPNOTSUPP;
	struct neigh *n = neigh_find(a, ifc, ip);
	if (!n && !(n = neigh_new(a, ifc, ip)))
		return -ENOBUFS;
	if (permanent) {
		stimer_cancel(&n->timer);
		memcpy(n->mac, mac, 6);
		n->state = ARP_NUD_PERMANENT;
		neigh_flush(n);
	} else {
		n->state = ARP_NUD_STALE; /* let neigh_update leave permanence */
		neigh_update(n, mac, ARP_NUD_REACHABLE);
	}
	return 0;
}

int arp_neigh_del(struct net_iface *ifc, uint32_t ip)
{
	struct arp_ns *a = ifc->ns->arp;
	struct neigh *n = a ? neigh_find(a, ifc, ip) : NULL;
	if (!n)
		return -ENOENT;
	neigh_free(n);
	return 0;
}
