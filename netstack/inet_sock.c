/* netstack/inet_sock.c - what every AF_INET socket shares: port tables (bind, ephemeral
 * ports), address arguments, getsockname/getpeername, socket filters, the IP_RECVERR
 * error queue and ICMP error reports of datagram sockets (options and control messages:
 * inet_sockopt.c).
 *
 * Owns: struct inet_sock's common fields, struct inet_ports, struct inet_err.
 * Must not: know a protocol's socket object beyond struct inet_sock, or block. */
#include "netstack/inet_sock.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "netstack/ip4.h"
#include "netstack/packet.h"
#include <linux/if_ether.h>
#include <netinet/ip_icmp.h>

#ifndef IP_PMTUDISC_OMIT
#define IP_PMTUDISC_OMIT 5
#endif
#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif
#ifndef IP_PROTOCOL
#define IP_PROTOCOL 52
#endif
#ifndef SO_TIMESTAMPNS_OLD
#define SO_TIMESTAMPNS_OLD 35
#endif
#ifndef SO_TIMESTAMP_OLD
#define SO_TIMESTAMP_OLD 29
#endif

/* ---- port tables ---- */

void inet_ports_init(struct inet_ports *t)
{
	for (int i = 0; i < INET_PORT_BUCKETS; i++)
		list_init(&t->buckets[i]);
	t->next_ephemeral = -1;
}

static struct list_head *port_bucket(struct inet_ports *t, uint16_t port)
{
	return &t->buckets[ntohs(port) % INET_PORT_BUCKETS];
}

static uint32_t port_random(void)
{
	static uint64_t state;
	if (!state) {
		if (getrandom(&state, sizeof(state), GRND_NONBLOCK) != sizeof(state))
			state = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		state |= 1;
	}
	/* xorshift64* */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 2685821657736338717ULL) >> 32);
}

/* Does @is (about to take @addr) conflict with @b on the same port? */
static bool port_conflict(const struct inet_sock *is, uint32_t addr, const struct inet_sock *b,
			  inet_port_shareable_fn shareable)
{
	if (b == is)
		return false;
	if (addr && b->laddr && addr != b->laddr)
		return false;
	if (is->bound_ifindex && b->bound_ifindex && is->bound_ifindex != b->bound_ifindex)
		return false;
	return !(shareable && shareable(is, b));
}

static bool port_in_use(struct inet_ports *t, uint16_t port)
{
	struct inet_sock *b;
	list_for_each_entry(b, port_bucket(t, port), bind_link)
	if (b->lport == port)
		return true;
	return false;
}

int inet_bind_port(struct inet_ports *t, struct inet_sock *is, uint32_t addr, uint16_t port,
		   inet_port_shareable_fn shareable)
{
	if (is->bound_port)
		return -EINVAL;
	uint32_t saved_laddr = is->laddr;
	is->laddr = addr; /* the sharing rule may look at it */
	if (is->uid == (uint32_t)-1) /* not set by the protocol (an accepted child inherits) */
		is->uid = is->sock.owner.euid;
	if (!port) {
		int lo = is->ns->sysctl.ip_local_port_lo, hi = is->ns->sysctl.ip_local_port_hi;
		if (lo < 1 || hi > 65535 || lo > hi) {
			lo = 32768;
			hi = 60999;
		}
		uint32_t range = (uint32_t)(hi - lo + 1);
		uint32_t off = port_random() % range;
		for (uint32_t i = 0; i < range; i++) {
			uint16_t p = htons((uint16_t)(lo + (off + i) % range));
			if (!port_in_use(t, p)) {
				port = p;
				break;
			}
		}
		if (!port) {
			is->laddr = saved_laddr;
			return -EAGAIN;
		}
		t->next_ephemeral = ntohs(port);
	} else {
		struct inet_sock *b;
		list_for_each_entry(b, port_bucket(t, port), bind_link)
		{
			if (b->lport == port && port_conflict(is, addr, b, shareable)) {
				is->laddr = saved_laddr;
				return -EADDRINUSE;
			}
		}
	}
	is->lport = port;
	is->bound_port = true;
	list_add_tail(&is->bind_link, port_bucket(t, port));
	return 0;
}

void inet_unbind_port(struct inet_sock *is)
{
	if (!is->bound_port)
		return;
	list_del(&is->bind_link);
	list_init(&is->bind_link);
	is->bound_port = false;
	is->lport = 0;
}

