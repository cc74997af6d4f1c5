/* netstack/packet.c - AF_PACKET sockets (SOCK_RAW: whole Ethernet frames; SOCK_DGRAM:
 * from the network header, the link header built from sockaddr_ll on send), as Linux's
 * net/packet/af_packet.c without the mmap rings: protocol ETH_P_ALL (every frame, in and
 * out) or one ethertype (incoming frames of it), bind to an interface, sockaddr_ll with
 * pkttype on receive, SO_ATTACH_FILTER (classic BPF, packet_bpf.c), PACKET_AUXDATA,
 * PACKET_ADD/DROP_MEMBERSHIP (promiscuous mode counted per interface), PACKET_STATISTICS.
 *
 * Owns: struct packet_sock, struct packet_ns. Must not: check CAP_NET_RAW (the socket(2)
 * handler does), block, or trust a frame's bytes. */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include "netstack/ip4.h"
#include "netstack/packet.h"
#include "netstack/socket.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif
#ifndef SOL_PACKET
#define SOL_PACKET 263
#endif
#ifndef SO_TIMESTAMPNS_OLD
#define SO_TIMESTAMPNS_OLD 35
#endif
#define PKT_ETH_HLEN 14
#define PACKET_FRAME_OVERHEAD 768
#define PACKET_MAX_MEMBERSHIPS 64

struct packet_ns {
	struct list_head socks; /* struct packet_sock.link */
};

struct packet_mship {
	int ifindex;
	uint16_t type; /* PACKET_MR_* */
	uint8_t alen;
	uint8_t addr[8];
};

/* One queued frame and what recvfrom's sockaddr_ll says about it. */
struct packet_frame {
	struct list_head link;
	struct pkt *p; /* p->data at what the socket returns; p->len after the filter */
	size_t origlen; /* before the filter's cut (PACKET_AUXDATA tp_len) */
	struct sockaddr_ll sll;
	int net_off; /* tp_net */
	size_t truesize;
};

struct packet_sock {
	struct net_socket sock; /* first */
	struct netns *ns;	/* one reference */
	struct list_head link;	/* in packet_ns.socks */
	bool linked;
	int ifindex;	/* bound interface (0: all) */
	uint16_t proto; /* network order; 0: receives nothing */
	struct list_head rxq;
	size_t rmem;
	bool auxdata, origdev, tstamp_ns;
	struct net_bpf *filter;
	bool filter_locked;
	uint32_t stat_packets, stat_drops; /* PACKET_STATISTICS, since last read */
	struct packet_mship mships[PACKET_MAX_MEMBERSHIPS];
	int nmships;
};

/* The socket sending right now: it does not see its own frames (skb_loop_sk). */
static struct packet_sock *packet_sender;

static struct packet_sock *packet_sk(struct net_socket *s)
{
	return (struct packet_sock *)s;
}

/* ---- the namespace ---- */

static struct packet_ns *packet_ns_get(struct netns *ns)
{
	if (!ns->packet) {
		ns->packet = calloc(1, sizeof(*ns->packet));
		if (ns->packet)
			list_init(&ns->packet->socks);
	}
	return ns->packet;
}

int packet_ns_init(struct netns *ns)
{
	return packet_ns_get(ns) ? 0 : -ENOMEM;
}

void packet_ns_fini(struct netns *ns)
{
	free(ns->packet);
	ns->packet = NULL;
}

/* ---- addresses ---- */

static uint16_t iface_hatype(const struct net_iface *ifc)
{
	return ifc ? ifc->type : ARPHRD_ETHER;
}

/* implements getsockname(2) (packet_getname); getpeername is EOPNOTSUPP */
static int packet_getname(struct net_socket *s, struct sockaddr_storage *ss, bool peer)
{
	struct packet_sock *ps = packet_sk(s);
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = ps->proto,
				  .sll_ifindex = ps->ifindex};
	if (peer)
		return -EOPNOTSUPP;
	struct net_iface *ifc = ps->ifindex ? net_iface_by_index(ps->ns, ps->ifindex) : NULL;
	if (ifc) {
		sll.sll_hatype = iface_hatype(ifc);
		sll.sll_halen = 6;
		memcpy(sll.sll_addr, ifc->hwaddr, 6);
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sll, sizeof(sll));
	return (int)(offsetof(struct sockaddr_ll, sll_addr) + sll.sll_halen);
}

