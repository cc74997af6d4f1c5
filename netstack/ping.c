/* netstack/ping.c - ICMP ping sockets (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)), as
 * Linux's net/ipv4/ping.c: the socket's "port" is its echo identifier; a send must be an
 * ICMP echo request (the identifier is overwritten with the port and the checksum
 * filled in); echo replies carrying the identifier are queued whole (ICMP header and
 * data); ICMP errors about our requests go to SO_ERROR / the IP_RECVERR queue.
 *
 * Owns: ping sockets' ops (struct raw_sock, raw.h) and their identifiers (raw_ns).
 * Must not: check net.ipv4.ping_group_range (the socket(2) handler does), or block. */
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "netstack/raw.h"

static struct raw_sock *ping_sk(struct net_socket *s)
{
	return (struct raw_sock *)s;
}

/* ping_get_port: identifiers are shared only by two SO_REUSEADDR sockets. */
static bool ping_shareable(const struct inet_sock *a, const struct inet_sock *b)
{
	return a->sock.reuseaddr && b->sock.reuseaddr;
}

static int ping_autobind(struct raw_sock *rs)
{
	struct inet_sock *is = &rs->inet;
	struct raw_ns *rn = raw_ns_get(is->ns);
	if (is->lport)
		return 0;
	if (!rn)
		return -ENOMEM;
	return inet_bind_port(&rn->ping_ports, is, is->laddr, 0, ping_shareable) ? -EAGAIN : 0;
}

/* implements bind(2) for ping sockets (ping_bind, ping_check_bind_addr) */
static int ping_bind(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct raw_sock *rs = ping_sk(s);
	struct inet_sock *is = &rs->inet;
	struct sockaddr_in sin;
	if (len < (socklen_t)sizeof(sin))
		return -EINVAL;
	memcpy(&sin, addr, sizeof(sin));
	if (sin.sin_family != AF_INET &&
	    !(sin.sin_family == AF_UNSPEC && sin.sin_addr.s_addr == htonl(INADDR_ANY)))
		return -EAFNOSUPPORT;
	uint32_t a = sin.sin_addr.s_addr;
	if (a && !net_addr_is_local(is->ns, a) && !is->freebind && !is->transparent)
		return -EADDRNOTAVAIL;
	if (is->lport)
		return -EINVAL;
	struct raw_ns *rn = raw_ns_get(is->ns);
	if (!rn)
		return -ENOMEM;
	if (inet_bind_port(&rn->ping_ports, is, a, sin.sin_port, ping_shareable))
		return -EADDRINUSE;
	is->saddr = a;
	is->bind_addr_explicit = a != 0;
	is->bind_port_explicit = sin.sin_port != 0;
	is->raddr = 0;
	is->rport = 0;
	return 0;
}

/* inet_dgram_connect: autobind, then ip4_datagram_connect; AF_UNSPEC disconnects and
 * frees an identifier that bind(2) did not name (__udp_disconnect) */
static int ping_connect(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct raw_sock *rs = ping_sk(s);
	if (len >= (socklen_t)sizeof(sa_family_t) &&
	    ((const struct sockaddr *)addr)->sa_family == AF_UNSPEC) {
		int err = raw_dgram_connect(rs, addr, len);
		if (!rs->inet.bind_port_explicit)
			inet_unbind_port(&rs->inet);
		return err;
	}
	if (len >= (socklen_t)sizeof(sa_family_t) && ping_autobind(rs))
		return -EAGAIN;
	return raw_dgram_connect(rs, addr, len);
}

/* implements sendmsg(2) for ping sockets (ping_v4_sendmsg) */
static ssize_t ping_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct raw_sock *rs = ping_sk(s);
	struct inet_sock *is = &rs->inet;
	struct inet_dgram_route r;
	struct icmphdr h;
	uint32_t daddr;
	if (ping_autobind(rs))
		return -EAGAIN;
	if (m->len > 0xffff)
		return -EMSGSIZE;
	if (m->len < sizeof(h))
		return -EINVAL;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	memcpy(&h, m->buf, sizeof(h));
	if (h.type != ICMP_ECHO || h.code != 0)
		return -EINVAL;
	if (m->name && m->namelen) {
		struct sockaddr_in sin;
		if (m->namelen < (socklen_t)sizeof(sin))
			return -EINVAL;
		memcpy(&sin, m->name, sizeof(sin));
		if (sin.sin_family != AF_INET)
			return -EAFNOSUPPORT;
		daddr = sin.sin_addr.s_addr;
	} else {
		if (!rs->connected)
			return -EDESTADDRREQ;
		daddr = is->raddr;
	}
	int err = inet_dgram_route(is, m, &daddr, false, &r);
	if (err)
		return err;
	bool df = is->pmtudisc == IP_PMTUDISC_DO || is->pmtudisc == IP_PMTUDISC_PROBE;
	if (m->len + sizeof(struct iphdr) > 0xffff ||
	    (df && m->len + sizeof(struct iphdr) > (size_t)r.rt.mtu))
		return -EMSGSIZE;
	if ((err = net_socket_take_error(s)))
		return err;
	if (s->shutdown & NET_SEND_SHUTDOWN)
		return -EPIPE;
	struct pkt *p = pkt_from(m->buf, m->len);
	if (!p)
		return -ENOBUFS;
	h.un.echo.id = is->lport;
	h.checksum = 0;
	memcpy(p->data, &h, sizeof(h));
	h.checksum = inet_csum_fold(inet_csum_add(0, p->data, p->len));
	memcpy(p->data, &h, sizeof(h));
	struct ip4_tx tx = {.src = r.src ? r.src : r.rt.src,
			    .dst = daddr,
			    .proto = IPPROTO_ICMP,
			    .ttl = r.ttl > 0 ? (uint8_t)r.ttl : inet_ttl(is),
			    .tos = (uint8_t)(r.tos >= 0 ? r.tos : is->tos),
			    .df = df,
			    .oif = r.oifc,
			    .allow_broadcast = s->broadcast};
	err = ip4_output(is->ns, p, &tx);
	if (!err)
		is->ns->stats.icmp_out_msgs++;
	if (err == -ENOBUFS && !is->recverr)
		err = 0;
	return err ? err : (ssize_t)m->len;
}