struct inet_sock *inet_ports_find(struct inet_ports *t, uint16_t port,
				  bool (*fn)(struct inet_sock *is, void *arg), void *arg)
{
	struct inet_sock *is, *tmp;
	list_for_each_entry_safe(is, tmp, port_bucket(t, port), bind_link)
	{
		if (is->lport == port && fn(is, arg))
			return is;
	}
	return NULL;
}

/* ---- sockets ---- */

void inet_sock_init(struct inet_sock *is, const struct net_family_ops *ops, struct netns *ns,
		    int type, int protocol)
{
	net_socket_init(&is->sock, ops, type, protocol);
	netns_get(ns);
	is->ns = ns;
	list_init(&is->bind_link);
	list_init(&is->errq);
	is->ttl = -1;
	is->mc_ttl = 1;
	is->mc_loop = true;
	is->pmtudisc = IP_PMTUDISC_WANT; /* net.ipv4.ip_no_pmtu_disc = 0 */
	is->uid = (uint32_t)-1;
}

void inet_sock_fini(struct inet_sock *is)
{
	inet_errq_purge(is);
	free(is->filter);
	is->filter = NULL;
	if (is->ns)
		netns_put(is->ns);
	is->ns = NULL;
}

/* ---- addresses ---- */

int inet_addr_in(const void *addr, socklen_t len, struct sockaddr_in *out)
{
	if (len < (socklen_t)sizeof(struct sockaddr_in))
		return -EINVAL;
	memcpy(out, addr, sizeof(*out));
	if (out->sin_family != AF_INET && out->sin_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	return 0;
}

int inet_addr_out(struct sockaddr_storage *ss, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = port};
	sin.sin_addr.s_addr = addr;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sin, sizeof(sin));
	return (int)sizeof(sin);
}

/* implements getsockname(2)/getpeername(2) for AF_INET (inet_getname) */
int inet_getname(struct net_socket *s, struct sockaddr_storage *ss, bool peer)
{
	struct inet_sock *is = (struct inet_sock *)s;
	if (peer) {
		if (!is->rport)
			return -ENOTCONN;
		return inet_addr_out(ss, is->raddr, is->rport);
	}
	return inet_addr_out(ss, is->laddr ? is->laddr : is->saddr, is->lport);
}

/* ---- socket filters ---- */

ssize_t inet_filter(const struct inet_sock *is, const struct pkt *p, const uint8_t *start,
		    size_t cap)
{
	const uint8_t *end = p->data + p->len;
	size_t avail = (size_t)(end - start);
	if (!is->filter)
		return (ssize_t)avail;
	const uint8_t *base = p->mac && p->mac <= start ? p->mac
			      : p->nh && p->nh <= start ? p->nh
							: start;
	struct net_bpf_ctx c = {.data = base,
				.len = (size_t)(end - base),
				.start = (size_t)(start - base),
				.mac_off = p->mac && p->mac == base ? 0 : -1,
				.net_off = p->nh && p->nh >= base ? (int)(p->nh - base) : -1,
				.protocol = ETH_P_IP,
				.pkttype = (uint32_t)p->type,
				.ifindex = p->iface ? (uint32_t)p->iface->ifindex : 0,
				.hatype = p->iface ? p->iface->type : 0};
	uint32_t res = net_bpf_run(is->filter, &c);
	if (!res)
		return -1;
	size_t keep = res < cap ? cap : res;
	return (ssize_t)(keep < avail ? keep : avail);
}

/* ---- the error queue ---- */

int inet_errq_queue(struct inet_sock *is, const struct inet_err *e, const void *data, size_t len)
{
	is->sock.err = (int)e->ee.ee_errno;
	if (!is->recverr) {
		net_socket_wake(&is->sock, EPOLLERR);
		return 0;
	}
	size_t charge = sizeof(*e) + len + 256;
	if (is->errq_bytes + charge > (size_t)is->sock.rcvbuf) {
		net_socket_wake(&is->sock, EPOLLERR);
		return -ENOBUFS;
	}
	struct inet_err *q = malloc(sizeof(*q) + len);
	if (!q)
		return -ENOMEM;
	*q = *e;
	q->len = len;
	if (len)
		memcpy(q->data, data, len);
	list_add_tail(&q->link, &is->errq);
	is->errq_bytes += charge;
	net_socket_wake(&is->sock, EPOLLERR);
	return 0;
}

