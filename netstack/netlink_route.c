/* netstack/netlink_route.c - NETLINK_ROUTE (rtnetlink, net/core/rtnetlink.c): the
 * dispatch of requests by type (permission, dump or do), change notifications to the
 * RTNLGRP_* groups, and the link messages (RTM_GETLINK/NEWLINK/SETLINK/DELLINK).
 *
 * Owns: nothing but messages; interfaces are the core's (netns.h), changed only through
 * its functions (and the few flag and queue-length fields it has no setter for).
 * Must not: trust a request: every header and attribute is length-checked first. */
#include "netstack/netlink_route.h"
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include "netstack/ip4.h"
#include "netstack/bridge.h"
#include "netstack/veth.h"

/* RFC 2863 operational states and link modes (linux/if.h, which clashes with net/if.h). */
#define IF_OPER_UNKNOWN_ 0
#define IF_OPER_DOWN_ 2
#define IF_OPER_LOWERLAYERDOWN_ 3
#define IF_OPER_UP_ 6
#define IF_LINK_MODE_DEFAULT_ 0

/* ---- shared request helpers ---- */

const void *rtnl_fam(struct nl_req *rq, size_t len)
{
	if (rq->nlh->nlmsg_len < NLMSG_HDRLEN + len)
		return NULL;
	return (const uint8_t *)rq->nlh + NLMSG_HDRLEN;
}

int rtnl_parse(struct nl_req *rq, size_t hdrlen, const struct nlattr **tb, int maxtype,
	       const struct nl_policy *pol, bool strict)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);
	if (rq->nlh->nlmsg_len < NLMSG_HDRLEN + hdrlen) {
		rq->ext.msg = "Invalid header length";
		return -EINVAL;
	}
	if (off > rq->nlh->nlmsg_len)
		off = rq->nlh->nlmsg_len;
	return nl_parse((const uint8_t *)rq->nlh + off, rq->nlh->nlmsg_len - off, tb, maxtype, pol,
			strict, &rq->ext);
}

long rtnl_dump_begin(struct nl_req *rq, uint16_t type, size_t hdrlen)
{
	return nl_msg_begin(&rq->dump, type, NLM_F_MULTI | rq->dump_flags, rq->nlh->nlmsg_seq,
			    rq->portid, hdrlen);
}

/* ---- dispatch ---- */

