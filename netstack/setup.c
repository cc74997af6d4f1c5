/* netstack/setup.c - the sandbox's namespace (netstack_sandbox_init): loopback, and in
 * NET_MODE_SANDBOX the takeover of the host network namespace's interfaces, as runsc
 * does: for each non-loopback Ethernet interface with IPv4 addresses, a host AF_PACKET
 * socket bound to it (nic_packet.c), its MAC, MTU, addresses and routes copied into the
 * netstack, then its IPv4 addresses deleted on the host side so that the host kernel
 * stops answering for them (the interface stays up). The host side is not restored:
 * the namespace is the container's and dies with it. In NET_MODE_HOST no interface is
 * touched: sockets are relayed to the host's (hostinet.c).
 *
 * Owns: the host rtnetlink conversation (dumps and RTM_DELADDR). Must not: touch any
 * interface when asked for NET_MODE_NONE, or run in the host's initial namespace
 * (runtime/cmd_do.c refuses that before we get here). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common/log.h"
#include "netstack/hostinet.h"
#include "netstack/ip4.h"
#include "netstack/link.h"
#include "netstack/route.h"

#define MAX_HOST 32

struct host_link {
	int index;
	char name[IFNAMSIZ];
	unsigned flags;
	unsigned type;
	int mtu;
	uint8_t mac[6];
	int naddr;
	struct net_iface *ifc; /* ours */
};

struct host_addr {
	int index;
	uint8_t prefixlen;
	uint32_t local, address, broadcast;
	char label[IFNAMSIZ];
};

struct host_route {
	int oif;
	uint32_t dst, gateway, prefsrc, metric;
	uint8_t dst_len, protocol, scope, type;
};

struct host_state {
	struct host_link links[MAX_HOST];
	int nlinks;
	struct host_addr addrs[MAX_HOST * 4];
	int naddrs;
	struct host_route routes[MAX_HOST * 8];
	int nroutes;
};

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Sends @req and reads the answers until NLMSG_DONE (a dump) or the ACK; calls @fn for
 * each message of type @want. Returns 0 or -errno (the kernel's, for a request). */
static int nl_talk(int fd, struct nlmsghdr *req, int want,
		   void (*fn)(struct host_state *, struct nlmsghdr *), struct host_state *hs)
{
	static uint32_t seq = 1;
	static char buf[65536] __attribute__((aligned(4))); /* a dump part is at most 32 KiB */
	req->nlmsg_seq = ++seq;
	if (send(fd, req, req->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error;
			}
			if (h->nlmsg_type == want && fn)
				fn(hs, h);
		}
	}
}

static int nl_dump(int fd, int type, int family, int want,
		   void (*fn)(struct host_state *, struct nlmsghdr *), struct host_state *hs)
{
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req = {.h = {.nlmsg_len = sizeof(req), .nlmsg_type = (uint16_t)type,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		 .g = {.rtgen_family = (unsigned char)family}};
	return nl_talk(fd, &req.h, want, fn, hs);
}

static void on_link(struct host_state *hs, struct nlmsghdr *h)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	if (hs->nlinks >= MAX_HOST)
		return;
	struct host_link *l = &hs->links[hs->nlinks];
	memset(l, 0, sizeof(*l));
	l->index = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->type = ifi->ifi_type;
	int len = IFLA_PAYLOAD(h);
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME)
			snprintf(l->name, sizeof(l->name), "%.*s", (int)RTA_PAYLOAD(a),
				 (char *)RTA_DATA(a));
		else if (a->rta_type == IFLA_MTU && RTA_PAYLOAD(a) >= 4)
			memcpy(&l->mtu, RTA_DATA(a), 4);
		else if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) == 6)
			memcpy(l->mac, RTA_DATA(a), 6);
	}
	hs->nlinks++;
}

