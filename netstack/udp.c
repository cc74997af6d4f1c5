/* netstack/udp.c - UDP sockets (SOCK_DGRAM/IPPROTO_UDP): bind, connect (AF_UNSPEC
 * disconnects), send (with UDP_CORK/MSG_MORE and UDP_SEGMENT), receive (datagram
 * boundaries, MSG_PEEK, MSG_TRUNC, MSG_ERRQUEUE, control messages), poll, FIONREAD and
 * SIOCOUTQ, shutdown, and the SOL_UDP options, as Linux's net/ipv4/udp.c.
 *
 * Owns: struct udp_sock (udp.h) and its receive queue's output side.
 * Must not: block (an empty queue answers -EAGAIN; the handler parks), or touch guest
 * memory. */
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include "netstack/udp.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef UDP_NO_CHECK6_TX
#define UDP_NO_CHECK6_TX 101
#define UDP_NO_CHECK6_RX 102
#endif
#define UDP_MAX_PAYLOAD 65507 /* 65535 - IPv4 header - UDP header */
#define UDP_MAX_SEGMENTS 128

static struct udp_sock *udp_sk(struct net_socket *s)
{
	return (struct udp_sock *)s;
}

static bool is_multicast(uint32_t a)
{
	return (ntohl(a) >> 28) == 14;
}

/* ---- binding ---- */

/* inet_autobind: an ephemeral port for a socket that sends or connects unbound. */
static int udp_autobind(struct udp_sock *us)
{
	struct inet_sock *is = &us->inet;
	struct udp_ns *un = udp_ns_get(is->ns);
	if (is->lport)
		return 0;
	if (!un)
		return -ENOMEM;
	return inet_bind_port(&un->ports, is, is->laddr, 0, udp_port_shareable) ? -EAGAIN : 0;
}

/* May @addr be bound (inet_addr_valid_or_nonlocal)? */
static bool bind_addr_ok(struct inet_sock *is, uint32_t addr)
{
	return addr == htonl(INADDR_ANY) || addr == htonl(INADDR_BROADCAST) || is_multicast(addr) ||
	       net_addr_is_local(is->ns, addr) || is->freebind || is->transparent;
}

/* implements bind(2) for UDP (inet_bind / __inet_bind) */
static int udp_bind(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct udp_sock *us = udp_sk(s);
	struct inet_sock *is = &us->inet;
	struct sockaddr_in sin;
	int err = inet_addr_in(addr, len, &sin);
	if (err)
		return err;
	if (sin.sin_family == AF_UNSPEC && sin.sin_addr.s_addr != htonl(INADDR_ANY))
		return -EAFNOSUPPORT;
	uint32_t a = sin.sin_addr.s_addr;
	if (!bind_addr_ok(is, a))
		return -EADDRNOTAVAIL;
	if (is->lport || us->connected)
		return -EINVAL;
	struct udp_ns *un = udp_ns_get(is->ns);
	if (!un)
		return -ENOMEM;
	if (sin.sin_port || !is->bind_address_no_port) {
		if (inet_bind_port(&un->ports, is, a, sin.sin_port, udp_port_shareable))
			return -EADDRINUSE;
	} else {
		is->laddr = a;
	}
	is->saddr = (a == htonl(INADDR_BROADCAST) || is_multicast(a)) ? 0 : a;
	is->bind_addr_explicit = a != 0;
	is->bind_port_explicit = sin.sin_port != 0;
	is->raddr = 0;
	is->rport = 0;
	return 0;
}

/* __udp_disconnect */
static int udp_disconnect(struct udp_sock *us)
{
	struct inet_sock *is = &us->inet;
	us->connected = false;
	is->raddr = 0;
	is->rport = 0;
	if (!is->bind_addr_explicit)
		is->laddr = is->saddr = 0;
	if (!is->bind_port_explicit)
		inet_unbind_port(is);
	return 0;
}

/* The destination Linux's routing makes of 0.0.0.0: the source, else loopback. */
static uint32_t map_any_dst(const struct inet_sock *is, uint32_t daddr, uint32_t saddr)
{
	if (daddr)
		return daddr;
	return saddr ? saddr : htonl(INADDR_LOOPBACK);
}

