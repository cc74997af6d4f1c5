/* netstack/raw.c - raw IPv4 sockets (SOCK_RAW with a protocol; IPPROTO_RAW implies
 * IP_HDRINCL): every received datagram of the socket's protocol is copied to it with its
 * IP header (raw_v4_deliver, before the transport), ICMP_FILTER drops ICMP types, sends
 * go out with the caller's transport header (the kernel fills no checksum) or, with
 * IP_HDRINCL, the caller's IP header; ICMP errors about what was sent are reported as
 * Linux's raw_err does. Also the receive queue and connect shared with ping sockets.
 *
 * Owns: struct raw_sock, struct raw_ns (net/ipv4/raw.c). Must not: check CAP_NET_RAW
 * (the socket(2) handler does), block, or trust a received byte. */
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include "netstack/raw.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif
#ifndef ICMP_FILTER
#define ICMP_FILTER 1 /* linux/icmp.h, which clashes with netinet/ip_icmp.h */
#endif
#ifndef SOL_RAW
#define SOL_RAW 255
#endif

static struct raw_sock *raw_sk(struct net_socket *s)
{
	return (struct raw_sock *)s;
}

static bool is_multicast(uint32_t a)
{
	return (ntohl(a) >> 28) == 14;
}

/* ---- the namespace ---- */

int raw_ns_init(struct netns *ns)
{
	return raw_ns_get(ns) ? 0 : -ENOMEM;
}

void raw_ns_fini(struct netns *ns)
{
	free(ns->raw);
	ns->raw = NULL;
}

struct raw_ns *raw_ns_get(struct netns *ns)
{
	if (!ns->raw) {
		ns->raw = calloc(1, sizeof(*ns->raw));
		if (ns->raw) {
			list_init(&ns->raw->socks);
			inet_ports_init(&ns->raw->ping_ports);
		}
	}
	return ns->raw;
}

/* ---- the receive queue (raw and ping) ---- */

int raw_queue_rcv(struct raw_sock *rs, struct pkt *p, uint32_t src, const struct ip4_rx_info *ri)
{
	ssize_t keep = inet_filter(&rs->inet, p, p->data, 1); /* sock_queue_rcv_skb's sk_filter */
	if (keep < 0) {
		pkt_put(p);
		return -EPERM;
	}
	pkt_trim(p, (size_t)keep);
	if (rs->rmem >= (size_t)rs->inet.sock.rcvbuf) {
		pkt_put(p);
		return -ENOBUFS;
	}
	struct raw_dgram *d = malloc(sizeof(*d));
	if (!d) {
		pkt_put(p);
		return -ENOMEM;
	}
	d->p = p;
	d->src = src;
	d->ri = *ri;
	d->truesize = p->len + RAW_DGRAM_OVERHEAD;
	rs->rmem += d->truesize;
	list_add_tail(&d->link, &rs->rxq);
	net_socket_wake(&rs->inet.sock, EPOLLIN | EPOLLRDNORM);
	return 0;
}

static void raw_dgram_free(struct raw_dgram *d)
{
	pkt_put(d->p);
	free(d);
}

void raw_purge(struct raw_sock *rs)
{
	while (!list_empty(&rs->rxq)) {
		struct raw_dgram *d = list_first_entry(&rs->rxq, struct raw_dgram, link);
		list_del(&d->link);
		raw_dgram_free(d);
	}
	rs->rmem = 0;
	inet_errq_purge(&rs->inet);
}