static void on_addr(struct host_state *hs, struct nlmsghdr *h)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	if (ifa->ifa_family != AF_INET || hs->naddrs >= MAX_HOST * 4)
		return;
	struct host_addr *a = &hs->addrs[hs->naddrs];
	memset(a, 0, sizeof(*a));
	a->index = (int)ifa->ifa_index;
	a->prefixlen = ifa->ifa_prefixlen;
	int len = IFA_PAYLOAD(h);
	for (struct rtattr *r = IFA_RTA(ifa); RTA_OK(r, len); r = RTA_NEXT(r, len)) {
		if (r->rta_type == IFA_LOCAL && RTA_PAYLOAD(r) == 4)
			memcpy(&a->local, RTA_DATA(r), 4);
		else if (r->rta_type == IFA_ADDRESS && RTA_PAYLOAD(r) == 4)
			memcpy(&a->address, RTA_DATA(r), 4);
		else if (r->rta_type == IFA_BROADCAST && RTA_PAYLOAD(r) == 4)
			memcpy(&a->broadcast, RTA_DATA(r), 4);
		else if (r->rta_type == IFA_LABEL)
			snprintf(a->label, sizeof(a->label), "%.*s", (int)RTA_PAYLOAD(r),
				 (char *)RTA_DATA(r));
	}
	if (!a->local)
		a->local = a->address;
	hs->naddrs++;
}

static void on_route(struct host_state *hs, struct nlmsghdr *h)
{
	struct rtmsg *rt = NLMSG_DATA(h);
	if (rt->rtm_family != AF_INET || hs->nroutes >= MAX_HOST * 8)
		return;
	struct host_route *r = &hs->routes[hs->nroutes];
	memset(r, 0, sizeof(*r));
	r->dst_len = rt->rtm_dst_len;
	r->protocol = rt->rtm_protocol;
	r->scope = rt->rtm_scope;
	r->type = rt->rtm_type;
	uint32_t table = rt->rtm_table;
	int len = RTM_PAYLOAD(h);
	for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (RTA_PAYLOAD(a) < 4)
			continue;
		switch (a->rta_type) {
		case RTA_DST:
			memcpy(&r->dst, RTA_DATA(a), 4);
			break;
		case RTA_GATEWAY:
			memcpy(&r->gateway, RTA_DATA(a), 4);
			break;
		case RTA_OIF:
			memcpy(&r->oif, RTA_DATA(a), 4);
			break;
		case RTA_PRIORITY:
			memcpy(&r->metric, RTA_DATA(a), 4);
			break;
		case RTA_PREFSRC:
			memcpy(&r->prefsrc, RTA_DATA(a), 4);
			break;
		case RTA_TABLE:
			memcpy(&table, RTA_DATA(a), 4);
			break;
		}
	}
	if (table != RT_TABLE_MAIN)
		return;
	hs->nroutes++;
}

static int host_del_addr(int fd, const struct host_addr *a)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg ifa;
		char attrs[64];
	} req;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.h.nlmsg_type = RTM_DELADDR;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.ifa.ifa_family = AF_INET;
	req.ifa.ifa_prefixlen = a->prefixlen;
	req.ifa.ifa_index = (unsigned)a->index;
	struct rtattr *r = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.h.nlmsg_len));
	r->rta_type = IFA_LOCAL;
	r->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(r), &a->local, 4);
	req.h.nlmsg_len = NLMSG_ALIGN(req.h.nlmsg_len) + RTA_ALIGN(r->rta_len);
	r = (struct rtattr *)((char *)&req + req.h.nlmsg_len);
	r->rta_type = IFA_ADDRESS;
	r->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(r), &a->address, 4);
	req.h.nlmsg_len += RTA_ALIGN(r->rta_len);
	return nl_talk(fd, &req.h, 0, NULL, NULL);
}

static struct host_link *link_by_index(struct host_state *hs, int index)
{
	for (int i = 0; i < hs->nlinks; i++)
		if (hs->links[i].index == index)
			return &hs->links[i];
	return NULL;
}

