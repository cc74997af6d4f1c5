/* netstack/nf_nat.c - NAT over connection tracking (net/netfilter/nf_nat_core.c,
 * nf_nat_proto.c): the nat table runs for the first packet of a connection at each hook;
 * SNAT/DNAT/MASQUERADE/REDIRECT (or the null binding) choose a unique tuple, which
 * becomes the connection's reply tuple; every packet of the connection is then rewritten
 * (addresses, TCP/UDP ports, ICMP echo id, checksums) to look like the inverse of the
 * other direction. ICMP errors RELATED to a translated connection have their embedded
 * datagram translated back too.
 *
 * Owns: nothing beyond the call. Must not: read past the packet (every header is
 * checked against pk->l4len first). */
#include "netstack/nf_internal.h" /* first (net/if.h before linux/if.h) */
#include <arpa/inet.h>
#include <linux/netfilter/nf_nat.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#define HOOK2MANIP(h)                                                                              \
	(((h) == NF_INET_POST_ROUTING || (h) == NF_INET_LOCAL_IN) ? NF_NAT_MANIP_SRC               \
								  : NF_NAT_MANIP_DST)

/* ---- checksums (RFC 1624 incremental updates) ---- */

static void csum_replace2(uint16_t *sum, uint16_t from, uint16_t to)
{
	uint32_t s = (uint16_t) ~*sum;
	s += (uint16_t)~from;
	s += to;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	*sum = (uint16_t)~s;
}

static void csum_replace4(uint16_t *sum, uint32_t from, uint32_t to)
{
	csum_replace2(sum, (uint16_t)from, (uint16_t)to);
	csum_replace2(sum, (uint16_t)(from >> 16), (uint16_t)(to >> 16));
}

static void ip_csum(struct iphdr *ip)
{
	ip->check = 0;
	ip->check = inet_csum_fold(inet_csum_add(0, ip, ip->ihl * 4u));
}

/* Rewrites the datagram at @ip (@l4: its transport header, @l4len readable bytes; NULL
 * for a later fragment) so that its source (SRC) or destination (DST) is @t's. @inner: an
 * ICMP error's embedded datagram, whose transport checksum may be cut off. */
static void manip(struct iphdr *ip, uint8_t *l4, size_t l4len, const struct nf_tuple *t,
		  enum nf_nat_manip m, bool inner)
{
	uint32_t *addr = m == NF_NAT_MANIP_SRC ? &ip->saddr : &ip->daddr;
	uint32_t naddr = m == NF_NAT_MANIP_SRC ? t->src : t->dst;
	uint16_t nport = m == NF_NAT_MANIP_SRC ? t->sport : t->dport;
	uint16_t *csum = NULL, *port = NULL;
	if (l4) {
		switch (ip->protocol) {
		case IPPROTO_TCP:
			if (l4len >= 4)
				port = (uint16_t *)(l4 + (m == NF_NAT_MANIP_SRC ? 0 : 2));
			if (l4len >= 18)
				csum = (uint16_t *)(l4 + 16);
			break;
		case IPPROTO_UDP:
			if (l4len >= 4)
				port = (uint16_t *)(l4 + (m == NF_NAT_MANIP_SRC ? 0 : 2));
			if (l4len >= 8 && *(uint16_t *)(l4 + 6))
				csum = (uint16_t *)(l4 + 6);
			break;
		case IPPROTO_ICMP: /* icmp_manip_pkt: the query id, whatever the manip */
			if (l4len >= 8 &&
			    (l4[0] == ICMP_ECHO || l4[0] == ICMP_ECHOREPLY ||
			     l4[0] == ICMP_TIMESTAMP || l4[0] == ICMP_TIMESTAMPREPLY)) {
				uint16_t *id = (uint16_t *)(l4 + 4);
				csum_replace2((uint16_t *)(l4 + 2), *id, t->sport);
				*id = t->sport;
			}
			break;
		}
	}
	if (csum) { /* the pseudo-header's address, then the port */
		csum_replace4(csum, *addr, naddr);
		if (port)
			csum_replace2(csum, *port, nport);
		if (ip->protocol == IPPROTO_UDP && !*csum)
			*csum = 0xffff;
	}
	if (port)
		*port = nport;
	*addr = naddr;
	if (!inner)
		ip_csum(ip);
}

/* nf_nat_manip_pkt: make the packet look like the inverse of the other direction. */
static void manip_pkt(struct nf_pkt *pk, enum nf_nat_manip m, int dir)
{
	struct nf_tuple target;
	nf_tuple_invert(&target, &pk->ct->tuple[!dir]);
	manip(pk->iph, pk->l4, pk->l4len, &target, m, false);
}

