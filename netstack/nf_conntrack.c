/* netstack/nf_conntrack.c - connection tracking for the state/conntrack matches and NAT
 * (net/netfilter/nf_conntrack_core.c, _proto_tcp.c, _proto_udp.c, _proto_icmp.c, reduced
 * to what they need): tuples for TCP, UDP, ICMP echo/timestamp and other protocols (by
 * address), NEW / ESTABLISHED / RELATED (ICMP errors about a tracked connection), a
 * coarse TCP state machine for the timeouts, a bounded table.
 *
 * Each connection is hashed by both its tuples and by its id; a packet carries the id of
 * its connection across loopback (pkt.nfct_id), so the receiving side sees the same
 * connection the sender's OUTPUT hook chose, as Linux keeps skb->_nfct. Entries expire
 * lazily (checked on lookup, and a few buckets are swept on every new connection).
 *
 * Owns: struct nf_ct_ns and every struct nf_conn. Must not: trust the packet (lengths are
 * checked before any header is read), or keep a packet. */
#include "netstack/nf_internal.h" /* first (net/if.h before linux/if.h) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include "common/timer.h"

#define CT_BUCKETS 4096
#define CT_ID_BUCKETS 1024
#define CT_MAX 65536 /* net.netfilter.nf_conntrack_max */
#define SEC 1000000000LL

/* TCP states (nf_conntrack_proto_tcp's, coarsened). */
enum {
	CT_TCP_NONE,
	CT_TCP_SYN_SENT,
	CT_TCP_SYN_RECV,
	CT_TCP_ESTABLISHED,
	CT_TCP_FIN_WAIT,
	CT_TCP_TIME_WAIT,
	CT_TCP_CLOSE
};
/* Linux's default timeouts, seconds. */
static const int tcp_timeout_s[] = {
    [CT_TCP_NONE] = 120,	   [CT_TCP_SYN_SENT] = 120, [CT_TCP_SYN_RECV] = 60,
    [CT_TCP_ESTABLISHED] = 432000, [CT_TCP_FIN_WAIT] = 120, [CT_TCP_TIME_WAIT] = 120,
    [CT_TCP_CLOSE] = 10,
};
#define UDP_TIMEOUT_S 30
#define UDP_STREAM_TIMEOUT_S 120
#define ICMP_TIMEOUT_S 30
#define GENERIC_TIMEOUT_S 600

/* One tuple's place in a hash chain. */
struct ct_node {
	struct ct_node *next;
	struct nf_conn *ct;
};

struct ct_conn {
	struct nf_conn c; /* first */
	struct ct_node node[NF_CT_DIRS];
	unsigned bucket[NF_CT_DIRS];
	struct ct_conn *id_next;
};

struct nf_ct_ns {
	struct ct_node *hash[CT_BUCKETS];
	struct ct_conn *by_id[CT_ID_BUCKETS];
	unsigned count;
	uint32_t next_id;
	unsigned gc_cursor;
};

static struct ct_conn *cc_of(struct nf_conn *ct)
{
	return (struct ct_conn *)ct;
}

static unsigned tuple_hash(const struct nf_tuple *t)
{
	uint32_t h = t->src * 0x9e3779b1u ^ t->dst * 0x85ebca6bu;
	h ^= ((uint32_t)t->sport << 16 | t->dport) * 0xc2b2ae35u;
	h ^= t->proto;
	h ^= h >> 15;
	return h % CT_BUCKETS;
}

bool nf_tuple_eq(const struct nf_tuple *a, const struct nf_tuple *b)
{
	return a->src == b->src && a->dst == b->dst && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto;
}

/* The ICMP type answering @type (nf_conntrack_proto_icmp's invmap), or -1. */
static int icmp_inverse(uint8_t type)
{
	switch (type) {
	case ICMP_ECHO:
		return ICMP_ECHOREPLY;
	case ICMP_ECHOREPLY:
		return ICMP_ECHO;
	case ICMP_TIMESTAMP:
		return ICMP_TIMESTAMPREPLY;
	case ICMP_TIMESTAMPREPLY:
		return ICMP_TIMESTAMP;
	default:
		return -1;
	}
}

/* nf_ct_invert_tuple. For ICMP, sport holds the id (kept) and dport the type (answered). */
void nf_tuple_invert(struct nf_tuple *inv, const struct nf_tuple *t)
{
	memset(inv, 0, sizeof(*inv));
	inv->src = t->dst;
	inv->dst = t->src;
	inv->proto = t->proto;
	if (t->proto == IPPROTO_ICMP) {
		inv->sport = t->sport;
		inv->dport = htons((uint16_t)(icmp_inverse((uint8_t)(ntohs(t->dport) >> 8)) << 8));
	} else {
		inv->sport = t->dport;
		inv->dport = t->sport;
	}
}

