/* netstack/netlink.h - AF_NETLINK internals shared by the socket side (netlink.c: sockets,
 * port ids, groups, queues, acks, dumps) and the NETLINK_ROUTE protocol
 * (netlink_route*.c: the rtnetlink messages): message buffers, attribute building and
 * checked attribute parsing, the request context, and delivery of kernel messages.
 *
 * Every request is hostile input: the parser never reads past the message, and every
 * attribute is checked against a policy before a handler looks at it.
 * Must not: touch guest memory or block. */
#ifndef CVISOR_NETSTACK_NETLINK_H
#define CVISOR_NETSTACK_NETLINK_H
#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netstack/netns.h"

/* ---- message buffers ---- */
/* A growable byte buffer holding netlink messages back to back (NLMSG_ALIGNed). On
 * allocation failure it sets @oom and ignores further puts; users check @oom once. */
struct nl_buf {
	uint8_t *data;
	size_t len, cap;
	bool oom;
};
void nl_buf_free(struct nl_buf *b);
/* Starts a message: header + @hdrlen zeroed bytes of family header. Returns the message's
 * offset (pass it to nl_msg_end / nl_msg_fam), or -1 on ENOMEM. */
long nl_msg_begin(struct nl_buf *b, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid,
		  size_t hdrlen);
/* The family header of the message at @off (valid until the next put). */
void *nl_msg_fam(struct nl_buf *b, long off);
/* Finishes the message at @off (sets nlmsg_len). */
void nl_msg_end(struct nl_buf *b, long off);
/* Drops the message at @off and everything after it. */
void nl_msg_cancel(struct nl_buf *b, long off);
void nl_put(struct nl_buf *b, uint16_t type, const void *data, size_t len);
void nl_put_u8(struct nl_buf *b, uint16_t type, uint8_t v);
void nl_put_u32(struct nl_buf *b, uint16_t type, uint32_t v);
void nl_put_str(struct nl_buf *b, uint16_t type, const char *s);
/* Nested attributes: begin returns the offset of the nest header, end fixes its length. */
long nl_nest_begin(struct nl_buf *b, uint16_t type);
void nl_nest_end(struct nl_buf *b, long off);

/* ---- attribute parsing ---- */
enum nl_pol_type {
	NLP_UNSPEC = 0, /* not checked (unknown to us: ignored, as Linux) */
	NLP_U8,
	NLP_U16,
	NLP_U32,
	NLP_U64,
	NLP_STRING, /* .len: most characters (a trailing NUL is allowed beyond it) */
	NLP_BINARY, /* .len: most bytes (0: any) */
	NLP_MIN,    /* .len: least bytes */
	NLP_NESTED,
	NLP_FLAG,
	NLP_REJECT, /* present: -EINVAL */
};
struct nl_policy {
	uint8_t type;
	uint16_t len;
};
/* What a handler tells the requester beyond the errno (NETLINK_EXT_ACK). */
struct nl_ext {
	const char *msg;
	const struct nlattr *bad_attr; /* inside the request, for NLMSGERR_ATTR_OFFS */
};
/* Parses the attributes in @len bytes at @buf into @tb[0..@maxtype] (NULL when absent; the
 * last occurrence wins, as Linux) and checks each known one against @pol. @strict: trailing
 * bytes and unknown types are errors (NETLINK_GET_STRICT_CHK dumps). Returns 0, -ERANGE
 * (an attribute too short/long for its policy) or -EINVAL, with @ext filled. */
int nl_parse(const void *buf, size_t len, const struct nlattr **tb, int maxtype,
	     const struct nl_policy *pol, bool strict, struct nl_ext *ext);
static inline const void *nla_payload(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}
static inline size_t nla_payload_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}
uint8_t nla_u8(const struct nlattr *a);
uint32_t nla_u32(const struct nlattr *a); /* policy-checked attributes only */
/* Copies a policy-checked NLP_STRING attribute into @out (@size bytes, NUL-terminated). */
void nla_strlcpy(char *out, const struct nlattr *a, size_t size);

/* ---- requests ---- */
/* One request message as a protocol handler sees it. */
struct nl_req {
	struct netns *ns;
	const struct nlmsghdr *nlh; /* checked: nlmsg_len fits the datagram */
	uint32_t portid;	    /* the requester's */
	uint32_t uid;		    /* its real uid (RTA_UID of route answers) */
	bool cap_net_admin;
	bool strict; /* NETLINK_GET_STRICT_CHK */
	/* Out: unicast answers (each message its own datagram, queued before the ack) and,
	 * for a dump, every message of the dump (NLM_F_MULTI; the socket side adds
	 * NLMSG_DONE and paces it into datagrams). */
	struct nl_buf reply;
	struct nl_buf dump;
	uint16_t dump_flags; /* NLM_F_DUMP_FILTERED when the dump honoured a filter */
	int dump_err;	     /* a dump that failed: NLMSG_DONE carries it, as Linux */
	struct nl_ext ext;
};
/* A handler's answer: 0 or -errno (acked), or NL_DUMP_STARTED (no ack, as Linux). */
#define NL_DUMP_STARTED 1

/* NETLINK_ROUTE (netlink_route.c). */
int rtnl_rcv_msg(struct nl_req *rq);

/* ---- delivery (netlink.c) ---- */
/* Sends the @len bytes at @data (whole messages) from the kernel to every socket of
 * @protocol in @ns subscribed to @group (1-based). Sockets whose receive buffer is full
 * get ENOBUFS (unless NETLINK_NO_ENOBUFS), as Linux's netlink_broadcast. */
void nl_multicast(struct netns *ns, int protocol, unsigned group, const void *data, size_t len);
/* True when some socket of @protocol in @ns listens to @group (skip building messages). */
bool nl_has_listeners(struct netns *ns, int protocol, unsigned group);

/* Records whether interface @ifindex of @ns is up and returns what was recorded before
 * (false the first time: interfaces are born down). */
bool nl_link_up_swap(struct netns *ns, int ifindex, bool up);

/* Live netlink datagrams queued on sockets (unit tests check for leaks). */
extern long nl_live_skbs;

#endif