/* See netfilter.h. */
void nf_l4_csum_fill(struct pkt *p)
{
	struct nf_pkt pk = {.p = p};
	if (!nf_pkt_parse(&pk) || !pk.l4 || (pk.iph->frag_off & htons(IP_MF)))
		return;
	size_t off;
	if (pk.iph->protocol == IPPROTO_TCP && pk.l4len >= 20)
		off = 16;
	else if (pk.iph->protocol == IPPROTO_UDP && pk.l4len >= 8)
		off = 6;
	else
		return;
	uint16_t zero = 0, c;
	memcpy(pk.l4 + off, &zero, 2);
	c = inet_csum_fold(inet_csum_add(
	    inet_pseudo_sum(pk.iph->saddr, pk.iph->daddr, pk.iph->protocol, (uint16_t)pk.l4len),
	    pk.l4, pk.l4len));
	if (pk.iph->protocol == IPPROTO_UDP && !c)
		c = 0xffff;
	memcpy(pk.l4 + off, &c, 2);
}

/* ---- choosing the tuple (get_unique_tuple) ---- */

static bool used(struct nf_ns *nf, const struct nf_tuple *t, const struct nf_conn *ct)
{
	struct nf_tuple reply;
	nf_tuple_invert(&reply, t);
	return nf_ct_tuple_taken(nf, &reply, ct);
}

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_ICMP;
}

/* The port (or ICMP id) the manip changes, as a pointer into @t. */
static uint16_t *manip_port(struct nf_tuple *t, enum nf_nat_manip m)
{
	if (t->proto == IPPROTO_ICMP || m == NF_NAT_MANIP_SRC)
		return &t->sport;
	return &t->dport;
}

static bool port_in_range(const struct nf_tuple *t, enum nf_nat_manip m,
			  const struct nf_nat_range2 *r)
{
	uint16_t p = ntohs(*manip_port((struct nf_tuple *)t, m));
	return p >= ntohs(r->min_proto.all) && p <= ntohs(r->max_proto.all);
}

/* nf_nat_l4proto_unique_tuple: the first free port of the range (the privileged ranges
 * of Linux when none was given). False when every port is taken. */
static bool unique_port(struct nf_ns *nf, struct nf_tuple *t, const struct nf_nat_range2 *r,
			enum nf_nat_manip m, const struct nf_conn *ct)
{
	uint16_t *key = manip_port(t, m);
	unsigned lo, hi;
	if (!(r->flags & NF_NAT_RANGE_PROTO_SPECIFIED)) {
		if (m == NF_NAT_MANIP_DST && t->proto != IPPROTO_ICMP)
			return !used(nf, t, ct); /* a destination port is never changed unasked */
		unsigned cur = ntohs(*key);
		if (t->proto == IPPROTO_ICMP) {
			lo = 0;
			hi = 65535;
		} else if (cur < 1024) {
			lo = cur < 512 ? 1 : 600;
			hi = cur < 512 ? 511 : 1023;
		} else {
			lo = 1024;
			hi = 65535;
		}
	} else {
		lo = ntohs(r->min_proto.all);
		hi = ntohs(r->max_proto.all);
		if (hi < lo)
			hi = lo;
	}
	unsigned span = hi - lo + 1, start = ntohs(*key);
	start = (start >= lo && start <= hi) ? start - lo : 0;
	for (unsigned k = 0; k < span; k++) {
		*key = htons((uint16_t)(lo + (start + k) % span));
		if (!used(nf, t, ct))
			return true;
	}
	return false;
}

static bool get_unique_tuple(struct nf_ns *nf, struct nf_tuple *t, const struct nf_tuple *orig,
			     const struct nf_nat_range2 *r, struct nf_conn *ct, enum nf_nat_manip m)
{
	*t = *orig;
	uint32_t *a = m == NF_NAT_MANIP_SRC ? &t->src : &t->dst;
	if (r->flags & NF_NAT_RANGE_MAP_IPS) {
		/* the first address of the range that keeps the tuple unique, else the first */
		uint32_t lo = ntohl(r->min_addr.ip), hi = ntohl(r->max_addr.ip);
		if (hi < lo)
			hi = lo;
		uint32_t pick = lo;
		for (uint32_t x = lo, n = 0; n < 256; x++, n++) {
			*a = htonl(x);
			if (!used(nf, t, ct)) {
				pick = x;
				break;
			}
			if (x == hi)
				break;
		}
		*a = htonl(pick);
	}
	if (!has_ports(t->proto))
		return true;
	if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
		if (port_in_range(t, m, r) &&
		    (r->min_proto.all == r->max_proto.all || !used(nf, t, ct)))
			return true;
	} else if (!used(nf, t, ct)) {
		return true;
	}
	return unique_port(nf, t, r, m, ct);
}

