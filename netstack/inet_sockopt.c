/* netstack/inet_sockopt.c - the options and control messages every AF_INET socket shares:
 * SOL_IP (do_ip_setsockopt / do_ip_getsockopt with Linux's length rules), the SOL_SOCKET
 * options the socket layer leaves to AF_INET (SO_BINDTODEVICE, SO_BINDTOIFINDEX,
 * SO_TIMESTAMPNS, socket filters), and the SOL_IP/SOL_SOCKET control messages of
 * datagram sockets (ip_cmsg_recv, ip_cmsg_send).
 *
 * Owns: the option fields of struct inet_sock. Must not: know a protocol's socket object
 * beyond struct inet_sock, or touch guest memory. */
#include "netstack/inet_sock.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "netstack/hostinet.h"
#include "netstack/ip4.h"
#include "netstack/packet.h"

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

/* ---- SOL_IP options ---- */

uint8_t inet_ttl(const struct inet_sock *is)
{
	if (is->ttl > 0)
		return (uint8_t)is->ttl;
	int d = is->ns ? is->ns->sysctl.ip_default_ttl : 64;
	return (uint8_t)(d > 0 && d < 256 ? d : 64);
}

struct netns *inet_sock_netns(struct net_socket *s)
{
	if (s->family != AF_INET || hostinet_enabled())
		return NULL;
	return ((struct inet_sock *)s)->ns;
}

struct net_iface *inet_oif(const struct inet_sock *is)
{
	return is->bound_ifindex ? net_iface_by_index(is->ns, is->bound_ifindex) : NULL;
}

static bool *ip_bool_opt(struct inet_sock *is, int name)
{
	switch (name) {
	case IP_PKTINFO:
		return &is->pktinfo;
	case IP_RECVTTL:
		return &is->recvttl;
	case IP_RECVTOS:
		return &is->recvtos;
	case IP_RECVOPTS:
		return &is->recvopts;
	case IP_FREEBIND:
		return &is->freebind;
	case IP_TRANSPARENT:
		return &is->transparent;
	case IP_BIND_ADDRESS_NO_PORT:
		return &is->bind_address_no_port;
	case IP_MULTICAST_LOOP:
		return &is->mc_loop;
	case IP_RECVORIGDSTADDR:
		return &is->recvorigdstaddr;
	case IP_CHECKSUM:
		return &is->checksum;
	case IP_RECVFRAGSIZE:
		return &is->recvfragsize;
	default:
		return NULL;
	}
}

/* Options Linux reads as an int, or as one byte when shorter (do_ip_setsockopt). */
static bool ip_opt_is_int(int name)
{
	switch (name) {
	case IP_PKTINFO:
	case IP_RECVTTL:
	case IP_RECVOPTS:
	case IP_RECVTOS:
	case IP_RETOPTS:
	case IP_TOS:
	case IP_TTL:
	case IP_HDRINCL:
	case IP_MTU_DISCOVER:
	case IP_RECVERR:
	case IP_ROUTER_ALERT:
	case IP_FREEBIND:
	case IP_PASSSEC:
	case IP_TRANSPARENT:
	case IP_MINTTL:
	case IP_NODEFRAG:
	case IP_BIND_ADDRESS_NO_PORT:
	case IP_UNICAST_IF:
	case IP_MULTICAST_TTL:
	case IP_MULTICAST_ALL:
	case IP_MULTICAST_LOOP:
	case IP_RECVORIGDSTADDR:
	case IP_CHECKSUM:
	case IP_RECVFRAGSIZE:
		return true;
	default:
		return false;
	}
}

/* IP_MULTICAST_IF: struct ip_mreqn, struct ip_mreq or an in_addr (do_ip_setsockopt). */
static int set_multicast_if(struct inet_sock *is, const void *val, socklen_t len)
{
	struct ip_mreqn mreq;
	memset(&mreq, 0, sizeof(mreq));
	if (len >= (socklen_t)sizeof(struct ip_mreqn))
		memcpy(&mreq, val, sizeof(mreq));
	else if (len >= (socklen_t)sizeof(struct in_addr))
		memcpy(&mreq.imr_address, val, sizeof(struct in_addr));
	else
		return -EINVAL;
	if (!mreq.imr_ifindex) {
		if (mreq.imr_address.s_addr == htonl(INADDR_ANY)) {
			is->mc_index = 0;
			is->mc_addr = 0;
			return 0;
		}
		struct net_iface *ifc = net_addr_owner(is->ns, mreq.imr_address.s_addr);
		if (!ifc)
			return -EADDRNOTAVAIL;
		mreq.imr_ifindex = ifc->ifindex;
	} else if (!net_iface_by_index(is->ns, mreq.imr_ifindex)) {
		return -EADDRNOTAVAIL;
	}
	if (is->bound_ifindex && mreq.imr_ifindex != is->bound_ifindex)
		return -EINVAL;
	is->mc_index = mreq.imr_ifindex;
	is->mc_addr = mreq.imr_address.s_addr;
	return 0;
}

