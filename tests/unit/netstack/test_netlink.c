/* Unit tests for netstack/netlink*.c: AF_NETLINK sockets (create errors, bind/autobind,
 * connect, getsockname, options, poll), rtnetlink requests against a real namespace
 * (links, addresses, routes, neighbours, rules, netconf), acks and extended acks, dumps
 * paced into datagrams and read with MSG_PEEK|MSG_TRUNC or small buffers, notifications
 * to subscribed sockets, receive-buffer overruns, user-to-user messages, and hostile
 * requests (fuzzed mutations of valid ones). Every test ends with no socket, queued
 * datagram, packet or VFS object alive. */
#include "tests/unit/vfs/vfs_test.h"
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <sys/epoll.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include "netstack/ip4.h"
#include "netstack/netlink.h"
#include "netstack/socket.h"

#define SOL_NETLINK_ 270

extern const struct net_family_ops net_netlink_family;

static struct vfs_cred cred_admin = {.cap_effective = 1ULL << 12};
static struct vfs_cred cred_user = {.uid = 1000, .euid = 1000, .gid = 1000, .egid = 1000};
static struct vfs_ctx vc_admin = {.cred = &cred_admin};
static struct vfs_ctx vc_user = {.cred = &cred_user};
static struct netns *tns;

static struct net_call call_as(bool admin)
{
	struct net_call c = {.cred = {.pid = 7}, .vc = admin ? &vc_admin : &vc_user};
	if (!admin)
		c.cred.uid = c.cred.euid = 1000;
	return c;
}

struct sk {
	struct net_socket *s;
	struct vfs_file *f;
};

static struct sk nlsk(int protocol)
{
	struct sk k;
	assert_ptr_equal(net_family_lookup(AF_NETLINK), &net_netlink_family);
	assert_int_equal(net_socket_create(AF_NETLINK, SOCK_RAW, protocol, &k.s), 0);
	k.f = net_socket_file_new(k.s, 0);
	assert_non_null(k.f);
	return k;
}

static void sk_close(struct sk *k)
{
	vfs_file_put(k->f);
	k->f = NULL;
	k->s = NULL;
}

static int nl_bindg(struct sk *k, uint32_t pid, uint32_t groups)
{
	struct net_call c = call_as(true);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_pid = pid, .nl_groups = groups};
	return k->s->ops->bind(k->s, &c, &sa, sizeof(sa));
}

static ssize_t snd_as(struct sk *k, const void *buf, size_t len, bool admin)
{
	struct net_call c = call_as(admin);
	struct net_msg m = {.buf = (void *)buf, .len = len, .flags = MSG_DONTWAIT};
	return k->s->ops->sendmsg(k->s, &c, &m);
}

static ssize_t rcv(struct sk *k, void *buf, size_t len, int flags, int *oflags,
		   struct sockaddr_nl *from)
{
	struct net_call c = call_as(true);
	struct net_msg m = {.buf = buf, .len = len, .flags = flags | MSG_DONTWAIT};
	ssize_t n = k->s->ops->recvmsg(k->s, &c, &m);
	if (oflags)
		*oflags = m.flags;
	if (from && n >= 0) {
		assert_int_equal(m.fromlen, sizeof(*from));
		memcpy(from, &m.from, sizeof(*from));
	}
	return n;
}

/* Receives every queued datagram into @all (messages back to back); returns how many
 * datagrams there were. */
static int drain_sz(struct sk *k, struct nl_buf *all, size_t bufsz)
{
	static uint8_t buf[65536];
	int n = 0;
	ssize_t r;
	while ((r = rcv(k, buf, bufsz, 0, NULL, NULL)) > 0) {
		n++;
		if (all) {
			long off = (long)all->len;
			all->len += (size_t)r;
			if (all->len > all->cap) {
				all->cap = all->len * 2;
				all->data = realloc(all->data, all->cap);
			}
			memcpy(all->data + off, buf, (size_t)r);
		}
	}
	assert_int_equal(r, -EAGAIN);
	return n;
}

static int drain(struct sk *k, struct nl_buf *all)
{
	return drain_sz(k, all, 65536);
}

/* A request: header + zeroed family header of @hdrlen; attributes go after. */
static long req(struct nl_buf *b, uint16_t type, uint16_t flags, uint32_t seq, size_t hdrlen)
{
	return nl_msg_begin(b, type, NLM_F_REQUEST | flags, seq, 0, hdrlen);
}

/* Sends @b (after nl_msg_end) as one datagram and frees it. */
static void send_req(struct sk *k, struct nl_buf *b, bool admin)
{
	assert_false(b->oom);
	assert_int_equal(snd_as(k, b->data, b->len, admin), (ssize_t)b->len);
	nl_buf_free(b);
}

#define for_each_msg(h, buf, len)                                                                  \
	for (const struct nlmsghdr *h = (const void *)(buf);                                       \
	     (size_t)((const uint8_t *)h - (const uint8_t *)(buf)) + NLMSG_HDRLEN <= (len) &&      \
	     h->nlmsg_len >= NLMSG_HDRLEN &&                                                       \
	     (size_t)((const uint8_t *)h - (const uint8_t *)(buf)) + h->nlmsg_len <= (len);        \
	     h = (const void *)((const uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len)))

static const struct nlattr *attr(const struct nlmsghdr *h, size_t hdrlen, int type)
{
	const uint8_t *p = (const uint8_t *)h + NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);
	const uint8_t *end = (const uint8_t *)h + h->nlmsg_len;
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if (a->nla_type == type)
			return a;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static uint32_t attr_u32(const struct nlmsghdr *h, size_t hdrlen, int type)
{
	const struct nlattr *a = attr(h, hdrlen, type);
	assert_non_null(a);
	uint32_t v;
	memcpy(&v, nla_payload(a), 4);
	return v;
}

/* The error of the NLMSG_ERROR answering @seq in @b (1 when absent). */
static int ack_of(const struct nl_buf *b, uint32_t seq)
{
	for_each_msg(h, b->data, b->len)
	{
		if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == seq)
			return ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	return 1;
}

static int count_type(const struct nl_buf *b, int type)
{
	int n = 0;
	for_each_msg(h, b->data, b->len)
	{
		if (h->nlmsg_type == type)
			n++;
	}
	return n;
}

/* Sends one request and returns its ack's error (all answers in @out if given). */
static int talk(struct sk *k, struct nl_buf *b, uint32_t seq, bool admin, struct nl_buf *out)
{
	struct nl_buf tmp = {0};
	send_req(k, b, admin);
	drain(k, out ? out : &tmp);
	int e = ack_of(out ? out : &tmp, seq);
	nl_buf_free(&tmp);
	return e;
}

static int setup(void **state)
{
	tns = netns_new();
	assert_non_null(tns);
	assert_int_equal(net_iface_set_up(tns->lo, true), 0); /* brings 127.0.0.1/8 */
	net_set_current_ns(tns);
	netns_put(tns);
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(net_live_sockets, 0);
	assert_int_equal(nl_live_skbs, 0);
	net_set_current_ns(NULL);
	assert_int_equal(pkt_live, 0);
	assert_no_leaks();
	return 0;
}

/* ---- sockets ---- */

