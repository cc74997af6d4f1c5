/* netstack/netlink.c - AF_NETLINK sockets (net/netlink/af_netlink.c): port ids (bind,
 * autobind, connect), multicast groups, receive queues of datagrams, the kernel side of
 * a request (netlink_rcv_skb: per-message dispatch, NLMSG_ERROR acks with extended
 * acks), dumps paced into datagrams as the reader drains its queue, user-to-user
 * unicast and multicast, SOL_NETLINK options, poll bits.
 *
 * Protocols: NETLINK_ROUTE (rtnetlink, netlink_route.c) and NETLINK_KOBJECT_UEVENT (a
 * socket the kernel never sends to: there are no device events in a sandbox; user
 * sockets may still talk to each other, as udevd and libudev do). Every other protocol
 * answers EPROTONOSUPPORT, as a kernel built without it.
 *
 * Owns: struct nl_sock, struct netlink_ns (the sockets of a namespace).
 * Must not: parse rtnetlink payloads (netlink_route.c does), touch guest memory, block. */
#include "netstack/netlink.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <linux/rtnetlink.h>
#include "netstack/ip4.h"
#include "netstack/socket.h"
#include "vfs/vfs.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define NL_MAX_LINKS 32
/* Linux's NLMSG_GOODSIZE (SKB_WITH_OVERHEAD(PAGE_SIZE)) and the largest dump datagram
 * (SKB_WITH_OVERHEAD(32768)): the bounds of a dump datagram. */
#define NL_GOODSIZE 3776
#define NL_MAX_RECVMSG 32448
/* Receive-buffer charge per datagram beyond its bytes (approximates skb truesize). */
#define NL_SKB_OVERHEAD 512
#define CAP_NET_BROADCAST_BIT 11
#define CAP_NET_ADMIN_BIT 12

extern const struct net_family_ops net_netlink_family;

long nl_live_skbs;

/* One queued datagram. */
struct nl_skb {
	struct list_head link;
	uint32_t portid;    /* sender (0: the kernel) */
	uint32_t dst_group; /* multicast group it was sent to (0: unicast) */
	struct net_ucred cred;
	size_t len;
	uint8_t data[];
};

struct nl_sock {
	struct net_socket sock; /* first */
	struct netns *ns;	/* one reference */
	struct list_head link;	/* in netlink_ns.socks */
	uint32_t portid;
	bool bound;
	bool connected;
	uint32_t dst_portid, dst_group;
	uint64_t groups; /* bit g-1: member of group g */
	unsigned ngroups;
	/* SOL_NETLINK flags */
	bool pktinfo, broadcast_error, no_enobufs, listen_all_nsid, cap_ack, ext_ack, strict_chk;
	bool congested; /* overrun: refuse until the queue drains (Linux NETLINK_S_CONGESTED) */
	struct list_head rxq; /* struct nl_skb */
	size_t rmem;
	size_t max_recvmsg_len;
	/* A dump in progress: every message (and NLMSG_DONE) built at the request, handed out
	 * one datagram at a time as the queue drains. */
	bool dump_running;
	struct nl_buf dump;
	size_t dump_off;
	size_t dump_done_off; /* where NLMSG_DONE starts: always a datagram of its own */
	/* The caller's effective capabilities, as last seen by an op with a VFS context
	 * (read(2)/write(2) have none): in the sandbox's user namespace (caps), or in a child
	 * one (ns_caps, in the user namespace numbered caps_userns_ino). */
	uint64_t caps, ns_caps;
	uint64_t caps_userns_ino;
	bool caps_known;
};

struct netlink_ns {
	struct list_head socks;
	int32_t rover;	  /* next negative autobind id */
	uint8_t *link_up; /* by ifindex: up at the last RTM_NEWLINK notification */
	int link_up_n;
};

static inline struct nl_sock *nl_sk(struct net_socket *s)
{
	return (struct nl_sock *)s;
}

/* ---- the namespace's sockets ---- */