/* implements the SOL_IP part of setsockopt(2) (net/ipv4/ip_sockglue.c do_ip_setsockopt) */
int inet_setsockopt_ip(struct inet_sock *is, int name, const void *val, socklen_t len)
{
	int v = 0;
	if (ip_opt_is_int(name)) {
		if (len >= (socklen_t)sizeof(int))
			memcpy(&v, val, sizeof(int));
		else if (len >= 1)
			v = *(const unsigned char *)val;
	}
	bool *b = ip_bool_opt(is, name);
	if (b) {
		if ((name == IP_FREEBIND || name == IP_TRANSPARENT || name == IP_MULTICAST_LOOP) &&
		    len < 1)
			return -EINVAL;
		*b = v != 0;
		return 0;
	}
	switch (name) {
	case IP_TTL:
		if (len < 1)
			return -EINVAL;
		if (v != -1 && (v < 1 || v > 255))
			return -EINVAL;
		is->ttl = v;
		return 0;
	case IP_TOS:
		if (is->sock.type == SOCK_STREAM)
			v = (v & ~3) | (is->tos & 3); /* TCP keeps its ECN bits */
		is->tos = (uint8_t)v;
		return 0;
	case IP_HDRINCL:
		if (is->sock.type != SOCK_RAW)
			return -ENOPROTOOPT;
		is->hdrincl = v != 0;
		return 0;
	case IP_NODEFRAG:
		if (is->sock.type != SOCK_RAW)
			return -ENOPROTOOPT;
		is->nodefrag = v != 0;
		return 0;
	case IP_MTU_DISCOVER:
		if (v < IP_PMTUDISC_DONT || v > IP_PMTUDISC_OMIT)
			return -EINVAL;
		is->pmtudisc = v;
		return 0;
	case IP_RECVERR:
		is->recverr = v != 0;
		if (!is->recverr)
			inet_errq_purge(is);
		return 0;
	case IP_MINTTL:
		if (len < 1)
			return -EINVAL;
		if (v < 0 || v > 255)
			return -EINVAL;
		is->minttl = v;
		return 0;
	case IP_MULTICAST_TTL:
		if (is->sock.type == SOCK_STREAM)
			return -EINVAL;
		if (len < 1)
			return -EINVAL;
		if (v == -1)
			v = 1;
		if (v < 0 || v > 255)
			return -EINVAL;
		is->mc_ttl = v;
		return 0;
	case IP_UNICAST_IF:
		if (len != sizeof(int))
			return -EINVAL;
		v = (int)ntohl((uint32_t)v);
		if (v && !net_iface_by_index(is->ns, v))
			return -EADDRNOTAVAIL;
		if (is->bound_ifindex)
			return -EINVAL;
		is->uc_index = v;
		return 0;
	case IP_MULTICAST_IF:
		if (is->sock.type == SOCK_STREAM)
			return -EINVAL;
		return set_multicast_if(is, val, len);
	case IP_OPTIONS:
		if (len > (socklen_t)sizeof(is->opts))
			return -EINVAL;
		memcpy(is->opts, val, len);
		is->optlen = (uint8_t)len;
		return 0;
	case IP_RETOPTS:
	case IP_PASSSEC:
	case IP_MULTICAST_ALL:
		return 0; /* no IP options are received; no LSM; no multicast groups */
	default:
		return -ENOPROTOOPT;
	}
}

