/* netstack/hostinet.c - --network=host: TCP and UDP sockets of the app relayed to host
 * sockets the Sentry owns (as runsc's hostinet).
 *
 * Each app socket is a struct net_socket whose family ops call the matching host syscall
 * on a non-blocking, close-on-exec host socket: the host kernel decides every answer
 * (addresses, errors, MSG_PEEK/MSG_TRUNC/MSG_OOB semantics, buffer sizes). Data moves
 * through the handlers' Sentry buffers. Readiness: the host fd is watched by the event
 * loop (loop_watch_fd, edge-triggered), which wakes the socket's queue with the host's
 * EPOLL bits; poll asks the host with a zero timeout.
 *
 * AF_NETLINK in host mode is the host's NETLINK_ROUTE, read-only: only RTM_GET* requests
 * addressed to the kernel are sent, so the app sees the host's interfaces (`ip addr`) and
 * can change nothing.
 *
 * Owns: struct hostinet_sock, its host fd and watch, the reviewed option, control message
 * and rtnetlink lists, net_inet6_family. Must not: block (every host call is non-blocking
 * or has MSG_DONTWAIT), let a host signal reach the Sentry (MSG_NOSIGNAL on every send),
 * pass the host anything that names Sentry state (SCM_RIGHTS, MSG_ZEROCOPY, filters), or
 * let the app reach another host process through netlink. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include "common/log.h"
#include "netstack/hostinet.h"
#include "netstack/inet_sock.h"
#include "sentry/task.h"

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
/* Largest control buffer relayed in either direction. */
#define HOSTINET_CMSG_MAX 4096
#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515 /* the kernel's "not this layer's ioctl" */
#endif

struct hostinet_sock {
	struct net_socket sock; /* first */
	int fd;			/* the host socket; -1 after release */
	int connect_timeo_err;	/* what a timed-out blocking connect answers */
};

static bool host_mode;
static const struct net_family_ops hostinet_ops4, hostinet_ops6, hostinet_ops_netlink;

static struct hostinet_sock *hsk(struct net_socket *s)
{
	return (struct hostinet_sock *)s;
}

void hostinet_enable(void)
{
	host_mode = true;
}

bool hostinet_enabled(void)
{
	return host_mode;
}

/* Wraps host socket @fd (consumed) into a new socket, watched by the event loop. */
static int hostinet_wrap(int family, int type, int protocol, int fd, struct net_socket **out)
{
	struct hostinet_sock *h = calloc(1, sizeof(*h));
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	net_socket_init(&h->sock,
			family == AF_INET6     ? &hostinet_ops6
			: family == AF_NETLINK ? &hostinet_ops_netlink
					       : &hostinet_ops4,
			type, protocol);
	h->fd = fd;
	int r = loop_watch_fd(fd, EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP, &h->sock.wq);
	if (r < 0) {
		log_warn("hostinet: cannot watch host socket: errno %d", -r);
		close(fd);
		h->fd = -1;
		net_socket_put(&h->sock);
		return r;
	}
	*out = &h->sock;
	return 0;
}

/* See hostinet.h. */
int hostinet_create(int family, int type, int protocol, struct net_socket **out)
{
	int row = inet_resolve_protocol(type, &protocol);
	if (row < 0)
		return row;
	if (!(type == SOCK_STREAM && protocol == IPPROTO_TCP) &&
	    !(type == SOCK_DGRAM && protocol == IPPROTO_UDP))
		return -EAFNOSUPPORT;
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return -errno;
	return hostinet_wrap(family, type, protocol, fd, out);
}

/* An address must hold at least its family; the host checks the rest (family, length,
 * port, whether the address is local) as for any process. */
static int check_addr(socklen_t len)
{
	return len < (socklen_t)sizeof(sa_family_t) ? -EINVAL : 0;
}

/* implements bind(2) */
static int hostinet_bind(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	int err = check_addr(len);
	if (err)
		return err;
	return bind(hsk(s)->fd, addr, len) < 0 ? -errno : 0;
}

/* implements listen(2) */
static int hostinet_listen(struct net_socket *s, struct net_call *c, int backlog)
{
	if (listen(hsk(s)->fd, backlog) < 0)
		return -errno;
	s->listening = true;
	return 0;
}

/* implements accept(2): a new socket (one reference) in *@out; -EAGAIN parks the caller
 * for EPOLLIN */