int netlink_ns_init(struct netns *ns)
{
	if (ns->netlink)
		return 0;
	struct netlink_ns *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	list_init(&n->socks);
	n->rover = -4096;
	ns->netlink = n;
	return 0;
}

void netlink_ns_fini(struct netns *ns)
{
	if (ns->netlink)
		free(ns->netlink->link_up);
	free(ns->netlink);
	ns->netlink = NULL;
}

static struct netlink_ns *nl_ns(struct netns *ns)
{
	if (!ns->netlink)
		netlink_ns_init(ns); /* a namespace made before this module was linked */
	return ns->netlink;
}

bool nl_link_up_swap(struct netns *ns, int ifindex, bool up)
{
	struct netlink_ns *n = ns->netlink; /* none yet, or torn down: nothing to track */
	if (!n || ifindex < 0)
		return up;
	if (ifindex >= n->link_up_n) {
		int cnt = ifindex + 16;
		uint8_t *a = realloc(n->link_up, (size_t)cnt);
		if (!a)
			return up;
		memset(a + n->link_up_n, 0, (size_t)(cnt - n->link_up_n));
		n->link_up = a;
		n->link_up_n = cnt;
	}
	bool was = n->link_up[ifindex];
	n->link_up[ifindex] = up;
	return was;
}

static struct nl_sock *nl_lookup(struct netns *ns, int protocol, uint32_t portid)
{
	struct netlink_ns *n = nl_ns(ns);
	if (!n)
		return NULL;
	struct nl_sock *nl;
	list_for_each_entry(nl, &n->socks, link)
	{
		if (nl->bound && nl->sock.protocol == protocol && nl->portid == portid)
			return nl;
	}
	return NULL;
}

/* netlink_insert: binds @nl to @portid. */
static int nl_insert(struct nl_sock *nl, uint32_t portid)
{
	if (nl_lookup(nl->ns, nl->sock.protocol, portid))
		return -EADDRINUSE;
	nl->portid = portid;
	nl->bound = true;
	return 0;
}

/* netlink_autobind: the caller's tgid, else a free negative id (from a random point of
 * [INT32_MIN, -4097] downwards, as Linux). */
static int nl_autobind(struct nl_sock *nl, struct net_call *c)
{
	struct netlink_ns *n = nl_ns(nl->ns);
	if (!n)
		return -ENOMEM;
	int32_t portid = c ? c->cred.pid : 0;
	for (int tries = 0; tries < 1 << 16; tries++) {
		if (portid != 0 && !nl_lookup(nl->ns, nl->sock.protocol, (uint32_t)portid))
			return nl_insert(nl, (uint32_t)portid);
		if (n->rover == -4096) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			uint32_t r = (uint32_t)(ts.tv_nsec * 2654435761u) ^ (uint32_t)ts.tv_sec;
			n->rover =
			    INT32_MIN + (int32_t)(r % (uint32_t)(-4096 - (int64_t)INT32_MIN));
		} else if (n->rover >= -4096 || n->rover == INT32_MIN) {
			n->rover = -4097;
		}
		portid = n->rover--;
	}
	return -EADDRINUSE;
}

/* Remembers the caller's capabilities (a call with a VFS context). */
static void nl_note_caller(struct nl_sock *nl, struct net_call *c)
{
	if (c && c->vc && c->vc->cred) {
		const struct vfs_cred *cr = c->vc->cred;
		nl->caps = cr->cap_effective;
		nl->ns_caps = cr->ns_caps;
		nl->caps_userns_ino = cr->userns && net_userns_ino ? net_userns_ino(cr->userns) : 0;
		nl->caps_known = true;
	}
}

/* netlink_net_capable: @cap over the socket's namespace, i.e. in the user namespace owning
 * it: the sandbox's root has it everywhere; a process of a child user namespace has it
 * over namespaces that user namespace owns (not over those of its descendants: refused). */
static bool nl_capable(struct nl_sock *nl, struct net_call *c, int cap)
{
	nl_note_caller(nl, c);
	if (!nl->caps_known)
		return false;
	if (nl->caps & (1ULL << cap))
		return true;
	return (nl->ns_caps & (1ULL << cap)) && nl->caps_userns_ino &&
	       nl->caps_userns_ino == nl->ns->owner_userns_ino;
}