/* implements the SOL_IP part of getsockopt(2) (do_ip_getsockopt) */
int inet_getsockopt_ip(struct inet_sock *is, int name, void *val, socklen_t *len)
{
	int v;
	bool *b = ip_bool_opt(is, name);
	if ((int)*len < 0)
		return -EINVAL;
	if (b) {
		v = *b;
	} else {
		switch (name) {
		case IP_TTL:
			v = inet_ttl(is);
			break;
		case IP_TOS:
			v = is->tos;
			break;
		case IP_HDRINCL:
			v = is->hdrincl;
			break;
		case IP_NODEFRAG:
			v = is->nodefrag;
			break;
		case IP_MTU_DISCOVER:
			v = is->pmtudisc;
			break;
		case IP_RECVERR:
			v = is->recverr;
			break;
		case IP_MINTTL:
			v = is->minttl;
			break;
		case IP_MULTICAST_TTL:
			v = is->mc_ttl;
			break;
		case IP_UNICAST_IF:
			v = (int)htonl((uint32_t)is->uc_index);
			break;
		case IP_PROTOCOL:
			v = is->sock.protocol;
			break;
		case IP_MTU: {
			uint32_t src;
			int mtu = 0;
			if (!is->raddr ||
			    ip4_route_src(is->ns, is->raddr, inet_oif(is), &src, &mtu) < 0 || !mtu)
				return -ENOTCONN;
			v = mtu;
			break;
		}
		case IP_MULTICAST_IF: {
			struct in_addr a = {.s_addr = is->mc_addr};
			socklen_t n = *len < (socklen_t)sizeof(a) ? *len : (socklen_t)sizeof(a);
			memcpy(val, &a, n);
			*len = n;
			return 0;
		}
		case IP_OPTIONS: {
			socklen_t n = *len < is->optlen ? *len : is->optlen;
			memcpy(val, is->opts, n);
			*len = n;
			return 0;
		}
		case IP_PKTOPTIONS:
			if (is->sock.type != SOCK_STREAM)
				return -ENOPROTOOPT;
			*len = 0; /* no IP_PKTINFO/IP_TTL of received segments kept */
			return 0;
		default:
			return -ENOPROTOOPT;
		}
	}
	/* a short buffer gets one byte when the value fits (do_ip_getsockopt) */
	if (*len < (socklen_t)sizeof(int) && *len > 0 && v >= 0 && v <= 255) {
		*(unsigned char *)val = (unsigned char)v;
		*len = 1;
	} else {
		socklen_t n = *len < (socklen_t)sizeof(int) ? *len : (socklen_t)sizeof(int);
		memcpy(val, &v, n);
		*len = n;
	}
	return 0;
}

