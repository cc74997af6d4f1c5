/* netstack/udp_in.c - UDP input: header and checksum validation, delivery to the bound
 * socket (Linux's scored lookup: a connected or address-bound socket beats a wildcard
 * one; SO_REUSEPORT groups balanced by a hash of the 4-tuple; among SO_REUSEADDR sharers
 * the last bound wins), broadcast delivery to every matching socket, ICMP port
 * unreachable when nobody listens, and ICMP errors about datagrams we sent.
 *
 * Owns: the per-namespace UDP port table (struct udp_ns) and the receive queues' input
 * side. Must not: block, or trust any byte of a received packet. */
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "netstack/udp.h"

/* ---- the namespace's table ---- */

int udp_ns_init(struct netns *ns)
{
	return udp_ns_get(ns) ? 0 : -ENOMEM;
}

void udp_ns_fini(struct netns *ns)
{
	free(ns->udp);
	ns->udp = NULL;
}

struct udp_ns *udp_ns_get(struct netns *ns)
{
	if (!ns->udp) {
		ns->udp = calloc(1, sizeof(*ns->udp));
		if (ns->udp)
			inet_ports_init(&ns->udp->ports);
	}
	return ns->udp;
}

/* udp_lib_lport_inuse: two sockets share a port when both set SO_REUSEADDR, or both set
 * SO_REUSEPORT and belong to the same user. */
bool udp_port_shareable(const struct inet_sock *a, const struct inet_sock *b)
{
	if (a->sock.reuseaddr && b->sock.reuseaddr)
		return true;
	return a->sock.reuseport && b->sock.reuseport && a->uid == b->uid;
}

/* ---- receive queues ---- */

void udp_dgram_free(struct udp_dgram *d)
{
	pkt_put(d->p);
	free(d);
}

int udp_queue_rcv(struct udp_sock *us, struct pkt *p, uint32_t src, uint16_t sport,
		  const struct ip4_rx_info *ri)
{
	struct netns *ns = us->inet.ns;
	/* SO_ATTACH_FILTER over the datagram from its UDP header (sk_filter_trim_cap) */
	ssize_t keep = inet_filter(&us->inet, p, p->data - sizeof(struct udphdr),
				   sizeof(struct udphdr));
	if (keep < 0) {
		ns->stats.udp_in_errors++;
		pkt_put(p);
		return -EPERM;
	}
	pkt_trim(p, (size_t)keep - sizeof(struct udphdr));
	/* __udp_enqueue_schedule_skb: full when already past the buffer */
	if (us->rmem > (size_t)us->inet.sock.rcvbuf) {
		ns->stats.udp_rcvbuf_errors++;
		ns->stats.udp_in_errors++;
		pkt_put(p);
		return -ENOBUFS;
	}
	struct udp_dgram *d = malloc(sizeof(*d));
	if (!d) {
		ns->stats.udp_in_errors++;
		pkt_put(p);
		return -ENOMEM;
	}
	d->p = p;
	d->src = src;
	d->sport = sport;
	d->ri = *ri;
	d->truesize = p->len + UDP_DGRAM_OVERHEAD;
	us->rmem += d->truesize;
	list_add_tail(&d->link, &us->rxq);
	ns->stats.udp_in_datagrams++;
	net_socket_wake(&us->inet.sock, EPOLLIN | EPOLLRDNORM);
	return 0;
}

/* ---- lookup ---- */

struct udp_key {
	uint32_t saddr, daddr; /* as the datagram says: remote and local */
	uint16_t sport, dport;
	int ifindex;
};