/* netlink_allowed: NETLINK_ROUTE and NETLINK_KOBJECT_UEVENT let anyone listen
 * (NL_CFG_F_NONROOT_RECV); sending to a user socket or a group needs CAP_NET_ADMIN. */
static bool nl_allowed_recv(struct nl_sock *nl, struct net_call *c)
{
	return true;
}

/* ---- queues ---- */

static uint32_t nl_poll(struct net_socket *s)
{
	struct nl_sock *nl = nl_sk(s);
	uint32_t ev = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	if (s->err)
		ev |= EPOLLERR;
	if (!list_empty(&nl->rxq))
		ev |= EPOLLIN | EPOLLRDNORM;
	return ev;
}

/* netlink_overrun: a kernel message was dropped for want of room. */
static void nl_overrun(struct nl_sock *nl)
{
	if (nl->no_enobufs)
		return;
	if (!nl->congested) {
		nl->congested = true;
		nl->sock.err = ENOBUFS;
		net_socket_wake(&nl->sock, EPOLLERR);
	}
}

/* Queues a datagram on @nl (copying @len bytes). Returns 0, -EAGAIN when the receive
 * buffer is full (nothing queued), -ENOMEM. */
static int nl_queue(struct nl_sock *nl, const void *data, size_t len, uint32_t from, uint32_t group,
		    const struct net_ucred *cred)
{
	if (nl->rmem > (size_t)nl->sock.rcvbuf || nl->congested)
		return -EAGAIN;
	struct nl_skb *k = malloc(sizeof(*k) + len);
	if (!k)
		return -ENOMEM;
	k->portid = from;
	k->dst_group = group;
	if (cred)
		k->cred = *cred;
	else
		memset(&k->cred, 0, sizeof(k->cred));
	k->len = len;
	memcpy(k->data, data, len);
	list_add_tail(&k->link, &nl->rxq);
	nl->rmem += len + NL_SKB_OVERHEAD;
	nl_live_skbs++;
	net_socket_wake(&nl->sock, EPOLLIN | EPOLLRDNORM);
	return 0;
}

static void nl_skb_free(struct nl_sock *nl, struct nl_skb *k)
{
	list_del(&k->link);
	nl->rmem -= k->len + NL_SKB_OVERHEAD;
	nl_live_skbs--;
	free(k);
}

/* A kernel message to @nl (netlink_unicast from a kernel socket: drops on overrun). */
static void nl_kernel_unicast(struct nl_sock *nl, const void *data, size_t len)
{
	int err = nl_queue(nl, data, len, 0, 0, NULL);
	if (err == -EAGAIN || err == -ENOMEM)
		nl_overrun(nl);
}

/* Each message of @b as its own datagram to @nl. */
static void nl_kernel_unicast_each(struct nl_sock *nl, const struct nl_buf *b)
{
	size_t off = 0;
	while (off + NLMSG_HDRLEN <= b->len) {
		const struct nlmsghdr *h = (const void *)(b->data + off);
		size_t n = NLMSG_ALIGN(h->nlmsg_len);
		if (n > b->len - off)
			n = b->len - off;
		nl_kernel_unicast(nl, h, n);
		off += n;
	}
}

bool nl_has_listeners(struct netns *ns, int protocol, unsigned group)
{
	struct netlink_ns *n = ns->netlink;
	if (!n || group == 0 || group > 64)
		return false;
	struct nl_sock *nl;
	list_for_each_entry(nl, &n->socks, link)
	{
		if (nl->sock.protocol == protocol && (nl->groups & (1ULL << (group - 1))))
			return true;
	}
	return false;
}

/* netlink_broadcast: to every member of @group but @exclude_sk (the sender) and sockets
 * whose port id is @exclude_portid (the kernel's messages exclude 0: unbound sockets get
 * nothing; a user's message to a port id and a group reaches that port only by unicast). */
