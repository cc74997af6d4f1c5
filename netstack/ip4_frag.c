/* netstack/ip4_frag.c - IPv4 reassembly (RFC 791, RFC 815), as Linux's ip_fragment.c:
 * one queue per (source, destination, id, protocol), fragments kept sorted, exact
 * duplicates dropped, any other overlap kills the whole datagram (Linux since 4.19),
 * a 30 s timeout answered with ICMP time exceeded (code 1) when the first fragment came,
 * and a per-namespace memory bound beyond which new fragments are dropped.
 *
 * Owns: the reassembly queues and their packets. Must not: trust offsets or lengths. */
#include <arpa/inet.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include "netstack/ip4.h"
#include "netstack/ip4_frag.h"

struct frag_queue {
	struct list_head link; /* in ip4_frag_ns.queues (oldest first) */
	struct ip4_frag_ns *owner;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	struct list_head frags; /* struct pkt.link, by offset */
	size_t len;		/* total payload length, once the last fragment came */
	size_t meat;		/* payload bytes received */
	bool last_in, first_in;
	long mem;
	struct stimer timer;
};

struct ip4_frag_ns {
	struct netns *ns;
	struct list_head queues;
	long mem;
	int nqueues;
};

/* Per-fragment bookkeeping kept in the packet's headroom-free fields: the payload offset
 * and end, computed once. */
struct frag_cb {
	uint16_t off, end;
};

static struct frag_cb frag_of(const struct pkt *p)
{
	const struct iphdr *ip = (const struct iphdr *)p->data;
	struct frag_cb cb;
	cb.off = (uint16_t)((ntohs(ip->frag_off) & IP_OFFMASK) * 8u);
	cb.end = (uint16_t)(cb.off + (p->len - ip->ihl * 4u));
	return cb;
}

static long pkt_mem(const struct pkt *p)
{
	return (long)(p->cap + sizeof(*p));
}

static void queue_free(struct frag_queue *q)
{
	stimer_cancel(&q->timer);
	list_del(&q->link);
	while (!list_empty(&q->frags)) {
		struct pkt *p = list_first_entry(&q->frags, struct pkt, link);
		list_del(&p->link);
		list_init(&p->link);
		pkt_put(p);
	}
	q->owner->mem -= q->mem;
	q->owner->nqueues--;
	free(q);
}