/* See nf_internal.h (nf_nat_setup_info). */
unsigned nf_nat_setup(struct nf_pkt *pk, const struct nf_nat_range2 *r, enum nf_nat_manip m)
{
	struct nf_conn *ct = pk->ct;
	struct nf_ns *nf = nf_ns_of(pk->ns);
	unsigned long done = m == NF_NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
	if (!ct || (ct->status & done))
		return NF_ACCEPT;
	struct nf_tuple cur, nt;
	/* what we have looks like the inverse of the reply */
	nf_tuple_invert(&cur, &ct->tuple[IP_CT_DIR_REPLY]);
	if (!get_unique_tuple(nf, &nt, &cur, r, ct, m))
		return NF_DROP;
	if (!nf_tuple_eq(&nt, &cur)) {
		nf_tuple_invert(&ct->tuple[IP_CT_DIR_REPLY], &nt);
		nf_ct_rehash(nf, ct);
		ct->status |= m == NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	}
	ct->status |= done;
	return NF_ACCEPT;
}

/* nf_nat_alloc_null_binding: no rule translated this kind: keep the addresses, but still
 * make the tuple unique (a source port may change). */
static unsigned null_binding(struct nf_pkt *pk, enum nf_nat_manip m)
{
	struct nf_nat_range2 r;
	memset(&r, 0, sizeof(r));
	r.flags = NF_NAT_RANGE_MAP_IPS;
	const struct nf_tuple *rep = &pk->ct->tuple[IP_CT_DIR_REPLY];
	r.min_addr.ip = r.max_addr.ip = m == NF_NAT_MANIP_SRC ? rep->dst : rep->src;
	return nf_nat_setup(pk, &r, m);
}

/* nf_nat_icmp_reply_translation: an ICMP error about a translated connection: the
 * embedded datagram is rewritten as the other direction saw it, then the outer header. */
static unsigned icmp_reply_translation(struct nf_pkt *pk, enum nf_nat_manip m)
{
	struct nf_conn *ct = pk->ct;
	int dir = CTINFO2DIR(pk->ctinfo);
	unsigned long statusbit = m == NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	if (dir == IP_CT_DIR_REPLY)
		statusbit ^= IPS_NAT_MASK;
	if (!(ct->status & statusbit))
		return NF_ACCEPT;
	if (!pk->l4 || pk->l4len < 8 + sizeof(struct iphdr))
		return NF_DROP;
	struct iphdr *in = (struct iphdr *)(pk->l4 + 8);
	size_t ihl = in->ihl * 4u;
	if (ihl < sizeof(*in) || pk->l4len < 8 + ihl)
		return NF_DROP;
	/* the embedded datagram went the other way: it gets the reverse kind of manip, to
	 * look like the other direction's tuple */
	bool first = !(ntohs(in->frag_off) & IP_OFFMASK);
	manip(in, first ? pk->l4 + 8 + ihl : NULL, pk->l4len - 8 - ihl, &ct->tuple[!dir],
	      m == NF_NAT_MANIP_SRC ? NF_NAT_MANIP_DST : NF_NAT_MANIP_SRC, true);
	/* the embedded header's checksum, then the ICMP checksum over everything */
	in->check = 0;
	in->check = inet_csum_fold(inet_csum_add(0, in, ihl));
	uint16_t *ic = (uint16_t *)(pk->l4 + 2);
	*ic = 0;
	*ic = inet_csum_fold(inet_csum_add(0, pk->l4, pk->l4len));
	manip_pkt(pk, m, dir);
	return NF_ACCEPT;
}

/* See nf_internal.h (nf_nat_inet_fn + nf_nat_packet). */
unsigned nf_nat_hook(struct nf_pkt *pk)
{
	struct nf_conn *ct = pk->ct;
	enum nf_nat_manip m = HOOK2MANIP(pk->hook);
	if (!ct)
		return NF_ACCEPT;
	if (pk->ctinfo == IP_CT_RELATED || pk->ctinfo == IP_CT_RELATED_REPLY) {
		if (pk->iph->protocol == IPPROTO_ICMP)
			return icmp_reply_translation(pk, m);
	}
	if (pk->ctinfo == IP_CT_NEW || pk->ctinfo == IP_CT_RELATED ||
	    pk->ctinfo == IP_CT_RELATED_REPLY) {
		unsigned long done = m == NF_NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
		if (!(ct->status & done)) {
			struct nf_table *t = &nf_ns_of(pk->ns)->tables[NF_TABLE_NAT];
			unsigned v = nf_table_eval(t, pk);
			if (v != NF_ACCEPT)
				return v;
			if (!(ct->status & done) && null_binding(pk, m) != NF_ACCEPT)
				return NF_DROP;
		}
	}
	int dir = CTINFO2DIR(pk->ctinfo);
	unsigned long statusbit = m == NF_NAT_MANIP_SRC ? IPS_SRC_NAT : IPS_DST_NAT;
	if (dir == IP_CT_DIR_REPLY)
		statusbit ^= IPS_NAT_MASK;
	if (ct->status & statusbit)
		manip_pkt(pk, m, dir);
	return NF_ACCEPT;
}