ssize_t raw_recv_common(struct raw_sock *rs, struct net_msg *m)
{
	struct net_socket *s = &rs->inet.sock;
	int in = m->flags;
	if (in & MSG_OOB)
		return -EOPNOTSUPP;
	if (in & MSG_ERRQUEUE)
		return inet_errq_recv(&rs->inet, m);
	int err = net_socket_take_error(s);
	if (err)
		return err;
	if (list_empty(&rs->rxq)) {
		if (!(in & MSG_DONTWAIT) && (s->shutdown & NET_RCV_SHUTDOWN))
			return 0;
		return -EAGAIN;
	}
	struct raw_dgram *d = list_first_entry(&rs->rxq, struct raw_dgram, link);
	size_t len = d->p->len;
	size_t n = len < m->len ? len : m->len;
	if (n)
		memcpy(m->buf, d->p->data, n);
	m->flags = n < len ? MSG_TRUNC : 0;
	m->fromlen = (socklen_t)inet_addr_out(&m->from, d->src, 0);
	inet_cmsg_recv(&rs->inet, m, &d->ri);
	if (!(in & MSG_PEEK)) {
		list_del(&d->link);
		rs->rmem -= d->truesize;
		raw_dgram_free(d);
	}
	return (in & MSG_TRUNC) ? (ssize_t)len : (ssize_t)n;
}