/* The tuple of the datagram at @ip with @l4len readable bytes at @l4 (NULL for a later
 * fragment). False when it has none we can track (a short header, an ICMP message that is
 * not a query). */
static bool tuple_of(const struct iphdr *ip, const uint8_t *l4, size_t l4len, struct nf_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->src = ip->saddr;
	t->dst = ip->daddr;
	t->proto = ip->protocol;
	switch (ip->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (!l4 || l4len < 4)
			return false;
		memcpy(&t->sport, l4, 2);
		memcpy(&t->dport, l4 + 2, 2);
		return true;
	case IPPROTO_ICMP:
		if (!l4 || l4len < 8 || icmp_inverse(l4[0]) < 0)
			return false;
		memcpy(&t->sport, l4 + 4, 2); /* the echo id */
		t->dport = htons((uint16_t)(l4[0] << 8));
		return true;
	default:
		return true;
	}
}

/* ---- the table ---- */

int nf_ct_ns_init(struct nf_ns *nf)
{
	nf->ct = calloc(1, sizeof(*nf->ct));
	return nf->ct ? 0 : -ENOMEM;
}

static void ct_unlink(struct nf_ct_ns *t, struct ct_conn *cc)
{
	for (int d = 0; d < NF_CT_DIRS; d++) {
		struct ct_node **pp = &t->hash[cc->bucket[d]];
		while (*pp && *pp != &cc->node[d])
			pp = &(*pp)->next;
		if (*pp)
			*pp = cc->node[d].next;
	}
	struct ct_conn **ip = &t->by_id[cc->c.id % CT_ID_BUCKETS];
	while (*ip && *ip != cc)
		ip = &(*ip)->id_next;
	if (*ip)
		*ip = cc->id_next;
	t->count--;
}

static void ct_destroy(struct nf_ct_ns *t, struct nf_conn *ct)
{
	ct_unlink(t, cc_of(ct));
	free(cc_of(ct));
}

void nf_ct_ns_fini(struct nf_ns *nf)
{
	struct nf_ct_ns *t = nf->ct;
	if (!t)
		return;
	for (unsigned b = 0; b < CT_ID_BUCKETS; b++)
		while (t->by_id[b])
			ct_destroy(t, &t->by_id[b]->c);
	free(t);
	nf->ct = NULL;
}

static void hash_in(struct nf_ct_ns *t, struct ct_conn *cc, int d)
{
	cc->bucket[d] = tuple_hash(&cc->c.tuple[d]);
	cc->node[d].ct = &cc->c;
	cc->node[d].next = t->hash[cc->bucket[d]];
	t->hash[cc->bucket[d]] = &cc->node[d];
}

void nf_ct_rehash(struct nf_ns *nf, struct nf_conn *ct)
{
	struct nf_ct_ns *t = nf->ct;
	struct ct_conn *cc = cc_of(ct);
	struct ct_node **pp = &t->hash[cc->bucket[IP_CT_DIR_REPLY]];
	while (*pp && *pp != &cc->node[IP_CT_DIR_REPLY])
		pp = &(*pp)->next;
	if (*pp)
		*pp = cc->node[IP_CT_DIR_REPLY].next;
	hash_in(t, cc, IP_CT_DIR_REPLY);
}

static bool expired(const struct nf_conn *ct, int64_t now)
{
	return ct->expires_ns <= now;
}

/* Frees the expired connections of one bucket (a slow sweep, one bucket per new
 * connection). */
static void gc_step(struct nf_ct_ns *t, int64_t now)
{
	for (int k = 0; k < 2; k++) {
		unsigned b = t->gc_cursor++ % CT_BUCKETS;
		struct ct_node *n = t->hash[b];
		while (n) {
			struct ct_node *next = n->next;
			if (expired(n->ct, now)) {
				/* the other node may be @next: skip past it first */
				while (next && next->ct == n->ct)
					next = next->next;
				ct_destroy(t, n->ct);
			}
			n = next;
		}
	}
}

/* The connection one of whose tuples is @tup, and the direction, or NULL. */
static struct nf_conn *ct_find(struct nf_ct_ns *t, const struct nf_tuple *tup, int *dir,
			       int64_t now)
{
	struct ct_node *n = t->hash[tuple_hash(tup)];
	while (n) {
		struct nf_conn *ct = n->ct;
		int d = n == &cc_of(ct)->node[0] ? 0 : 1;
		n = n->next;
		if (!nf_tuple_eq(&ct->tuple[d], tup))
			continue;
		if (expired(ct, now)) {
			ct_destroy(t, ct);
			return NULL;
		}
		*dir = d;
		return ct;
	}
	return NULL;
}