/* implements bind(2) (packet_bind / packet_do_bind) */
static int packet_bind(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct packet_sock *ps = packet_sk(s);
	struct sockaddr_ll sll;
	if (len < (socklen_t)sizeof(sll))
		return -EINVAL;
	memcpy(&sll, addr, sizeof(sll));
	if (sll.sll_family != AF_PACKET)
		return -EINVAL;
	struct net_iface *ifc = NULL;
	if (sll.sll_ifindex && !(ifc = net_iface_by_index(ps->ns, sll.sll_ifindex)))
		return -ENODEV;
	ps->ifindex = sll.sll_ifindex;
	if (sll.sll_protocol)
		ps->proto = sll.sll_protocol;
	if (ifc && !(ifc->flags & IFF_UP)) {
		s->err = ENETDOWN; /* as Linux: bound, but the interface is down */
		net_socket_wake(s, EPOLLERR);
	}
	return 0;
}

/* ---- receiving ---- */

static void frame_free(struct packet_frame *f)
{
	pkt_put(f->p);
	free(f);
}

static void packet_purge(struct packet_sock *ps)
{
	while (!list_empty(&ps->rxq)) {
		struct packet_frame *f = list_first_entry(&ps->rxq, struct packet_frame, link);
		list_del(&f->link);
		frame_free(f);
	}
	ps->rmem = 0;
}

/* packet_rcv: one socket's copy of a frame (@p at the Ethernet header). */
static void packet_rcv(struct packet_sock *ps, struct net_iface *ifc, const struct pkt *p)
{
	size_t off = ps->sock.type == SOCK_DGRAM ? PKT_ETH_HLEN : 0;
	if (p->len < off)
		return;
	struct net_bpf_ctx bc = {.data = p->data + off,
				 .len = p->len - off,
				 .mac_off = off ? -1 : 0,
				 .net_off = off ? 0 : PKT_ETH_HLEN,
				 .protocol = p->protocol,
				 .pkttype = p->type,
				 .ifindex = (uint32_t)ifc->ifindex,
				 .hatype = iface_hatype(ifc)};
	size_t snap = bc.len;
	if (ps->filter) {
		uint32_t res = net_bpf_run(ps->filter, &bc);
		if (!res)
			return;
		if (snap > res)
			snap = res;
	}
	ps->stat_packets++;
	if (ps->rmem >= (size_t)ps->sock.rcvbuf) {
		ps->stat_drops++;
		return;
	}
	struct packet_frame *f = calloc(1, sizeof(*f));
	struct pkt *c = f ? pkt_copy(p) : NULL;
	if (!c) {
		free(f);
		ps->stat_drops++;
		return;
	}
	pkt_pull(c, off);
	f->origlen = c->len;
	pkt_trim(c, snap);
	f->p = c;
	f->net_off = off ? 0 : PKT_ETH_HLEN;
	f->sll.sll_family = AF_PACKET;
	f->sll.sll_protocol = htons(p->protocol);
	f->sll.sll_ifindex = ifc->ifindex;
	f->sll.sll_hatype = iface_hatype(ifc);
	f->sll.sll_pkttype = (unsigned char)p->type;
	f->sll.sll_halen = 6;
	if (p->len >= PKT_ETH_HLEN) /* the sender: dst for outgoing frames is not asked */
		memcpy(f->sll.sll_addr, p->data + 6, 6);
	f->truesize = c->len + PACKET_FRAME_OVERHEAD;
	ps->rmem += f->truesize;
	list_add_tail(&f->link, &ps->rxq);
	net_socket_wake(&ps->sock, EPOLLIN | EPOLLRDNORM);
}

