/* netstack/icmp.c - ICMP for IPv4 (RFC 792, RFC 1122 3.2.2): echo replies, the errors
 * that arrive (handed to the transport that sent the offending datagram), and the
 * errors we send, rate-limited as Linux.
 *
 * Owns: the ICMP counters and the rate limiter. Must not: trust an error's quoted
 * header, or answer an error with an error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include "netstack/ip4.h"

/* Linux: net.ipv4.icmp_msgs_per_sec 1000 (burst icmp_msgs_burst 50) for the whole
 * namespace, and net.ipv4.icmp_ratelimit 1000 ms per destination (burst 6) for the types
 * of icmp_ratemask (unreachable, source quench, time exceeded, parameter problem). */
#define ICMP_GLOBAL_PER_SEC 1000
#define ICMP_GLOBAL_BURST 50
#define ICMP_PEER_INTERVAL_NS 1000000000LL
#define ICMP_PEER_BURST 6
#define ICMP_PEERS 64
/* Room for the quoted datagram: the error fits in 576 bytes (RFC 1812 4.3.2.3). */
#define ICMP_ERR_MAX 576

/* One rate limiter for the Sentry (sandboxes have one namespace; an attacker flooding
 * one namespace only throttles errors, as the per-namespace limit of Linux would). */
static struct {
	int64_t last_ns;
	int64_t credit; /* tokens * 1e9 */
	struct {
		uint32_t dst;
		int64_t last_ns;
		int64_t tokens_ns;
	} peers[ICMP_PEERS];
} rl;

static bool rate_global(int64_t now)
{
	int64_t max = (int64_t)ICMP_GLOBAL_BURST * 1000000000LL;
	if (!rl.last_ns)
		rl.credit = max;
	else
		rl.credit += (now - rl.last_ns) * ICMP_GLOBAL_PER_SEC;
	rl.last_ns = now;
	if (rl.credit > max)
		rl.credit = max;
	if (rl.credit < 1000000000LL)
		return false;
	rl.credit -= 1000000000LL;
	return true;
}

/* Linux's inet_peer_xrlim_allow: a token per interval, at most a burst of them. */
static bool rate_peer(uint32_t dst, int64_t now)
{
	unsigned h = (ntohl(dst) * 2654435761u) % ICMP_PEERS;
	int64_t max = ICMP_PEER_BURST * ICMP_PEER_INTERVAL_NS;
	if (rl.peers[h].dst != dst || !rl.peers[h].last_ns) {
		rl.peers[h].dst = dst;
		rl.peers[h].tokens_ns = max;
	} else {
		rl.peers[h].tokens_ns += now - rl.peers[h].last_ns;
		if (rl.peers[h].tokens_ns > max)
			rl.peers[h].tokens_ns = max;
	}
	rl.peers[h].last_ns = now;
	if (rl.peers[h].tokens_ns < ICMP_PEER_INTERVAL_NS)
		return false;
	rl.peers[h].tokens_ns -= ICMP_PEER_INTERVAL_NS;
	return true;
}

static bool is_error_type(int type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT ||
	       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
}

static bool is_bad_dst(struct netns *ns, uint32_t a)
{
	uint32_t h = ntohl(a);
	if (a == 0 || a == INADDR_BROADCAST || (h >> 28) == 0xe)
		return true;
	return net_bcast_iface(ns, a) != NULL;
}

/* Sends an ICMP message with @hdr (8 bytes) and @body to @dst from @src. */
static int icmp_xmit(struct netns *ns, uint32_t src, uint32_t dst, uint8_t tos,
		     const struct icmphdr *hdr, const void *body, size_t blen)
{
	struct pkt *q = pkt_alloc(PKT_HEADROOM, sizeof(*hdr) + blen);
	if (!q) {
		ns->stats.icmp_out_errors++;
		return -ENOMEM;
	}
	memcpy(q->data, hdr, sizeof(*hdr));
	if (blen)
		memcpy(q->data + sizeof(*hdr), body, blen);
	struct icmphdr *h = (struct icmphdr *)q->data;
	h->checksum = 0;
	h->checksum = inet_csum_fold(inet_csum_add(0, q->data, q->len));
	struct ip4_tx tx = {.src = src, .dst = dst, .proto = IPPROTO_ICMP, .tos = tos};
	ns->stats.icmp_out_msgs++;
	if (hdr->type < NET_ICMP_TYPES)
		ns->stats.icmp_out_type[hdr->type]++;
	int r = ip4_output(ns, q, &tx);
	if (r < 0)
		ns->stats.icmp_out_errors++;
	return r;
}