bool nf_ct_tuple_taken(struct nf_ns *nf, const struct nf_tuple *tup, const struct nf_conn *ign)
{
	int d;
	struct nf_conn *ct = ct_find(nf->ct, tup, &d, stimer_now_ns());
	if (ct == ign && ct) {
		/* the same connection may sit in the chain once more (its other tuple) */
		struct ct_node *n = nf->ct->hash[tuple_hash(tup)];
		for (; n; n = n->next)
			if (n->ct != ign &&
			    nf_tuple_eq(&n->ct->tuple[n == &cc_of(n->ct)->node[0] ? 0 : 1], tup))
				return true;
		return false;
	}
	return ct != NULL;
}

static struct nf_conn *by_id(struct nf_ct_ns *t, uint32_t id)
{
	for (struct ct_conn *cc = t->by_id[id % CT_ID_BUCKETS]; cc; cc = cc->id_next)
		if (cc->c.id == id)
			return &cc->c;
	return NULL;
}

struct nf_conn *nf_ct_by_id(struct nf_ns *nf, uint32_t id)
{
	return id && nf->ct ? by_id(nf->ct, id) : NULL;
}

unsigned long nf_ct_expires_s(const struct nf_conn *ct)
{
	int64_t left = ct->expires_ns - stimer_now_ns();
	return left > 0 ? (unsigned long)(left / SEC) : 0;
}

/* Makes room when the table is full (early_drop): an expired or unassured connection of
 * a few buckets. False when there is none. */
static bool make_room(struct nf_ct_ns *t, int64_t now)
{
	for (unsigned k = 0; k < 64; k++) {
		unsigned b = (t->gc_cursor + k) % CT_BUCKETS;
		for (struct ct_node *n = t->hash[b]; n; n = n->next)
			if (expired(n->ct, now) || !(n->ct->status & IPS_ASSURED)) {
				ct_destroy(t, n->ct);
				return true;
			}
	}
	return false;
}

static struct nf_conn *ct_new(struct nf_ct_ns *t, const struct nf_tuple *tup, int64_t now)
{
	gc_step(t, now);
	if (t->count >= CT_MAX && !make_room(t, now))
		return NULL;
	struct ct_conn *cc = calloc(1, sizeof(*cc));
	if (!cc)
		return NULL;
	cc->c.tuple[IP_CT_DIR_ORIGINAL] = *tup;
	nf_tuple_invert(&cc->c.tuple[IP_CT_DIR_REPLY], tup);
	do
		cc->c.id = ++t->next_id;
	while (!cc->c.id || by_id(t, cc->c.id));
	hash_in(t, cc, IP_CT_DIR_ORIGINAL);
	hash_in(t, cc, IP_CT_DIR_REPLY);
	cc->id_next = t->by_id[cc->c.id % CT_ID_BUCKETS];
	t->by_id[cc->c.id % CT_ID_BUCKETS] = cc;
	t->count++;
	return &cc->c;
}

/* ---- per packet ---- */

static bool is_icmp_error(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB || type == ICMP_REDIRECT;
}

/* icmp_error_message: an ICMP error about a datagram of a tracked connection is RELATED
 * to it (RELATED_REPLY when it travels in the reply direction). */
static void ct_related(struct nf_pkt *pk, int64_t now)
{
	const uint8_t *l4 = pk->l4;
	if (pk->l4len < 8 + sizeof(struct iphdr))
		return;
	const struct iphdr *in = (const struct iphdr *)(l4 + 8);
	size_t ihl = in->ihl * 4u;
	if (in->version != 4 || ihl < sizeof(*in) || pk->l4len < 8 + ihl)
		return;
	bool first = !(ntohs(in->frag_off) & IP_OFFMASK);
	struct nf_tuple orig, inv;
	if (!tuple_of(in, first ? l4 + 8 + ihl : NULL, pk->l4len - 8 - ihl, &orig))
		return;
	nf_tuple_invert(&inv, &orig);
	int dir;
	struct nf_conn *ct = ct_find(nf_ns_of(pk->ns)->ct, &inv, &dir, now);
	if (!ct)
		return;
	pk->ct = ct;
	pk->ctinfo = dir == IP_CT_DIR_REPLY ? IP_CT_RELATED_REPLY : IP_CT_RELATED;
}

/* The TCP state after a segment with @flags in @dir (tcp_packet, coarsened). */
static void tcp_track(struct nf_conn *ct, int dir, uint8_t flags)
{
	enum { FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10 };
	uint8_t s = ct->tcp_state;
	if (flags & RST) {
		s = CT_TCP_CLOSE;
	} else if ((flags & SYN) && !(flags & ACK)) {
		if (s == CT_TCP_NONE)
			s = CT_TCP_SYN_SENT;
	} else if ((flags & SYN) && (flags & ACK)) {
		if (s == CT_TCP_SYN_SENT && dir == IP_CT_DIR_REPLY)
			s = CT_TCP_SYN_RECV;
	} else {
		if (s == CT_TCP_NONE ||
		    (s == CT_TCP_SYN_RECV && dir == IP_CT_DIR_ORIGINAL && (flags & ACK)))
			s = CT_TCP_ESTABLISHED;
		if (flags & FIN) {
			ct->tcp_fin |= (uint8_t)(1u << dir);
			s = ct->tcp_fin == 3 ? CT_TCP_TIME_WAIT : CT_TCP_FIN_WAIT;
		}
	}
	if (s == CT_TCP_ESTABLISHED && (ct->status & IPS_SEEN_REPLY))
		ct->status |= IPS_ASSURED;
	ct->tcp_state = s;
}