/* SO_BINDTODEVICE / SO_BINDTOIFINDEX / SO_TIMESTAMPNS (net/core/sock.c) */
int inet_setsockopt_sock(struct inet_sock *is, int name, const void *val, socklen_t len)
{
	switch (name) {
	case SO_BINDTODEVICE: {
		char dev[IFNAMSIZ];
		size_t n = len < IFNAMSIZ - 1 ? len : IFNAMSIZ - 1;
		memset(dev, 0, sizeof(dev));
		memcpy(dev, val, n);
		int idx = 0;
		if (dev[0]) {
			struct net_iface *ifc = net_iface_by_name(is->ns, dev);
			if (!ifc)
				return -ENODEV;
			idx = ifc->ifindex;
		}
		is->bound_ifindex = idx;
		is->oif = idx ? net_iface_by_index(is->ns, idx) : NULL;
		return 0;
	}
	case SO_BINDTOIFINDEX: {
		int idx;
		if (len < (socklen_t)sizeof(int))
			return -EINVAL;
		memcpy(&idx, val, sizeof(idx));
		if (idx < 0)
			return -EINVAL;
		if (idx && !net_iface_by_index(is->ns, idx))
			return -ENODEV;
		is->bound_ifindex = idx;
		is->oif = idx ? net_iface_by_index(is->ns, idx) : NULL;
		return 0;
	}
	case SO_TIMESTAMPNS_OLD: {
		int v;
		if (len < (socklen_t)sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		is->tstamp_ns = v != 0;
		is->sock.timestamp = v != 0;
		return 0;
	}
	case SO_ATTACH_FILTER: {
		struct sock_fprog fp;
		int err;
		if (len < (socklen_t)sizeof(fp))
			return -EINVAL;
		if (is->filter_locked)
			return -EPERM;
		memcpy(&fp, val, sizeof(fp));
		struct net_bpf *prog = net_bpf_new(fp.filter, fp.len, &err);
		if (!prog)
			return err;
		free(is->filter);
		is->filter = prog;
		return 0;
	}
	case SO_DETACH_FILTER:
		if (is->filter_locked)
			return -EPERM;
		if (!is->filter)
			return -ENOENT;
		free(is->filter);
		is->filter = NULL;
		return 0;
	case SO_LOCK_FILTER: {
		int v;
		if (len < (socklen_t)sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(v));
		if (!v && is->filter_locked)
			return -EPERM;
		is->filter_locked = v != 0;
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
}

int inet_getsockopt_sock(struct inet_sock *is, int name, void *val, socklen_t *len)
{
	switch (name) {
	case SO_BINDTODEVICE: {
		struct net_iface *ifc = inet_oif(is);
		if (!ifc) {
			*len = 0;
			return 0;
		}
		size_t n = strlen(ifc->name) + 1;
		if (*len < n)
			return -EINVAL;
		memcpy(val, ifc->name, n);
		*len = (socklen_t)n;
		return 0;
	}
	case SO_GET_FILTER: /* @val has room for *@len instructions (the handler's) */
		if (!is->filter || !*len) {
			*len = is->filter ? (socklen_t)is->filter->len : 0;
			return 0;
		}
		if (*len < (socklen_t)is->filter->len)
			return -EINVAL;
		memcpy(val, is->filter->insns, (size_t)is->filter->len * sizeof(struct sock_filter));
		*len = (socklen_t)is->filter->len;
		return 0;
	case SO_BINDTOIFINDEX:
	case SO_LOCK_FILTER:
	case SO_TIMESTAMPNS_OLD: {
		int v = name == SO_BINDTOIFINDEX  ? is->bound_ifindex
			: name == SO_LOCK_FILTER ? is->filter_locked
						 : (is->tstamp_ns && is->sock.timestamp);
		socklen_t n = *len < (socklen_t)sizeof(int) ? *len : (socklen_t)sizeof(int);
		memcpy(val, &v, n);
		*len = n;
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
}

int inet_setsockopt(struct net_socket *s, int level, int name, const void *val, socklen_t len)
{
	struct inet_sock *is = (struct inet_sock *)s;
	if (level == SOL_SOCKET)
		return inet_setsockopt_sock(is, name, val, len);
	if (level == SOL_IP)
		return inet_setsockopt_ip(is, name, val, len);
	return -ENOPROTOOPT;
}

int inet_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len)
{
	struct inet_sock *is = (struct inet_sock *)s;
	if (level == SOL_SOCKET)
		return inet_getsockopt_sock(is, name, val, len);
	if (level == SOL_IP)
		return inet_getsockopt_ip(is, name, val, len);
	return -ENOPROTOOPT;
}

/* ---- control messages of datagram sockets ---- */

void inet_cmsg_recv(struct inet_sock *is, struct net_msg *m, const struct ip4_rx_info *ri)
{
	if (is->sock.timestamp) {
		int64_t ns = ri->tstamp_ns;
		if (!ns) {
			struct timespec now;
			clock_gettime(CLOCK_REALTIME, &now);
			ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
		}
		if (is->tstamp_ns) {
			struct timespec ts = {ns / 1000000000LL, ns % 1000000000LL};
			net_msg_put_cmsg(m, SOL_SOCKET, SO_TIMESTAMPNS_OLD, &ts, sizeof(ts));
		} else {
			struct timeval tv = {ns / 1000000000LL, (ns % 1000000000LL) / 1000};
			net_msg_put_cmsg(m, SOL_SOCKET, SO_TIMESTAMP_OLD, &tv, sizeof(tv));
		}
	}
	if (is->pktinfo) {
		struct in_pktinfo pi = {.ipi_ifindex = ri->ifindex};
		pi.ipi_spec_dst.s_addr = ri->spec_dst;
		pi.ipi_addr.s_addr = ri->dst;
		net_msg_put_cmsg(m, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	if (is->recvttl) {
		int ttl = ri->ttl;
		net_msg_put_cmsg(m, SOL_IP, IP_TTL, &ttl, sizeof(ttl));
	}
	if (is->recvtos) {
		uint8_t tos = ri->tos;
		net_msg_put_cmsg(m, SOL_IP, IP_TOS, &tos, sizeof(tos));
	}
	if (is->recvorigdstaddr) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = ri->dport};
		sin.sin_addr.s_addr = ri->dst;
		net_msg_put_cmsg(m, SOL_IP, IP_ORIGDSTADDR, &sin, sizeof(sin));
	}
}

/* ip_cmsg_send: SOL_IP records of a send; SOL_SOCKET ones as __sock_cmsg_send; other
 * levels are skipped, as Linux does. */
int inet_cmsg_send(struct inet_sock *is, const struct net_msg *m, int *ttl, int *tos,
		   uint32_t *src, int *oif_index)
{
	const char *ctl = m->cmsg_in;
	size_t len = m->cmsg_in_len, off = 0;
	if (!ctl)
		return 0;
	while (off + sizeof(struct cmsghdr) <= len) {
		struct cmsghdr h;
		memcpy(&h, ctl + off, sizeof(h));
		if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > len - off)
			return -EINVAL;
		const char *data = ctl + off + CMSG_ALIGN(sizeof(struct cmsghdr));
		size_t dlen = h.cmsg_len - CMSG_ALIGN(sizeof(struct cmsghdr));
		if (h.cmsg_level == SOL_SOCKET) {
			/* __sock_cmsg_send: SO_MARK (CAP_NET_ADMIN), SO_TIMESTAMPING and
			 * SCM_TXTIME are Linux's (accepted, no effect here); SCM_RIGHTS and
			 * SCM_CREDENTIALS are "semantically SOL_UNIX": ignored; the rest is
			 * EINVAL. */
			if (h.cmsg_type == SO_MARK)
				return -EPERM;
			if (h.cmsg_type == SO_PRIORITY) { /* per-message priority (6.x) */
				uint32_t prio;
				if (dlen != sizeof(prio))
					return -EINVAL;
				memcpy(&prio, data, sizeof(prio));
				if (prio > 6)
					return -EPERM; /* CAP_NET_ADMIN's, unknown here */
			} else if (h.cmsg_type != SO_TIMESTAMPING && h.cmsg_type != SCM_TXTIME &&
			    h.cmsg_type != SCM_RIGHTS && h.cmsg_type != SCM_CREDENTIALS)
				return -EINVAL;
		} else if (h.cmsg_level == SOL_IP) {
			int v;
			switch (h.cmsg_type) {
			case IP_PKTINFO: {
				struct in_pktinfo pi;
				if (dlen != sizeof(pi))
					return -EINVAL;
				memcpy(&pi, data, sizeof(pi));
				if (pi.ipi_ifindex)
					*oif_index = pi.ipi_ifindex;
				*src = pi.ipi_spec_dst.s_addr;
				break;
			}
			case IP_TTL:
				if (dlen != sizeof(int))
					return -EINVAL;
				memcpy(&v, data, sizeof(v));
				if (v < 1 || v > 255)
					return -EINVAL;
				*ttl = v;
				break;
			case IP_TOS:
				if (dlen == sizeof(int))
					memcpy(&v, data, sizeof(v));
				else if (dlen == 1)
					v = *(const uint8_t *)data;
				else
					return -EINVAL;
				if (v < 0 || v > 255)
					return -EINVAL;
				*tos = v;
				break;
			case IP_RETOPTS:
				if (dlen > 40)
					return -EINVAL;
				break; /* IP options are not sent */
			default:
				return -EINVAL;
			}
		}
		size_t next = off + CMSG_ALIGN(h.cmsg_len);
		if (next <= off)
			break;
		off = next;
	}
	return 0;
}

/* See inet_sock.h: the common head of udp_sendmsg, ping_v4_sendmsg and raw_sendmsg. */
int inet_dgram_route(struct inet_sock *is, const struct net_msg *m, uint32_t *daddr, bool mc_if,
		     struct inet_dgram_route *out)
{
	out->ttl = out->tos = -1;
	out->oif = is->bound_ifindex;
	out->src = is->saddr;
	int err = inet_cmsg_send(is, m, &out->ttl, &out->tos, &out->src, &out->oif);
	if (err)
		return err;
	if (!out->oif)
		out->oif = mc_if && IN_MULTICAST(ntohl(*daddr)) && is->mc_index ? is->mc_index
										: is->uc_index;
	if (!*daddr)
		*daddr = out->src ? out->src : htonl(INADDR_LOOPBACK);
	if (out->src && !net_addr_is_local(is->ns, out->src) && !is->freebind && !is->transparent)
		return -EINVAL;
	out->oifc = out->oif ? net_iface_by_index(is->ns, out->oif) : NULL;
	if (out->oif && !out->oifc)
		return -ENODEV;
	if ((err = net_route_lookup(is->ns, *daddr, out->oifc, &out->rt)))
		return err;
	if (out->rt.broadcast && !is->sock.broadcast)
		return -EACCES;
	return 0;
}