static void test_create_errors(void **state)
{
	struct net_socket *s;
	assert_int_equal(net_socket_create(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE, &s),
			 -ESOCKTNOSUPPORT);
	assert_int_equal(net_socket_create(AF_NETLINK, SOCK_RAW, 32, &s), -EPROTONOSUPPORT);
	assert_int_equal(net_socket_create(AF_NETLINK, SOCK_RAW, -1, &s), -EPROTONOSUPPORT);
	assert_int_equal(net_socket_create(AF_NETLINK, SOCK_DGRAM, NETLINK_GENERIC, &s),
			 -EPROTONOSUPPORT);
	assert_int_equal(net_socket_create(AF_NETLINK, SOCK_DGRAM, NETLINK_AUDIT, &s),
			 -EPROTONOSUPPORT);
	assert_int_equal(net_socket_create(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG, &s),
			 -EPROTONOSUPPORT);
	/* a uevent socket exists and binds to its group; nothing ever arrives */
	struct sk u = nlsk(NETLINK_KOBJECT_UEVENT);
	assert_int_equal(nl_bindg(&u, 0, 1), 0);
	char buf[64];
	assert_int_equal(rcv(&u, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	assert_int_equal(u.s->ops->poll(u.s) & EPOLLIN, 0);
	sk_close(&u);
}

static void test_bind_getname(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE), b = nlsk(NETLINK_ROUTE), c = nlsk(NETLINK_ROUTE);
	struct sockaddr_storage ss;
	struct sockaddr_nl *sa = (void *)&ss;
	struct net_call cl = call_as(true);
	/* unbound: port id 0 */
	assert_int_equal(a.s->ops->getname(a.s, &ss, false), sizeof(struct sockaddr_nl));
	assert_int_equal(sa->nl_family, AF_NETLINK);
	assert_int_equal(sa->nl_pid, 0);
	struct sockaddr_nl bad = {.nl_family = AF_INET};
	assert_int_equal(a.s->ops->bind(a.s, &cl, &bad, sizeof(bad)), -EINVAL);
	bad.nl_family = AF_NETLINK;
	assert_int_equal(a.s->ops->bind(a.s, &cl, &bad, sizeof(bad) - 1), -EINVAL);
	/* autobind: the caller's tgid, then a negative id */
	assert_int_equal(nl_bindg(&a, 0, RTMGRP_LINK), 0);
	a.s->ops->getname(a.s, &ss, false);
	assert_int_equal(sa->nl_pid, 7);
	assert_int_equal(sa->nl_groups, RTMGRP_LINK);
	assert_int_equal(nl_bindg(&b, 0, 0), 0);
	b.s->ops->getname(b.s, &ss, false);
	assert_true((int32_t)sa->nl_pid < -4096);
	/* an explicit id in use; rebinding to another id */
	assert_int_equal(nl_bindg(&c, 7, 0), -EADDRINUSE);
	assert_int_equal(nl_bindg(&c, 1234, 0), 0);
	assert_int_equal(nl_bindg(&c, 1235, 0), -EINVAL);
	assert_int_equal(nl_bindg(&c, 1234, RTMGRP_IPV4_IFADDR), 0);
	c.s->ops->getname(c.s, &ss, false);
	assert_int_equal(sa->nl_groups, RTMGRP_IPV4_IFADDR);
	/* connect: a peer needs CAP_NET_ADMIN; AF_UNSPEC disconnects */
	struct net_call cu = call_as(false);
	struct sockaddr_nl peer = {.nl_family = AF_NETLINK, .nl_pid = 1234};
	assert_int_equal(a.s->ops->connect(a.s, &cu, &peer, sizeof(peer)), -EPERM);
	assert_int_equal(a.s->ops->connect(a.s, &cl, &peer, sizeof(peer)), 0);
	a.s->ops->getname(a.s, &ss, true);
	assert_int_equal(sa->nl_pid, 1234);
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	assert_int_equal(a.s->ops->connect(a.s, &cl, &unspec, sizeof(unspec)), 0);
	a.s->ops->getname(a.s, &ss, true);
	assert_int_equal(sa->nl_pid, 0);
	sk_close(&a);
	sk_close(&b);
	sk_close(&c);
	/* closed sockets free their ids */
	struct sk d = nlsk(NETLINK_ROUTE);
	assert_int_equal(nl_bindg(&d, 1234, 0), 0);
	sk_close(&d);
}

static void test_options(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE);
	int one = 1, v = 0;
	socklen_t len = sizeof(v);
	const struct net_family_ops *o = a.s->ops;
	assert_int_equal(o->setsockopt(a.s, SOL_NETLINK_, NETLINK_EXT_ACK, &one, sizeof(one)), 0);
	assert_int_equal(o->getsockopt(a.s, SOL_NETLINK_, NETLINK_EXT_ACK, &v, &len), 0);
	assert_int_equal(v, 1);
	assert_int_equal(o->setsockopt(a.s, SOL_NETLINK_, NETLINK_GET_STRICT_CHK, &one, 4), 0);
	assert_int_equal(o->setsockopt(a.s, SOL_NETLINK_, NETLINK_CAP_ACK, &one, 4), 0);
	assert_int_equal(o->setsockopt(a.s, SOL_NETLINK_, 99, &one, 4), -ENOPROTOOPT);
	assert_int_equal(o->setsockopt(a.s, SOL_IP, NETLINK_EXT_ACK, &one, 4), -ENOPROTOOPT);
	int g = RTNLGRP_IPV4_ROUTE;
	assert_int_equal(o->setsockopt(a.s, SOL_NETLINK_, NETLINK_ADD_MEMBERSHIP, &g, 4), 0);
	g = 0;
	assert_int_equal(o->setsockopt(a.s, SOL_NETLINK_, NETLINK_ADD_MEMBERSHIP, &g, 4), -EINVAL);
	g = 1000;
	assert_int_equal(o->setsockopt(a.s, SOL_NETLINK_, NETLINK_ADD_MEMBERSHIP, &g, 4), -EINVAL);
	uint32_t groups[4] = {0};
	len = sizeof(groups);
	assert_int_equal(o->getsockopt(a.s, SOL_NETLINK_, NETLINK_LIST_MEMBERSHIPS, groups, &len),
			 0);
	assert_int_equal(groups[0], 1u << (RTNLGRP_IPV4_ROUTE - 1));
	assert_true(len >= 4);
	len = 2;
	assert_int_equal(o->getsockopt(a.s, SOL_NETLINK_, NETLINK_EXT_ACK, &v, &len), -EINVAL);
	/* a short value clears the flag, as Linux */
	assert_int_equal(o->setsockopt(a.s, SOL_NETLINK_, NETLINK_EXT_ACK, &one, 1), 0);
	len = sizeof(v);
	o->getsockopt(a.s, SOL_NETLINK_, NETLINK_EXT_ACK, &v, &len);
	assert_int_equal(v, 0);
	/* always writable; readable once something is queued */
	assert_int_equal(o->poll(a.s) & (EPOLLIN | EPOLLOUT), EPOLLOUT);
	sk_close(&a);
}

/* ---- links ---- */

