/* netstack/ip4.h - IPv4: checksums, output (routing, fragmentation), input (validation,
 * reassembly, demultiplexing to the transports), and the ICMP error path between them.
 *
 * Addresses and ports are in network byte order everywhere in the netstack; lengths and
 * counters in host order. Transports never see fragments: ip4_input reassembles first. */
#ifndef CVISOR_NETSTACK_IP4_H
#define CVISOR_NETSTACK_IP4_H
#include <netinet/ip.h>
#include <stdbool.h>
#include <stdint.h>
#include "netstack/netns.h"
#include "netstack/pkt.h"

/* ---- checksums (RFC 1071) ----
 * As Linux: words are summed as they lie in memory, so inet_csum_fold's result is stored
 * into a header as is, and a received header with a right checksum folds to 0:
 *   th->check = 0; th->check = inet_csum_fold(inet_csum_add(inet_pseudo_sum(s, d,
 *                                     IPPROTO_TCP, len), th, len));
 *   ok = inet_csum_fold(inet_csum_add(inet_pseudo_sum(...), th, len)) == 0; */
/* Adds @len bytes at @buf to a running 32-bit sum. */
uint32_t inet_csum_add(uint32_t sum, const void *buf, size_t len);
/* Folds a running sum into the final one's-complement checksum. */
uint16_t inet_csum_fold(uint32_t sum);
/* The pseudo-header sum of TCP/UDP over IPv4 (@len: the L4 length, host order). */
uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/* ---- output ---- */
/* What a transport asks of IPv4 for one packet. */
struct ip4_tx {
	uint32_t src;		 /* 0: chosen by the route */
	uint32_t dst;
	uint8_t proto;		 /* IPPROTO_* */
	uint8_t ttl;		 /* 0: the namespace's default */
	uint8_t tos;
	bool df;		 /* don't fragment (PMTU discovery; TCP sets it) */
	struct net_iface *oif;	 /* SO_BINDTODEVICE / IP_PKTINFO, or NULL */
	bool allow_broadcast;	 /* SO_BROADCAST: else sending to a broadcast is -EACCES */
};
/* Sends @p (p->data at the transport header, checksum already filled) : pushes the IPv4
 * header, routes (local destinations go through loopback), fragments to the path MTU
 * (or -EMSGSIZE when tx->df), and hands it to the link layer. Consumes @p. Returns 0 or
 * -ENETUNREACH / -EHOSTUNREACH / -EMSGSIZE / -EACCES / -ENOMEM. */
int ip4_output(struct netns *ns, struct pkt *p, const struct ip4_tx *tx);
/* Sends a packet whose IPv4 header the caller built (IP_HDRINCL): fills id, total length
 * and checksum as Linux does when they are zero. Consumes @p. */
int ip4_output_hdrincl(struct netns *ns, struct pkt *p, struct net_iface *oif);
/* Sends a complete datagram (p->data at its header, checksum filled) along @rt:
 * fragmented to rt->mtu unless DF (-EMSGSIZE). Consumes @p. */
int ip4_output_routed(struct netns *ns, struct pkt *p, const struct net_route_result *rt);
/* Forwards a datagram that arrived on @in and is not ours (net.ipv4.ip_forward on):
 * TTL, route, MTU, ICMP errors as Linux's ip_forward. Consumes @p (p->data at the IP
 * header, validated and trimmed by ip4_input). */
void ip4_forward(struct net_iface *in, struct pkt *p);
/* Source address and MTU the route to @dst would use (connect, MSS, getsockname). */
int ip4_route_src(struct netns *ns, uint32_t dst, struct net_iface *oif, uint32_t *src,
		  int *mtu);
/* Whether source @src may be used toward @dst: the route's error, -EINVAL for a 127/8
 * source out of an interface without route_localnet (tcp connect(2)), else 0. */
int ip4_route_check_src(struct netns *ns, uint32_t src, uint32_t dst, struct net_iface *oif);

/* ---- input ---- */
/* One received IPv4 datagram as the transports see it. */
struct ip4_rx {
	uint32_t src, dst;
	uint8_t proto, ttl, tos;
	struct net_iface *iface; /* the receiving interface (loopback for local traffic) */
	bool broadcast;		 /* sent to a broadcast address of ours */
	bool multicast;
	const struct iphdr *iph; /* the header (in the packet: p->nh) */
	uint8_t ihl_bytes;	 /* header length with options */
};
/* An IPv4 packet arrived on @ifc (p->data at the IP header). Validates (version, IHL,
 * checksum, lengths; trims link padding), counts, reassembles fragments, delivers copies
 * to raw sockets, and hands the datagram to its transport with p->data at the transport
 * header and p->nh at the IP header. Unknown protocols answer ICMP protocol unreachable
 * (unless a raw socket took it). Packets not for us are dropped, or forwarded
 * (ip4_forward) when the namespace's net.ipv4.ip_forward is on.
 * Consumes @p. */