static int hostinet_accept(struct net_socket *s, struct net_call *c, struct net_socket **out)
{
	int fd = accept4(hsk(s)->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return hostinet_wrap(s->family, s->type, s->protocol, fd, out);
}

/* implements connect(2). The host connect is non-blocking: EINPROGRESS goes to a
 * non-blocking caller; a blocking one gets -EAGAIN, parks for EPOLLOUT and calls again,
 * when the host's second connect answers 0 (connected), EALREADY (still going: park
 * again) or the connection's error (inet_stream_connect's sock_error). */
static int hostinet_connect(struct net_socket *s, struct net_call *c, const void *addr,
			    socklen_t len)
{
	struct hostinet_sock *h = hsk(s);
	int err = check_addr(len);
	if (err)
		return err;
	if (connect(h->fd, addr, len) == 0)
		return 0;
	err = -errno;
	if (err != -EINPROGRESS && err != -EALREADY)
		return err;
	if (s->type != SOCK_STREAM || !c || c->nonblock)
		return err;
	/* an SO_SNDTIMEO running out answers what the call started as: EINPROGRESS for the
	 * connect that began it, EALREADY for a later one */
	if (!c->resumed)
		h->connect_timeo_err = err;
	c->timeo_err = h->connect_timeo_err ? h->connect_timeo_err : -EINPROGRESS;
	return -EAGAIN;
}

/* implements getsockname(2) / getpeername(2) */
static int hostinet_getname(struct net_socket *s, struct sockaddr_storage *addr, bool peer)
{
	socklen_t len = sizeof(*addr);
	memset(addr, 0, sizeof(*addr));
	int r = peer ? getpeername(hsk(s)->fd, (struct sockaddr *)addr, &len)
		     : getsockname(hsk(s)->fd, (struct sockaddr *)addr, &len);
	return r < 0 ? -errno : (int)len;
}

/* Copies the send control records the host may see into @out (room @cap): SOL_IP,
 * SOL_IPV6 and SOL_UDP records as given; SOL_SOCKET SCM_RIGHTS/SCM_CREDENTIALS are
 * ignored on inet sockets, SO_MARK is EPERM (no CAP_NET_ADMIN), the rest of SOL_SOCKET
 * (timestamping, txtime) dropped; other levels skipped, as Linux. Returns the length
 * or -errno. */
static long cmsg_filter_out(const void *in, size_t in_len, char *out, size_t cap)
{
	struct msghdr mh = {.msg_control = (void *)in, .msg_controllen = in_len};
	size_t used = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_len < sizeof(*cm) ||
		    cm->cmsg_len > in_len - (size_t)((char *)cm - (char *)in))
			return -EINVAL;
		if (cm->cmsg_level == SOL_SOCKET) {
			if (cm->cmsg_type == SO_MARK)
				return -EPERM;
			continue;
		}
		if (cm->cmsg_level != IPPROTO_IP && cm->cmsg_level != IPPROTO_IPV6 &&
		    cm->cmsg_level != SOL_UDP)
			continue;
		size_t sz = CMSG_ALIGN(cm->cmsg_len);
		if (used + sz > cap)
			return -ENOBUFS;
		memset(out + used, 0, sz);
		memcpy(out + used, cm, cm->cmsg_len);
		used += sz;
	}
	return (long)used;
}

/* implements sendmsg(2) for one piece of data: the handler loops and parks on -EAGAIN */
static ssize_t hostinet_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	const int ok_flags = MSG_OOB | MSG_DONTROUTE | MSG_EOR | MSG_MORE | MSG_CONFIRM;
	char ctl[HOSTINET_CMSG_MAX] __attribute__((aligned(8)));
	struct iovec iov = {m->buf, m->len};
	struct msghdr mh = {.msg_name = (void *)m->name,
			    .msg_namelen = m->name ? m->namelen : 0,
			    .msg_iov = &iov,
			    .msg_iovlen = 1};
	if (m->cmsg_in && m->cmsg_in_len) {
		long n = cmsg_filter_out(m->cmsg_in, m->cmsg_in_len, ctl, sizeof(ctl));
		if (n < 0)
			return n;
		if (n) {
			mh.msg_control = ctl;
			mh.msg_controllen = (size_t)n;
		}
	}
	ssize_t n = sendmsg(hsk(s)->fd, &mh, (m->flags & ok_flags) | MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

/* implements recvmsg(2): one host receive; the handler does MSG_WAITALL by calling
 * again */
static ssize_t hostinet_recvmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	const int ok_flags = MSG_OOB | MSG_PEEK | MSG_TRUNC | MSG_ERRQUEUE;
	char ctl[HOSTINET_CMSG_MAX] __attribute__((aligned(8)));
	struct iovec iov = {m->buf, m->len};
	struct msghdr mh = {
	    .msg_name = &m->from, .msg_namelen = sizeof(m->from), .msg_iov = &iov, .msg_iovlen = 1};
	if (m->cmsg_out_cap) {
		mh.msg_control = ctl;
		mh.msg_controllen = m->cmsg_out_cap < sizeof(ctl) ? m->cmsg_out_cap : sizeof(ctl);
	}
	ssize_t n = recvmsg(hsk(s)->fd, &mh, (m->flags & ok_flags) | MSG_DONTWAIT);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	m->fromlen = mh.msg_namelen;
	if (s->type == SOCK_STREAM)
		m->fromlen = 0; /* a stream's receive has no source, as Linux's tcp_recvmsg */
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		net_msg_put_cmsg(m, cm->cmsg_level, cm->cmsg_type, CMSG_DATA(cm),
				 cm->cmsg_len - CMSG_LEN(0));
	if (mh.msg_flags & MSG_CTRUNC)
		m->cmsg_trunc = true;
	m->flags = mh.msg_flags & (MSG_TRUNC | MSG_EOR | MSG_OOB | MSG_ERRQUEUE);
	return n;
}