/* compute_score: -1 when @is cannot take the datagram; higher is more specific. */
static int udp_score(const struct inet_sock *is, const struct udp_key *k)
{
	const struct udp_sock *us = (const struct udp_sock *)is;
	int score = 2;
	if (is->lport != k->dport)
		return -1;
	if (is->laddr) {
		if (is->laddr != k->daddr)
			return -1;
		score += 4;
	}
	if (us->connected && is->raddr) {
		if (is->raddr != k->saddr)
			return -1;
		score += 4;
	}
	if (is->rport) {
		if (is->rport != k->sport)
			return -1;
		score += 4;
	}
	if (is->bound_ifindex) {
		if (is->bound_ifindex != k->ifindex)
			return -1;
		score += 4;
	}
	return score;
}

static uint32_t udp_hash(const struct udp_key *k)
{
	uint32_t h = k->saddr * 0x9e3779b1u;
	h ^= k->daddr + 0x7f4a7c15u + (h << 6) + (h >> 2);
	h ^= ((uint32_t)k->sport << 16 | k->dport) + 0x85ebca6bu + (h << 6) + (h >> 2);
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

static bool same_reuseport_group(const struct inet_sock *a, const struct inet_sock *b)
{
	return b->sock.reuseport && !((const struct udp_sock *)b)->connected && a->uid == b->uid &&
	       a->laddr == b->laddr && a->bound_ifindex == b->bound_ifindex && a->lport == b->lport;
}

/* __udp4_lib_lookup: the best-scoring socket; equal scores go to the last bound (Linux
 * puts new sockets at the head of the chain); an unconnected SO_REUSEPORT winner hands
 * over to the member of its group the 4-tuple hashes to when @balance. */
static struct udp_sock *udp_lookup(struct udp_ns *un, const struct udp_key *k, bool balance)
{
	struct list_head *b = &un->ports.buckets[ntohs(k->dport) % INET_PORT_BUCKETS];
	struct inet_sock *is, *best = NULL;
	int best_score = -1;
	list_for_each_entry(is, b, bind_link)
	{
		int sc = udp_score(is, k);
		if (sc >= 0 && sc >= best_score) {
			best = is;
			best_score = sc;
		}
	}
	if (!best || !balance || !best->sock.reuseport || ((struct udp_sock *)best)->connected)
		return (struct udp_sock *)best;
	int n = 0;
	list_for_each_entry(is, b, bind_link)
	if (same_reuseport_group(best, is))
		n++;
	if (n <= 1)
		return (struct udp_sock *)best;
	int pick = (int)(udp_hash(k) % (uint32_t)n);
	list_for_each_entry(is, b, bind_link)
	{
		if (same_reuseport_group(best, is) && pick-- == 0)
			return (struct udp_sock *)is;
	}
	return (struct udp_sock *)best;
}

/* __udp_is_mcast_sock */
static bool udp_is_mcast_sock(const struct inet_sock *is, const struct udp_key *k)
{
	const struct udp_sock *us = (const struct udp_sock *)is;
	if (is->lport != k->dport)
		return false;
	if (us->connected && is->raddr && is->raddr != k->saddr)
		return false;
	if (is->rport && is->rport != k->sport)
		return false;
	if (is->laddr && is->laddr != k->daddr)
		return false;
	if (is->bound_ifindex && is->bound_ifindex != k->ifindex)
		return false;
	return true;
}

/* ---- input ---- */

static uint32_t iface_primary_addr(const struct net_iface *ifc)
{
	if (!ifc || list_empty(&ifc->addrs))
		return 0;
	return list_first_entry(&ifc->addrs, struct net_ifaddr, link)->addr;
}

/* __udp4_lib_mcast_deliver: a copy to every matching socket. Consumes @p. */
static void udp_mcast_deliver(struct netns *ns, struct udp_ns *un, struct pkt *p,
			      const struct udp_key *k, const struct ip4_rx_info *ri)
{
	struct list_head *b = &un->ports.buckets[ntohs(k->dport) % INET_PORT_BUCKETS];
	struct inet_sock *is;
	struct udp_sock *last = NULL;
	list_for_each_entry(is, b, bind_link)
	{
		if (!udp_is_mcast_sock(is, k))
			continue;
		if (last) {
			struct pkt *c = pkt_copy(p);
			if (c)
				udp_queue_rcv(last, c, k->saddr, k->sport, ri);
			else
				ns->stats.udp_in_errors++;
		}
		last = (struct udp_sock *)is;
	}
	if (last) {
		udp_queue_rcv(last, p, k->saddr, k->sport, ri);
		return;
	}
	pkt_put(p); /* Linux counts IgnoredMulti; no ICMP about a broadcast */
}

/* The UDP transport (see ip4.h). Consumes @p. */
void udp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	struct udphdr uh;
	struct udp_ns *un = udp_ns_get(ns);
	if (!un || !pkt_may_pull(p, sizeof(uh)))
		goto err;
	memcpy(&uh, p->data, sizeof(uh));
	size_t ulen = ntohs(uh.len);
	if (ulen > p->len || ulen < sizeof(uh))
		goto err;
	pkt_trim(p, ulen);
	if (uh.check) {
		uint32_t sum = inet_pseudo_sum(rx->src, rx->dst, IPPROTO_UDP, (uint16_t)ulen);
		if (inet_csum_fold(inet_csum_add(sum, p->data, ulen)) != 0) {
			ns->stats.udp_in_csum_errors++;
			goto err;
		}
	}
	struct udp_key k = {.saddr = rx->src,
			    .daddr = rx->dst,
			    .sport = uh.source,
			    .dport = uh.dest,
			    .ifindex = rx->iface ? rx->iface->ifindex : 0};
	struct ip4_rx_info ri = {.ifindex = k.ifindex,
				 .spec_dst = rx->dst,
				 .dst = rx->dst,
				 .dport = uh.dest,
				 .ttl = rx->ttl,
				 .tos = rx->tos,
				 .tstamp_ns = p->tstamp_ns};
	if (rx->broadcast || rx->multicast) {
		ri.spec_dst = iface_primary_addr(rx->iface);
		pkt_pull(p, sizeof(uh));
		udp_mcast_deliver(ns, un, p, &k, &ri);
		return;
	}
	struct udp_sock *us = udp_lookup(un, &k, true);
	if (!us) {
		ns->stats.udp_no_ports++;
		icmp_send_error(ns, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
		pkt_put(p);
		return;
	}
	pkt_pull(p, sizeof(uh));
	udp_queue_rcv(us, p, k.saddr, k.sport, &ri);
	return;
err:
	ns->stats.udp_in_errors++;
	pkt_put(p);
}

/* __udp4_lib_err: an ICMP error about a datagram we sent. */
void udp_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e)
{
	struct udp_ns *un = ns->udp;
	struct udphdr uh;
	if (!un || e->l4len < sizeof(uh))
		return;
	memcpy(&uh, e->l4, sizeof(uh));
	/* the socket that sent it: the quoted datagram seen from the other side */
	struct udp_key k = {.saddr = e->inner->daddr,
			    .daddr = e->inner->saddr,
			    .sport = uh.dest,
			    .dport = uh.source};
	struct list_head *b = &un->ports.buckets[ntohs(k.dport) % INET_PORT_BUCKETS];
	struct inet_sock *is, *best = NULL;
	int best_score = -1;
	list_for_each_entry(is, b, bind_link)
	{
		k.ifindex = is->bound_ifindex; /* the interface does not matter for errors */
		int sc = udp_score(is, &k);
		if (sc >= 0 && sc >= best_score) {
			best = is;
			best_score = sc;
		}
	}
	if (!best) {
		ns->stats.udp_in_errors++;
		return;
	}
	struct udp_sock *us = (struct udp_sock *)best;
	bool hard;
	int err = inet_icmp_err_convert(e->type, e->code, best->pmtudisc, &hard);
	if (!err)
		return;
	inet_icmp_report(best, us->connected, e, err, hard, uh.dest, e->l4 + sizeof(uh),
			 e->l4len - sizeof(uh));
}