static void nl_broadcast(struct netns *ns, int protocol, unsigned group, const void *data,
			 size_t len, struct nl_sock *exclude_sk, uint32_t exclude_portid,
			 uint32_t from, const struct net_ucred *cred)
{
	struct netlink_ns *n = ns->netlink;
	if (!n || group == 0 || group > 64)
		return;
	struct nl_sock *nl, *tmp;
	list_for_each_entry_safe(nl, tmp, &n->socks, link)
	{
		if (nl == exclude_sk || nl->sock.protocol != protocol ||
		    nl->portid == exclude_portid || group > nl->ngroups ||
		    !(nl->groups & (1ULL << (group - 1))))
			continue;
		if (nl_queue(nl, data, len, from, group, cred))
			nl_overrun(nl);
	}
}

void nl_multicast(struct netns *ns, int protocol, unsigned group, const void *data, size_t len)
{
	nl_broadcast(ns, protocol, group, data, len, NULL, 0, 0, NULL);
}

/* ---- dumps ---- */

/* netlink_dump: hands the next datagram of the running dump to the queue. */
static void nl_dump_next(struct nl_sock *nl)
{
	if (!nl->dump_running)
		return;
	size_t alloc = NL_GOODSIZE < nl->max_recvmsg_len ? nl->max_recvmsg_len : NL_GOODSIZE;
	size_t start = nl->dump_off, end = start;
	while (end + NLMSG_HDRLEN <= nl->dump.len) {
		const struct nlmsghdr *h = (const void *)(nl->dump.data + end);
		size_t n = NLMSG_ALIGN(h->nlmsg_len);
		if (end > start && (end - start + n > alloc || end == nl->dump_done_off))
			break;
		end += n;
	}
	if (end > start && nl_queue(nl, nl->dump.data + start, end - start, 0, 0, NULL)) {
		nl->sock.err = ENOBUFS;
		net_socket_wake(&nl->sock, EPOLLERR);
		end = nl->dump.len; /* the dump is lost, as Linux on an allocation failure */
	}
	nl->dump_off = end;
	if (nl->dump_off >= nl->dump.len) {
		nl->dump_running = false;
		nl_buf_free(&nl->dump);
		nl->dump_off = 0;
	}
}

/* Starts the dump built in @rq: appends NLMSG_DONE and queues the first datagram. */
static int nl_dump_start(struct nl_sock *nl, struct nl_req *rq)
{
	if (nl->dump_running) {
		nl_buf_free(&rq->dump);
		return -EBUSY;
	}
	const struct nlmsghdr *req = rq->nlh;
	nl->dump_done_off = rq->dump.len;
	long off = nl_msg_begin(&rq->dump, NLMSG_DONE, NLM_F_MULTI | rq->dump_flags, req->nlmsg_seq,
				rq->portid, sizeof(int));
	if (off >= 0) {
		memcpy(nl_msg_fam(&rq->dump, off), &rq->dump_err, sizeof(int));
		if (nl->ext_ack && rq->ext.msg) {
			((struct nlmsghdr *)(rq->dump.data + off))->nlmsg_flags |= NLM_F_ACK_TLVS;
			nl_put_str(&rq->dump, NLMSGERR_ATTR_MSG, rq->ext.msg);
		}
	}
	nl_msg_end(&rq->dump, off);
	if (rq->dump.oom) {
		nl_buf_free(&rq->dump);
		return -ENOBUFS;
	}
	nl->dump = rq->dump;
	memset(&rq->dump, 0, sizeof(rq->dump));
	nl->dump_off = 0;
	nl->dump_running = true;
	nl_dump_next(nl);
	return 0;
}

/* ---- acks ---- */

