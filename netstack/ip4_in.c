/* netstack/ip4_in.c - IPv4 input: header validation, the local-delivery decision,
 * reassembly, raw-socket copies, and demultiplexing to the transports.
 *
 * Owns: the input half of the IPv4 counters. Must not: trust any byte of the packet
 * (fuzzed through net_frame_input), or keep a packet past its call (what is not ours
 * goes to ip4_forward.c when net.ipv4.ip_forward is on). netfilter (netfilter.h) sees
 * each datagram at PREROUTING and INPUT (ip4_forward.c: FORWARD, POSTROUTING). */
#include <arpa/inet.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include "netstack/ip4.h"
#include "netstack/ip4_frag.h"
#include "netstack/netfilter.h"

static bool is_multicast(uint32_t a)
{
	return (ntohl(a) >> 28) == 0xe;
}

/* Broadcast for us: the limited broadcast, or a broadcast address of an up interface
 * (our own broadcasts come back through lo). */
static bool is_bcast_for(struct netns *ns, uint32_t dst)
{
	return dst == INADDR_BROADCAST || net_bcast_iface(ns, dst);
}

/* A source address no host may use (Linux's martian sources): multicast, limited
 * broadcast, 0/8 except 0.0.0.0 (DHCP), and 127/8 off loopback (unless route_localnet). */
static bool is_martian_src(const struct net_iface *ifc, uint32_t src)
{
	uint32_t h = ntohl(src);
	if (is_multicast(src) || src == INADDR_BROADCAST)
		return true;
	if ((h >> 24) == 127 && !net_iface_routes_localnet(ifc))
		return true;
	if ((h >> 24) == 0 && h != 0)
		return true;
	return false;
}

static void hdr_error(struct netns *ns, struct pkt *p)
{
	ns->stats.ip_in_hdr_errors++;
	pkt_put(p);
}

/* Hands a complete datagram (p->data at its header) to raw sockets and its transport. */
static void ip4_deliver(struct netns *ns, struct net_iface *ifc, struct pkt *p)
{
	const struct iphdr *ip = (const struct iphdr *)p->data;
	struct ip4_rx rx = {
	    .src = ip->saddr,
	    .dst = ip->daddr,
	    .proto = ip->protocol,
	    .ttl = ip->ttl,
	    .tos = ip->tos,
	    .iface = ifc,
	    .broadcast = is_bcast_for(ns, ip->daddr),
	    .multicast = is_multicast(ip->daddr),
	    .iph = ip,
	    .ihl_bytes = (uint8_t)(ip->ihl * 4u),
	};
	p->nh = p->data;
	pkt_pull(p, rx.ihl_bytes);
	bool raw = raw_v4_deliver && raw_v4_deliver(ns, p, &rx);
	void (*in)(struct netns *, struct pkt *, const struct ip4_rx *) = NULL;
	switch (rx.proto) {
	case IPPROTO_TCP:
		in = tcp_v4_input;
		break;
	case IPPROTO_UDP:
		in = udp_v4_input;
		break;
	case IPPROTO_ICMP:
		in = icmp_v4_input;
		break;
	}
	if (in) {
		ns->stats.ip_in_delivers++;
		in(ns, p, &rx);
		return;
	}
	if (raw) {
		ns->stats.ip_in_delivers++;
	} else {
		ns->stats.ip_in_unknown_protos++;
		if (!rx.broadcast && !rx.multicast)
			icmp_send_error(ns, p, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
	}
	pkt_put(p);
}

/* See ip4.h. Consumes @p. */
void ip4_input(struct net_iface *ifc, struct pkt *p)
{
	struct netns *ns = ifc->ns;
	ns->stats.ip_in_receives++;
	if (!pkt_may_pull(p, sizeof(struct iphdr)))
		return hdr_error(ns, p);
	const struct iphdr *ip = (const struct iphdr *)p->data;
	size_t ihl = ip->ihl * 4u;
	if (ip->version != 4 || ip->ihl < 5 || !pkt_may_pull(p, ihl))
		return hdr_error(ns, p);
	if (inet_csum_fold(inet_csum_add(0, ip, ihl)) != 0) {
		ns->stats.ip_in_csum_errors++;
		return hdr_error(ns, p);
	}
	size_t tot = ntohs(ip->tot_len);
	if (tot < ihl)
		return hdr_error(ns, p);
	if (tot > p->len) {
		/* Linux counts these as InTruncatedPkts; we have no column for it */
		ns->stats.ip_in_discards++;
		pkt_put(p);
		return;
	}
	pkt_trim(p, tot); /* Ethernet padding */
	p->nh = p->data;
	if (!nf_hook_prerouting(ns, ifc, &p))
		return;
	ip = (const struct iphdr *)p->data;
	/* is it for us? else forwarded when the namespace forwards */
	/* martian source; or a 127/8 destination off loopback without route_localnet */
	if (is_martian_src(ifc, ip->saddr) ||
	    ((ntohl(ip->daddr) >> 24) == 127 && !net_iface_routes_localnet(ifc))) {
		ns->stats.ip_in_addr_errors++;
		pkt_put(p);
		return;
	}
	if (!net_addr_is_local(ns, ip->daddr) && !is_multicast(ip->daddr)) {
		if (ns->sysctl.ip_forward && !(ifc->flags & IFF_LOOPBACK) && ip->daddr &&
		    (ntohl(ip->daddr) >> 24) != 127)
			return ip4_forward(ifc, p);
		ns->stats.ip_in_addr_errors++;
		pkt_put(p);
		return;
	}
	if (is_multicast(ip->daddr) && ip->daddr != htonl(INADDR_ALLHOSTS_GROUP)) {
		/* no group memberships yet: only all-hosts is ours */
		ns->stats.ip_in_discards++;
		pkt_put(p);
		return;
	}
	if (ip->frag_off & htons(IP_MF | IP_OFFMASK)) {
		p = ip4_frag_reasm(ns, p);
		if (!p)
			return;
	}
	if (!nf_hook_input(ns, ifc, &p))
		return;
	ip4_deliver(ns, ifc, p);
}