/* implements rtnetlink_rcv_msg: type range, CAP_NET_ADMIN for NEW/DEL/SET, dump or do */
int rtnl_rcv_msg(struct nl_req *rq)
{
	const struct nlmsghdr *nlh = rq->nlh;
	int type = nlh->nlmsg_type;
	if (type > RTM_MAX)
		return -EOPNOTSUPP;
	int kind = (type - RTM_BASE) & 3; /* NEW, DEL, GET, SET */
	if (nlh->nlmsg_len < NLMSG_HDRLEN + 1)
		return 0; /* "All the messages must have at least 1 byte length" */
	if (kind != 2 && !rq->cap_net_admin)
		return -EPERM;
	bool dump = kind == 2 && (nlh->nlmsg_flags & NLM_F_DUMP);
	int err;
	if (dump) {
		switch (type) {
		case RTM_GETLINK: {
			const struct rtgenmsg *g = rtnl_fam(rq, sizeof(*g));
			err = g && g->rtgen_family == AF_BRIDGE ? rtnl_bridge_getlink_dump(rq)
								: rtnl_getlink(rq, true);
			break;
		}
		case RTM_GETADDR:
			err = rtnl_getaddr_dump(rq);
			break;
		case RTM_GETROUTE:
			err = rtnl_getroute(rq, true);
			break;
		case RTM_GETNEIGH:
			err = rtnl_getneigh(rq, true);
			break;
		case RTM_GETRULE:
			err = rtnl_getrule_dump(rq);
			break;
		case RTM_GETNETCONF:
			err = rtnl_getnetconf(rq, true);
			break;
		case RTM_GETNSID:
			err = rtnl_getnsid(rq, true);
			break;
		case RTM_GETQDISC:
			/* No queueing disciplines: every interface is "noqueue" (IFLA_QDISC),
			 * which Linux does not list either. */
			err = 0;
			break;
		default:
			return -EOPNOTSUPP;
		}
		if (err < 0) {
			nl_buf_free(&rq->dump);
			rq->dump_err = err;
		}
		return NL_DUMP_STARTED;
	}
	switch (type) {
	case RTM_GETLINK:
		return rtnl_getlink(rq, false);
	case RTM_NEWLINK:
		return rtnl_newlink(rq);
	case RTM_SETLINK: {
		const struct ifinfomsg *ifm = rtnl_fam(rq, sizeof(*ifm));
		return ifm && ifm->ifi_family == AF_BRIDGE ? rtnl_bridge_setlink(rq) : rtnl_setlink(rq);
	}
	case RTM_DELLINK:
		return rtnl_dellink(rq);
	case RTM_NEWADDR:
		return rtnl_newaddr(rq);
	case RTM_DELADDR:
		return rtnl_deladdr(rq);
	case RTM_GETROUTE:
		return rtnl_getroute(rq, false);
	case RTM_NEWROUTE:
		return rtnl_newroute(rq);
	case RTM_DELROUTE:
		return rtnl_delroute(rq);
	case RTM_GETNEIGH:
		return rtnl_getneigh(rq, false);
	case RTM_NEWNEIGH:
		return rtnl_newneigh(rq);
	case RTM_DELNEIGH:
		return rtnl_delneigh(rq);
	case RTM_GETNETCONF:
		return rtnl_getnetconf(rq, false);
	case RTM_GETNSID:
		return rtnl_getnsid(rq, false);
	case RTM_NEWNSID:
		return rtnl_newnsid(rq);
	case RTM_NEWRULE:
	case RTM_DELRULE:
		rq->ext.msg = "policy routing rules are not supported";
		return -EOPNOTSUPP;
	default:
		return -EOPNOTSUPP;
	}
}

/* ---- notifications ---- */

/* Tells the listeners of the change's group (rtnl_notify): called by the core after an
 * interface, address or main-table route changed. */
void netlink_notify(struct netns *ns, int msgtype, const void *obj)
{
	unsigned group;
	switch (msgtype) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		group = RTNLGRP_LINK;
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		group = RTNLGRP_IPV4_IFADDR;
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		group = RTNLGRP_IPV4_ROUTE;
		break;
	default:
		return;
	}
	if (!obj)
		return;
	/* an interface's local routes follow IFF_UP; its addresses' follow them */
	bool link_changed = false, link_up = false;
	if (group == RTNLGRP_LINK) {
		const struct net_iface *ifc = obj;
		link_up = msgtype == RTM_NEWLINK && (ifc->flags & IFF_UP);
		link_changed = nl_link_up_swap(ns, ifc->ifindex, link_up) != link_up;
	}
	if (!nl_has_listeners(ns, NETLINK_ROUTE, group)) {
		if (group == RTNLGRP_IPV4_IFADDR)
			rtnl_notify_local_routes(ns, obj, msgtype == RTM_NEWADDR);
		if (link_changed)
			rtnl_notify_link_local_routes(ns, (struct net_iface *)obj, link_up);
		return;
	}
	struct nl_buf b = {0};
	int err;
	if (group == RTNLGRP_LINK)
		err = rtnl_fill_link(&b, (struct net_iface *)obj, (uint16_t)msgtype, 0, 0, 0, 0);
	else if (group == RTNLGRP_IPV4_IFADDR)
		err = rtnl_fill_addr(&b, obj, (uint16_t)msgtype, 0, 0, 0);
	else
		err = rtnl_fill_main_route(&b, obj, (uint16_t)msgtype, 0, 0, 0);
	if (!err)
		nl_multicast(ns, NETLINK_ROUTE, group, b.data, b.len);
	nl_buf_free(&b);
	if (group == RTNLGRP_IPV4_IFADDR)
		rtnl_notify_local_routes(ns, obj, msgtype == RTM_NEWADDR);
	if (link_changed)
		rtnl_notify_link_local_routes(ns, (struct net_iface *)obj, link_up);
}