/* netlink_ack: NLMSG_ERROR answering @req with @err (0: a plain ack). */
static void nl_ack(struct nl_sock *nl, const struct nlmsghdr *req, int err,
		   const struct nl_ext *ext)
{
	struct nl_buf b = {0};
	uint16_t flags = 0;
	size_t payload = sizeof(struct nlmsgerr);
	bool full = err && !nl->cap_ack;
	if (full)
		payload += req->nlmsg_len - NLMSG_HDRLEN;
	else
		flags |= NLM_F_CAPPED;
	bool tlvs = nl->ext_ack && ext && ext->msg;
	if (tlvs)
		flags |= NLM_F_ACK_TLVS;
	long off = nl_msg_begin(&b, NLMSG_ERROR, flags, req->nlmsg_seq, nl->portid, payload);
	if (off < 0)
		goto out;
	struct nlmsgerr *e = nl_msg_fam(&b, off);
	e->error = err;
	memcpy(&e->msg, req, full ? req->nlmsg_len : NLMSG_HDRLEN);
	if (tlvs) {
		nl_put_str(&b, NLMSGERR_ATTR_MSG, ext->msg);
		if (err && ext->bad_attr) {
			const uint8_t *a = (const uint8_t *)ext->bad_attr,
				      *r = (const uint8_t *)req;
			if (a >= r && a < r + req->nlmsg_len)
				nl_put_u32(&b, NLMSGERR_ATTR_OFFS, (uint32_t)(a - r));
		}
	}
	nl_msg_end(&b, off);
	if (!b.oom)
		nl_kernel_unicast(nl, b.data, b.len);
	else
		nl_overrun(nl);
out:
	nl_buf_free(&b);
}

/* ---- the kernel side of a request ---- */

/* netlink_rcv_skb: runs every request in @buf, in order. */
static void nl_kernel_rcv(struct nl_sock *nl, struct net_call *c, const uint8_t *buf, size_t len)
{
	while (len >= NLMSG_HDRLEN) {
		struct nlmsghdr hdr;
		memcpy(&hdr, buf, sizeof(hdr));
		if (hdr.nlmsg_len < NLMSG_HDRLEN || hdr.nlmsg_len > len)
			return;
		/* The handlers read the message in place: keep it aligned. */
		struct nlmsghdr *nlh = malloc(hdr.nlmsg_len);
		if (!nlh) {
			nl_overrun(nl);
			return;
		}
		memcpy(nlh, buf, hdr.nlmsg_len);
		struct nl_req rq = {
		    .ns = nl->ns,
		    .nlh = nlh,
		    .portid = nl->portid,
		    .uid = c ? c->cred.uid : nl->sock.last.uid,
		    .cap_net_admin = nl_capable(nl, c, CAP_NET_ADMIN_BIT),
		    .strict = nl->strict_chk,
		};
		int err = 0;
		bool ack = true;
		if (!(nlh->nlmsg_flags & NLM_F_REQUEST) || nlh->nlmsg_type < NLMSG_MIN_TYPE)
			goto ack;
		if (nl->sock.protocol == NETLINK_ROUTE)
			err = rtnl_rcv_msg(&rq);
		else
			err = -EOPNOTSUPP; /* NETLINK_KOBJECT_UEVENT: no uevent injection */
		if (rq.reply.oom || rq.dump.oom)
			err = -ENOBUFS;
		else
			nl_kernel_unicast_each(nl, &rq.reply);
		if (err == NL_DUMP_STARTED) {
			err = nl_dump_start(nl, &rq);
			ack = err != 0; /* a started dump is answered by NLMSG_DONE, not an ack */
		}
	ack:
		if (ack && ((nlh->nlmsg_flags & NLM_F_ACK) || err))
			nl_ack(nl, nlh, err, &rq.ext);
		nl_buf_free(&rq.reply);
		nl_buf_free(&rq.dump);
		free(nlh);
		size_t step = NLMSG_ALIGN(hdr.nlmsg_len);
		if (step > len)
			step = len;
		buf += step;
		len -= step;
	}
}

/* ---- family operations ---- */