static void test_getlink_dump_and_get(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE);
	struct nl_buf b = {0}, out = {0};
	nl_msg_end(&b, req(&b, RTM_GETLINK, NLM_F_DUMP, 10, sizeof(struct ifinfomsg)));
	send_req(&a, &b, false);
	assert_true(a.s->ops->poll(a.s) & EPOLLIN);
	/* the buffer sizing iproute2 does: peek with no room, get the length */
	int fl;
	struct sockaddr_nl from;
	ssize_t n = rcv(&a, NULL, 0, MSG_PEEK | MSG_TRUNC, &fl, &from);
	assert_true(n > 0);
	assert_true(fl & MSG_TRUNC);
	assert_int_equal(from.nl_pid, 0);
	assert_int_equal(from.nl_groups, 0);
	drain(&a, &out);
	int links = 0, done = 0;
	for_each_msg(h, out.data, out.len)
	{
		assert_int_equal(h->nlmsg_seq, 10);
		assert_int_equal(h->nlmsg_pid, 7); /* autobound at send */
		assert_true(h->nlmsg_flags & NLM_F_MULTI);
		if (h->nlmsg_type == RTM_NEWLINK) {
			const struct ifinfomsg *ifm = NLMSG_DATA(h);
			links++;
			assert_int_equal(ifm->ifi_index, 1);
			assert_int_equal(ifm->ifi_type, ARPHRD_LOOPBACK);
			assert_true(ifm->ifi_flags & IFF_UP);
			assert_string_equal(nla_payload(attr(h, sizeof(*ifm), IFLA_IFNAME)), "lo");
			assert_int_equal(attr_u32(h, sizeof(*ifm), IFLA_MTU), 65536);
			assert_string_equal(nla_payload(attr(h, sizeof(*ifm), IFLA_QDISC)),
					    "noqueue");
			assert_non_null(attr(h, sizeof(*ifm), IFLA_STATS64));
			assert_int_equal(nla_payload_len(attr(h, sizeof(*ifm), IFLA_ADDRESS)), 6);
		}
		if (h->nlmsg_type == NLMSG_DONE) {
			done++;
			assert_int_equal(*(const int *)NLMSG_DATA(h), 0);
		}
	}
	assert_int_equal(links, 1);
	assert_int_equal(done, 1);
	nl_buf_free(&out);

	/* by name, with an ack; stats skipped on request */
	long off = req(&b, RTM_GETLINK, NLM_F_ACK, 11, sizeof(struct ifinfomsg));
	nl_put_str(&b, IFLA_IFNAME, "lo");
	nl_put_u32(&b, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 11, false, &out), 0);
	assert_int_equal(count_type(&out, RTM_NEWLINK), 1);
	assert_null(attr((const void *)out.data, sizeof(struct ifinfomsg), IFLA_STATS64));
	nl_buf_free(&out);
	/* by index; an unknown one; neither */
	off = req(&b, RTM_GETLINK, 0, 12, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)nl_msg_fam(&b, off))->ifi_index = 1;
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 12, false, &out), 1); /* no ack asked, none sent */
	assert_int_equal(count_type(&out, RTM_NEWLINK), 1);
	nl_buf_free(&out);
	off = req(&b, RTM_GETLINK, 0, 13, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)nl_msg_fam(&b, off))->ifi_index = 99;
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 13, false, NULL), -ENODEV);
	off = req(&b, RTM_GETLINK, 0, 14, sizeof(struct ifinfomsg));
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 14, false, NULL), -EINVAL);
	off = req(&b, RTM_GETLINK, 0, 15, sizeof(struct ifinfomsg));
	nl_put_str(&b, IFLA_IFNAME, "nosuch0");
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 15, false, NULL), -ENODEV);
	sk_close(&a);
}

static int set_link(struct sk *k, uint32_t seq, unsigned flags, unsigned change, bool admin)
{
	struct nl_buf b = {0};
	long off = req(&b, RTM_NEWLINK, NLM_F_ACK, seq, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifm = nl_msg_fam(&b, off);
	ifm->ifi_index = 1;
	ifm->ifi_flags = flags;
	ifm->ifi_change = change;
	nl_msg_end(&b, off);
	return talk(k, &b, seq, admin, NULL);
}

static void test_setlink_and_notify(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE), mon = nlsk(NETLINK_ROUTE), other = nlsk(NETLINK_ROUTE);
	assert_int_equal(nl_bindg(&mon, 0, RTMGRP_LINK), 0);
	assert_int_equal(nl_bindg(&other, 0, RTMGRP_IPV4_ROUTE), 0);
	/* CAP_NET_ADMIN needed */
	assert_int_equal(set_link(&a, 1, 0, IFF_UP, false), -EPERM);
	assert_int_equal(drain(&mon, NULL), 0);
	assert_int_equal(set_link(&a, 2, 0, IFF_UP, true), 0);
	assert_false(tns->lo->flags & IFF_UP);
	struct nl_buf out = {0};
	int fl;
	struct sockaddr_nl from;
	uint8_t buf[4096];
	ssize_t n = rcv(&mon, buf, sizeof(buf), 0, &fl, &from);
	assert_true(n > 0);
	assert_int_equal(from.nl_groups, RTMGRP_LINK);
	assert_int_equal(((struct nlmsghdr *)buf)->nlmsg_type, RTM_NEWLINK);
	assert_false(((struct ifinfomsg *)NLMSG_DATA(buf))->ifi_flags & IFF_UP);
	drain(&mon, NULL);
	/* down flushed lo's broadcast route without a message, as Linux */
	assert_int_equal(drain(&other, NULL), 0);
	assert_int_equal(set_link(&a, 3, IFF_UP, IFF_UP, true), 0);
	assert_true(tns->lo->flags & IFF_UP);
	assert_true(drain(&mon, &out) >= 1);
	nl_buf_free(&out);
	/* up announces it again: broadcast 127.255.255.255 */
	assert_int_equal(drain(&other, &out), 1);
	assert_int_equal(count_type(&out, RTM_NEWROUTE), 1);
	assert_int_equal(((struct rtmsg *)NLMSG_DATA(out.data))->rtm_type, RTN_BROADCAST);
	nl_buf_free(&out);
	/* mtu, txqlen; an mtu below the minimum */
	struct nl_buf b = {0};
	long off = req(&b, RTM_SETLINK, NLM_F_ACK, 4, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)nl_msg_fam(&b, off))->ifi_index = 1;
	nl_put_u32(&b, IFLA_MTU, 9000);
	nl_put_u32(&b, IFLA_TXQLEN, 500);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 4, true, NULL), 0);
	assert_int_equal(tns->lo->mtu, 9000);
	assert_int_equal(tns->lo->txqlen, 500);
	off = req(&b, RTM_SETLINK, NLM_F_ACK, 5, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)nl_msg_fam(&b, off))->ifi_index = 1;
	nl_put_u32(&b, IFLA_MTU, 10);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 5, true, NULL), -EINVAL);
	/* link creation of a kind we lack; deleting lo */
	off = req(&b, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 6,
		  sizeof(struct ifinfomsg));
	nl_put_str(&b, IFLA_IFNAME, "dummy0");
	long li = nl_nest_begin(&b, IFLA_LINKINFO);
	nl_put_str(&b, IFLA_INFO_KIND, "dummy");
	nl_nest_end(&b, li);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 6, true, NULL), -EOPNOTSUPP);
	off = req(&b, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 7,
		  sizeof(struct ifinfomsg));
	nl_put_str(&b, IFLA_IFNAME, "lo");
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 7, true, NULL), -EEXIST);
	off = req(&b, RTM_NEWLINK, NLM_F_ACK, 8, sizeof(struct ifinfomsg));
	nl_put_str(&b, IFLA_IFNAME, "nosuch");
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 8, true, NULL), -ENODEV);
	off = req(&b, RTM_DELLINK, NLM_F_ACK, 9, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)nl_msg_fam(&b, off))->ifi_index = 1;
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 9, true, NULL), -EOPNOTSUPP);
	drain(&mon, NULL);
	drain(&other, NULL);
	sk_close(&a);
	sk_close(&mon);
	sk_close(&other);
}