/* ---- links ---- */

const struct nl_policy rtnl_ifla_policy[IFLA_MAX + 1] = {
    [IFLA_IFNAME] = {NLP_STRING, IFNAMSIZ - 1},
    [IFLA_ADDRESS] = {NLP_BINARY, 32},
    [IFLA_BROADCAST] = {NLP_BINARY, 32},
    [IFLA_MAP] = {NLP_MIN, sizeof(struct rtnl_link_ifmap)},
    [IFLA_MTU] = {NLP_U32},
    [IFLA_LINK] = {NLP_U32},
    [IFLA_MASTER] = {NLP_U32},
    [IFLA_CARRIER] = {NLP_U8},
    [IFLA_TXQLEN] = {NLP_U32},
    [IFLA_WEIGHT] = {NLP_U32},
    [IFLA_OPERSTATE] = {NLP_U8},
    [IFLA_LINKMODE] = {NLP_U8},
    [IFLA_LINKINFO] = {NLP_NESTED},
    [IFLA_NET_NS_PID] = {NLP_U32},
    [IFLA_NET_NS_FD] = {NLP_U32},
    [IFLA_IFALIAS] = {NLP_STRING, 255},
    [IFLA_VFINFO_LIST] = {NLP_NESTED},
    [IFLA_VF_PORTS] = {NLP_NESTED},
    [IFLA_PORT_SELF] = {NLP_NESTED},
    [IFLA_AF_SPEC] = {NLP_NESTED},
    [IFLA_EXT_MASK] = {NLP_U32},
    [IFLA_PROMISCUITY] = {NLP_U32},
    [IFLA_NUM_TX_QUEUES] = {NLP_U32},
    [IFLA_NUM_RX_QUEUES] = {NLP_U32},
    [IFLA_GSO_MAX_SEGS] = {NLP_U32},
    [IFLA_GSO_MAX_SIZE] = {NLP_U32},
    [IFLA_PHYS_PORT_ID] = {NLP_BINARY, 32},
    [IFLA_CARRIER_CHANGES] = {NLP_REJECT},
    [IFLA_PHYS_SWITCH_ID] = {NLP_BINARY, 32},
    [IFLA_LINK_NETNSID] = {NLP_U32},
    [IFLA_PROTO_DOWN] = {NLP_U8},
    [IFLA_XDP] = {NLP_NESTED},
    [IFLA_EVENT] = {NLP_U32},
    [IFLA_GROUP] = {NLP_U32},
    [IFLA_TARGET_NETNSID] = {NLP_U32},
    [IFLA_CARRIER_UP_COUNT] = {NLP_REJECT},
    [IFLA_CARRIER_DOWN_COUNT] = {NLP_REJECT},
    [IFLA_MIN_MTU] = {NLP_REJECT},
    [IFLA_MAX_MTU] = {NLP_REJECT},
    [IFLA_PROP_LIST] = {NLP_NESTED},
    [IFLA_ALT_IFNAME] = {NLP_STRING, 127},
    [IFLA_PERM_ADDRESS] = {NLP_REJECT},
    [IFLA_PROTO_DOWN_REASON] = {NLP_NESTED},
};

static const struct nl_policy ifla_info_policy[IFLA_INFO_MAX + 1] = {
    [IFLA_INFO_KIND] = {NLP_STRING},
    [IFLA_INFO_DATA] = {NLP_NESTED},
    [IFLA_INFO_SLAVE_KIND] = {NLP_STRING},
    [IFLA_INFO_SLAVE_DATA] = {NLP_NESTED},
};

/* RFC 2863 operational state as Linux derives it (default_operstate): loopback has no
 * carrier notion, nor has a bridge that never had a port (UNKNOWN when up); up without a
 * carrier is LOWERLAYERDOWN when the link it stacks on (a veth's peer, looked up in the
 * interface's own namespace) has none either, else DOWN. */