static int nl_create(int type, int protocol, struct net_socket **out)
{
	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol < 0 || protocol >= NL_MAX_LINKS)
		return -EPROTONOSUPPORT;
	if (protocol != NETLINK_ROUTE && protocol != NETLINK_KOBJECT_UEVENT)
		return -EPROTONOSUPPORT;
	struct netns *ns = net_current_ns();
	if (!ns)
		return -ENOMEM;
	struct nl_sock *nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	struct netlink_ns *n = nl_ns(ns);
	if (!n) {
		free(nl);
		return -ENOMEM;
	}
	net_socket_init(&nl->sock, &net_netlink_family, type, protocol);
	netns_get(ns);
	nl->ns = ns;
	nl->ngroups = protocol == NETLINK_ROUTE && RTNLGRP_MAX > 32 ? RTNLGRP_MAX : 32;
	if (nl->ngroups > 64)
		nl->ngroups = 64;
	list_init(&nl->rxq);
	list_add_tail(&nl->link, &n->socks);
	*out = &nl->sock;
	return 0;
}

static uint64_t nl_group_mask(unsigned ngroups)
{
	return ngroups >= 64 ? ~0ULL : (1ULL << ngroups) - 1;
}

/* implements bind(2) for AF_NETLINK (netlink_bind) */
static int nl_bind(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct nl_sock *nl = nl_sk(s);
	struct sockaddr_nl sa;
	nl_note_caller(nl, c);
	if (len < (socklen_t)sizeof(sa))
		return -EINVAL;
	memcpy(&sa, addr, sizeof(sa));
	if (sa.nl_family != AF_NETLINK)
		return -EINVAL;
	uint64_t groups = sa.nl_groups;
	if (groups && !nl_allowed_recv(nl, c))
		return -EPERM;
	groups &= nl_group_mask(nl->ngroups);
	if (nl->bound && sa.nl_pid != nl->portid)
		return -EINVAL;
	if (!nl->bound) {
		int err = sa.nl_pid ? nl_insert(nl, sa.nl_pid) : nl_autobind(nl, c);
		if (err)
			return err;
	}
	nl->groups = (nl->groups & ~0xffffffffULL) | groups;
	return 0;
}

/* implements connect(2) for AF_NETLINK: the default destination of sends */
static int nl_connect(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct nl_sock *nl = nl_sk(s);
	struct sockaddr_nl sa = {0};
	if (len < (socklen_t)sizeof(sa_family_t))
		return -EINVAL;
	memcpy(&sa, addr, len < (socklen_t)sizeof(sa) ? (size_t)len : sizeof(sa));
	if (sa.nl_family == AF_UNSPEC) {
		nl->connected = false;
		nl->dst_portid = nl->dst_group = 0;
		return 0;
	}
	if (sa.nl_family != AF_NETLINK || len < (socklen_t)sizeof(sa))
		return -EINVAL;
	if ((sa.nl_groups || sa.nl_pid) && !nl_capable(nl, c, CAP_NET_ADMIN_BIT))
		return -EPERM;
	int err = nl->bound ? 0 : nl_autobind(nl, c);
	if (err)
		return err;
	nl->connected = true;
	nl->dst_portid = sa.nl_pid;
	nl->dst_group = (uint32_t)__builtin_ffs((int)sa.nl_groups);
	return 0;
}

static int nl_getname(struct net_socket *s, struct sockaddr_storage *ss, bool peer)
{
	struct nl_sock *nl = nl_sk(s);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (peer) {
		sa.nl_pid = nl->dst_portid;
		sa.nl_groups = nl->dst_group ? 1U << (nl->dst_group - 1) : 0;
		if (nl->dst_group > 32)
			sa.nl_groups = 0;
	} else {
		sa.nl_pid = nl->portid;
		sa.nl_groups = (uint32_t)nl->groups;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sa, sizeof(sa));
	return sizeof(sa);
}

/* implements sendmsg(2) for AF_NETLINK (netlink_sendmsg): requests to the kernel are
 * run at once (their answers queued on this socket); messages to a user port id or a
 * group are delivered to those sockets. */