static void queue_expire(struct stimer *tm)
{
	struct frag_queue *q = tm->priv;
	struct netns *ns = q->owner->ns;
	ns->stats.ip_reasm_fails++;
	ns->stats.ip_reasm_timeout++;
	if (q->first_in && !list_empty(&q->frags)) {
		struct pkt *first = list_first_entry(&q->frags, struct pkt, link);
		first->nh = first->data;
		icmp_send_error(ns, first, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
	}
	queue_free(q);
}

int ip4_frag_ns_init(struct netns *ns)
{
	struct ip4_frag_ns *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->ns = ns;
	list_init(&f->queues);
	ns->frag = f;
	return 0;
}

void ip4_frag_ns_fini(struct netns *ns)
{
	struct ip4_frag_ns *f = ns->frag;
	if (!f)
		return;
	while (!list_empty(&f->queues))
		queue_free(list_first_entry(&f->queues, struct frag_queue, link));
	free(f);
	ns->frag = NULL;
}

int ip4_frag_queues(struct netns *ns, long *mem)
{
	if (mem)
		*mem = ns->frag ? ns->frag->mem : 0;
	return ns->frag ? ns->frag->nqueues : 0;
}

static struct frag_queue *queue_find(struct ip4_frag_ns *f, const struct iphdr *ip)
{
	struct frag_queue *q;
	list_for_each_entry(q, &f->queues, link)
		if (q->src == ip->saddr && q->dst == ip->daddr && q->id == ip->id &&
		    q->proto == ip->protocol)
			return q;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->owner = f;
	q->src = ip->saddr;
	q->dst = ip->daddr;
	q->id = ip->id;
	q->proto = ip->protocol;
	list_init(&q->frags);
	stimer_init(&q->timer, queue_expire, q);
	if (stimer_arm(&q->timer, stimer_now_ns() + IP4_FRAG_TIMEOUT_NS) < 0) {
		free(q);
		return NULL;
	}
	list_add_tail(&q->link, &f->queues);
	f->nqueues++;
	return q;
}

/* Builds the datagram from a complete queue: the first fragment's header, every payload
 * in order. NULL on ENOMEM or when it would exceed 65535 bytes. */
static struct pkt *queue_glue(struct frag_queue *q)
{
	struct pkt *first = list_first_entry(&q->frags, struct pkt, link);
	const struct iphdr *fip = (const struct iphdr *)first->data;
	size_t ihl = fip->ihl * 4u;
	if (ihl + q->len > 65535)
		return NULL;
	struct pkt *r = pkt_alloc(PKT_HEADROOM, ihl + q->len);
	if (!r)
		return NULL;
	memcpy(r->data, first->data, ihl);
	struct pkt *p;
	list_for_each_entry(p, &q->frags, link) {
		struct frag_cb cb = frag_of(p);
		const struct iphdr *ip = (const struct iphdr *)p->data;
		memcpy(r->data + ihl + cb.off, p->data + ip->ihl * 4u, cb.end - cb.off);
	}
	struct iphdr *rip = (struct iphdr *)r->data;
	rip->tot_len = htons((uint16_t)(ihl + q->len));
	rip->frag_off &= htons(IP_DF); /* keep DF, drop MF and offset */
	rip->check = 0;
	rip->check = inet_csum_fold(inet_csum_add(0, rip, ihl));
	r->nh = r->data;
	r->iface = first->iface;
	r->type = first->type;
	r->protocol = first->protocol;
	r->tstamp_ns = first->tstamp_ns;
	return r;
}

/* An interface leaves its namespace (removed or moved): the queues holding a fragment
 * it received go (their packets borrow it), as Linux's reassembly forgets the device. */
void ip4_frag_iface_gone(struct net_iface *ifc)
{
	struct ip4_frag_ns *f = ifc->ns->frag;
	struct frag_queue *q, *tmp;
	struct pkt *p;
	if (!f)
		return;
	list_for_each_entry_safe(q, tmp, &f->queues, link) {
		bool uses = false;
		list_for_each_entry(p, &q->frags, link)
			uses |= p->iface == ifc;
		if (uses) {
			ifc->ns->stats.ip_reasm_fails++;
			queue_free(q);
		}
	}
}

/* See ip4_frag.h. Consumes @p. */
struct pkt *ip4_frag_reasm(struct netns *ns, struct pkt *p)
{
	struct ip4_frag_ns *f = ns->frag;
	const struct iphdr *ip = (const struct iphdr *)p->data;
	bool more = ntohs(ip->frag_off) & IP_MF;
	struct frag_cb cb = frag_of(p);
	struct frag_queue *q = NULL;
	struct pkt *o;

	ns->stats.ip_reasm_reqds++;
	if (!f || f->mem + pkt_mem(p) > IP4_FRAG_HIGH_THRESH || !(q = queue_find(f, ip)))
		goto drop;
	/* payloads of non-last fragments are multiples of 8 (Linux trims the rest) */
	if (more)
		cb.end &= ~7;
	if (cb.end <= cb.off || (size_t)cb.end + ip->ihl * 4u > 65535)
		goto kill;
	if (!more) {
		/* the last fragment fixes the length: nothing may lie beyond it */
		if (cb.end < q->len || (q->last_in && cb.end != q->len))
			goto kill;
		q->last_in = true;
		q->len = cb.end;
	} else {
		if (cb.end > q->len) {
			if (q->last_in)
				goto kill;
			q->len = cb.end;
		}
	}
	/* sorted insert; an exact duplicate is dropped, any other overlap kills */
	struct list_head *pos = &q->frags;
	list_for_each_entry(o, &q->frags, link) {
		struct frag_cb ocb = frag_of(o);
		if (ocb.off == cb.off && ocb.end == cb.end)
			goto drop;
		if (cb.off < ocb.end && ocb.off < cb.end)
			goto kill;
		if (ocb.off > cb.off) {
			pos = &o->link;
			break;
		}
	}
	/* store the trimmed length so the glue copies no trailing odd bytes */
	pkt_trim(p, ip->ihl * 4u + (cb.end - cb.off));
	list_add_tail(&p->link, pos);
	q->meat += cb.end - cb.off;
	q->mem += pkt_mem(p);
	f->mem += pkt_mem(p);
	if (cb.off == 0)
		q->first_in = true;
	if (!q->first_in || !q->last_in || q->meat != q->len)
		return NULL;
	struct pkt *r = queue_glue(q);
	if (r)
		ns->stats.ip_reasm_oks++;
	else
		ns->stats.ip_reasm_fails++;
	queue_free(q);
	return r;
kill:
	ns->stats.ip_reasm_fails++;
	queue_free(q);
	pkt_put(p);
	return NULL;
drop:
	if (!f || !q)
		ns->stats.ip_reasm_fails++;
	pkt_put(p);
	return NULL;
}
