/* netstack/pkt.c - packet buffers (see pkt.h). Owns the allocation of every packet; knows
 * no protocol. */
#include "netstack/pkt.h"
#include <stdlib.h>
#include <string.h>

long pkt_live;

struct pkt *pkt_alloc(size_t headroom, size_t len)
{
	struct pkt *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cap = headroom + len;
	p->head = malloc(p->cap ? p->cap : 1);
	if (!p->head) {
		free(p);
		return NULL;
	}
	p->refs = 1;
	p->data = p->head + headroom;
	p->len = len;
	list_init(&p->link);
	pkt_live++;
	return p;
}

struct pkt *pkt_from(const void *src, size_t len)
{
	struct pkt *p = pkt_alloc(PKT_HEADROOM, len);
	if (p && len)
		memcpy(p->data, src, len);
	return p;
}

struct pkt *pkt_copy(const struct pkt *p)
{
	struct pkt *q = pkt_alloc(0, p->cap);
	if (!q)
		return NULL;
	memcpy(q->head, p->head, p->cap);
	q->data = q->head + (p->data - p->head);
	q->len = p->len;
	q->mac = p->mac ? q->head + (p->mac - p->head) : NULL;
	q->nh = p->nh ? q->head + (p->nh - p->head) : NULL;
	q->iface = p->iface;
	q->type = p->type;
	q->protocol = p->protocol;
	q->tstamp_ns = p->tstamp_ns;
	return q;
}

void pkt_get(struct pkt *p)
{
	p->refs++;
}

void pkt_put(struct pkt *p)
{
	if (!p || --p->refs > 0)
		return;
	free(p->head);
	free(p);
	pkt_live--;
}

void *pkt_push(struct pkt *p, size_t n)
{
	if (pkt_headroom(p) < n)
		return NULL;
	p->data -= n;
	p->len += n;
	return p->data;
}

void *pkt_pull(struct pkt *p, size_t n)
{
	if (p->len < n)
		return NULL;
	p->data += n;
	p->len -= n;
	return p->data;
}

void pkt_trim(struct pkt *p, size_t len)
{
	if (p->len > len)
		p->len = len;
}