ssize_t inet_errq_recv(struct inet_sock *is, struct net_msg *m)
{
	if (list_empty(&is->errq))
		return -EAGAIN;
	struct inet_err *e = list_first_entry(&is->errq, struct inet_err, link);
	list_del(&e->link);
	is->errq_bytes -= sizeof(*e) + e->len + 256;
	size_t n = e->len < m->len ? e->len : m->len;
	memcpy(m->buf, e->data, n);
	m->flags = MSG_ERRQUEUE | (n < e->len ? MSG_TRUNC : 0);
	memset(&m->from, 0, sizeof(m->from));
	memcpy(&m->from, &e->addr, sizeof(e->addr));
	m->fromlen = sizeof(e->addr);
	struct {
		struct sock_extended_err ee;
		struct sockaddr_in offender;
	} hdr = {e->ee, e->offender};
	net_msg_put_cmsg(m, SOL_IP, IP_RECVERR, &hdr, sizeof(hdr));
	/* the next queued error becomes the pending one (sock_dequeue_err_skb) */
	if (!list_empty(&is->errq)) {
		struct inet_err *next = list_first_entry(&is->errq, struct inet_err, link);
		is->sock.err = (int)next->ee.ee_errno;
		net_socket_wake(&is->sock, EPOLLERR);
	} else {
		is->sock.err = 0;
	}
	free(e);
	return (ssize_t)n;
}

void inet_errq_purge(struct inet_sock *is)
{
	struct inet_err *e, *tmp;
	if (!is->errq.next)
		return;
	list_for_each_entry_safe(e, tmp, &is->errq, link)
	{
		list_del(&e->link);
		free(e);
	}
	is->errq_bytes = 0;
}

/* ---- socket(2) permission helper ---- */

bool inet_ping_group_allowed(struct netns *ns, uint32_t egid, const uint32_t *groups, int ngroups)
{
	int64_t lo = (uint32_t)ns->sysctl.ping_group_lo, hi = (uint32_t)ns->sysctl.ping_group_hi;
	if (ns->sysctl.ping_group_lo < 0 || ns->sysctl.ping_group_hi < 0 || lo > hi)
		return false;
	if (egid >= lo && egid <= hi)
		return true;
	for (int i = 0; i < ngroups; i++)
		if (groups[i] >= lo && groups[i] <= hi)
			return true;
	return false;
}

/* ---- ICMP errors for datagram sockets ---- */

/* icmp_err_convert: errno and whether the error is hard, by unreachable code. */
static const struct {
	int err;
	bool fatal;
} icmp_unreach_err[] = {
    {ENETUNREACH, false}, {EHOSTUNREACH, false}, {ENOPROTOOPT, true},  {ECONNREFUSED, true},
    {EMSGSIZE, false},	  {EOPNOTSUPP, false},	 {ENETUNREACH, true},  {EHOSTDOWN, true},
    {ENONET, true},	  {ENETUNREACH, true},	 {EHOSTUNREACH, true}, {ENETUNREACH, false},
    {EHOSTUNREACH, false}, {EHOSTUNREACH, true}, {EHOSTUNREACH, true}, {EHOSTUNREACH, true},
};

int inet_icmp_err_convert(int type, int code, int pmtudisc, bool *hard)
{
	*hard = false;
	switch (type) {
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
		return 0;
	case ICMP_PARAMETERPROB:
		*hard = true;
		return EPROTO;
	case ICMP_DEST_UNREACH:
		if (code == ICMP_FRAG_NEEDED) {
			if (pmtudisc == IP_PMTUDISC_DONT)
				return 0;
			*hard = true;
			return EMSGSIZE;
		}
		if (code >= 0 && code < (int)(sizeof(icmp_unreach_err) / sizeof(icmp_unreach_err[0]))) {
			*hard = icmp_unreach_err[code].fatal;
			return icmp_unreach_err[code].err;
		}
		return EHOSTUNREACH;
	case ICMP_TIME_EXCEEDED:
	default:
		return EHOSTUNREACH;
	}
}

void inet_icmp_report(struct inet_sock *is, bool connected, const struct ip4_icmp_err *e, int err,
		      bool hard, uint16_t dport, const uint8_t *payload, size_t len)
{
	if (!is->recverr) {
		if (!hard || !connected)
			return;
		is->sock.err = err;
		net_socket_wake(&is->sock, EPOLLERR);
		return;
	}
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
	q.addr.sin_port = dport;
	inet_errq_queue(is, &q, payload, len);
}