/* implements shutdown(2) */
static int hostinet_shutdown(struct net_socket *s, int how)
{
	return shutdown(hsk(s)->fd, how) < 0 ? -errno : 0;
}

/* Readiness from the host, asked with a zero timeout (POLL* and EPOLL* bits are equal). */
static uint32_t hostinet_poll(struct net_socket *s)
{
	struct pollfd p = {.fd = hsk(s)->fd,
			   .events = POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND |
				     POLLWRNORM | POLLWRBAND | POLLRDHUP};
	if (p.fd < 0 || poll(&p, 1, 0) < 0)
		return EPOLLERR;
	return (uint32_t)(unsigned short)p.revents;
}

/* FIONREAD/SIOCINQ, SIOCOUTQ, SIOCOUTQNSD and SIOCATMARK from the host; -ENOIOCTLCMD
 * for the rest (the interface ioctls are the socket layer's, answered before us) */
static long hostinet_ioctl(struct net_socket *s, unsigned int cmd, int *out)
{
	if (cmd != FIONREAD && cmd != SIOCOUTQ && cmd != SIOCOUTQNSD && cmd != SIOCATMARK)
		return -ENOIOCTLCMD;
	return ioctl(hsk(s)->fd, cmd, out) < 0 ? -errno : 0;
}

static const int relayed_socket[] = {
    SO_REUSEADDR, SO_REUSEPORT,	  SO_KEEPALIVE, SO_BROADCAST,	 SO_OOBINLINE, SO_DONTROUTE,
    SO_LINGER,	  SO_SNDBUF,	  SO_RCVBUF,	SO_RCVLOWAT,	 SO_SNDLOWAT,  SO_PRIORITY,
    SO_TIMESTAMP, SO_TIMESTAMPNS, SO_PASSCRED,	SO_ERROR,	 SO_TYPE,      SO_DOMAIN,
    SO_PROTOCOL,  SO_ACCEPTCONN,  SO_PEERCRED,	SO_INCOMING_CPU, SO_BUSY_POLL,
};
static const int relayed_ip[] = {
    IP_TOS,
    IP_TTL,
    IP_RECVTOS,
    IP_RECVTTL,
    IP_PKTINFO,
    IP_RECVERR,
    IP_MTU_DISCOVER,
    IP_MTU,
    IP_MULTICAST_TTL,
    IP_MULTICAST_LOOP,
    IP_MULTICAST_IF,
    IP_ADD_MEMBERSHIP,
    IP_DROP_MEMBERSHIP,
    IP_FREEBIND,
    IP_BIND_ADDRESS_NO_PORT,
    IP_RECVORIGDSTADDR,
    IP_OPTIONS,
};
static const int relayed_ipv6[] = {
    IPV6_V6ONLY,	 IPV6_UNICAST_HOPS,    IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP,
    IPV6_MULTICAST_IF,	 IPV6_TCLASS,	       IPV6_RECVTCLASS,	    IPV6_RECVPKTINFO,
    IPV6_RECVHOPLIMIT,	 IPV6_RECVERR,	       IPV6_MTU_DISCOVER,   IPV6_MTU,
    IPV6_ADD_MEMBERSHIP, IPV6_DROP_MEMBERSHIP,
};
static const int relayed_tcp[] = {
    TCP_NODELAY, TCP_MAXSEG,   TCP_CORK,       TCP_KEEPIDLE,	 TCP_KEEPINTVL,
    TCP_KEEPCNT, TCP_SYNCNT,   TCP_LINGER2,    TCP_DEFER_ACCEPT, TCP_WINDOW_CLAMP,
    TCP_INFO,	 TCP_QUICKACK, TCP_CONGESTION, TCP_USER_TIMEOUT, TCP_NOTSENT_LOWAT,
};
static const int relayed_udp[] = {UDP_CORK, UDP_SEGMENT};

