/* ipt_blob.h - builds iptables (ip_tables.h) rule blobs for IPT_SO_SET_REPLACE, as
 * libiptc does: entries of struct ipt_entry + matches + a target, user chains headed by
 * ERROR targets, the final ERROR entry. Shared by the compat tests (iptables_*.c) and the
 * netstack unit test (test_netfilter.c). Include after the system's net headers. */
#ifndef CVISOR_TESTS_IPT_BLOB_H
#define CVISOR_TESTS_IPT_BLOB_H
#include <linux/netfilter_ipv4/ip_tables.h>
#include <stdlib.h>
#include <string.h>

#define IPT_ACCEPT (-NF_ACCEPT - 1)
#define IPT_DROP (-NF_DROP - 1)
#define IPT_FILTER_HOOKS                                                                           \
	((1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT))

struct ipt_blob {
	unsigned char buf[8192];
	size_t len;
	unsigned n;
	unsigned entry[NF_INET_NUMHOOKS], uflow[NF_INET_NUMHOOKS];
};

/* A match (struct xt_entry_match + data) into @out; returns its size. */
static inline size_t ipt_match(unsigned char *out, const char *name, unsigned char rev,
			       const void *data, size_t dlen)
{
	struct xt_entry_match *m = (struct xt_entry_match *)out;
	size_t sz = XT_ALIGN(sizeof(*m) + dlen);
	memset(out, 0, sz);
	m->u.user.match_size = (unsigned short)sz;
	strcpy(m->u.user.name, name);
	m->u.user.revision = rev;
	memcpy(m->data, data, dlen);
	return sz;
}

/* Appends an entry (@ip may be NULL: unconditional); returns its offset. */
static inline unsigned ipt_add(struct ipt_blob *b, const struct ipt_ip *ip,
			       const unsigned char *matches, size_t mlen, const char *target,
			       unsigned char rev, const void *tdata, size_t tdlen)
{
	unsigned off = (unsigned)b->len;
	struct ipt_entry *e = (struct ipt_entry *)(b->buf + off);
	size_t tsz = XT_ALIGN(sizeof(struct xt_entry_target) + tdlen);
	memset(e, 0, sizeof(*e) + mlen + tsz);
	if (ip)
		e->ip = *ip;
	memcpy(e->elems, matches, mlen);
	e->target_offset = (unsigned short)(sizeof(*e) + mlen);
	e->next_offset = (unsigned short)(e->target_offset + tsz);
	struct xt_entry_target *t =
	    (struct xt_entry_target *)((unsigned char *)e + e->target_offset);
	t->u.user.target_size = (unsigned short)tsz;
	strcpy(t->u.user.name, target);
	t->u.user.revision = rev;
	memcpy(t->data, tdata, tdlen);
	b->len += e->next_offset;
	b->n++;
	return off;
}

static inline unsigned ipt_add_std(struct ipt_blob *b, const struct ipt_ip *ip,
				   const unsigned char *m, size_t mlen, int verdict)
{
	return ipt_add(b, ip, m, mlen, XT_STANDARD_TARGET, 0, &verdict, sizeof(verdict));
}

/* A chain head (or, named "ERROR", the table's end). */
static inline unsigned ipt_add_err(struct ipt_blob *b, const char *name)
{
	char en[XT_FUNCTION_MAXNAMELEN] = {0};
	strcpy(en, name);
	return ipt_add(b, NULL, NULL, 0, XT_ERROR_TARGET, 0, en, sizeof(en));
}

/* Points the standard target of the entry at @off to @verdict (a jump: an offset). */
static inline void ipt_set_verdict(struct ipt_blob *b, unsigned off, int verdict)
{
	struct ipt_entry *e = (struct ipt_entry *)(b->buf + off);
	((struct xt_standard_target *)((unsigned char *)e + e->target_offset))->verdict = verdict;
}

/* The filter table's three policies after the INPUT rules already added (INPUT starts at
 * offset 0). */
static inline void ipt_filter_policies(struct ipt_blob *b, int input_policy)
{
	b->entry[NF_INET_LOCAL_IN] = 0;
	b->uflow[NF_INET_LOCAL_IN] = ipt_add_std(b, NULL, NULL, 0, input_policy);
	b->entry[NF_INET_FORWARD] = b->uflow[NF_INET_FORWARD] =
	    ipt_add_std(b, NULL, NULL, 0, IPT_ACCEPT);
	b->entry[NF_INET_LOCAL_OUT] = b->uflow[NF_INET_LOCAL_OUT] =
	    ipt_add_std(b, NULL, NULL, 0, IPT_ACCEPT);
}

/* struct ipt_replace + @b (malloc'd; *@len its size). */
static inline struct ipt_replace *ipt_replace_of(const struct ipt_blob *b, const char *table,
						 unsigned hooks, unsigned num_counters,
						 struct xt_counters *counters, size_t *len)
{
	*len = sizeof(struct ipt_replace) + b->len;
	struct ipt_replace *r = calloc(1, *len);
	if (!r)
		return NULL;
	strcpy(r->name, table);
	r->valid_hooks = hooks;
	r->num_entries = b->n;
	r->size = (unsigned)b->len;
	memcpy(r->hook_entry, b->entry, sizeof(r->hook_entry));
	memcpy(r->underflow, b->uflow, sizeof(r->underflow));
	r->num_counters = num_counters;
	r->counters = counters;
	memcpy(r->entries, b->buf, b->len);
	return r;
}

/* struct xt_counters_info for IPT_SO_SET_ADD_COUNTERS: @n zeroed counters of @table but
 * rule @rule's, which gets @pcnt/@bcnt (malloc'd; *@len its size). */
static inline struct xt_counters_info *ipt_counters_of(const char *table, unsigned n, unsigned rule,
						       unsigned long long pcnt,
						       unsigned long long bcnt, size_t *len)
{
	*len = sizeof(struct xt_counters_info) + n * sizeof(struct xt_counters);
	struct xt_counters_info *ci = calloc(1, *len);
	if (!ci)
		return NULL;
	strcpy(ci->name, table);
	ci->num_counters = n;
	ci->counters[rule].pcnt = pcnt;
	ci->counters[rule].bcnt = bcnt;
	return ci;
}

#endif