/* Takes the host's interfaces into @ns (see the file comment). */
static int take_over(struct netns *ns)
{
	struct host_state *hs = calloc(1, sizeof(*hs));
	int fd = nl_open(), r = 0;
	if (!hs || fd < 0) {
		r = fd < 0 ? fd : -ENOMEM;
		log_err("netstack: host rtnetlink: errno %d", -r);
		goto out;
	}
	if ((r = nl_dump(fd, RTM_GETLINK, AF_PACKET, RTM_NEWLINK, on_link, hs)) < 0 ||
	    (r = nl_dump(fd, RTM_GETADDR, AF_INET, RTM_NEWADDR, on_addr, hs)) < 0 ||
	    (r = nl_dump(fd, RTM_GETROUTE, AF_INET, RTM_NEWROUTE, on_route, hs)) < 0) {
		log_err("netstack: host rtnetlink dump: errno %d", -r);
		goto out;
	}
	for (int i = 0; i < hs->naddrs; i++) {
		struct host_link *l = link_by_index(hs, hs->addrs[i].index);
		if (l)
			l->naddr++;
	}
	/* our interfaces first (the host keeps answering until its addresses go) */
	for (int i = 0; i < hs->nlinks; i++) {
		struct host_link *l = &hs->links[i];
		if ((l->flags & IFF_LOOPBACK) || l->type != ARPHRD_ETHER || !l->naddr)
			continue;
		int err = 0;
		l->ifc = nic_packet_create(ns, l->index, l->name, l->mac, l->mtu ? l->mtu : 1500,
					   &err);
		if (!l->ifc) {
			r = err;
			log_err("netstack: %s: host AF_PACKET socket: errno %d", l->name, -err);
			goto out;
		}
	}
	for (int i = 0; i < hs->naddrs; i++) {
		struct host_addr *a = &hs->addrs[i];
		struct host_link *l = link_by_index(hs, a->index);
		if (!l || !l->ifc)
			continue;
		if ((r = host_del_addr(fd, a)) < 0) {
			log_err("netstack: %s: deleting the host's address: errno %d", l->name, -r);
			goto out;
		}
		const char *label = a->label;
		r = net_addr_add(l->ifc, a->local, a->prefixlen, a->broadcast, label);
		if (r < 0 && r != -EEXIST)
			goto out;
		r = 0;
	}
	/* ours are up when the host's are (frames flow only then) */
	for (int i = 0; i < hs->nlinks; i++)
		if (hs->links[i].ifc && (hs->links[i].flags & IFF_UP))
			net_iface_set_up(hs->links[i].ifc, true);
	for (int i = 0; i < hs->nroutes; i++) {
		struct host_route *h = &hs->routes[i];
		struct host_link *l = link_by_index(hs, h->oif);
		if (!l || !l->ifc || h->protocol == RTPROT_KERNEL)
			continue;
		struct net_route nr = {.dst = h->dst,
				       .prefixlen = h->dst_len,
				       .gateway = h->gateway,
				       .iface = l->ifc,
				       .prefsrc = h->prefsrc,
				       .metric = h->metric,
				       .protocol = h->protocol,
				       .scope = h->scope,
				       .type = h->type};
		int e = net_route_add(ns, &nr);
		if (e < 0 && e != -EEXIST)
			log_warn("netstack: %s: route %s/%d: errno %d", l->name,
				 inet_ntoa((struct in_addr){h->dst}), h->dst_len, -e);
	}
	for (int i = 0; i < hs->nlinks; i++)
		if (hs->links[i].ifc)
			log_info("netstack: took over %s (host ifindex %d, %d address(es))",
				 hs->links[i].name, hs->links[i].index, hs->links[i].naddr);
out:
	if (fd >= 0)
		close(fd);
	free(hs);
	return r;
}

/* See netns.h. */
int netstack_sandbox_init(enum net_mode mode)
{
	int r;
	struct netns *ns = netns_new();
	if (!ns)
		return -ENOMEM;
	/* net.ipv4.ping_group_range "0 2147483647": every group may open ICMP ping sockets,
	 * as Docker and runsc set it in containers (a new Linux netns says "1 0": nobody) */
	ns->sysctl.ping_group_lo = 0;
	ns->sysctl.ping_group_hi = 2147483647;
	if ((r = net_iface_set_up(ns->lo, true)) < 0) /* brings 127.0.0.1/8 */
		goto out;
	if (mode == NET_MODE_SANDBOX && (r = take_over(ns)) < 0)
		goto out;
	/* host mode: AF_INET/AF_INET6 sockets are host sockets; the namespace above stays
	 * for what is not relayed (AF_UNIX needs none; /proc/net shows its lo) */
	if (mode == NET_MODE_HOST) {
		hostinet_enable();
		log_info("netstack: --network=host: TCP and UDP sockets are host sockets");
	}
	net_set_current_ns(ns);
out:
	netns_put(ns);
	return r;
}
