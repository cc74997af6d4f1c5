/* netstack/ip4_out.c - IPv4 output: the header, the route, fragmentation to the path
 * MTU, and the hand-off to the link layer (loopback for local destinations).
 *
 * Owns: the output half of the IPv4 counters. Must not: resolve neighbours (eth.c/arp.c
 * do) or deliver anything synchronously (loopback queues). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "netstack/ip4.h"
#include "netstack/netfilter.h"

#define IP4_MAX_LEN 65535

static void ip4_set_csum(struct iphdr *ip)
{
	ip->check = 0;
	ip->check = inet_csum_fold(inet_csum_add(0, ip, ip->ihl * 4u));
}

/* Sends @p (a complete datagram, p->data at its header) in fragments of at most @mtu
 * bytes (RFC 791: payload multiples of 8, MF on all but the last, the original's MF and
 * offset kept). Consumes @p. */
static int ip4_fragment(struct netns *ns, struct pkt *p, const struct net_route_result *rt)
{
	const struct iphdr *ip = (const struct iphdr *)p->data;
	size_t ihl = ip->ihl * 4u, payload = p->len - ihl;
	size_t chunk = ((size_t)rt->mtu - ihl) & ~(size_t)7;
	uint16_t frag = ntohs(ip->frag_off);
	uint16_t base = frag & IP_OFFMASK;
	bool more = frag & IP_MF;
	int r = 0;
	if ((size_t)rt->mtu <= ihl || chunk < 8) {
		ns->stats.ip_frag_fails++;
		pkt_put(p);
		return -EMSGSIZE;
	}
	for (size_t off = 0; off < payload; off += chunk) {
		size_t n = payload - off < chunk ? payload - off : chunk;
		struct pkt *q = pkt_alloc(PKT_HEADROOM, ihl + n);
		if (!q) {
			r = -ENOMEM;
			break;
		}
		memcpy(q->data, p->data, ihl);
		memcpy(q->data + ihl, p->data + ihl + off, n);
		struct iphdr *qi = (struct iphdr *)q->data;
		qi->tot_len = htons((uint16_t)(ihl + n));
		uint16_t fo = (uint16_t)(base + off / 8);
		if (off + n < payload || more)
			fo |= IP_MF;
		qi->frag_off = htons(fo);
		ip4_set_csum(qi);
		q->tstamp_ns = p->tstamp_ns;
		ns->stats.ip_frag_creates++;
		r = net_iface_output_ip(rt->iface, q, rt->nexthop);
		if (r < 0)
			break;
	}
	if (r < 0)
		ns->stats.ip_frag_fails++;
	else
		ns->stats.ip_frag_oks++;
	pkt_put(p);
	return r;
}

/* The datagram is built: fragment when it does not fit (unless DF), then send. */
int ip4_output_routed(struct netns *ns, struct pkt *p, const struct net_route_result *rt)
{
	const struct iphdr *ip = (const struct iphdr *)p->data;
	if (p->len <= (size_t)rt->mtu)
		return net_iface_output_ip(rt->iface, p, rt->nexthop);
	if (ip->frag_off & htons(IP_DF)) {
		ns->stats.ip_frag_fails++;
		pkt_put(p);
		return -EMSGSIZE;
	}
	return ip4_fragment(ns, p, rt);
}

static int route_error(struct netns *ns, struct pkt *p, int r)
{
	if (r == -ENETUNREACH || r == -EHOSTUNREACH)
		ns->stats.ip_out_no_routes++;
	else
		ns->stats.ip_out_discards++;
	pkt_put(p);
	return r;
}

/* A 127/8 source leaves only through loopback or a route_localnet interface
 * (__mkroute_output's EINVAL). */
static bool is_localnet_refused(uint32_t src, const struct net_iface *out)
{
	return (ntohl(src) >> 24) == 127 && out && !net_iface_routes_localnet(out);
}

/* netfilter's OUTPUT and POSTROUTING hooks for a locally built datagram routed by @rt
 * (routed again when NAT changed its destination). Returns 0, or -EPERM when a hook
 * dropped the packet (Linux's ip_local_out), or a route error; *@pp consumed then. */
static int ip4_nf_local_out(struct netns *ns, struct pkt **pp, struct net_route_result *rt,
			    struct net_iface *oif)
{
	bool rerouted, was_local = rt->local;
	if (!nf_hook_output(ns, rt->iface, pp, &rerouted))
		return -EPERM;
	const struct iphdr *ip = (const struct iphdr *)(*pp)->data;
	int r;
	if (rerouted && (r = net_route_lookup(ns, ip->daddr, oif, rt)) < 0) {
		r = route_error(ns, *pp, r);
		*pp = NULL;
		return r;
	}
	/* e.g. after OUTPUT DNAT of a connection to 127.0.0.1 */
	if (is_localnet_refused(ip->saddr, rt->iface)) {
		ns->stats.ip_out_no_routes++;
		pkt_put(*pp);
		*pp = NULL;
		return -EINVAL;
	}
	if (rerouted && was_local && !rt->local)
		nf_l4_csum_fill(*pp); /* the transport left it empty for loopback */
	if (!nf_hook_postrouting(ns, rt->iface, pp))
		return -EPERM;
	return 0;
}