uint32_t raw_poll_common(struct raw_sock *rs)
{
	struct net_socket *s = &rs->inet.sock;
	uint32_t mask = 0;
	if (s->err || !list_empty(&rs->inet.errq))
		mask |= EPOLLERR;
	if (s->shutdown & NET_RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (s->shutdown == NET_SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (!list_empty(&rs->rxq))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask | EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
}

void raw_rx_info(const struct pkt *p, const struct ip4_rx *rx, struct ip4_rx_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->ifindex = rx->iface ? rx->iface->ifindex : 0;
	ri->spec_dst = rx->dst;
	if ((rx->broadcast || rx->multicast) && rx->iface && !list_empty(&rx->iface->addrs))
		ri->spec_dst = list_first_entry(&rx->iface->addrs, struct net_ifaddr, link)->addr;
	ri->dst = rx->dst;
	ri->ttl = rx->ttl;
	ri->tos = rx->tos;
	ri->tstamp_ns = p->tstamp_ns;
}

/* ip4_datagram_connect / __udp_disconnect for raw and ping sockets */
int raw_dgram_connect(struct raw_sock *rs, const void *addr, socklen_t len)
{
	struct inet_sock *is = &rs->inet;
	struct sockaddr_in sin;
	struct net_route_result rt;
	if (len < (socklen_t)sizeof(sa_family_t))
		return -EINVAL;
	if (((const struct sockaddr *)addr)->sa_family == AF_UNSPEC) {
		rs->connected = false;
		is->raddr = 0;
		is->rport = 0;
		if (!is->bind_addr_explicit)
			is->laddr = is->saddr = 0;
		return 0;
	}
	if (len < (socklen_t)sizeof(sin))
		return -EINVAL;
	memcpy(&sin, addr, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	uint32_t daddr = sin.sin_addr.s_addr;
	if (!daddr)
		daddr = is->saddr ? is->saddr : htonl(INADDR_LOOPBACK);
	int err = net_route_lookup(is->ns, daddr, inet_oif(is), &rt);
	if (err)
		return err;
	if (rt.broadcast && !is->sock.broadcast)
		return -EACCES;
	if (!is->saddr)
		is->saddr = rt.src;
	if (!is->laddr)
		is->laddr = rt.src;
	is->raddr = daddr;
	is->rport = sin.sin_port;
	rs->connected = true;
	return 0;
}

/* ---- raw sockets ---- */

/* implements bind(2) for raw sockets (raw_bind: no port, no family check) */
static int raw_bind(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct raw_sock *rs = raw_sk(s);
	struct inet_sock *is = &rs->inet;
	struct sockaddr_in sin;
	if (rs->connected || len < (socklen_t)sizeof(sin))
		return -EINVAL;
	memcpy(&sin, addr, sizeof(sin));
	uint32_t a = sin.sin_addr.s_addr;
	bool bcast = a == htonl(INADDR_BROADCAST) || is_multicast(a);
	if (a && !bcast && !net_addr_is_local(is->ns, a) && !is->freebind && !is->transparent)
		return -EADDRNOTAVAIL;
	is->laddr = a;
	is->saddr = bcast ? 0 : a;
	is->bind_addr_explicit = a != 0;
	return 0;
}

static int raw_connect(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	return raw_dgram_connect(raw_sk(s), addr, len);
}

/* implements sendmsg(2) for raw sockets (raw_sendmsg) */
static ssize_t raw_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct raw_sock *rs = raw_sk(s);
	struct inet_sock *is = &rs->inet;
	struct inet_dgram_route r;
	uint32_t daddr;
	if (m->len > 0xffff)
		return -EMSGSIZE;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->name && m->namelen) {
		struct sockaddr_in sin;
		if (m->namelen < (socklen_t)sizeof(sin))
			return -EINVAL;
		memcpy(&sin, m->name, sizeof(sin));
		if (sin.sin_family != AF_INET && sin.sin_family != AF_UNSPEC)
			return -EAFNOSUPPORT;
		daddr = sin.sin_addr.s_addr;
	} else {
		if (!rs->connected)
			return -EDESTADDRREQ;
		daddr = is->raddr;
	}
	int err = inet_dgram_route(is, m, &daddr, true, &r);
	if (err)
		return err;
	if ((err = net_socket_take_error(s)))
		return err;
	if (s->shutdown & NET_SEND_SHUTDOWN)
		return -EPIPE;
	struct pkt *p;
	if (is->hdrincl) {
		if (m->len > (size_t)r.rt.mtu)
			return -EMSGSIZE;
		if (m->len < sizeof(struct iphdr))
			return -EINVAL;
		if (!(p = pkt_from(m->buf, m->len)))
			return -ENOBUFS;
		err = ip4_output_hdrincl(is->ns, p, r.oifc);
	} else {
		bool df = is->pmtudisc == IP_PMTUDISC_DO || is->pmtudisc == IP_PMTUDISC_PROBE;
		if (m->len + sizeof(struct iphdr) > 0xffff ||
		    (df && m->len + sizeof(struct iphdr) > (size_t)r.rt.mtu))
			return -EMSGSIZE;
		if (!(p = pkt_from(m->buf, m->len)))
			return -ENOBUFS;
		struct ip4_tx tx = {.src = r.src ? r.src : r.rt.src,
				    .dst = daddr,
				    .proto = (uint8_t)s->protocol,
				    .ttl = r.ttl > 0 ? (uint8_t)r.ttl
					   : is_multicast(daddr) ? (uint8_t)is->mc_ttl
								  : inet_ttl(is),
				    .tos = (uint8_t)(r.tos >= 0 ? r.tos : is->tos),
				    .df = df,
				    .oif = r.oifc,
				    .allow_broadcast = s->broadcast};
		err = ip4_output(is->ns, p, &tx);
	}
	if (err == -ENOBUFS && !is->recverr)
		err = 0;
	return err ? err : (ssize_t)m->len;
}

static ssize_t raw_recvmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	return raw_recv_common(raw_sk(s), m);
}

static uint32_t raw_poll(struct net_socket *s)
{
	return raw_poll_common(raw_sk(s));
}