/* ---- addresses ---- */

static int addr_op(struct sk *k, int type, uint32_t seq, const char *a, int plen, int ifindex,
		   uint16_t flags)
{
	struct nl_buf b = {0};
	long off = req(&b, (uint16_t)type, NLM_F_ACK | flags, seq, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *m = nl_msg_fam(&b, off);
	m->ifa_family = AF_INET;
	m->ifa_prefixlen = (uint8_t)plen;
	m->ifa_index = (uint32_t)ifindex;
	uint32_t v = inet_addr(a);
	nl_put(&b, IFA_LOCAL, &v, 4);
	nl_put(&b, IFA_ADDRESS, &v, 4);
	nl_msg_end(&b, off);
	return talk(k, &b, seq, true, NULL);
}

static void test_addresses(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE), mon = nlsk(NETLINK_ROUTE);
	assert_int_equal(nl_bindg(&mon, 0, RTMGRP_IPV4_IFADDR), 0);
	int one = 1;
	a.s->ops->setsockopt(a.s, SOL_NETLINK_, NETLINK_EXT_ACK, &one, 4);
	assert_int_equal(addr_op(&a, RTM_NEWADDR, 1, "10.9.9.9", 24, 1, NLM_F_CREATE | NLM_F_EXCL),
			 0);
	struct nl_buf out = {0};
	assert_int_equal(drain(&mon, &out), 1);
	assert_int_equal(count_type(&out, RTM_NEWADDR), 1);
	nl_buf_free(&out);
	assert_int_equal(addr_op(&a, RTM_NEWADDR, 2, "10.9.9.9", 24, 1, NLM_F_CREATE | NLM_F_EXCL),
			 -EEXIST);
	assert_int_equal(addr_op(&a, RTM_NEWADDR, 3, "10.9.9.9", 33, 1, NLM_F_CREATE), -EINVAL);
	assert_int_equal(addr_op(&a, RTM_NEWADDR, 4, "10.9.9.8", 24, 42, NLM_F_CREATE), -ENODEV);
	/* the dump: 127.0.0.1/8 and 10.9.9.9/24 on lo */
	struct nl_buf b = {0};
	nl_msg_end(&b, req(&b, RTM_GETADDR, NLM_F_DUMP, 5, sizeof(struct ifaddrmsg)));
	send_req(&a, &b, false);
	drain(&a, &out);
	int found = 0;
	for_each_msg(h, out.data, out.len)
	{
		if (h->nlmsg_type != RTM_NEWADDR)
			continue;
		const struct ifaddrmsg *m = NLMSG_DATA(h);
		uint32_t v = attr_u32(h, sizeof(*m), IFA_LOCAL);
		assert_int_equal(m->ifa_family, AF_INET);
		assert_non_null(attr(h, sizeof(*m), IFA_CACHEINFO));
		assert_string_equal(nla_payload(attr(h, sizeof(*m), IFA_LABEL)), "lo");
		if (v == inet_addr("127.0.0.1")) {
			assert_int_equal(m->ifa_prefixlen, 8);
			assert_int_equal(m->ifa_scope, RT_SCOPE_HOST);
			found |= 1;
		} else if (v == inet_addr("10.9.9.9")) {
			assert_int_equal(m->ifa_prefixlen, 24);
			found |= 2;
		}
	}
	assert_int_equal(found, 3);
	nl_buf_free(&out);
	/* route get: local */
	long off = req(&b, RTM_GETROUTE, 0, 6, sizeof(struct rtmsg));
	struct rtmsg *rtm = nl_msg_fam(&b, off);
	rtm->rtm_family = AF_INET;
	rtm->rtm_flags = RTM_F_LOOKUP_TABLE;
	uint32_t d = inet_addr("10.9.9.9");
	nl_put(&b, RTA_DST, &d, 4);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 6, false, &out), 1);
	const struct nlmsghdr *h = (const void *)out.data;
	assert_int_equal(h->nlmsg_type, RTM_NEWROUTE);
	rtm = NLMSG_DATA(h);
	assert_int_equal(rtm->rtm_type, RTN_LOCAL);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN); /* local merged into main */
	assert_true(rtm->rtm_flags & RTM_F_CLONED);
	assert_int_equal(attr_u32(h, sizeof(*rtm), RTA_OIF), 1);
	assert_int_equal(attr_u32(h, sizeof(*rtm), RTA_PREFSRC), d);
	assert_int_equal(attr_u32(h, sizeof(*rtm), RTA_UID), 1000); /* the caller's uid */
	nl_buf_free(&out);
	/* delete, twice (the second with an extended ack) */
	assert_int_equal(addr_op(&a, RTM_DELADDR, 7, "10.9.9.9", 24, 1, 0), 0);
	off = req(&b, RTM_DELADDR, NLM_F_ACK, 8, sizeof(struct ifaddrmsg));
	((struct ifaddrmsg *)nl_msg_fam(&b, off))->ifa_family = AF_INET;
	((struct ifaddrmsg *)nl_msg_fam(&b, off))->ifa_index = 1;
	nl_put(&b, IFA_LOCAL, &d, 4);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 8, true, &out), -EADDRNOTAVAIL);
	h = (const void *)out.data;
	assert_true(h->nlmsg_flags & NLM_F_ACK_TLVS);
	const struct nlmsgerr *e = NLMSG_DATA(h);
	/* the request follows the error (no NETLINK_CAP_ACK), then the message */
	assert_int_equal(e->msg.nlmsg_seq, 8);
	const struct nlattr *msg =
	    (const void *)((const uint8_t *)e + sizeof(*e) + e->msg.nlmsg_len - NLMSG_HDRLEN);
	assert_int_equal(msg->nla_type, NLMSGERR_ATTR_MSG);
	assert_string_equal(nla_payload(msg), "ipv4: Address not found");
	nl_buf_free(&out);
	drain(&mon, &out);
	assert_int_equal(count_type(&out, RTM_DELADDR), 1);
	nl_buf_free(&out);
	sk_close(&a);
	sk_close(&mon);
}

/* A dump larger than one datagram is handed out as the reader drains; a buffer too small
 * for a datagram truncates it (MSG_TRUNC), losing the rest of that datagram only. */