/* See ip4.h. Consumes @p. */
int ip4_output(struct netns *ns, struct pkt *p, const struct ip4_tx *tx)
{
	struct net_route_result rt;
	int r;
	ns->stats.ip_out_requests++;
	if (p->len + sizeof(struct iphdr) > IP4_MAX_LEN) {
		ns->stats.ip_out_discards++;
		pkt_put(p);
		return -EMSGSIZE;
	}
	if ((r = net_route_lookup(ns, tx->dst, tx->oif, &rt)) < 0)
		return route_error(ns, p, r);
	if (rt.broadcast && !tx->allow_broadcast) {
		ns->stats.ip_out_discards++;
		pkt_put(p);
		return -EACCES;
	}
	struct iphdr *ip = pkt_push(p, sizeof(*ip));
	if (!ip) {
		ns->stats.ip_out_discards++;
		pkt_put(p);
		return -ENOBUFS;
	}
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = tx->tos;
	ip->tot_len = htons((uint16_t)p->len);
	ip->id = htons(ns->ip_id++);
	ip->frag_off = tx->df ? htons(IP_DF) : 0;
	ip->ttl = tx->ttl ? tx->ttl : (uint8_t)ns->sysctl.ip_default_ttl;
	ip->protocol = tx->proto;
	ip->saddr = tx->src ? tx->src : rt.src;
	ip->daddr = tx->dst ? tx->dst : rt.nexthop;
	ip4_set_csum(ip);
	p->nh = p->data;
	if ((r = ip4_nf_local_out(ns, &p, &rt, tx->oif)) < 0)
		return r;
	ip = (struct iphdr *)p->data;
	/* Linux loops broadcasts back: local sockets hear them too (through lo) */
	if (rt.broadcast && rt.iface != ns->lo && ns->lo && (ns->lo->flags & IFF_UP)) {
		struct pkt *copy = pkt_copy(p);
		if (copy)
			net_iface_output_ip(ns->lo, copy, ip->daddr);
	}
	return ip4_output_routed(ns, p, &rt);
}

/* See ip4.h (Linux raw_send_hdrinc): the caller's header is kept; total length, and a
 * zero source or id, are filled; the checksum always. -EINVAL for a header longer than
 * the packet, -EMSGSIZE beyond the MTU (no fragmentation). Consumes @p. */
int ip4_output_hdrincl(struct netns *ns, struct pkt *p, struct net_iface *oif)
{
	struct net_route_result rt;
	int r;
	ns->stats.ip_out_requests++;
	if (p->len < sizeof(struct iphdr) || p->len > IP4_MAX_LEN) {
		pkt_put(p);
		return -EINVAL;
	}
	struct iphdr *ip = (struct iphdr *)p->data;
	if (ip->ihl * 4u > p->len || ip->ihl < 5) {
		pkt_put(p);
		return -EINVAL;
	}
	if ((r = net_route_lookup(ns, ip->daddr, oif, &rt)) < 0)
		return route_error(ns, p, r);
	if (p->len > (size_t)rt.mtu) {
		ns->stats.ip_frag_fails++;
		pkt_put(p);
		return -EMSGSIZE;
	}
	if (!ip->saddr)
		ip->saddr = rt.src;
	ip->tot_len = htons((uint16_t)p->len);
	if (!ip->id)
		ip->id = htons(ns->ip_id++);
	ip4_set_csum(ip);
	p->nh = p->data;
	if ((r = ip4_nf_local_out(ns, &p, &rt, oif)) < 0)
		return r;
	return net_iface_output_ip(rt.iface, p, rt.nexthop);
}

/* See ip4.h. */
int ip4_route_check_src(struct netns *ns, uint32_t src, uint32_t dst, struct net_iface *oif)
{
	struct net_route_result rt;
	int r = net_route_lookup(ns, dst, oif, &rt);
	if (r < 0)
		return r;
	return is_localnet_refused(src, rt.iface) ? -EINVAL : 0;
}

/* See ip4.h. */
int ip4_route_src(struct netns *ns, uint32_t dst, struct net_iface *oif, uint32_t *src, int *mtu)
{
	struct net_route_result rt;
	int r = net_route_lookup(ns, dst, oif, &rt);
	if (r < 0)
		return r;
	if (src)
		*src = rt.src;
	if (mtu)
		*mtu = rt.mtu;
	return 0;
}