/* implements connect(2) for UDP (inet_dgram_connect / __ip4_datagram_connect) */
static int udp_connect(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct udp_sock *us = udp_sk(s);
	struct inet_sock *is = &us->inet;
	struct sockaddr_in sin;
	struct net_route_result rt;
	if (len < (socklen_t)sizeof(sa_family_t))
		return -EINVAL;
	if (((const struct sockaddr *)addr)->sa_family == AF_UNSPEC)
		return udp_disconnect(us);
	if (udp_autobind(us))
		return -EAGAIN;
	if (len < (socklen_t)sizeof(sin))
		return -EINVAL;
	memcpy(&sin, addr, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	uint32_t daddr = map_any_dst(is, sin.sin_addr.s_addr, is->saddr);
	int err = net_route_lookup(is->ns, daddr, inet_oif(is), &rt);
	if (err)
		return err;
	if (rt.broadcast && !s->broadcast)
		return -EACCES;
	if (!is->saddr)
		is->saddr = rt.src;
	if (!is->laddr)
		is->laddr = rt.src;
	is->raddr = daddr;
	is->rport = sin.sin_port;
	us->connected = true;
	return 0;
}

/* ---- sending ---- */

/* What one datagram (or a corked one) is sent with. */
struct udp_tx {
	uint32_t src, dst;
	uint16_t dport;
	int ttl, tos, oif;
	bool df;
};

/* Builds and sends one datagram of @len bytes at @data. Returns 0 or -errno. */
static int udp_xmit(struct udp_sock *us, const struct udp_tx *t, const void *data, size_t len)
{
	struct inet_sock *is = &us->inet;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, sizeof(struct udphdr) + len);
	if (!p)
		return -ENOBUFS;
	struct udphdr uh = {.source = is->lport,
			    .dest = t->dport,
			    .len = htons((uint16_t)(sizeof(uh) + len)),
			    .check = 0};
	memcpy(p->data, &uh, sizeof(uh));
	if (len)
		memcpy(p->data + sizeof(uh), data, len);
	if (!us->no_check_tx) {
		uint32_t sum = inet_pseudo_sum(t->src, t->dst, IPPROTO_UDP, (uint16_t)p->len);
		uint16_t ck = inet_csum_fold(inet_csum_add(sum, p->data, p->len));
		uh.check = ck ? ck : 0xffff;
		memcpy(p->data + offsetof(struct udphdr, check), &uh.check, sizeof(uh.check));
	}
	struct ip4_tx tx = {.src = t->src,
			    .dst = t->dst,
			    .proto = IPPROTO_UDP,
			    .ttl = (uint8_t)t->ttl,
			    .tos = (uint8_t)t->tos,
			    .df = t->df,
			    .oif = t->oif ? net_iface_by_index(is->ns, t->oif) : NULL,
			    .allow_broadcast = is->sock.broadcast};
	int err = ip4_output(is->ns, p, &tx);
	if (err == -ENOBUFS && !is->recverr)
		err = 0; /* udp_send_skb: counted, not reported */
	if (!err)
		is->ns->stats.udp_out_datagrams++;
	return err;
}

/* Sends @len bytes as datagrams of at most @seg bytes each (UDP_SEGMENT; 0: one). */
static int udp_xmit_segments(struct udp_sock *us, const struct udp_tx *t, const uint8_t *data,
			     size_t len, size_t seg)
{
	if (!seg || len <= seg)
		return udp_xmit(us, t, data, len);
	for (size_t off = 0; off < len; off += seg) {
		size_t n = len - off < seg ? len - off : seg;
		int err = udp_xmit(us, t, data + off, n);
		if (err)
			return err;
	}
	return 0;
}

/* udp_push_pending_frames: sends the corked datagram. */
static int udp_push_pending(struct udp_sock *us)
{
	if (!us->pending)
		return 0;
	struct udp_tx t = {.src = us->cork_src,
			   .dst = us->cork_dst,
			   .dport = us->cork_dport,
			   .ttl = us->cork_ttl,
			   .tos = us->cork_tos,
			   .oif = us->cork_oif};
	int err = udp_xmit(us, &t, us->cork_buf, us->cork_len);
	us->pending = false;
	us->cork_len = 0;
	return err;
}

