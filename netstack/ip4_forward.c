/* netstack/ip4_forward.c - IPv4 forwarding between the interfaces of one namespace when
 * net.ipv4.ip_forward is on (net/ipv4/ip_forward.c): a datagram that is not ours is
 * routed on with its TTL decremented, fragmented to the next link's MTU (or refused with
 * ICMP fragmentation-needed under DF), and answered with ICMP time exceeded when its TTL
 * runs out or destination unreachable when no route takes it.
 *
 * netfilter sees what is forwarded at FORWARD and POSTROUTING (netfilter.h).
 *
 * Owns: the forwarding decision and ForwDatagrams. Must not: forward what Linux does not
 * (frames not addressed to our MAC, broadcasts, martians: ip4_input filters those) or
 * keep a packet past its call. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip_icmp.h>
#include "netstack/ip4.h"
#include "netstack/netfilter.h"

/* ip_error: the ICMP a failed route lookup earns, or -1 for none (blackhole). */
static int route_icmp_code(int err)
{
	switch (err) {
	case -EHOSTUNREACH:
		return ICMP_HOST_UNREACH;
	case -EACCES:
		return ICMP_PKT_FILTERED;
	case -ENETUNREACH:
		return ICMP_NET_UNREACH;
	default:
		return -1;
	}
}

/* See ip4.h. Consumes @p. */
void ip4_forward(struct net_iface *in, struct pkt *p)
{
	struct netns *ns = in->ns;
	struct iphdr *ip = (struct iphdr *)p->data;
	struct net_route_result rt;
	p->nh = p->data;
	if (p->type != PKT_HOST) /* a link-layer broadcast carrying a unicast datagram */
		goto drop;
	int err = net_route_lookup(ns, ip->daddr, NULL, &rt);
	if (err || rt.local || rt.broadcast) {
		int code = route_icmp_code(err);
		if (err == -ENETUNREACH || err == -EHOSTUNREACH)
			ns->stats.ip_in_no_routes++;
		else
			ns->stats.ip_in_addr_errors++;
		if (code >= 0)
			icmp_send_error(ns, p, ICMP_DEST_UNREACH, code, 0);
		goto drop;
	}
	if (ip->ttl <= 1) {
		ns->stats.ip_in_hdr_errors++;
		icmp_send_error(ns, p, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		goto drop;
	}
	if (p->len > (size_t)rt.mtu && (ip->frag_off & htons(IP_DF))) {
		ns->stats.ip_frag_fails++;
		icmp_send_error(ns, p, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, (uint32_t)rt.mtu);
		goto drop;
	}
	/* ip_decrease_ttl: RFC 1141's incremental update of the checksum */
	uint32_t sum = ip->check + htons(0x0100);
	ip->check = (uint16_t)(sum + (sum >= 0xffff));
	ip->ttl--;
	/* netfilter's FORWARD, then POSTROUTING (SNAT, MASQUERADE): each may consume it */
	if (!nf_hook_forward(ns, in, rt.iface, &p) || !nf_hook_postrouting(ns, rt.iface, &p))
		return;
	ns->stats.ip_forw_datagrams++;
	p->tstamp_ns = 0;
	ip4_output_routed(ns, p, &rt);
	return;
drop:
	pkt_put(p);
}