uint8_t rtnl_link_operstate(const struct net_iface *ifc)
{
	if (!(ifc->flags & IFF_UP))
		return IF_OPER_DOWN_;
	if ((ifc->flags & IFF_LOOPBACK) ||
	    (is_bridge(ifc) && !bridge_has_ports(ifc) && (ifc->flags & IFF_LOWER_UP)))
		return IF_OPER_UNKNOWN_;
	if (ifc->flags & IFF_LOWER_UP)
		return IF_OPER_UP_;
	struct net_iface *peer = veth_peer(ifc);
	return peer && peer->ns == ifc->ns ? IF_OPER_LOWERLAYERDOWN_ : IF_OPER_DOWN_;
}

static void link_stats(const struct net_iface *ifc, struct rtnl_link_stats64 *s64,
		       struct rtnl_link_stats *s32)
{
	const struct net_iface_stats *st = &ifc->stats;
	memset(s64, 0, sizeof(*s64));
	memset(s32, 0, sizeof(*s32));
	s64->rx_packets = st->rx_packets;
	s64->tx_packets = st->tx_packets;
	s64->rx_bytes = st->rx_bytes;
	s64->tx_bytes = st->tx_bytes;
	s64->rx_errors = st->rx_errors;
	s64->tx_errors = st->tx_errors;
	s64->rx_dropped = st->rx_dropped;
	s64->tx_dropped = st->tx_dropped;
	s64->multicast = st->multicast;
	s32->rx_packets = (uint32_t)st->rx_packets;
	s32->tx_packets = (uint32_t)st->tx_packets;
	s32->rx_bytes = (uint32_t)st->rx_bytes;
	s32->tx_bytes = (uint32_t)st->tx_bytes;
	s32->rx_errors = (uint32_t)st->rx_errors;
	s32->tx_errors = (uint32_t)st->tx_errors;
	s32->rx_dropped = (uint32_t)st->rx_dropped;
	s32->tx_dropped = (uint32_t)st->tx_dropped;
	s32->multicast = (uint32_t)st->multicast;
}

/* rtnl_fill_ifinfo: the attributes `ip link`, `ip -s link` and `ip -d link` read. */
int rtnl_fill_link(struct nl_buf *b, struct net_iface *ifc, uint16_t type, uint16_t flags,
		   uint32_t seq, uint32_t pid, uint32_t ext_mask)
{
	long off = nl_msg_begin(b, type, flags, seq, pid, sizeof(struct ifinfomsg));
	if (off < 0)
		return -ENOBUFS;
	struct ifinfomsg *ifm = nl_msg_fam(b, off);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_type = ifc->type;
	ifm->ifi_index = ifc->ifindex;
	ifm->ifi_flags = ifc->flags;
	ifm->ifi_change = 0;
	bool lo = ifc->type == ARPHRD_LOOPBACK;
	nl_put_str(b, IFLA_IFNAME, ifc->name);
	nl_put_u32(b, IFLA_TXQLEN, (uint32_t)ifc->txqlen);
	nl_put_u8(b, IFLA_OPERSTATE, rtnl_link_operstate(ifc));
	nl_put_u8(b, IFLA_LINKMODE, IF_LINK_MODE_DEFAULT_);
	nl_put_u32(b, IFLA_MTU, (uint32_t)ifc->mtu);
	/* the bounds net_iface_set_mtu enforces */
	nl_put_u32(b, IFLA_MIN_MTU, 68);
	nl_put_u32(b, IFLA_MAX_MTU, lo ? 1u << 20 : 65535);
	nl_put_u32(b, IFLA_GROUP, 0);
	nl_put_u32(b, IFLA_PROMISCUITY, (ifc->flags & IFF_PROMISC) ? 1 : 0);
	nl_put_u32(b, IFLA_NUM_TX_QUEUES, 1);
	nl_put_u32(b, IFLA_NUM_RX_QUEUES, 1);
	struct net_iface *peer = veth_peer(ifc);
	if (peer) /* dev_get_iflink: `ip link` shows "a@b" ("a@ifN" when b is elsewhere) */
		nl_put_u32(b, IFLA_LINK, (uint32_t)peer->ifindex);
	if (peer && peer->ns != ifc->ns) /* rtnl_fill_link_netnsid: "link-netnsid N" */
		nl_put_u32(b, IFLA_LINK_NETNSID, (uint32_t)netns_id_of(ifc->ns, peer->ns, true));
	if (ifc->master)
		nl_put_u32(b, IFLA_MASTER, (uint32_t)ifc->master->ifindex);
	nl_put_u8(b, IFLA_CARRIER, !ifc->no_carrier || lo ? 1 : 0);
	nl_put_str(b, IFLA_QDISC, "noqueue");
	nl_put_u8(b, IFLA_PROTO_DOWN, 0);
	nl_put(b, IFLA_ADDRESS, ifc->hwaddr, 6);
	nl_put(b, IFLA_BROADCAST, ifc->brdaddr, 6);
	if (!(ext_mask & RTEXT_FILTER_SKIP_STATS)) {
		struct rtnl_link_stats64 s64;
		struct rtnl_link_stats s32;
		link_stats(ifc, &s64, &s32);
		nl_put(b, IFLA_STATS64, &s64, sizeof(s64));
		nl_put(b, IFLA_STATS, &s32, sizeof(s32));
	}
	rtnl_fill_linkinfo(b, ifc);
	nl_msg_end(b, off);
	return b->oom ? -ENOBUFS : 0;
}