static int cork_append(struct udp_sock *us, const void *data, size_t len)
{
	if (us->cork_len + len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (us->cork_len + len > us->cork_cap) {
		size_t cap = us->cork_cap ? us->cork_cap : 1024;
		while (cap < us->cork_len + len)
			cap *= 2;
		uint8_t *b = realloc(us->cork_buf, cap);
		if (!b)
			return -ENOBUFS;
		us->cork_buf = b;
		us->cork_cap = cap;
	}
	memcpy(us->cork_buf + us->cork_len, data, len);
	us->cork_len += len;
	return 0;
}

/* Where a datagram goes and how (udp_sendmsg up to the route). */
static int udp_prepare(struct udp_sock *us, const struct net_msg *m, struct udp_tx *t)
{
	struct inet_sock *is = &us->inet;
	uint32_t daddr;
	if (m->name) {
		struct sockaddr_in sin;
		if (m->namelen < (socklen_t)sizeof(sin))
			return -EINVAL;
		memcpy(&sin, m->name, sizeof(sin));
		if (sin.sin_family != AF_INET && sin.sin_family != AF_UNSPEC)
			return -EAFNOSUPPORT;
		if (!sin.sin_port)
			return -EINVAL;
		daddr = sin.sin_addr.s_addr;
		t->dport = sin.sin_port;
	} else {
		if (!us->connected)
			return -EDESTADDRREQ;
		daddr = is->raddr;
		t->dport = is->rport;
	}
	struct inet_dgram_route r;
	int err = inet_dgram_route(is, m, &daddr, true, &r);
	if (err)
		return err;
	t->dst = daddr;
	t->src = r.src ? r.src : r.rt.src;
	t->oif = r.oif;
	t->ttl = r.ttl > 0 ? r.ttl : is_multicast(daddr) ? is->mc_ttl : inet_ttl(is);
	t->tos = r.tos >= 0 ? r.tos : is->tos;
	t->df = is->pmtudisc == IP_PMTUDISC_DO || is->pmtudisc == IP_PMTUDISC_PROBE;
	if (t->df && m->len + sizeof(struct udphdr) + sizeof(struct iphdr) > (size_t)r.rt.mtu)
		return -EMSGSIZE;
	return 0;
}

/* implements sendmsg(2) for UDP (udp_sendmsg) */
static ssize_t udp_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct udp_sock *us = udp_sk(s);
	struct udp_tx t;
	int err;
	if (udp_autobind(us))
		return -EAGAIN;
	if (m->len > 0xffff)
		return -EMSGSIZE;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	bool corkreq = us->corkflag || (m->flags & MSG_MORE);
	if (!us->pending) {
		err = udp_prepare(us, m, &t);
		if (err)
			return err;
		if ((err = net_socket_take_error(s)))
			return err;
		if (s->shutdown & NET_SEND_SHUTDOWN)
			return -EPIPE;
		size_t seg = (size_t)us->gso_size;
		if (seg && m->len > seg) {
			if (us->no_check_tx || corkreq || m->len > seg * UDP_MAX_SEGMENTS)
				return -EINVAL;
		} else if (m->len > UDP_MAX_PAYLOAD) {
			return -EMSGSIZE;
		}
		if (!corkreq) {
			err = udp_xmit_segments(us, &t, m->buf, m->len, seg);
			return err ? err : (ssize_t)m->len;
		}
		us->pending = true;
		us->cork_src = t.src;
		us->cork_dst = t.dst;
		us->cork_dport = t.dport;
		us->cork_ttl = t.ttl;
		us->cork_tos = t.tos;
		us->cork_oif = t.oif;
		us->cork_len = 0;
	}
	err = cork_append(us, m->buf, m->len);
	if (err) {
		us->pending = false; /* udp_flush_pending_frames */
		us->cork_len = 0;
		return err;
	}
	if (!corkreq) {
		err = udp_push_pending(us);
		if (err)
			return err;
	}
	return (ssize_t)m->len;
}

/* ---- receiving ---- */

/* implements recvmsg(2) for UDP (udp_recvmsg) */
static ssize_t udp_recvmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct udp_sock *us = udp_sk(s);
	int in = m->flags;
	if (in & MSG_ERRQUEUE)
		return inet_errq_recv(&us->inet, m);
	int err = net_socket_take_error(s);
	if (err)
		return err;
	if (list_empty(&us->rxq)) {
		if (!(in & MSG_DONTWAIT) && (s->shutdown & NET_RCV_SHUTDOWN))
			return 0;
		return -EAGAIN;
	}
	struct udp_dgram *d = list_first_entry(&us->rxq, struct udp_dgram, link);
	size_t ulen = d->p->len;
	size_t n = ulen < m->len ? ulen : m->len;
	if (n)
		memcpy(m->buf, d->p->data, n);
	m->flags = n < ulen ? MSG_TRUNC : 0;
	m->fromlen = (socklen_t)inet_addr_out(&m->from, d->src, d->sport);
	inet_cmsg_recv(&us->inet, m, &d->ri);
	if (!(in & MSG_PEEK)) {
		list_del(&d->link);
		us->rmem -= d->truesize;
		udp_dgram_free(d);
	}
	return (in & MSG_TRUNC) ? (ssize_t)ulen : (ssize_t)n;
}