/* Every frame seen on @ifc (see ip4.h). Does not consume @p. */
void packet_deliver(struct net_iface *ifc, const struct pkt *p)
{
	struct packet_ns *pn = ifc->ns ? ifc->ns->packet : NULL;
	struct packet_sock *ps;
	if (!pn || p->len < PKT_ETH_HLEN)
		return;
	list_for_each_entry(ps, &pn->socks, link)
	{
		if (!ps->proto || (ps->ifindex && ps->ifindex != ifc->ifindex))
			continue;
		bool all = ps->proto == htons(ETH_P_ALL);
		if (p->type == PKT_OUTGOING) {
			if (!all || ps == packet_sender) /* outgoing: ptype_all taps only */
				continue;
		} else if (!all && ps->proto != htons(p->protocol)) {
			continue;
		}
		packet_rcv(ps, ifc, p);
	}
}

/* implements recvmsg(2) (packet_recvmsg) */
static ssize_t packet_recvmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct packet_sock *ps = packet_sk(s);
	int in = m->flags;
	if (in & ~(MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC | MSG_ERRQUEUE |
		   MSG_WAITALL | MSG_NOSIGNAL))
		return -EINVAL;
	if (in & MSG_ERRQUEUE)
		return -EAGAIN; /* no transmit timestamps or errors are queued */
	int err = net_socket_take_error(s);
	if (err)
		return err;
	if (list_empty(&ps->rxq)) {
		if (!(in & MSG_DONTWAIT) && (s->shutdown & NET_RCV_SHUTDOWN))
			return 0;
		return -EAGAIN;
	}
	struct packet_frame *f = list_first_entry(&ps->rxq, struct packet_frame, link);
	size_t len = f->p->len;
	size_t n = len < m->len ? len : m->len;
	if (n)
		memcpy(m->buf, f->p->data, n);
	m->flags = n < len ? MSG_TRUNC : 0;
	memset(&m->from, 0, sizeof(m->from));
	memcpy(&m->from, &f->sll, sizeof(f->sll));
	m->fromlen = sizeof(struct sockaddr_ll);
	if (s->timestamp) {
		int64_t t = f->p->tstamp_ns;
		if (!t) {
			struct timespec now;
			clock_gettime(CLOCK_REALTIME, &now);
			t = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
		}
		if (ps->tstamp_ns) {
			struct timespec ts = {t / 1000000000LL, t % 1000000000LL};
			net_msg_put_cmsg(m, SOL_SOCKET, SO_TIMESTAMPNS_OLD, &ts, sizeof(ts));
		} else {
			struct timeval tv = {t / 1000000000LL, (t % 1000000000LL) / 1000};
			net_msg_put_cmsg(m, SOL_SOCKET, SO_TIMESTAMP, &tv, sizeof(tv));
		}
	}
	if (ps->auxdata) {
		struct tpacket_auxdata aux = {.tp_status = TP_STATUS_USER,
					      .tp_len = (uint32_t)f->origlen,
					      .tp_snaplen = (uint32_t)len,
					      .tp_mac = 0,
					      .tp_net = (uint16_t)f->net_off};
		net_msg_put_cmsg(m, SOL_PACKET, PACKET_AUXDATA, &aux, sizeof(aux));
	}
	if (!(in & MSG_PEEK)) {
		list_del(&f->link);
		ps->rmem -= f->truesize;
		frame_free(f);
	}
	return (in & MSG_TRUNC) ? (ssize_t)len : (ssize_t)n;
}

/* ---- sending ---- */

