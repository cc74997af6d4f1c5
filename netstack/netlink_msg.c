/* netstack/netlink_msg.c - netlink message building and checked attribute parsing
 * (include/net/netlink.h, lib/nlattr.c): growable buffers of whole messages, attribute
 * and nest puts, and nl_parse, which validates every attribute against a policy before
 * anyone reads it.
 *
 * Owns: struct nl_buf contents. Must not: read past the bytes it is given; know about
 * sockets. */
#include "netstack/netlink.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- message buffers ---- */

void nl_buf_free(struct nl_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* Reserves @n bytes (zeroed) at the end; NULL (and oom) on failure. */
static void *nl_buf_reserve(struct nl_buf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *d = realloc(b->data, cap);
		if (!d) {
			b->oom = true;
			return NULL;
		}
		b->data = d;
		b->cap = cap;
	}
	void *p = b->data + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}

long nl_msg_begin(struct nl_buf *b, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid,
		  size_t hdrlen)
{
	long off = (long)b->len;
	struct nlmsghdr *h = nl_buf_reserve(b, NLMSG_ALIGN(NLMSG_HDRLEN + hdrlen));
	if (!h)
		return -1;
	h->nlmsg_len = NLMSG_HDRLEN + hdrlen;
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = pid;
	return off;
}

void *nl_msg_fam(struct nl_buf *b, long off)
{
	return b->data + off + NLMSG_HDRLEN;
}

void nl_msg_end(struct nl_buf *b, long off)
{
	if (b->oom || off < 0)
		return;
	((struct nlmsghdr *)(b->data + off))->nlmsg_len = (uint32_t)(b->len - (size_t)off);
}

void nl_msg_cancel(struct nl_buf *b, long off)
{
	if (off >= 0 && (size_t)off <= b->len)
		b->len = (size_t)off;
}

void nl_put(struct nl_buf *b, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = nl_buf_reserve(b, NLA_ALIGN(NLA_HDRLEN + len));
	if (!a)
		return;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	a->nla_type = type;
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
}

void nl_put_u8(struct nl_buf *b, uint16_t type, uint8_t v)
{
	nl_put(b, type, &v, 1);
}

void nl_put_u32(struct nl_buf *b, uint16_t type, uint32_t v)
{
	nl_put(b, type, &v, 4);
}

void nl_put_str(struct nl_buf *b, uint16_t type, const char *s)
{
	nl_put(b, type, s, strlen(s) + 1);
}

long nl_nest_begin(struct nl_buf *b, uint16_t type)
{
	long off = (long)b->len;
	nl_put(b, type, NULL, 0);
	return b->oom ? -1 : off;
}

void nl_nest_end(struct nl_buf *b, long off)
{
	if (b->oom || off < 0)
		return;
	((struct nlattr *)(b->data + off))->nla_len = (uint16_t)(b->len - (size_t)off);
}

/* ---- attribute parsing ---- */

uint8_t nla_u8(const struct nlattr *a)
{
	return *(const uint8_t *)nla_payload(a);
}

uint32_t nla_u32(const struct nlattr *a)
{
	uint32_t v;
	memcpy(&v, nla_payload(a), sizeof(v));
	return v;
}

void nla_strlcpy(char *out, const struct nlattr *a, size_t size)
{
	size_t n = nla_payload_len(a);
	const char *s = nla_payload(a);
	size_t l = strnlen(s, n);
	if (l >= size)
		l = size - 1;
	memcpy(out, s, l);
	out[l] = 0;
}

/* Checks one attribute against its policy (lib/nlattr.c validate_nla, liberal mode). */
static int nla_check(const struct nlattr *a, const struct nl_policy *p, struct nl_ext *ext)
{
	size_t n = nla_payload_len(a);
	size_t min = 0;
	switch (p->type) {
	case NLP_U8:
		min = 1;
		break;
	case NLP_U16:
		min = 2;
		break;
	case NLP_U32:
		min = 4;
		break;
	case NLP_U64:
		min = 8;
		break;
	case NLP_BINARY:
		if (p->len && n > p->len) {
			ext->msg = "Attribute failed policy validation";
			ext->bad_attr = a;
			return -ERANGE;
		}
		return 0;
	case NLP_MIN:
		min = p->len;
		break;
	case NLP_NESTED:
		min = 0;
		break;
	case NLP_FLAG:
		if (n) {
			ext->msg = "Attribute failed policy validation";
			ext->bad_attr = a;
			return -ERANGE;
		}
		return 0;
	case NLP_STRING: {
		const char *s = nla_payload(a);
		if (n && s[n - 1] == 0)
			n--;
		if (p->len && n > p->len) {
			ext->msg = "Attribute failed policy validation";
			ext->bad_attr = a;
			return -ERANGE;
		}
		return 0;
	}
	case NLP_REJECT:
		ext->msg = "Attribute not supported";
		ext->bad_attr = a;
		return -EINVAL;
	default:
		return 0;
	}
	if (n < min) {
		ext->msg = "Attribute failed policy validation";
		ext->bad_attr = a;
		return -ERANGE;
	}
	return 0;
}

int nl_parse(const void *buf, size_t len, const struct nlattr **tb, int maxtype,
	     const struct nl_policy *pol, bool strict, struct nl_ext *ext)
{
	const uint8_t *p = buf;
	memset(tb, 0, sizeof(*tb) * (size_t)(maxtype + 1));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			break;
		int type = a->nla_type & NLA_TYPE_MASK;
		if (type <= maxtype && type > 0) {
			if (pol) {
				int err = nla_check(a, &pol[type], ext);
				if (err)
					return err;
			}
			tb[type] = a;
		} else if (strict) {
			ext->msg = "Unknown attribute type";
			ext->bad_attr = a;
			return -EINVAL;
		}
		size_t step = NLA_ALIGN(a->nla_len);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	if (len && strict) {
		ext->msg = "bytes leftover after parsing attributes";
		return -EINVAL;
	}
	return 0;
}