/* The interface a link request names: ifi_index > 0, else IFLA_IFNAME / IFLA_ALT_IFNAME
 * (rtnl_dev_get). NULL with *@named false when it names none. */
static struct net_iface *link_target(struct nl_req *rq, const struct ifinfomsg *ifm,
				     const struct nlattr **tb, bool *named)
{
	char name[IFNAMSIZ];
	*named = true;
	if (ifm->ifi_index > 0)
		return net_iface_by_index(rq->ns, ifm->ifi_index);
	if (tb[IFLA_IFNAME])
		nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
	else if (tb[IFLA_ALT_IFNAME]) {
		const struct nlattr *a = tb[IFLA_ALT_IFNAME];
		if (strnlen(nla_payload(a), nla_payload_len(a)) >= IFNAMSIZ)
			return NULL; /* longer than any name we have (no alternative names) */
		nla_strlcpy(name, a, sizeof(name));
	} else {
		*named = false;
		return NULL;
	}
	return net_iface_by_name(rq->ns, name);
}

/* Validates a link dump request (rtnl_valid_dump_ifinfo_req) and dumps. */
static int link_dump(struct nl_req *rq)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifm = rtnl_fam(rq, sizeof(*ifm));
	size_t hdrlen = sizeof(struct ifinfomsg);
	int err;
	if (rq->strict) {
		if (!ifm) {
			rq->ext.msg = "Invalid header for link dump";
			return -EINVAL;
		}
		if (ifm->__ifi_pad || ifm->ifi_type || ifm->ifi_flags || ifm->ifi_change) {
			rq->ext.msg = "Invalid values in header for link dump request";
			return -EINVAL;
		}
		if (ifm->ifi_index) {
			rq->ext.msg = "Filter by device index not supported for link dumps";
			return -EINVAL;
		}
	} else if (!ifm) {
		/* before Linux 3.9 the header was a struct rtgenmsg: still accepted */
		hdrlen = sizeof(struct rtgenmsg);
	}
	err = rtnl_parse(rq, hdrlen, tb, IFLA_MAX, rtnl_ifla_policy, rq->strict);
	if (err)
		return err;
	uint32_t ext_mask = 0;
	int master = 0;
	char kind[32] = "";
	for (int i = 1; i <= IFLA_MAX; i++) {
		if (!tb[i])
			continue;
		switch (i) {
		case IFLA_TARGET_NETNSID:
			if ((int32_t)nla_u32(tb[i]) >= 0) {
				rq->ext.msg = "Invalid target network namespace id";
				return -EINVAL;
			}
			break;
		case IFLA_EXT_MASK:
			ext_mask = nla_u32(tb[i]);
			break;
		case IFLA_MASTER:
			master = (int)nla_u32(tb[i]);
			break;
		case IFLA_LINKINFO: { /* a kind filter (`ip link show type veth`) */
			const struct nlattr *li[IFLA_INFO_MAX + 1];
			err = nl_parse(nla_payload(tb[i]), nla_payload_len(tb[i]), li, IFLA_INFO_MAX,
				       ifla_info_policy, false, &rq->ext);
			if (err)
				return err;
			if (li[IFLA_INFO_KIND])
				nla_strlcpy(kind, li[IFLA_INFO_KIND], sizeof(kind));
			break;
		}
		default:
			if (rq->strict) {
				rq->ext.msg = "Unsupported attribute in link dump request";
				return -EINVAL;
			}
		}
	}
	if (master || *kind)
		rq->dump_flags |= NLM_F_DUMP_FILTERED;
	struct net_iface *ifc;
	list_for_each_entry(ifc, &rq->ns->ifaces, link)
	{
		/* link_master_filtered, link_kind_filtered */
		if (master && (!ifc->master || ifc->master->ifindex != master))
			continue;
		if (*kind && (!ifc->ops || !ifc->ops->kind || strcmp(ifc->ops->kind, kind)))
			continue;
		struct nl_buf *b = &rq->dump;
		if (rtnl_fill_link(b, ifc, RTM_NEWLINK, NLM_F_MULTI | rq->dump_flags,
				   rq->nlh->nlmsg_seq, rq->portid, ext_mask))
			return -ENOBUFS;
	}
	return 0;
}