/* raw_ioctl: SIOCINQ is the next packet's length (with its IP header) */
static long raw_ioctl(struct net_socket *s, unsigned int cmd, int *out)
{
	struct raw_sock *rs = raw_sk(s);
	switch (cmd) {
	case SIOCINQ:
		*out = list_empty(&rs->rxq)
			   ? 0
			   : (int)list_first_entry(&rs->rxq, struct raw_dgram, link)->p->len;
		return 0;
	case SIOCOUTQ:
		*out = 0;
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

static int raw_shutdown(struct net_socket *s, int how)
{
	s->shutdown |= (unsigned)(how + 1);
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP | EPOLLRDNORM);
	return raw_sk(s)->connected ? 0 : -ENOTCONN;
}

/* SOL_RAW ICMP_FILTER (do_raw_setsockopt), else the inet levels */
static int raw_setsockopt(struct net_socket *s, int level, int name, const void *val,
			  socklen_t len)
{
	struct raw_sock *rs = raw_sk(s);
	if (level != SOL_RAW)
		return inet_setsockopt(s, level, name, val, len);
	if (name != ICMP_FILTER)
		return -ENOPROTOOPT;
	if (s->protocol != IPPROTO_ICMP)
		return -EOPNOTSUPP;
	size_t n = len < sizeof(rs->icmp_filter) ? len : sizeof(rs->icmp_filter);
	memcpy(&rs->icmp_filter, val, n);
	return 0;
}

static int raw_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len)
{
	struct raw_sock *rs = raw_sk(s);
	if (level != SOL_RAW)
		return inet_getsockopt(s, level, name, val, len);
	if (name != ICMP_FILTER)
		return -ENOPROTOOPT;
	if (s->protocol != IPPROTO_ICMP)
		return -EOPNOTSUPP;
	if ((int)*len < 0)
		return -EINVAL;
	socklen_t n = *len < sizeof(rs->icmp_filter) ? *len : (socklen_t)sizeof(rs->icmp_filter);
	memcpy(val, &rs->icmp_filter, n);
	*len = n;
	return 0;
}

static void raw_release(struct net_socket *s)
{
	struct raw_sock *rs = raw_sk(s);
	if (rs->in_list) {
		list_del(&rs->inet.bind_link);
		list_init(&rs->inet.bind_link);
		rs->in_list = false;
	}
	rs->connected = false;
	raw_purge(rs);
	s->shutdown = NET_SHUTDOWN_MASK;
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR);
}

static void raw_destroy(struct net_socket *s)
{
	struct raw_sock *rs = raw_sk(s);
	if (rs->in_list) /* never had a file (socketpair(2)'s EOPNOTSUPP path) */
		raw_release(s);
	inet_sock_fini(&rs->inet);
	free(rs);
}

const struct net_family_ops net_raw_ops = {
    .family = AF_INET,
    .bind = raw_bind,
    .connect = raw_connect,
    .getname = inet_getname,
    .sendmsg = raw_sendmsg,
    .recvmsg = raw_recvmsg,
    .shutdown = raw_shutdown,
    .poll = raw_poll,
    .ioctl = raw_ioctl,
    .setsockopt = raw_setsockopt,
    .getsockopt = raw_getsockopt,
    .release = raw_release,
    .destroy = raw_destroy,
};

/* socket(AF_INET, SOCK_RAW, protocol): hashed at once, "bound" to its protocol (the
 * local port getsockname shows, as inet_create sets inet_sport) */
int raw_create(struct netns *ns, int type, int protocol, struct net_socket **out)
{
	struct raw_ns *rn = raw_ns_get(ns);
	if (!rn)
		return -ENOMEM;
	struct raw_sock *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	inet_sock_init(&rs->inet, &net_raw_ops, ns, type, protocol);
	list_init(&rs->rxq);
	rs->inet.lport = htons((uint16_t)protocol);
	rs->inet.hdrincl = protocol == IPPROTO_RAW;
	list_add_tail(&rs->inet.bind_link, &rn->socks);
	rs->in_list = true;
	*out = &rs->inet.sock;
	return 0;
}

/* ---- input ---- */

/* raw_v4_match */
static bool raw_match(const struct raw_sock *rs, uint8_t proto, uint32_t raddr, uint32_t laddr,
		      int ifindex)
{
	const struct inet_sock *is = &rs->inet;
	if (is->sock.protocol != proto)
		return false;
	if (rs->connected && is->raddr && is->raddr != raddr)
		return false;
	if (is->laddr && is->laddr != laddr)
		return false;
	return !is->bound_ifindex || is->bound_ifindex == ifindex;
}