static ssize_t nl_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct nl_sock *nl = nl_sk(s);
	uint32_t dst_portid, dst_group;
	nl_note_caller(nl, c);
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->name && m->namelen) {
		struct sockaddr_nl sa;
		if (m->namelen < (socklen_t)sizeof(sa))
			return -EINVAL;
		memcpy(&sa, m->name, sizeof(sa));
		if (sa.nl_family != AF_NETLINK)
			return -EINVAL;
		dst_portid = sa.nl_pid;
		dst_group = (uint32_t)__builtin_ffs((int)sa.nl_groups);
		if ((dst_group || dst_portid) && !nl_capable(nl, c, CAP_NET_ADMIN_BIT))
			return -EPERM;
	} else {
		dst_portid = nl->dst_portid;
		dst_group = nl->dst_group;
	}
	if (!nl->bound) {
		int err = nl_autobind(nl, c);
		if (err)
			return err;
	}
	if (m->len > (size_t)s->sndbuf - 32)
		return -EMSGSIZE;
	struct net_ucred cred = c ? c->cred : s->last;
	if (m->has_cred) {
		cred.pid = m->cred.pid;
		cred.uid = m->cred.uid;
		cred.gid = m->cred.gid;
	}
	if (dst_group)
		nl_broadcast(nl->ns, s->protocol, dst_group, m->buf, m->len, nl, dst_portid,
			     nl->portid, &cred);
	if (dst_portid == 0) {
		nl_kernel_rcv(nl, c, m->buf, m->len);
		return (ssize_t)m->len;
	}
	struct nl_sock *dst = nl_lookup(nl->ns, s->protocol, dst_portid);
	if (!dst || (dst->connected && dst->dst_portid != nl->portid))
		return -ECONNREFUSED;
	int err = nl_queue(dst, m->buf, m->len, nl->portid, 0, &cred);
	if (err == -EAGAIN && c) {
		c->wait = &dst->sock.wq;
		c->wait_events = EPOLLOUT;
	}
	return err ? err : (ssize_t)m->len;
}

/* implements recvmsg(2) for AF_NETLINK (netlink_recvmsg): one datagram per call,
 * MSG_TRUNC/MSG_PEEK as datagram sockets; continues a running dump once the queue has
 * drained to half the receive buffer. */
static ssize_t nl_recvmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct nl_sock *nl = nl_sk(s);
	nl_note_caller(nl, c);
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	int err = net_socket_take_error(s);
	if (err)
		return err;
	if (list_empty(&nl->rxq))
		return -EAGAIN;
	struct nl_skb *k = list_first_entry(&nl->rxq, struct nl_skb, link);
	if (m->len > nl->max_recvmsg_len)
		nl->max_recvmsg_len = m->len < NL_MAX_RECVMSG ? m->len : NL_MAX_RECVMSG;
	size_t copied = k->len;
	m->flags &= MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT;
	int in_flags = m->flags;
	m->flags = 0;
	if (m->len < copied) {
		m->flags |= MSG_TRUNC;
		copied = m->len;
	}
	if (copied)
		memcpy(m->buf, k->data, copied);
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_pid = k->portid};
	if (k->dst_group && k->dst_group <= 32)
		sa.nl_groups = 1U << (k->dst_group - 1);
	memcpy(&m->from, &sa, sizeof(sa));
	m->fromlen = sizeof(sa);
	if (nl->pktinfo) {
		struct nl_pktinfo pi = {.group = k->dst_group};
		net_msg_put_cmsg(m, SOL_NETLINK, NETLINK_PKTINFO, &pi, sizeof(pi));
	}
	if (s->passcred) {
		m->has_cred = true;
		m->cred = k->cred;
	}
	if (in_flags & MSG_TRUNC)
		copied = k->len;
	if (!(in_flags & MSG_PEEK)) {
		nl_skb_free(nl, k);
		if (list_empty(&nl->rxq)) {
			nl->congested = false;
			net_socket_wake(s, EPOLLOUT | EPOLLWRNORM);
		}
	}
	if (nl->dump_running && nl->rmem <= (size_t)s->rcvbuf / 2)
		nl_dump_next(nl);
	return (ssize_t)copied;
}