static bool in_list(const int *list, size_t n, int name)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == name)
			return true;
	return false;
}

#define IN_LIST(list, name) in_list(list, sizeof(list) / sizeof(list[0]), name)

/* The reviewed options relayed to the host. Every other one answers ENOPROTOOPT: the
 * Sentry keeps no capability for the privileged ones (SO_BINDTODEVICE, SO_MARK,
 * *FORCE), and filters or zero-copy would name Sentry memory. Read-only options
 * (SO_ERROR, TCP_INFO...) are refused by the host's setsockopt itself. */
static bool is_relayed_opt(int level, int name)
{
	switch (level) {
	case SOL_SOCKET:
		return IN_LIST(relayed_socket, name);
	case IPPROTO_IP:
		return IN_LIST(relayed_ip, name);
	case IPPROTO_IPV6:
		return IN_LIST(relayed_ipv6, name);
	case IPPROTO_TCP:
		return IN_LIST(relayed_tcp, name);
	case SOL_UDP:
		return IN_LIST(relayed_udp, name);
	}
	return false;
}

/* implements setsockopt(2) for every level but SO_RCVTIMEO/SO_SNDTIMEO (the socket
 * layer keeps those: they bound the handlers' parks) */
static int hostinet_setsockopt(struct net_socket *s, int level, int name, const void *val,
			       socklen_t len)
{
	if (!is_relayed_opt(level, name))
		return -ENOPROTOOPT;
	return setsockopt(hsk(s)->fd, level, name, val, len) < 0 ? -errno : 0;
}

/* implements getsockopt(2); *@len: room in, the answer's length out */
static int hostinet_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len)
{
	if (!is_relayed_opt(level, name))
		return -ENOPROTOOPT;
	return getsockopt(hsk(s)->fd, level, name, val, len) < 0 ? -errno : 0;
}

/* The file is gone: stop watching and close the host socket (the host finishes the
 * connection, lingers, sends FIN or RST as it would for any process). */
static void hostinet_release(struct net_socket *s)
{
	struct hostinet_sock *h = hsk(s);
	if (h->fd < 0)
		return;
	loop_unwatch_fd(h->fd);
	close(h->fd);
	h->fd = -1;
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP);
}

static void hostinet_destroy(struct net_socket *s)
{
	hostinet_release(s);
	free(hsk(s));
}

/* ---- AF_NETLINK: read-only rtnetlink of the host ---- */

/* implements socket(2) for AF_NETLINK in host mode: NETLINK_ROUTE only (others
 * EPROTONOSUPPORT, as a kernel built without them), SOCK_RAW/SOCK_DGRAM */