static void test_dump_paced(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE);
	char s[32];
	for (int i = 1; i <= 200; i++) {
		snprintf(s, sizeof(s), "10.1.%d.%d", i / 250, i % 250 + 1);
		assert_int_equal(addr_op(&a, RTM_NEWADDR, (uint32_t)i, s, 32, 1, NLM_F_CREATE), 0);
	}
	/* a fresh socket: the datagram size follows the largest read seen */
	sk_close(&a);
	a = nlsk(NETLINK_ROUTE);
	struct nl_buf b = {0}, out = {0};
	nl_msg_end(&b, req(&b, RTM_GETADDR, NLM_F_DUMP, 500, sizeof(struct ifaddrmsg)));
	send_req(&a, &b, false);
	/* one datagram is queued at a time, sized after the reader's buffer (4096: about
	 * 4 KiB each) */
	int dgrams = drain_sz(&a, &out, 4096);
	assert_true(dgrams > 3);
	assert_int_equal(count_type(&out, RTM_NEWADDR), 201);
	assert_int_equal(count_type(&out, NLMSG_DONE), 1);
	nl_buf_free(&out);
	/* read with a 100-byte buffer: each datagram is cut */
	nl_msg_end(&b, req(&b, RTM_GETADDR, NLM_F_DUMP, 501, sizeof(struct ifaddrmsg)));
	send_req(&a, &b, false);
	uint8_t small[100];
	int fl, cut = 0;
	ssize_t n;
	while ((n = rcv(&a, small, sizeof(small), 0, &fl, NULL)) > 0) {
		assert_true(n <= 100);
		if (fl & MSG_TRUNC)
			cut++;
	}
	assert_int_equal(n, -EAGAIN);
	assert_true(cut >= 3);
	/* a second dump while one is running: EBUSY */
	nl_msg_end(&b, req(&b, RTM_GETADDR, NLM_F_DUMP, 502, sizeof(struct ifaddrmsg)));
	send_req(&a, &b, false);
	nl_msg_end(&b, req(&b, RTM_GETLINK, NLM_F_DUMP, 503, sizeof(struct ifinfomsg)));
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(ack_of(&out, 503), -EBUSY);
	assert_int_equal(count_type(&out, RTM_NEWADDR), 201);
	nl_buf_free(&out);
	/* MSG_TRUNC returns the datagram's real length */
	nl_msg_end(&b, req(&b, RTM_GETLINK, NLM_F_DUMP, 504, sizeof(struct ifinfomsg)));
	send_req(&a, &b, false);
	ssize_t full = rcv(&a, small, 0, MSG_PEEK | MSG_TRUNC, NULL, NULL);
	assert_int_equal(rcv(&a, small, sizeof(small), MSG_TRUNC, &fl, NULL), full);
	assert_true(fl & MSG_TRUNC);
	drain(&a, NULL);
	sk_close(&a);
}

/* ---- routes ---- */

static int route_op(struct sk *k, int type, uint32_t seq, const char *dst, int plen, const char *gw,
		    int oif, uint16_t flags)
{
	struct nl_buf b = {0};
	long off = req(&b, (uint16_t)type, NLM_F_ACK | flags, seq, sizeof(struct rtmsg));
	struct rtmsg *rtm = nl_msg_fam(&b, off);
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (uint8_t)plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = type == RTM_NEWROUTE ? RTPROT_BOOT : 0;
	rtm->rtm_scope = type == RTM_DELROUTE ? RT_SCOPE_NOWHERE
			 : gw		      ? RT_SCOPE_UNIVERSE
					      : RT_SCOPE_LINK;
	rtm->rtm_type = type == RTM_NEWROUTE ? RTN_UNICAST : 0;
	uint32_t v = inet_addr(dst);
	if (plen)
		nl_put(&b, RTA_DST, &v, 4);
	if (gw) {
		v = inet_addr(gw);
		nl_put(&b, RTA_GATEWAY, &v, 4);
	}
	if (oif)
		nl_put_u32(&b, RTA_OIF, (uint32_t)oif);
	nl_msg_end(&b, off);
	return talk(k, &b, seq, true, NULL);
}

/* An Ethernet interface whose frames (gratuitous ARP) go nowhere. */
static int drop_xmit(struct net_iface *ifc, struct pkt *p)
{
	pkt_put(p);
	return 0;
}

static struct net_iface *eth_iface(void)
{
	static const struct net_iface_ops ops = {.xmit = drop_xmit};
	struct net_iface *e = net_iface_add(tns, "eth0", ARPHRD_ETHER, &ops, NULL);
	assert_non_null(e);
	return e;
}

static void test_routes(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE), mon = nlsk(NETLINK_ROUTE);
	assert_int_equal(nl_bindg(&mon, 0, RTMGRP_IPV4_ROUTE), 0);
	struct net_iface *e = eth_iface();
	assert_int_equal(addr_op(&a, RTM_NEWADDR, 1, "192.168.5.2", 24, e->ifindex, NLM_F_CREATE),
			 0);
	/* on a down interface: ENETDOWN; up: the prefix route appears */
	assert_int_equal(route_op(&a, RTM_NEWROUTE, 2, "0.0.0.0", 0, "192.168.5.1", 0,
				  NLM_F_CREATE | NLM_F_EXCL),
			 -ENETUNREACH);
	assert_int_equal(net_iface_set_up(e, true), 0);
	drain(&mon, NULL);
	assert_int_equal(route_op(&a, RTM_NEWROUTE, 3, "0.0.0.0", 0, "192.168.5.1", 0,
				  NLM_F_CREATE | NLM_F_EXCL),
			 0);
	assert_int_equal(drain(&mon, NULL), 1);
	assert_int_equal(route_op(&a, RTM_NEWROUTE, 4, "0.0.0.0", 0, "192.168.5.1", 0,
				  NLM_F_CREATE | NLM_F_EXCL),
			 -EEXIST);
	assert_int_equal(route_op(&a, RTM_NEWROUTE, 5, "10.0.0.0", 8, "172.16.0.1", 0,
				  NLM_F_CREATE | NLM_F_EXCL),
			 -ENETUNREACH);
	assert_int_equal(route_op(&a, RTM_NEWROUTE, 6, "10.0.0.1", 8, NULL, e->ifindex,
				  NLM_F_CREATE | NLM_F_EXCL),
			 -EINVAL);
	assert_int_equal(route_op(&a, RTM_NEWROUTE, 7, "10.0.0.0", 8, NULL, e->ifindex,
				  NLM_F_CREATE | NLM_F_EXCL),
			 0);
	assert_int_equal(route_op(&a, RTM_NEWROUTE, 8, "10.0.0.0", 8, NULL, 77, NLM_F_CREATE),
			 -ENODEV);
	/* route get through the gateway */
	struct nl_buf b = {0}, out = {0};
	long off = req(&b, RTM_GETROUTE, 0, 9, sizeof(struct rtmsg));
	((struct rtmsg *)nl_msg_fam(&b, off))->rtm_family = AF_INET;
	uint32_t d = inet_addr("8.8.8.8");
	nl_put(&b, RTA_DST, &d, 4);
	nl_msg_end(&b, off);
	talk(&a, &b, 9, false, &out);
	const struct nlmsghdr *h = (const void *)out.data;
	assert_int_equal(h->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(((struct rtmsg *)NLMSG_DATA(h))->rtm_type, RTN_UNICAST);
	assert_int_equal(attr_u32(h, sizeof(struct rtmsg), RTA_GATEWAY), inet_addr("192.168.5.1"));
	assert_int_equal(attr_u32(h, sizeof(struct rtmsg), RTA_OIF), (uint32_t)e->ifindex);
	assert_int_equal(attr_u32(h, sizeof(struct rtmsg), RTA_PREFSRC), inet_addr("192.168.5.2"));
	nl_buf_free(&out);
	/* the dump of every table, strict: main first (default first), then local */
	int one = 1;
	a.s->ops->setsockopt(a.s, SOL_NETLINK_, NETLINK_GET_STRICT_CHK, &one, 4);
	off = req(&b, RTM_GETROUTE, NLM_F_DUMP, 10, sizeof(struct rtmsg));
	((struct rtmsg *)nl_msg_fam(&b, off))->rtm_family = AF_INET;
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	int i = 0, main_n = 0, local_n = 0;
	uint32_t last_table = 0;
	for_each_msg(m, out.data, out.len)
	{
		if (m->nlmsg_type != RTM_NEWROUTE)
			continue;
		const struct rtmsg *r = NLMSG_DATA(m);
		uint32_t t = attr_u32(m, sizeof(*r), RTA_TABLE);
		assert_true(t >= last_table || last_table == 0);
		last_table = t;
		if (i++ == 0) {
			assert_int_equal(t, RT_TABLE_MAIN);
			assert_int_equal(r->rtm_dst_len, 0);
		}
		if (t == RT_TABLE_MAIN)
			main_n++;
		else
			local_n++;
	}
	/* main: default, 10/8, 192.168.5/24; local: 127/8, 127.0.0.1, 127.255.255.255,
	 * 192.168.5.2, 192.168.5.255 */
	assert_int_equal(main_n, 3);
	assert_int_equal(local_n, 5);
	nl_buf_free(&out);
	/* a strict dump of the main table only is marked filtered */
	off = req(&b, RTM_GETROUTE, NLM_F_DUMP, 11, sizeof(struct rtmsg));
	((struct rtmsg *)nl_msg_fam(&b, off))->rtm_family = AF_INET;
	nl_put_u32(&b, RTA_TABLE, RT_TABLE_MAIN);
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(count_type(&out, RTM_NEWROUTE), 3);
	for_each_msg(m, out.data, out.len) assert_true(m->nlmsg_flags & NLM_F_DUMP_FILTERED);
	nl_buf_free(&out);
	/* strict: bad header values end the dump with an error in NLMSG_DONE */
	off = req(&b, RTM_GETROUTE, NLM_F_DUMP, 12, sizeof(struct rtmsg));
	((struct rtmsg *)nl_msg_fam(&b, off))->rtm_dst_len = 8;
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	h = (const void *)out.data;
	assert_int_equal(h->nlmsg_type, NLMSG_DONE);
	assert_int_equal(*(const int *)NLMSG_DATA(h), -EINVAL);
	nl_buf_free(&out);
	/* delete */
	assert_int_equal(route_op(&a, RTM_DELROUTE, 13, "10.0.0.0", 8, NULL, 0, 0), 0);
	assert_int_equal(route_op(&a, RTM_DELROUTE, 14, "10.0.0.0", 8, NULL, 0, 0), -ESRCH);
	assert_int_equal(route_op(&a, RTM_DELROUTE, 15, "0.0.0.0", 0, "192.168.5.9", 0, 0), -ESRCH);
	assert_int_equal(route_op(&a, RTM_DELROUTE, 16, "0.0.0.0", 0, "192.168.5.1", 0, 0), 0);
	drain(&mon, &out);
	assert_int_equal(count_type(&out, RTM_DELROUTE), 2);
	nl_buf_free(&out);
	net_iface_remove(e);
	drain(&mon, NULL);
	sk_close(&a);
	sk_close(&mon);
}