/* implements RTM_GETLINK (rtnl_getlink; dumps: rtnl_dump_ifinfo) */
int rtnl_getlink(struct nl_req *rq, bool dump)
{
	if (dump)
		return link_dump(rq);
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifm = rtnl_fam(rq, sizeof(*ifm));
	if (rq->strict && !ifm) {
		rq->ext.msg = "Invalid header for get link";
		return -EINVAL;
	}
	int err = rtnl_parse(rq, sizeof(*ifm), tb, IFLA_MAX, rtnl_ifla_policy, rq->strict);
	if (err)
		return err;
	if (rq->strict) {
		if (ifm->__ifi_pad || ifm->ifi_type || ifm->ifi_flags || ifm->ifi_change) {
			rq->ext.msg = "Invalid values in header for get link request";
			return -EINVAL;
		}
		for (int i = 1; i <= IFLA_MAX; i++) {
			if (tb[i] && i != IFLA_IFNAME && i != IFLA_ALT_IFNAME &&
			    i != IFLA_EXT_MASK && i != IFLA_TARGET_NETNSID) {
				rq->ext.msg = "Unsupported attribute in get link request";
				return -EINVAL;
			}
		}
	}
	if (tb[IFLA_TARGET_NETNSID] && (int32_t)nla_u32(tb[IFLA_TARGET_NETNSID]) >= 0) {
		rq->ext.msg = "Invalid target network namespace id";
		return -EINVAL;
	}
	bool named;
	struct net_iface *ifc = link_target(rq, ifm, tb, &named);
	if (!named)
		return -EINVAL;
	if (!ifc)
		return -ENODEV;
	uint32_t ext_mask = tb[IFLA_EXT_MASK] ? nla_u32(tb[IFLA_EXT_MASK]) : 0;
	return rtnl_fill_link(&rq->reply, ifc, RTM_NEWLINK, 0, rq->nlh->nlmsg_seq, rq->portid,
			      ext_mask);
}

/* The flags userspace may change (dev_change_flags) besides IFF_UP. */
#define LINK_USER_FLAGS                                                                            \
	(IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | IFF_MULTICAST | IFF_PORTSEL |      \
	 IFF_AUTOMEDIA | IFF_PROMISC | IFF_ALLMULTI)

/* do_setlink: applies what the request asks of @ifc, in Linux's order; stops at the
 * first failure (earlier changes stay, as Linux). */