static ssize_t ping_recvmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	return raw_recv_common(ping_sk(s), m);
}

static uint32_t ping_poll(struct net_socket *s)
{
	return raw_poll_common(ping_sk(s));
}

static int ping_shutdown(struct net_socket *s, int how)
{
	s->shutdown |= (unsigned)(how + 1);
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP | EPOLLRDNORM);
	return ping_sk(s)->connected ? 0 : -ENOTCONN;
}

static void ping_release(struct net_socket *s)
{
	struct raw_sock *rs = ping_sk(s);
	inet_unbind_port(&rs->inet);
	rs->connected = false;
	raw_purge(rs);
	s->shutdown = NET_SHUTDOWN_MASK;
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR);
}

static void ping_destroy(struct net_socket *s)
{
	struct raw_sock *rs = ping_sk(s);
	inet_sock_fini(&rs->inet);
	free(rs);
}

const struct net_family_ops net_ping_ops = {
    .family = AF_INET,
    .bind = ping_bind,
    .connect = ping_connect,
    .getname = inet_getname,
    .sendmsg = ping_sendmsg,
    .recvmsg = ping_recvmsg,
    .shutdown = ping_shutdown,
    .poll = ping_poll,
    .setsockopt = inet_setsockopt,
    .getsockopt = inet_getsockopt,
    .release = ping_release,
    .destroy = ping_destroy,
};

/* socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) */
int ping_create(struct netns *ns, int type, int protocol, struct net_socket **out)
{
	if (!raw_ns_get(ns))
		return -ENOMEM;
	struct raw_sock *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	inet_sock_init(&rs->inet, &net_ping_ops, ns, type, protocol);
	list_init(&rs->rxq);
	*out = &rs->inet.sock;
	return 0;
}

/* ---- input ---- */

struct ping_key {
	uint32_t laddr;
	int ifindex;
};

static bool ping_match(struct inet_sock *is, void *arg)
{
	const struct ping_key *k = arg;
	if (is->laddr && is->laddr != k->laddr)
		return false;
	return !is->bound_ifindex || !k->ifindex || is->bound_ifindex == k->ifindex;
}

/* An echo reply (see ip4.h): to the ping socket of its identifier. Consumes @p. */
void ping_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	struct raw_ns *rn = ns->raw;
	struct icmphdr h;
	if (!rn || !pkt_may_pull(p, sizeof(h))) {
		pkt_put(p);
		return;
	}
	memcpy(&h, p->data, sizeof(h));
	struct ping_key k = {.laddr = rx->dst, .ifindex = rx->iface ? rx->iface->ifindex : 0};
	struct inet_sock *is = inet_ports_find(&rn->ping_ports, h.un.echo.id, ping_match, &k);
	if (!is) {
		pkt_put(p);
		return;
	}
	struct ip4_rx_info ri;
	raw_rx_info(p, rx, &ri);
	raw_queue_rcv((struct raw_sock *)is, p, rx->src, &ri);
}

/* ping_err: an ICMP error about one of our echo requests. */
void ping_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e)
{
	struct raw_ns *rn = ns->raw;
	struct icmphdr h;
	if (!rn || e->l4len < sizeof(h))
		return;
	memcpy(&h, e->l4, sizeof(h));
	struct ping_key k = {.laddr = e->inner->saddr, .ifindex = 0};
	struct inet_sock *is = inet_ports_find(&rn->ping_ports, h.un.echo.id, ping_match, &k);
	if (!is)
		return;
	struct raw_sock *rs = (struct raw_sock *)is;
	bool hard = false;
	int err;
	switch (e->type) {
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
		err = EREMOTEIO; /* not errors, but ping wants to see them */
		break;
	default:
		err = inet_icmp_err_convert(e->type, e->code, is->pmtudisc, &hard);
		if (!err)
			return;
	}
	inet_icmp_report(is, rs->connected, e, err, hard, 0, e->l4, e->l4len);
}