static void test_rules_netconf_neigh_qdisc(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE);
	struct nl_buf b = {0}, out = {0};
	long off = req(&b, RTM_GETRULE, NLM_F_DUMP, 1, sizeof(struct fib_rule_hdr));
	((struct fib_rule_hdr *)nl_msg_fam(&b, off))->family = AF_INET;
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(count_type(&out, RTM_NEWRULE), 3);
	nl_buf_free(&out);
	off = req(&b, RTM_GETRULE, NLM_F_DUMP, 2, sizeof(struct fib_rule_hdr));
	((struct fib_rule_hdr *)nl_msg_fam(&b, off))->family = AF_INET6;
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(*(const int *)NLMSG_DATA(out.data), -EAFNOSUPPORT);
	nl_buf_free(&out);
	off = req(&b, RTM_GETNETCONF, NLM_F_DUMP, 3, sizeof(struct netconfmsg));
	((struct netconfmsg *)nl_msg_fam(&b, off))->ncm_family = AF_INET;
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(count_type(&out, RTM_NEWNETCONF), 3); /* lo, all, default */
	nl_buf_free(&out);
	off = req(&b, RTM_GETNEIGH, NLM_F_DUMP, 4, sizeof(struct ndmsg));
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(count_type(&out, RTM_NEWNEIGH), 0);
	assert_int_equal(count_type(&out, NLMSG_DONE), 1);
	nl_buf_free(&out);
	off = req(&b, RTM_GETQDISC, NLM_F_DUMP, 5, sizeof(struct tcmsg));
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(count_type(&out, NLMSG_DONE), 1);
	nl_buf_free(&out);
	/* a neighbour on an Ethernet interface: add, dump, get, delete */
	struct net_iface *e = eth_iface();
	off = req(&b, RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 6, sizeof(struct ndmsg));
	struct ndmsg *nd = nl_msg_fam(&b, off);
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = e->ifindex;
	nd->ndm_state = NUD_PERMANENT;
	uint32_t ip = inet_addr("192.168.7.7");
	uint8_t mac[6] = {2, 0, 0, 0, 0, 7};
	nl_put(&b, NDA_DST, &ip, 4);
	nl_put(&b, NDA_LLADDR, mac, 6);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 6, true, NULL), 0);
	off = req(&b, RTM_GETNEIGH, NLM_F_DUMP, 7, sizeof(struct ndmsg));
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(count_type(&out, RTM_NEWNEIGH), 1);
	const struct nlmsghdr *h = (const void *)out.data;
	assert_int_equal(((const struct ndmsg *)NLMSG_DATA(h))->ndm_state, NUD_PERMANENT);
	assert_memory_equal(nla_payload(attr(h, sizeof(struct ndmsg), NDA_LLADDR)), mac, 6);
	nl_buf_free(&out);
	off = req(&b, RTM_DELNEIGH, NLM_F_ACK, 8, sizeof(struct ndmsg));
	nd = nl_msg_fam(&b, off);
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = e->ifindex;
	nl_put(&b, NDA_DST, &ip, 4);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 8, true, NULL), 0);
	net_iface_remove(e);
	sk_close(&a);
}

/* ---- hostile input ---- */