static int hostinet_netlink_create(int type, int protocol, struct net_socket **out)
{
	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	int fd = socket(AF_NETLINK, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return -errno;
	return hostinet_wrap(AF_NETLINK, type, protocol, fd, out);
}

/* A destination other than the kernel (nl_pid 0, no groups) would reach another host
 * process: EPERM. NULL (the default destination, the kernel) is fine. */
static int netlink_check_dest(const void *addr, socklen_t len)
{
	struct sockaddr_nl nl;
	if (!addr)
		return 0;
	if (len < (socklen_t)sizeof(nl))
		return -EINVAL;
	memcpy(&nl, addr, sizeof(nl));
	if (nl.nl_family != AF_NETLINK)
		return -EINVAL;
	return nl.nl_pid || nl.nl_groups ? -EPERM : 0;
}

/* implements connect(2): only to the kernel */
static int hostinet_netlink_connect(struct net_socket *s, struct net_call *c, const void *addr,
				    socklen_t len)
{
	int err = netlink_check_dest(addr, len);
	if (err)
		return err;
	return connect(hsk(s)->fd, addr, len) < 0 ? -errno : 0;
}

/* Whether the kernel only reads for @h (netlink_rcv_skb, rtnetlink_rcv_msg): a message
 * without NLM_F_REQUEST or of a control type (below RTM_BASE) is only acked; an RTM_GET*
 * request (type 2 mod 4 from RTM_BASE) reads. Every other type changes something. */
static bool is_readonly_rtnl(const struct nlmsghdr *h)
{
	if (!(h->nlmsg_flags & NLM_F_REQUEST) || h->nlmsg_type < RTM_BASE)
		return true;
	return h->nlmsg_type <= RTM_MAX && (h->nlmsg_type - RTM_BASE) % 4 == 2;
}

/* implements sendmsg(2): every message must be read-only (is_readonly_rtnl), which asks
 * nothing of the caller's privileges; a change of the host's network makes the whole send
 * EPERM, before any message is sent */
static ssize_t hostinet_netlink_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	int err = netlink_check_dest(m->name, m->namelen);
	if (err)
		return err;
	const char *p = m->buf;
	size_t left = m->len;
	while (left >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > left)
			break; /* the kernel stops at a bad length silently */
		if (!is_readonly_rtnl(&h))
			return -EPERM;
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
	struct iovec iov = {m->buf, m->len};
	struct msghdr mh = {.msg_name = (void *)m->name,
			    .msg_namelen = m->name ? m->namelen : 0,
			    .msg_iov = &iov,
			    .msg_iovlen = 1};
	ssize_t n = sendmsg(hsk(s)->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

static const int relayed_netlink[] = {
    NETLINK_ADD_MEMBERSHIP,   NETLINK_DROP_MEMBERSHIP, NETLINK_PKTINFO, NETLINK_NO_ENOBUFS,
    NETLINK_LIST_MEMBERSHIPS, NETLINK_CAP_ACK,	       NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK,
};

/* The relayed netlink options: SOL_SOCKET as for inet sockets, SOL_NETLINK's
 * reading-side ones (membership of multicast groups: host notifications, read-only) */
static bool is_relayed_netlink_opt(int level, int name)
{
	if (level == SOL_SOCKET)
		return is_relayed_opt(level, name);
	return level == SOL_NETLINK && IN_LIST(relayed_netlink, name);
}

static int hostinet_netlink_setsockopt(struct net_socket *s, int level, int name, const void *val,
				       socklen_t len)
{
	if (!is_relayed_netlink_opt(level, name))
		return -ENOPROTOOPT;
	return setsockopt(hsk(s)->fd, level, name, val, len) < 0 ? -errno : 0;
}

static int hostinet_netlink_getsockopt(struct net_socket *s, int level, int name, void *val,
				       socklen_t *len)
{
	if (!is_relayed_netlink_opt(level, name))
		return -ENOPROTOOPT;
	return getsockopt(hsk(s)->fd, level, name, val, len) < 0 ? -errno : 0;
}

static const struct net_family_ops hostinet_ops_netlink = {
    .family = AF_NETLINK,
    .own_sol_socket = true,
    .create = hostinet_netlink_create,
    .bind = hostinet_bind,
    .connect = hostinet_netlink_connect,
    .getname = hostinet_getname,
    .sendmsg = hostinet_netlink_sendmsg,
    .recvmsg = hostinet_recvmsg,
    .poll = hostinet_poll,
    .ioctl = hostinet_ioctl,
    .setsockopt = hostinet_netlink_setsockopt,
    .getsockopt = hostinet_netlink_getsockopt,
    .release = hostinet_release,
    .destroy = hostinet_destroy,
};

/* See hostinet.h. */
const struct net_family_ops *hostinet_netlink_family(void)
{
	return &hostinet_ops_netlink;
}

#define HOSTINET_OPS(fam)                                                                          \
	{                                                                                          \
		.family = fam, .own_sol_socket = true, .create = NULL, .bind = hostinet_bind,      \
		.listen = hostinet_listen, .accept = hostinet_accept, .connect = hostinet_connect, \
		.getname = hostinet_getname, .sendmsg = hostinet_sendmsg,                          \
		.recvmsg = hostinet_recvmsg, .shutdown = hostinet_shutdown, .poll = hostinet_poll, \
		.ioctl = hostinet_ioctl, .setsockopt = hostinet_setsockopt,                        \
		.getsockopt = hostinet_getsockopt, .release = hostinet_release,                    \
		.destroy = hostinet_destroy,                                                       \
	}

static const struct net_family_ops hostinet_ops4 = HOSTINET_OPS(AF_INET);
static const struct net_family_ops hostinet_ops6 = HOSTINET_OPS(AF_INET6);

/* implements socket(2) for AF_INET6: host sockets in host mode; the netstack has no IPv6
 * (EAFNOSUPPORT, as before this family existed) */
static int inet6_create(int type, int protocol, struct net_socket **out)
{
	if (!host_mode)
		return -EAFNOSUPPORT;
	return hostinet_create(AF_INET6, type, protocol, out);
}

const struct net_family_ops net_inet6_family = {
    .family = AF_INET6,
    .create = inet6_create,
};