static int link_apply(struct nl_req *rq, struct net_iface *ifc, const struct ifinfomsg *ifm,
		      const struct nlattr **tb)
{
	bool changed = false; /* a change the core does not announce itself */
	int err = 0;
	if (tb[IFLA_NET_NS_PID] || tb[IFLA_NET_NS_FD] || tb[IFLA_TARGET_NETNSID]) {
		/* first, as do_setlink: the rest applies in the new namespace */
		struct netns *to;
		char name[IFNAMSIZ] = "";
		if ((err = rtnl_link_netns(rq, tb, &to)))
			return err;
		if (ifm->ifi_index > 0 && tb[IFLA_IFNAME])
			nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
		err = net_iface_move(ifc, to, name);
		netns_put(to);
		if (err)
			return err;
	}
	if (tb[IFLA_MAP])
		return -EOPNOTSUPP;
	if (tb[IFLA_ADDRESS]) {
		if (nla_payload_len(tb[IFLA_ADDRESS]) < 6)
			return -EINVAL;
		if (memcmp(nla_payload(tb[IFLA_ADDRESS]), ifc->hwaddr, 6)) {
			/* only the link kinds' MACs can change (lo has none, a taken-over
			 * NIC's is the host's) */
			if (!ifc->ops || !ifc->ops->kind)
				return -EOPNOTSUPP;
			if ((err = rtnl_link_check_mac(tb[IFLA_ADDRESS])))
				return err;
			memcpy(ifc->hwaddr, nla_payload(tb[IFLA_ADDRESS]), 6);
			ifc->hwaddr_set = true;
			changed = true;
		}
	}
	if (tb[IFLA_MTU] && (int)nla_u32(tb[IFLA_MTU]) != ifc->mtu) {
		uint32_t mtu = nla_u32(tb[IFLA_MTU]);
		err = net_iface_set_mtu(ifc, mtu > INT32_MAX ? -1 : (int)mtu);
		if (err) {
			rq->ext.msg = mtu < 68 ? "mtu less than device minimum"
					       : "mtu greater than device maximum";
			return err;
		}
	}
	if (tb[IFLA_GROUP] && nla_u32(tb[IFLA_GROUP]) != 0) {
		rq->ext.msg = "interface groups are not supported";
		return -EOPNOTSUPP;
	}
	if (ifm->ifi_index > 0 && tb[IFLA_IFNAME]) {
		char name[IFNAMSIZ];
		nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
		err = net_iface_rename(ifc, name);
		if (err)
			return err;
	}
	if (tb[IFLA_IFALIAS] && nla_payload_len(tb[IFLA_IFALIAS]) > 1) {
		rq->ext.msg = "interface aliases are not supported";
		return -EOPNOTSUPP;
	}
	if (tb[IFLA_BROADCAST]) {
		if (nla_payload_len(tb[IFLA_BROADCAST]) < 6)
			return -EINVAL;
		if (memcmp(ifc->brdaddr, nla_payload(tb[IFLA_BROADCAST]), 6)) {
			memcpy(ifc->brdaddr, nla_payload(tb[IFLA_BROADCAST]), 6);
			changed = true;
		}
	}
	if (ifm->ifi_flags || ifm->ifi_change) {
		unsigned want = ifm->ifi_flags;
		if (ifm->ifi_change)
			want = (want & ifm->ifi_change) | (ifc->flags & ~ifm->ifi_change);
		unsigned keep = (ifc->flags & ~LINK_USER_FLAGS) | (want & LINK_USER_FLAGS);
		if (keep != ifc->flags) {
			ifc->flags = keep;
			changed = true;
		}
		if (!!(want & IFF_UP) != !!(ifc->flags & IFF_UP)) {
			err = net_iface_set_up(ifc, want & IFF_UP);
			if (err)
				goto out;
		}
	}
	if (tb[IFLA_MASTER] && (err = rtnl_link_set_master(rq, ifc, nla_u32(tb[IFLA_MASTER]))))
		goto out;
	if (tb[IFLA_CARRIER]) {
		err = -EOPNOTSUPP;
		goto out;
	}
	if (tb[IFLA_TXQLEN]) {
		uint32_t q = nla_u32(tb[IFLA_TXQLEN]);
		if (q > INT32_MAX) {
			err = -ERANGE;
			goto out;
		}
		if ((int)q != ifc->txqlen) {
			ifc->txqlen = (int)q;
			changed = true;
		}
	}
	if ((tb[IFLA_OPERSTATE] && nla_u8(tb[IFLA_OPERSTATE]) != rtnl_link_operstate(ifc)) ||
	    (tb[IFLA_LINKMODE] && nla_u8(tb[IFLA_LINKMODE]) != IF_LINK_MODE_DEFAULT_)) {
		rq->ext.msg = "setting the operational state or link mode is not supported";
		err = -EOPNOTSUPP;
		goto out;
	}
	if (tb[IFLA_PROTO_DOWN] || tb[IFLA_XDP] || tb[IFLA_VFINFO_LIST] || tb[IFLA_AF_SPEC]) {
		err = -EOPNOTSUPP;
		goto out;
	}
out:
	if (changed)
		netlink_notify(ifc->ns, RTM_NEWLINK, ifc); /* moved: its new namespace */
	return err;
}