static void test_bad_messages(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE);
	int one = 1;
	a.s->ops->setsockopt(a.s, SOL_NETLINK_, NETLINK_EXT_ACK, &one, 4);
	struct nl_buf out = {0};
	uint8_t raw[256];
	struct nlmsghdr *h = (void *)raw;
	/* shorter than a header, or a length past the datagram: ignored, as Linux */
	memset(raw, 0, sizeof(raw));
	assert_int_equal(snd_as(&a, raw, 8, true), 8);
	h->nlmsg_len = 200;
	h->nlmsg_type = RTM_GETLINK;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	assert_int_equal(snd_as(&a, raw, 40, true), 40);
	h->nlmsg_len = 3;
	assert_int_equal(snd_as(&a, raw, 40, true), 40);
	assert_int_equal(drain(&a, NULL), 0);
	/* not a request: acked with 0 when asked; a control type likewise */
	h->nlmsg_len = NLMSG_HDRLEN + 16;
	h->nlmsg_flags = NLM_F_ACK;
	h->nlmsg_seq = 5;
	snd_as(&a, raw, h->nlmsg_len, true);
	drain(&a, &out);
	assert_int_equal(ack_of(&out, 5), 0);
	nl_buf_free(&out);
	/* a type past RTM_MAX: EOPNOTSUPP; an empty payload: ignored (acked 0) */
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_type = RTM_MAX + 1;
	h->nlmsg_seq = 6;
	snd_as(&a, raw, h->nlmsg_len, true);
	h->nlmsg_type = RTM_GETLINK;
	h->nlmsg_len = NLMSG_HDRLEN;
	h->nlmsg_seq = 7;
	snd_as(&a, raw, h->nlmsg_len, true);
	drain(&a, &out);
	assert_int_equal(ack_of(&out, 6), -EOPNOTSUPP);
	assert_int_equal(ack_of(&out, 7), 0);
	nl_buf_free(&out);
	/* an attribute too short for its policy: ERANGE with the offending offset */
	struct nl_buf b = {0};
	long off = req(&b, RTM_NEWADDR, NLM_F_ACK, 8, sizeof(struct ifaddrmsg));
	((struct ifaddrmsg *)nl_msg_fam(&b, off))->ifa_family = AF_INET;
	((struct ifaddrmsg *)nl_msg_fam(&b, off))->ifa_index = 1;
	nl_put(&b, IFA_LOCAL, "ab", 2);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 8, true, &out), -ERANGE);
	assert_true(((const struct nlmsghdr *)out.data)->nlmsg_flags & NLM_F_ACK_TLVS);
	nl_buf_free(&out);
	/* a header too short for its family header */
	off = req(&b, RTM_NEWADDR, NLM_F_ACK, 9, 4);
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 9, true, NULL), -EINVAL);
	/* an attribute whose length runs past the message: parsing stops there */
	off = req(&b, RTM_GETLINK, NLM_F_ACK, 10, sizeof(struct ifinfomsg));
	nl_put_str(&b, IFLA_IFNAME, "lo");
	nl_msg_end(&b, off);
	((struct nlattr *)(b.data + NLMSG_HDRLEN + sizeof(struct ifinfomsg)))->nla_len = 200;
	assert_int_equal(talk(&a, &b, 10, false, NULL), -EINVAL);
	/* CAP_ACK: the error carries only the request's header */
	a.s->ops->setsockopt(a.s, SOL_NETLINK_, NETLINK_CAP_ACK, &one, 4);
	off = req(&b, RTM_GETLINK, NLM_F_ACK, 11, sizeof(struct ifinfomsg));
	nl_put_str(&b, IFLA_IFNAME, "nosuch");
	nl_msg_end(&b, off);
	assert_int_equal(talk(&a, &b, 11, false, &out), -ENODEV);
	h = (void *)out.data;
	assert_true(h->nlmsg_flags & NLM_F_CAPPED);
	assert_int_equal(h->nlmsg_len, NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	nl_buf_free(&out);
	/* several requests in one datagram are each answered, in order */
	off = req(&b, RTM_GETLINK, NLM_F_ACK, 12, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)nl_msg_fam(&b, off))->ifi_index = 1;
	nl_msg_end(&b, off);
	off = req(&b, RTM_GETLINK, NLM_F_ACK, 13, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)nl_msg_fam(&b, off))->ifi_index = 55;
	nl_msg_end(&b, off);
	send_req(&a, &b, false);
	drain(&a, &out);
	assert_int_equal(ack_of(&out, 12), 0);
	assert_int_equal(ack_of(&out, 13), -ENODEV);
	nl_buf_free(&out);
	/* MSG_OOB */
	struct net_call c = call_as(true);
	struct net_msg m = {.buf = raw, .len = 16, .flags = MSG_OOB};
	assert_int_equal(a.s->ops->sendmsg(a.s, &c, &m), -EOPNOTSUPP);
	sk_close(&a);
}

/* The receive buffer fills: kernel answers are dropped and ENOBUFS is reported once. */
static void test_overrun(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE);
	int v = 0; /* SO_RCVBUF's minimum */
	struct net_call c = call_as(true);
	assert_int_equal(net_socket_setsockopt(a.s, &c, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	struct nl_buf b = {0};
	for (int i = 0; i < 20; i++) {
		long off = req(&b, RTM_GETLINK, NLM_F_ACK, (uint32_t)i, sizeof(struct ifinfomsg));
		((struct ifinfomsg *)nl_msg_fam(&b, off))->ifi_index = 1;
		nl_msg_end(&b, off);
		send_req(&a, &b, false);
	}
	assert_true(a.s->ops->poll(a.s) & EPOLLERR);
	uint8_t buf[8192];
	assert_int_equal(rcv(&a, buf, sizeof(buf), 0, NULL, NULL), -ENOBUFS);
	assert_true(drain(&a, NULL) >= 1);
	sk_close(&a);
}

/* User sockets talking to each other (CAP_NET_ADMIN), unicast and to a group. */
static void test_user_messages(void **state)
{
	struct sk a = nlsk(NETLINK_KOBJECT_UEVENT), b = nlsk(NETLINK_KOBJECT_UEVENT);
	assert_int_equal(nl_bindg(&a, 100, 0), 0);
	assert_int_equal(nl_bindg(&b, 200, 2), 0);
	struct net_call cu = call_as(false), ca = call_as(true);
	struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = 200};
	struct net_msg m = {.buf = "hello", .len = 5, .name = &to, .namelen = sizeof(to)};
	assert_int_equal(a.s->ops->sendmsg(a.s, &cu, &m), -EPERM);
	assert_int_equal(a.s->ops->sendmsg(a.s, &ca, &m), 5);
	to.nl_pid = 0;
	to.nl_groups = 2;
	assert_int_equal(a.s->ops->sendmsg(a.s, &ca, &m), 5);
	to.nl_pid = 999;
	to.nl_groups = 0;
	assert_int_equal(a.s->ops->sendmsg(a.s, &ca, &m), -ECONNREFUSED);
	char buf[16];
	struct sockaddr_nl from;
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL, &from), 5);
	assert_int_equal(from.nl_pid, 100);
	assert_int_equal(from.nl_groups, 0);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL, &from), 5);
	assert_int_equal(from.nl_groups, 2);
	assert_memory_equal(buf, "hello", 5);
	sk_close(&a);
	sk_close(&b);
}

/* 10k random mutations of valid requests, then 10k well-framed requests of random types
 * and contents: never a crash, never a leak. */