/* SOL_NETLINK options (netlink_setsockopt). */
static int nl_setsockopt(struct net_socket *s, int level, int name, const void *val, socklen_t len)
{
	struct nl_sock *nl = nl_sk(s);
	unsigned int v = 0;
	bool *flag = NULL;
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	if (len >= (socklen_t)sizeof(int))
		memcpy(&v, val, sizeof(v));
	switch (name) {
	case NETLINK_PKTINFO:
		flag = &nl->pktinfo;
		break;
	case NETLINK_ADD_MEMBERSHIP:
	case NETLINK_DROP_MEMBERSHIP:
		if (!v || v - 1 >= nl->ngroups)
			return -EINVAL;
		if (name == NETLINK_ADD_MEMBERSHIP)
			nl->groups |= 1ULL << (v - 1);
		else
			nl->groups &= ~(1ULL << (v - 1));
		return 0;
	case NETLINK_BROADCAST_ERROR:
		flag = &nl->broadcast_error;
		break;
	case NETLINK_NO_ENOBUFS:
		flag = &nl->no_enobufs;
		if (v) {
			nl->congested = false;
			net_socket_wake(s, EPOLLOUT | EPOLLWRNORM);
		}
		break;
	case NETLINK_LISTEN_ALL_NSID:
		if (!nl->caps_known || !(nl->caps & (1ULL << CAP_NET_BROADCAST_BIT)))
			return -EPERM;
		flag = &nl->listen_all_nsid;
		break;
	case NETLINK_CAP_ACK:
		flag = &nl->cap_ack;
		break;
	case NETLINK_EXT_ACK:
		flag = &nl->ext_ack;
		break;
	case NETLINK_GET_STRICT_CHK:
		flag = &nl->strict_chk;
		break;
	default:
		return -ENOPROTOOPT;
	}
	*flag = v != 0;
	return 0;
}

static int nl_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len)
{
	struct nl_sock *nl = nl_sk(s);
	int v;
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	if (*len < (socklen_t)sizeof(int))
		return -EINVAL;
	switch (name) {
	case NETLINK_PKTINFO:
		v = nl->pktinfo;
		break;
	case NETLINK_BROADCAST_ERROR:
		v = nl->broadcast_error;
		break;
	case NETLINK_NO_ENOBUFS:
		v = nl->no_enobufs;
		break;
	case NETLINK_LISTEN_ALL_NSID:
		v = nl->listen_all_nsid;
		break;
	case NETLINK_CAP_ACK:
		v = nl->cap_ack;
		break;
	case NETLINK_EXT_ACK:
		v = nl->ext_ack;
		break;
	case NETLINK_GET_STRICT_CHK:
		v = nl->strict_chk;
		break;
	case NETLINK_LIST_MEMBERSHIPS: {
		/* The group bitmap as u32 words; *len becomes the size needed. */
		uint32_t words[2] = {(uint32_t)nl->groups, (uint32_t)(nl->groups >> 32)};
		socklen_t need = (socklen_t)(((nl->ngroups + 31) / 32) * 4);
		socklen_t n = *len < need ? *len : need;
		memcpy(val, words, (size_t)n & ~(size_t)3);
		*len = need;
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static void nl_release(struct net_socket *s)
{
	struct nl_sock *nl = nl_sk(s);
	while (!list_empty(&nl->rxq))
		nl_skb_free(nl, list_first_entry(&nl->rxq, struct nl_skb, link));
	nl_buf_free(&nl->dump);
	nl->dump_running = false;
	list_del(&nl->link);
	list_init(&nl->link);
	nl->bound = false;
	nl->groups = 0;
}

static void nl_destroy(struct net_socket *s)
{
	struct nl_sock *nl = nl_sk(s);
	if (!list_empty(&nl->link))
		nl_release(s); /* never had a file */
	netns_put(nl->ns);
	free(nl);
}

const struct net_family_ops net_netlink_family = {
    .family = AF_NETLINK,
    .create = nl_create,
    .bind = nl_bind,
    .connect = nl_connect,
    .getname = nl_getname,
    .sendmsg = nl_sendmsg,
    .recvmsg = nl_recvmsg,
    .poll = nl_poll,
    .setsockopt = nl_setsockopt,
    .getsockopt = nl_getsockopt,
    .release = nl_release,
    .destroy = nl_destroy,
};