/* implements sendmsg(2) (packet_snd) */
static ssize_t packet_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct packet_sock *ps = packet_sk(s);
	const uint8_t *daddr = NULL;
	uint16_t proto;
	int ifindex;
	if (m->name && m->namelen) {
		struct sockaddr_ll sll;
		memset(&sll, 0, sizeof(sll));
		if (m->namelen < (socklen_t)sizeof(sll))
			return -EINVAL;
		memcpy(&sll, m->name, sizeof(sll));
		if (m->namelen < offsetof(struct sockaddr_ll, sll_addr) + sll.sll_halen)
			return -EINVAL;
		proto = sll.sll_protocol;
		ifindex = sll.sll_ifindex;
		daddr = ((const struct sockaddr_ll *)m->name)->sll_addr;
	} else {
		proto = ps->proto;
		ifindex = ps->ifindex;
	}
	struct net_iface *ifc = ifindex ? net_iface_by_index(ps->ns, ifindex) : NULL;
	if (!ifc)
		return -ENXIO;
	if (!(ifc->flags & IFF_UP))
		return -ENETDOWN;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	size_t reserve = s->type == SOCK_RAW ? PKT_ETH_HLEN : 0;
	if (m->len > (size_t)ifc->mtu + reserve + 4 /* VLAN_HLEN */)
		return -EMSGSIZE;
	int err = net_socket_take_error(s);
	if (err)
		return err;
	struct pkt *p;
	if (s->type == SOCK_DGRAM) {
		if (!daddr)
			return -EINVAL; /* eth_header without a destination */
		if (m->len > (size_t)ifc->mtu)
			return -EMSGSIZE;
		if (!(p = pkt_alloc(PKT_HEADROOM, m->len)))
			return -ENOBUFS;
		memcpy(p->data, m->buf, m->len);
		uint8_t *eh = pkt_push(p, PKT_ETH_HLEN);
		memcpy(eh, daddr, 6);
		memcpy(eh + 6, ifc->hwaddr, 6);
		memcpy(eh + 12, &proto, 2);
	} else {
		if (m->len < PKT_ETH_HLEN)
			return -EINVAL; /* dev_validate_header */
		if (!(p = pkt_from(m->buf, m->len)))
			return -ENOBUFS;
	}
	p->type = PKT_OUTGOING;
	packet_sender = ps;
	err = net_iface_xmit_frame(ifc, p);
	packet_sender = NULL;
	if (err == -ENOBUFS)
		err = 0; /* dropped by a full queue, as a qdisc would */
	return err ? err : (ssize_t)m->len;
}

/* ---- poll, ioctl, options ---- */