static int timeout_s(const struct nf_conn *ct)
{
	switch (ct->tuple[0].proto) {
	case IPPROTO_TCP:
		return tcp_timeout_s[ct->tcp_state];
	case IPPROTO_UDP:
		return (ct->status & IPS_SEEN_REPLY) ? UDP_STREAM_TIMEOUT_S : UDP_TIMEOUT_S;
	case IPPROTO_ICMP:
		return ICMP_TIMEOUT_S;
	default:
		return GENERIC_TIMEOUT_S;
	}
}

/* May @pk start a connection? (TCP: not an RST; ICMP: a query, not an answer) */
static bool may_create(const struct nf_pkt *pk)
{
	if (pk->iph->protocol == IPPROTO_TCP)
		return !(pk->l4[13] & 0x04);
	if (pk->iph->protocol == IPPROTO_ICMP)
		return pk->l4[0] == ICMP_ECHO || pk->l4[0] == ICMP_TIMESTAMP;
	return true;
}

/* See nf_internal.h (nf_conntrack_in). */
bool nf_ct_in(struct nf_pkt *pk)
{
	struct nf_ns *nf = nf_ns_of(pk->ns);
	int64_t now = stimer_now_ns();
	int dir;
	pk->ct = NULL;
	pk->untracked = !nf->ct_enabled;
	if (pk->untracked)
		return true;
	struct nf_conn *ct = nf_ct_by_id(nf, pk->p->nfct_id);
	if (ct) { /* looped back: the sender's connection */
		pk->ct = ct;
		pk->ctinfo = pk->p->nfctinfo;
		return true;
	}
	pk->p->nfct_id = 0;
	if (pk->iph->protocol == IPPROTO_ICMP && pk->l4 && pk->l4len >= 8 &&
	    is_icmp_error(pk->l4[0])) {
		ct_related(pk, now);
		goto out;
	}
	struct nf_tuple tup;
	if (!tuple_of(pk->iph, pk->l4, pk->l4len, &tup) ||
	    (tup.proto == IPPROTO_TCP && pk->l4len < 20))
		return true; /* INVALID: no connection */
	ct = ct_find(nf->ct, &tup, &dir, now);
	if (ct && tup.proto == IPPROTO_TCP && dir == IP_CT_DIR_ORIGINAL &&
	    (ct->tcp_state == CT_TCP_TIME_WAIT || ct->tcp_state == CT_TCP_CLOSE) &&
	    (pk->l4[13] & 0x12) == 0x02) {
		ct_destroy(nf->ct, ct); /* a new SYN reopens a closed connection's tuple */
		ct = NULL;
	}
	if (!ct) {
		if (!may_create(pk))
			return true;
		if (!(ct = ct_new(nf->ct, &tup, now)))
			return false;
		dir = IP_CT_DIR_ORIGINAL;
	}
	if (dir == IP_CT_DIR_REPLY)
		ct->status |= IPS_SEEN_REPLY;
	if (tup.proto == IPPROTO_TCP)
		tcp_track(ct, dir, pk->l4[13]);
	ct->expires_ns = now + timeout_s(ct) * SEC;
	pk->ct = ct;
	if (dir == IP_CT_DIR_REPLY)
		pk->ctinfo = IP_CT_ESTABLISHED_REPLY;
	else
		pk->ctinfo = (ct->status & IPS_SEEN_REPLY) ? IP_CT_ESTABLISHED : IP_CT_NEW;
out:
	if (pk->ct) {
		pk->p->nfct_id = pk->ct->id;
		pk->p->nfctinfo = (uint8_t)pk->ctinfo;
	}
	return true;
}

void nf_ct_confirm(struct nf_pkt *pk)
{
	if (pk->ct)
		pk->ct->status |= IPS_CONFIRMED;
}

void nf_ct_drop_unconfirmed(struct nf_pkt *pk)
{
	if (pk->ct && !(pk->ct->status & IPS_CONFIRMED)) {
		ct_destroy(nf_ns_of(pk->ns)->ct, pk->ct);
		pk->p->nfct_id = 0;
	}
	pk->ct = NULL;
}

unsigned nf_ct_count(struct nf_ns *nf)
{
	return nf->ct ? nf->ct->count : 0;
}