/* icmp_filter: true when @rs drops this ICMP message */
static bool icmp_filtered(const struct raw_sock *rs, const struct pkt *p)
{
	if (p->len < sizeof(struct icmphdr))
		return true;
	uint8_t type = p->data[0];
	return type < 32 && (rs->icmp_filter & (1u << type));
}

/* Raw sockets see every datagram of their protocol (see ip4.h). Does not consume @p. */
bool raw_v4_deliver(struct netns *ns, const struct pkt *p, const struct ip4_rx *rx)
{
	struct raw_ns *rn = ns->raw;
	struct raw_sock *rs;
	struct inet_sock *is;
	bool delivered = false;
	if (!rn || !p->nh || p->data < p->nh)
		return false;
	int ifindex = rx->iface ? rx->iface->ifindex : 0;
	list_for_each_entry(is, &rn->socks, bind_link)
	{
		rs = (struct raw_sock *)is;
		if (!raw_match(rs, rx->proto, rx->src, rx->dst, ifindex))
			continue;
		delivered = true;
		if (rx->proto == IPPROTO_ICMP && icmp_filtered(rs, p))
			continue;
		struct pkt *c = pkt_copy(p);
		if (!c)
			continue;
		size_t hl = (size_t)(c->data - c->nh);
		c->data = c->nh;
		c->len += hl;
		struct ip4_rx_info ri;
		raw_rx_info(p, rx, &ri);
		raw_queue_rcv(rs, c, rx->src, &ri);
	}
	return delivered;
}

/* raw_icmp_error / raw_err: an ICMP error about a datagram a raw socket may have sent */
void raw_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e)
{
	struct raw_ns *rn = ns->raw;
	struct inet_sock *is;
	if (!rn)
		return;
	list_for_each_entry(is, &rn->socks, bind_link)
	{
		struct raw_sock *rs = (struct raw_sock *)is;
		if (!raw_match(rs, e->inner->protocol, e->inner->daddr, e->inner->saddr,
			       is->bound_ifindex))
			continue;
		if (e->type == ICMP_REDIRECT || (!is->recverr && !rs->connected))
			continue;
		int err = EHOSTUNREACH;
		bool hard = false;
		if (e->type == ICMP_SOURCE_QUENCH)
			continue;
		if (e->type == ICMP_PARAMETERPROB) {
			err = EPROTO;
			hard = true;
		} else if (e->type == ICMP_DEST_UNREACH && e->code <= NR_ICMP_UNREACH) {
			if (e->code == ICMP_FRAG_NEEDED) {
				hard = is->pmtudisc != IP_PMTUDISC_DONT;
				err = EMSGSIZE;
			} else {
				err = inet_icmp_err_convert(e->type, e->code, is->pmtudisc, &hard);
			}
		}
		if (is->recverr) {
			const uint8_t *payload = is->hdrincl ? (const uint8_t *)e->inner : e->l4;
			size_t len = is->hdrincl ? (size_t)(e->l4 - (const uint8_t *)e->inner) + e->l4len
						 : e->l4len;
			struct inet_err q;
			memset(&q, 0, sizeof(q));
			q.ee.ee_errno = (uint32_t)err;
			q.ee.ee_origin = SO_EE_ORIGIN_ICMP;
			q.ee.ee_type = (uint8_t)e->type;
			q.ee.ee_code = (uint8_t)e->code;
			q.ee.ee_info = e->info;
			q.offender.sin_family = AF_INET;
			q.offender.sin_addr.s_addr = e->from;
			q.addr.sin_family = AF_INET;
			q.addr.sin_addr.s_addr = e->inner->daddr;
			inet_errq_queue(is, &q, payload, len);
		} else if (hard) {
			is->sock.err = err;
			net_socket_wake(&is->sock, EPOLLERR);
		}
	}
}