static uint32_t packet_poll(struct net_socket *s)
{
	struct packet_sock *ps = packet_sk(s);
	uint32_t mask = 0;
	if (s->err)
		mask |= EPOLLERR;
	if (s->shutdown & NET_RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (s->shutdown == NET_SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (!list_empty(&ps->rxq))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask | EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
}

static long packet_ioctl(struct net_socket *s, unsigned int cmd, int *out)
{
	struct packet_sock *ps = packet_sk(s);
	switch (cmd) {
	case SIOCINQ:
		*out = list_empty(&ps->rxq)
			   ? 0
			   : (int)list_first_entry(&ps->rxq, struct packet_frame, link)->p->len;
		return 0;
	case SIOCOUTQ:
		*out = 0;
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

/* IFF_PROMISC on @ifindex while any packet socket of the namespace holds a
 * PACKET_MR_PROMISC membership on it (dev_set_promiscuity's count). */
static void promisc_update(struct netns *ns, int ifindex)
{
	struct net_iface *ifc = net_iface_by_index(ns, ifindex);
	struct packet_ns *pn = ns->packet;
	struct packet_sock *ps;
	int count = 0;
	if (!ifc || !pn)
		return;
	list_for_each_entry(ps, &pn->socks, link)
	for (int i = 0; i < ps->nmships; i++)
		if (ps->mships[i].ifindex == ifindex && ps->mships[i].type == PACKET_MR_PROMISC)
			count++;
	if (count)
		ifc->flags |= IFF_PROMISC;
	else
		ifc->flags &= ~IFF_PROMISC;
}

/* packet_mc_add / packet_mc_drop */
static int membership(struct packet_sock *ps, bool add, const void *val, socklen_t len)
{
	struct packet_mreq mr;
	memset(&mr, 0, sizeof(mr));
	if (len < (socklen_t)sizeof(mr))
		return -EINVAL;
	memcpy(&mr, val, sizeof(mr));
	if (mr.mr_alen > sizeof(mr.mr_address))
		return -EINVAL;
	struct net_iface *ifc = net_iface_by_index(ps->ns, mr.mr_ifindex);
	if (add && !ifc)
		return -ENODEV;
	if (add && mr.mr_alen > 6)
		return -EINVAL;
	for (int i = 0; i < ps->nmships; i++) {
		struct packet_mship *e = &ps->mships[i];
		if (e->ifindex != mr.mr_ifindex || e->type != mr.mr_type || e->alen != mr.mr_alen ||
		    memcmp(e->addr, mr.mr_address, mr.mr_alen))
			continue;
		if (add)
			return 0; /* Linux counts duplicates; one is enough to hold the mode */
		ps->mships[i] = ps->mships[--ps->nmships];
		promisc_update(ps->ns, mr.mr_ifindex);
		return 0;
	}
	if (!add)
		return -EADDRNOTAVAIL;
	if (mr.mr_type > PACKET_MR_UNICAST)
		return -EINVAL;
	if (ps->nmships == PACKET_MAX_MEMBERSHIPS)
		return -ENOBUFS;
	struct packet_mship *e = &ps->mships[ps->nmships++];
	e->ifindex = mr.mr_ifindex;
	e->type = mr.mr_type;
	e->alen = mr.mr_alen;
	memcpy(e->addr, mr.mr_address, mr.mr_alen);
	promisc_update(ps->ns, mr.mr_ifindex);
	return 0;
}

static int packet_setsockopt(struct net_socket *s, int level, int name, const void *val,
			     socklen_t len)
{
	struct packet_sock *ps = packet_sk(s);
	int v = 0;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ATTACH_FILTER: {
			/* the handler passes a struct sock_fprog whose filter is in our memory */
			struct sock_fprog fp;
			int err;
			if (len < (socklen_t)sizeof(fp))
				return -EINVAL;
			if (ps->filter_locked)
				return -EPERM;
			memcpy(&fp, val, sizeof(fp));
			struct net_bpf *prog = net_bpf_new(fp.filter, fp.len, &err);
			if (!prog)
				return err;
			free(ps->filter);
			ps->filter = prog;
			return 0;
		}
		case SO_DETACH_FILTER:
			if (ps->filter_locked)
				return -EPERM;
			if (!ps->filter)
				return -ENOENT;
			free(ps->filter);
			ps->filter = NULL;
			return 0;
		case SO_LOCK_FILTER:
			if (len < (socklen_t)sizeof(int))
				return -EINVAL;
			memcpy(&v, val, sizeof(v));
			if (!v && ps->filter_locked)
				return -EPERM;
			ps->filter_locked = v != 0;
			return 0;
		case SO_TIMESTAMPNS_OLD:
			if (len < (socklen_t)sizeof(int))
				return -EINVAL;
			memcpy(&v, val, sizeof(v));
			ps->tstamp_ns = s->timestamp = v != 0;
			return 0;
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level != SOL_PACKET)
		return -ENOPROTOOPT;
	switch (name) {
	case PACKET_ADD_MEMBERSHIP:
	case PACKET_DROP_MEMBERSHIP:
		return membership(ps, name == PACKET_ADD_MEMBERSHIP, val, len);
	case PACKET_AUXDATA:
	case PACKET_ORIGDEV:
		if (len < (socklen_t)sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		if (name == PACKET_AUXDATA)
			ps->auxdata = v != 0;
		else
			ps->origdev = v != 0;
		return 0;
	case PACKET_RX_RING:
	case PACKET_TX_RING:
		return -EOPNOTSUPP; /* no memory-mapped rings (see netstack/README.md) */
	default:
		return -ENOPROTOOPT;
	}
}

static int packet_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len)
{
	struct packet_sock *ps = packet_sk(s);
	int v;
	if ((int)*len < 0)
		return -EINVAL;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_GET_FILTER: /* @val has room for *@len instructions (the handler's) */
			if (!ps->filter || !*len) {
				*len = ps->filter ? (socklen_t)ps->filter->len : 0;
				return 0;
			}
			if (*len < (socklen_t)ps->filter->len)
				return -EINVAL;
			memcpy(val, ps->filter->insns,
			       (size_t)ps->filter->len * sizeof(struct sock_filter));
			*len = (socklen_t)ps->filter->len;
			return 0;
		case SO_LOCK_FILTER:
			v = ps->filter_locked;
			break;
		case SO_TIMESTAMPNS_OLD:
			v = ps->tstamp_ns && s->timestamp;
			break;
		default:
			return -ENOPROTOOPT;
		}
	} else if (level != SOL_PACKET) {
		return -ENOPROTOOPT;
	} else {
		switch (name) {
		case PACKET_STATISTICS: {
			struct tpacket_stats st = {ps->stat_packets, ps->stat_drops};
			socklen_t n = *len < (socklen_t)sizeof(st) ? *len : (socklen_t)sizeof(st);
			memcpy(val, &st, n);
			*len = n;
			ps->stat_packets = ps->stat_drops = 0;
			return 0;
		}
		case PACKET_AUXDATA:
			v = ps->auxdata;
			break;
		case PACKET_ORIGDEV:
			v = ps->origdev;
			break;
		case PACKET_HDRLEN:
			return -EINVAL; /* needs a TPACKET_V* argument: no rings here */
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

static int packet_shutdown(struct net_socket *s, int how)
{
	return -EOPNOTSUPP; /* sock_no_shutdown */
}

static void packet_release(struct net_socket *s)
{
	struct packet_sock *ps = packet_sk(s);
	if (ps->linked) {
		list_del(&ps->link);
		ps->linked = false;
	}
	for (int i = ps->nmships - 1; i >= 0; i--) {
		int ifindex = ps->mships[i].ifindex;
		ps->nmships = i;
		promisc_update(ps->ns, ifindex);
	}
	packet_purge(ps);
	s->shutdown = NET_SHUTDOWN_MASK;
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR);
}

static void packet_destroy(struct net_socket *s)
{
	struct packet_sock *ps = packet_sk(s);
	if (ps->linked) /* never had a file (socketpair(2)'s EOPNOTSUPP path) */
		packet_release(s);
	free(ps->filter);
	netns_put(ps->ns);
	free(ps);
}

/* socket(AF_PACKET, SOCK_RAW/SOCK_DGRAM, htons(ETH_P_*)) (packet_create) */
static int packet_create(int type, int protocol, struct net_socket **out);

const struct net_family_ops net_packet_family = {
    .family = AF_PACKET,
    .create = packet_create,
    .bind = packet_bind,
    .getname = packet_getname,
    .sendmsg = packet_sendmsg,
    .recvmsg = packet_recvmsg,
    .shutdown = packet_shutdown,
    .poll = packet_poll,
    .ioctl = packet_ioctl,
    .setsockopt = packet_setsockopt,
    .getsockopt = packet_getsockopt,
    .release = packet_release,
    .destroy = packet_destroy,
};

static int packet_create(int type, int protocol, struct net_socket **out)
{
	if (type != SOCK_DGRAM && type != SOCK_RAW)
		return -ESOCKTNOSUPPORT; /* SOCK_PACKET (obsolete) is not implemented */
	struct netns *ns = net_current_ns();
	struct packet_ns *pn = ns ? packet_ns_get(ns) : NULL;
	if (!pn)
		return -ENOMEM;
	struct packet_sock *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	net_socket_init(&ps->sock, &net_packet_family, type, protocol);
	netns_get(ns);
	ps->ns = ns;
	ps->proto = (uint16_t)protocol; /* already network order, as Linux takes it */
	list_init(&ps->rxq);
	list_add_tail(&ps->link, &pn->socks);
	ps->linked = true;
	*out = &ps->sock;
	return 0;
}