/* Parses a NEWLINK/SETLINK request's header and attributes. */
static int link_req(struct nl_req *rq, const struct ifinfomsg **ifm, const struct nlattr **tb)
{
	*ifm = rtnl_fam(rq, sizeof(**ifm));
	int err = rtnl_parse(rq, sizeof(**ifm), tb, IFLA_MAX, rtnl_ifla_policy, false);
	return err;
}

/* implements RTM_SETLINK (rtnl_setlink) */
int rtnl_setlink(struct nl_req *rq)
{
	const struct ifinfomsg *ifm;
	const struct nlattr *tb[IFLA_MAX + 1];
	int err = link_req(rq, &ifm, tb);
	if (err)
		return err;
	bool named;
	struct net_iface *ifc = link_target(rq, ifm, tb, &named);
	if (!named)
		return -EINVAL;
	if (!ifc)
		return -ENODEV;
	return link_apply(rq, ifc, ifm, tb);
}

/* implements RTM_NEWLINK (rtnl_newlink): changes an existing interface; creating one
 * needs a link kind we do not have. */
int rtnl_newlink(struct nl_req *rq)
{
	const struct ifinfomsg *ifm;
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct nlattr *li[IFLA_INFO_MAX + 1];
	int err = link_req(rq, &ifm, tb);
	if (err)
		return err;
	memset(li, 0, sizeof(li));
	if (tb[IFLA_LINKINFO]) {
		err = nl_parse(nla_payload(tb[IFLA_LINKINFO]), nla_payload_len(tb[IFLA_LINKINFO]),
			       li, IFLA_INFO_MAX, ifla_info_policy, false, &rq->ext);
		if (err)
			return err;
	}
	bool named;
	struct net_iface *ifc = link_target(rq, ifm, tb, &named);
	uint16_t fl = rq->nlh->nlmsg_flags;
	if (ifc) {
		if (fl & NLM_F_EXCL)
			return -EEXIST;
		if (fl & NLM_F_REPLACE)
			return -EOPNOTSUPP;
		if (li[IFLA_INFO_DATA] || li[IFLA_INFO_SLAVE_DATA]) {
			err = rtnl_link_changelink(rq, ifc, li);
			if (err)
				return err;
		}
		return link_apply(rq, ifc, ifm, tb);
	}
	if (!(fl & NLM_F_CREATE))
		return -ENODEV;
	if (tb[IFLA_MAP] || tb[IFLA_PROTINFO])
		return -EOPNOTSUPP;
	return rtnl_link_create(rq, ifm, tb, li);
}

/* implements RTM_DELLINK (rtnl_dellink): interfaces of a link kind go (a veth with its
 * peer); lo and taken-over NICs answer EOPNOTSUPP, as Linux for lo and physical devices. */
int rtnl_dellink(struct nl_req *rq)
{
	const struct ifinfomsg *ifm;
	const struct nlattr *tb[IFLA_MAX + 1];
	int err = link_req(rq, &ifm, tb);
	if (err)
		return err;
	bool named;
	struct net_iface *ifc = link_target(rq, ifm, tb, &named);
	if (!named)
		return -EINVAL;
	if (!ifc)
		return -ENODEV;
	if (!ifc->ops || !ifc->ops->kind)
		return -EOPNOTSUPP;
	net_iface_remove(ifc);
	return 0;
}