/* udp_poll / datagram_poll */
static uint32_t udp_poll(struct net_socket *s)
{
	struct udp_sock *us = udp_sk(s);
	uint32_t mask = 0;
	if (s->err || !list_empty(&us->inet.errq))
		mask |= EPOLLERR;
	if (s->shutdown & NET_RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (s->shutdown == NET_SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (!list_empty(&us->rxq))
		mask |= EPOLLIN | EPOLLRDNORM;
	mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND; /* sends never wait for room */
	return mask;
}

/* udp_ioctl: SIOCINQ is the next datagram's size, SIOCOUTQ what is corked. */
static long udp_ioctl(struct net_socket *s, unsigned int cmd, int *out)
{
	struct udp_sock *us = udp_sk(s);
	switch (cmd) {
	case SIOCINQ:
		*out = list_empty(&us->rxq)
			   ? 0
			   : (int)list_first_entry(&us->rxq, struct udp_dgram, link)->p->len;
		return 0;
	case SIOCOUTQ:
		*out = us->pending ? (int)us->cork_len : 0;
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

/* inet_shutdown: an unconnected socket is shut down all the same, but answers ENOTCONN */
static int udp_shutdown(struct net_socket *s, int how)
{
	struct udp_sock *us = udp_sk(s);
	s->shutdown |= (unsigned)(how + 1);
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP | EPOLLRDNORM);
	return us->connected ? 0 : -ENOTCONN;
}

/* ---- options ---- */

/* SOL_UDP (udp_lib_setsockopt) and SO_NO_CHECK, then the inet levels. */
static int udp_setsockopt(struct net_socket *s, int level, int name, const void *val,
			  socklen_t len)
{
	struct udp_sock *us = udp_sk(s);
	int v;
	if (level == SOL_SOCKET && name == SO_NO_CHECK) {
		if (len < (socklen_t)sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		us->no_check_tx = v != 0;
		return 0;
	}
	if (level != SOL_UDP)
		return inet_setsockopt(s, level, name, val, len);
	if (len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case UDP_CORK:
		us->corkflag = v != 0;
		if (!v)
			udp_push_pending(us);
		return 0;
	case UDP_ENCAP:
		if (v != 0 && v != UDP_ENCAP_ESPINUDP_NON_IKE && v != UDP_ENCAP_ESPINUDP &&
		    v != UDP_ENCAP_L2TPINUDP)
			return -ENOPROTOOPT;
		us->encap = v;
		return 0;
	case UDP_NO_CHECK6_TX:
	case UDP_NO_CHECK6_RX:
		return 0; /* IPv6 only */
	case UDP_SEGMENT:
		if (v < 0 || v > 65535)
			return -EINVAL;
		us->gso_size = v;
		return 0;
	case UDP_GRO:
		us->gro = v != 0;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int udp_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len)
{
	struct udp_sock *us = udp_sk(s);
	int v;
	if (level == SOL_SOCKET && name == SO_NO_CHECK) {
		v = us->no_check_tx;
	} else if (level != SOL_UDP) {
		return inet_getsockopt(s, level, name, val, len);
	} else {
		if ((int)*len < 0)
			return -EINVAL;
		switch (name) {
		case UDP_CORK:
			v = us->corkflag;
			break;
		case UDP_ENCAP:
			v = us->encap;
			break;
		case UDP_NO_CHECK6_TX:
		case UDP_NO_CHECK6_RX:
			v = 0;
			break;
		case UDP_SEGMENT:
			v = us->gso_size;
			break;
		case UDP_GRO:
			v = us->gro;
			break;
		default:
			return -ENOPROTOOPT;
		}
	}
	socklen_t n = *len < (socklen_t)sizeof(int) ? *len : (socklen_t)sizeof(int);
	memcpy(val, &v, n);
	*len = n;
	return 0;
}

/* ---- life ---- */

static void udp_release(struct net_socket *s)
{
	struct udp_sock *us = udp_sk(s);
	us->pending = false;
	inet_unbind_port(&us->inet);
	us->connected = false;
	while (!list_empty(&us->rxq)) {
		struct udp_dgram *d = list_first_entry(&us->rxq, struct udp_dgram, link);
		list_del(&d->link);
		udp_dgram_free(d);
	}
	us->rmem = 0;
	inet_errq_purge(&us->inet);
	s->shutdown = NET_SHUTDOWN_MASK;
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR);
}

static void udp_destroy(struct net_socket *s)
{
	struct udp_sock *us = udp_sk(s);
	free(us->cork_buf);
	inet_sock_fini(&us->inet);
	free(us);
}

const struct net_family_ops net_udp_ops = {
    .family = AF_INET,
    .bind = udp_bind,
    .connect = udp_connect,
    .getname = inet_getname,
    .sendmsg = udp_sendmsg,
    .recvmsg = udp_recvmsg,
    .shutdown = udp_shutdown,
    .poll = udp_poll,
    .ioctl = udp_ioctl,
    .setsockopt = udp_setsockopt,
    .getsockopt = udp_getsockopt,
    .release = udp_release,
    .destroy = udp_destroy,
};

/* socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) */
int udp_create(struct netns *ns, int type, int protocol, struct net_socket **out)
{
	if (!udp_ns_get(ns))
		return -ENOMEM;
	struct udp_sock *us = calloc(1, sizeof(*us));
	if (!us)
		return -ENOMEM;
	inet_sock_init(&us->inet, &net_udp_ops, ns, type, protocol);
	list_init(&us->rxq);
	*out = &us->inet.sock;
	return 0;
}