/* See ip4.h. */
void icmp_send_error(struct netns *ns, const struct pkt *orig, int type, int code, uint32_t info)
{
	if (!orig->nh || orig->nh < orig->head || orig->nh >= orig->data + orig->len)
		return;
	const struct iphdr *ip = (const struct iphdr *)orig->nh;
	size_t have = (size_t)(orig->data + orig->len - orig->nh);
	if (have < sizeof(*ip) || ip->ihl < 5 || ip->ihl * 4u > have)
		return;
	size_t ihl = ip->ihl * 4u;
	/* never about a fragment other than the first, a broadcast, a bad source */
	if (ip->frag_off & htons(IP_OFFMASK))
		return;
	if (orig->type == PKT_BROADCAST || orig->type == PKT_MULTICAST ||
	    is_bad_dst(ns, ip->daddr) || is_bad_dst(ns, ip->saddr))
		return;
	/* never about an ICMP error */
	if (ip->protocol == IPPROTO_ICMP) {
		if (have < ihl + 1)
			return;
		if (is_error_type(orig->nh[ihl]))
			return;
	}
	int64_t now = stimer_now_ns();
	bool to_self = net_addr_is_local(ns, ip->saddr);
	if (!to_self && !rate_global(now)) {
		ns->stats.icmp_out_ratelimit_global++;
		return;
	}
	if (!to_self && !rate_peer(ip->saddr, now)) {
		ns->stats.icmp_out_ratelimit_host++;
		return;
	}
	/* the quoted datagram: its header and as much of its data as fits */
	size_t tot = ntohs(ip->tot_len);
	size_t qlen = tot < have ? tot : have;
	size_t room = ICMP_ERR_MAX - sizeof(struct iphdr) - sizeof(struct icmphdr);
	if (qlen > room)
		qlen = room;
	struct icmphdr h = {.type = (uint8_t)type, .code = (uint8_t)code};
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		h.un.frag.mtu = htons((uint16_t)info);
	else if (type == ICMP_PARAMETERPROB)
		h.un.gateway = htonl(info << 24);
	/* from the address the datagram was sent to when it is ours (Linux) */
	uint32_t src = net_addr_owner(ns, ip->daddr) ? ip->daddr : 0;
	uint8_t tos = (uint8_t)((ip->tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL);
	icmp_xmit(ns, src, ip->saddr, tos, &h, orig->nh, qlen);
}

static void echo_reply(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	struct icmphdr h;
	memcpy(&h, p->data, sizeof(h));
	h.type = ICMP_ECHOREPLY;
	uint32_t src = rx->dst;
	if (net_addr_owner(ns, src) == NULL && (ntohl(src) >> 24) != 127)
		src = 0;
	icmp_xmit(ns, src, rx->src, rx->tos, &h, p->data + sizeof(h), p->len - sizeof(h));
}

/* An error about a datagram we sent: find its transport (the quoted header says which). */
static void error_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	const struct icmphdr *h = (const struct icmphdr *)p->data;
	size_t len = p->len - sizeof(*h);
	const uint8_t *body = p->data + sizeof(*h);
	if (len < sizeof(struct iphdr)) {
		ns->stats.icmp_in_errors++;
		return;
	}
	const struct iphdr *inner = (const struct iphdr *)body;
	size_t ihl = inner->ihl * 4u;
	if (inner->version != 4 || inner->ihl < 5 || len < ihl + 8) {
		ns->stats.icmp_in_errors++;
		return;
	}
	struct ip4_icmp_err e = {
	    .type = h->type,
	    .code = h->code,
	    .inner = inner,
	    .l4 = body + ihl,
	    .l4len = len - ihl,
	    .from = rx->src,
	};
	if (h->type == ICMP_DEST_UNREACH && h->code == ICMP_FRAG_NEEDED)
		e.info = ntohs(h->un.frag.mtu);
	else if (h->type == ICMP_PARAMETERPROB)
		e.info = ntohl(h->un.gateway) >> 24;
	if (raw_v4_icmp_error)
		raw_v4_icmp_error(ns, &e);
	switch (inner->protocol) {
	case IPPROTO_TCP:
		if (tcp_v4_icmp_error)
			tcp_v4_icmp_error(ns, &e);
		break;
	case IPPROTO_UDP:
		if (udp_v4_icmp_error)
			udp_v4_icmp_error(ns, &e);
		break;
	case IPPROTO_ICMP:
		if (e.l4[0] == ICMP_ECHO && ping_v4_icmp_error)
			ping_v4_icmp_error(ns, &e);
		break;
	}
}

/* The ICMP transport (see ip4.h). Consumes @p. */
void icmp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	ns->stats.icmp_in_msgs++;
	if (!pkt_may_pull(p, sizeof(struct icmphdr))) {
		ns->stats.icmp_in_errors++;
		pkt_put(p);
		return;
	}
	if (inet_csum_fold(inet_csum_add(0, p->data, p->len)) != 0) {
		ns->stats.icmp_in_errors++;
		ns->stats.icmp_in_csum_errors++;
		pkt_put(p);
		return;
	}
	uint8_t type = p->data[0];
	if (type < NET_ICMP_TYPES)
		ns->stats.icmp_in_type[type]++;
	switch (type) {
	case ICMP_ECHO:
		if (!ns->sysctl.icmp_echo_ignore_all && !rx->broadcast && !rx->multicast)
			echo_reply(ns, p, rx);
		break;
	case ICMP_ECHOREPLY:
		if (ping_v4_input) {
			ping_v4_input(ns, p, rx);
			return;
		}
		break;
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		error_input(ns, p, rx);
		break;
	default:
		break; /* redirects (no forwarding decisions to fix), timestamps, ... */
	}
	pkt_put(p);
}