void ip4_input(struct net_iface *ifc, struct pkt *p);

/* Transport input hooks (weak: a transport that is not linked in does not exist, and its
 * protocol is "unreachable"). Each consumes @p; p->data at its header, p->len its
 * length. They validate their own header and checksum. */
void tcp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
    __attribute__((weak));
void udp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
    __attribute__((weak));
void icmp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
    __attribute__((weak));
/* Raw IPv4 sockets see every datagram of their protocol before the transport (a copy
 * each). Returns true when at least one raw socket took a copy. Does not consume @p. */
bool raw_v4_deliver(struct netns *ns, const struct pkt *p, const struct ip4_rx *rx)
    __attribute__((weak));

/* ---- ICMP errors ---- */
/* Answers @orig (a received packet, orig->nh at its IP header) with ICMP @type/@code
 * (@info: the next-hop MTU for fragmentation-needed, the pointer for parameter
 * problems), rate-limited, never about an ICMP error, a broadcast or a fragment other
 * than the first, as RFC 1122. Does not consume @orig. */
void icmp_send_error(struct netns *ns, const struct pkt *orig, int type, int code,
		     uint32_t info);
/* Error notifications for the transports: an ICMP error arrived about a datagram we
 * sent; @inner is its IP header and @l4 the first @l4len (>= 8) bytes after it. The
 * transport finds the socket and reports (SO_ERROR / IP_RECVERR / PMTU update). */
struct ip4_icmp_err {
	int type, code;
	uint32_t info;
	const struct iphdr *inner;
	const uint8_t *l4;
	size_t l4len;
	uint32_t from; /* who sent the error */
};
void tcp_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e) __attribute__((weak));
void udp_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e) __attribute__((weak));
void raw_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e) __attribute__((weak));
/* ICMP ping sockets (weak; the inet part): icmp_v4_input hands every echo reply to
 * ping_v4_input (consumes @p; p->data at the ICMP header, checksum verified) and every
 * error about an echo request we sent (inner protocol ICMP, inner type ICMP_ECHO) to
 * ping_v4_icmp_error. Raw sockets have already seen their copies. */
void ping_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
    __attribute__((weak));
void ping_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e) __attribute__((weak));

/* ---- per-namespace module set-up (weak; called by netns_new/netns_put when linked) ---- */
int arp_ns_init(struct netns *ns) __attribute__((weak));
void arp_ns_fini(struct netns *ns) __attribute__((weak));
int ip4_frag_ns_init(struct netns *ns) __attribute__((weak));
void ip4_frag_ns_fini(struct netns *ns) __attribute__((weak));
int tcp_ns_init(struct netns *ns) __attribute__((weak));
void tcp_ns_fini(struct netns *ns) __attribute__((weak));
int udp_ns_init(struct netns *ns) __attribute__((weak));
void udp_ns_fini(struct netns *ns) __attribute__((weak));
int raw_ns_init(struct netns *ns) __attribute__((weak));
void raw_ns_fini(struct netns *ns) __attribute__((weak));
int packet_ns_init(struct netns *ns) __attribute__((weak));
void packet_ns_fini(struct netns *ns) __attribute__((weak));
int netlink_ns_init(struct netns *ns) __attribute__((weak));
void netlink_ns_fini(struct netns *ns) __attribute__((weak));
int nf_ns_init(struct netns *ns) __attribute__((weak));
void nf_ns_fini(struct netns *ns) __attribute__((weak));

/* Frames seen by AF_PACKET sockets (weak): every received frame before the protocols
 * (@p at the Ethernet header, p->type PKT_HOST/BROADCAST/...), and every transmitted one
 * (p->type PKT_OUTGOING). Does not consume @p. */
void packet_deliver(struct net_iface *ifc, const struct pkt *p) __attribute__((weak));

/* TCP connections in ESTABLISHED or CLOSE-WAIT (weak; the Tcp: CurrEstab column of
 * /proc/net/snmp; 0 when TCP is not linked). */
long tcp_curr_estab(struct netns *ns) __attribute__((weak));

/* Change notifications for rtnetlink listeners (weak): RTM_NEWLINK/DELLINK with @obj an
 * interface, RTM_NEWADDR/DELADDR with a net_ifaddr, RTM_NEWROUTE/DELROUTE with a
 * net_route. Called after the change. */
void netlink_notify(struct netns *ns, int msgtype, const void *obj) __attribute__((weak));

#endif