static void test_fuzz(void **state)
{
	struct sk a = nlsk(NETLINK_ROUTE), mon = nlsk(NETLINK_ROUTE);
	assert_int_equal(nl_bindg(&mon, 0, ~0u), 0);
	int one = 1;
	a.s->ops->setsockopt(a.s, SOL_NETLINK_, NETLINK_EXT_ACK, &one, 4);
	struct net_iface *e = eth_iface();
	net_iface_set_up(e, true);
	struct nl_buf seeds[8];
	memset(seeds, 0, sizeof(seeds));
	uint32_t v = inet_addr("10.3.3.3");
	long off;
	off = req(&seeds[0], RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE, 1, sizeof(struct ifaddrmsg));
	*(struct ifaddrmsg *)nl_msg_fam(&seeds[0], off) =
	    (struct ifaddrmsg){.ifa_family = AF_INET, .ifa_prefixlen = 24, .ifa_index = 2};
	nl_put(&seeds[0], IFA_LOCAL, &v, 4);
	nl_put_str(&seeds[0], IFA_LABEL, "eth0");
	nl_msg_end(&seeds[0], off);
	off = req(&seeds[1], RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE, 2, sizeof(struct rtmsg));
	*(struct rtmsg *)nl_msg_fam(&seeds[1], off) = (struct rtmsg){.rtm_family = AF_INET,
								     .rtm_dst_len = 8,
								     .rtm_table = RT_TABLE_MAIN,
								     .rtm_type = RTN_UNICAST,
								     .rtm_scope = RT_SCOPE_LINK};
	v = inet_addr("10.0.0.0");
	nl_put(&seeds[1], RTA_DST, &v, 4);
	nl_put_u32(&seeds[1], RTA_OIF, 2);
	nl_msg_end(&seeds[1], off);
	off = req(&seeds[2], RTM_GETLINK, NLM_F_DUMP, 3, sizeof(struct ifinfomsg));
	nl_put_u32(&seeds[2], IFLA_EXT_MASK, 1);
	nl_msg_end(&seeds[2], off);
	off = req(&seeds[3], RTM_NEWLINK, NLM_F_ACK, 4, sizeof(struct ifinfomsg));
	((struct ifinfomsg *)nl_msg_fam(&seeds[3], off))->ifi_index = 2;
	nl_put_u32(&seeds[3], IFLA_MTU, 1400);
	long li = nl_nest_begin(&seeds[3], IFLA_LINKINFO);
	nl_put_str(&seeds[3], IFLA_INFO_KIND, "veth");
	nl_nest_end(&seeds[3], li);
	nl_msg_end(&seeds[3], off);
	off = req(&seeds[4], RTM_GETROUTE, 0, 5, sizeof(struct rtmsg));
	((struct rtmsg *)nl_msg_fam(&seeds[4], off))->rtm_flags = RTM_F_FIB_MATCH;
	((struct rtmsg *)nl_msg_fam(&seeds[4], off))->rtm_family = AF_INET;
	nl_put(&seeds[4], RTA_DST, &v, 4);
	nl_msg_end(&seeds[4], off);
	off = req(&seeds[5], RTM_DELADDR, NLM_F_ACK, 6, sizeof(struct ifaddrmsg));
	*(struct ifaddrmsg *)nl_msg_fam(&seeds[5], off) =
	    (struct ifaddrmsg){.ifa_family = AF_INET, .ifa_prefixlen = 24, .ifa_index = 2};
	nl_put(&seeds[5], IFA_ADDRESS, &v, 4);
	nl_msg_end(&seeds[5], off);
	off = req(&seeds[6], RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE, 7, sizeof(struct ndmsg));
	*(struct ndmsg *)nl_msg_fam(&seeds[6], off) =
	    (struct ndmsg){.ndm_family = AF_INET, .ndm_ifindex = 2, .ndm_state = NUD_REACHABLE};
	nl_put(&seeds[6], NDA_DST, &v, 4);
	nl_put(&seeds[6], NDA_LLADDR, "\x02\x00\x00\x00\x00\x01", 6);
	nl_msg_end(&seeds[6], off);
	off = req(&seeds[7], RTM_GETADDR, NLM_F_DUMP, 8, sizeof(struct ifaddrmsg));
	nl_put_u32(&seeds[7], IFA_TARGET_NETNSID, 1);
	nl_msg_end(&seeds[7], off);
	srandom(12345);
	uint8_t buf[512];
	for (int it = 0; it < 10000; it++) {
		struct nl_buf *s = &seeds[random() % 8];
		size_t len = s->len;
		memcpy(buf, s->data, len);
		int nmut = 1 + (int)(random() % 4);
		for (int k = 0; k < nmut; k++) {
			switch (random() % 5) {
			case 0: /* a random byte */
				buf[random() % len] = (uint8_t)random();
				break;
			case 1: /* a random bit */
				buf[random() % len] ^= (uint8_t)(1u << (random() % 8));
				break;
			case 2: /* truncate */
				len = 1 + (size_t)random() % len;
				break;
			case 3: /* append garbage */
				if (len + 16 < sizeof(buf)) {
					for (int j = 0; j < 16; j++)
						buf[len + (size_t)j] = (uint8_t)random();
					len += 16;
				}
				break;
			case 4: /* a 16-bit length field somewhere */
				if (len >= 2) {
					size_t p = (size_t)random() % (len - 1);
					uint16_t l = (uint16_t)random();
					memcpy(buf + p, &l, 2);
				}
				break;
			}
		}
		if (random() % 2 && len >= 4) {
			uint32_t l = (uint32_t)len; /* keep nlmsg_len consistent half the time */
			memcpy(buf, &l, 4);
		}
		if (it % 97 == 0) { /* the strict and capped paths too */
			int on = (int)(random() % 2);
			a.s->ops->setsockopt(a.s, SOL_NETLINK_, NETLINK_GET_STRICT_CHK, &on, 4);
			on = (int)(random() % 2);
			a.s->ops->setsockopt(a.s, SOL_NETLINK_, NETLINK_CAP_ACK, &on, 4);
		}
		ssize_t r = snd_as(&a, buf, len, random() % 4 != 0);
		assert_true(r == (ssize_t)len || r < 0);
		if (it % 11 == 0) { /* a reader with a small buffer: cut datagrams */
			uint8_t small[64];
			while (rcv(&a, small, (size_t)random() % sizeof(small), 0, NULL, NULL) >= 0)
				;
		}
		if (it % 7 == 0)
			drain(&a, NULL);
		if (it % 13 == 0)
			drain(&mon, NULL);
	}
	/* then well-framed messages of every rtnetlink type, family header and attributes of
	 * random contents (types 1..40, lengths 0..24, sometimes nested) */
	for (int it = 0; it < 10000; it++) {
		struct nl_buf b = {0};
		uint16_t type = (uint16_t)(RTM_BASE + random() % (RTM_MAX - RTM_BASE + 1));
		uint16_t flags = (uint16_t)(random() & (NLM_F_ACK | NLM_F_DUMP | NLM_F_CREATE |
							NLM_F_EXCL | NLM_F_REPLACE));
		size_t hdr = (size_t)random() % 24;
		long off = req(&b, type, flags, (uint32_t)it, hdr);
		uint8_t *fam = nl_msg_fam(&b, off);
		for (size_t j = 0; j < hdr; j++)
			fam[j] = random() % 3 ? 0 : (uint8_t)random();
		if (hdr >= 8 && random() % 2)
			memcpy(fam + 4, &(int){1 + (int)(random() % 3)}, 4); /* an index that exists */
		int nattr = (int)(random() % 5);
		for (int k = 0; k < nattr; k++) {
			uint8_t val[24];
			for (size_t j = 0; j < sizeof(val); j++)
				val[j] = (uint8_t)random();
			uint16_t at = (uint16_t)(1 + random() % 40);
			if (random() % 6 == 0) {
				long n = nl_nest_begin(&b, at);
				nl_put(&b, (uint16_t)(1 + random() % 8), val, (size_t)random() % 24);
				nl_nest_end(&b, n);
			} else {
				nl_put(&b, at, val, (size_t)random() % 24);
			}
		}
		nl_msg_end(&b, off);
		assert_int_equal(snd_as(&a, b.data, b.len, random() % 4 != 0), (ssize_t)b.len);
		nl_buf_free(&b);
		if (it % 5 == 0)
			drain(&a, NULL);
		if (it % 13 == 0)
			drain(&mon, NULL);
	}
	drain(&a, NULL);
	drain(&mon, NULL);
	for (int i = 0; i < 8; i++)
		nl_buf_free(&seeds[i]);
	net_iface_remove(e);
	sk_close(&a);
	sk_close(&mon);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bind_getname, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_options, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_getlink_dump_and_get, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setlink_and_notify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_addresses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dump_paced, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rules_netconf_neigh_qdisc, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_messages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overrun, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user_messages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
