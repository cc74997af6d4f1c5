/* netstack/netlink_route_link.c - rtnetlink's link kinds (rtnl_link_ops): creating a
 * "veth" pair or a "bridge" with RTM_NEWLINK, their IFLA_LINKINFO in link messages, and
 * the namespace an IFLA_NET_NS_PID / IFLA_NET_NS_FD attribute names.
 *
 * Owns: nothing but messages; the interfaces are veth.c's and bridge.c's, changed only
 * through their functions.
 * Must not: trust a request: the peer's nested ifinfomsg and attributes are checked as
 * the top level's are. */
#include "netstack/netlink_route.h"
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include "netstack/ip4.h"
#include "netstack/veth.h"

static const struct nl_policy veth_policy[VETH_INFO_MAX + 1] = {
    [VETH_INFO_PEER] = {NLP_MIN, sizeof(struct ifinfomsg)},
};

/* rtnl_link_get_net: the namespace @tb names (IFLA_NET_NS_PID, else IFLA_NET_NS_FD), with
 * a new reference in *@out; NULL in *@out when it names none. 0 or -errno. */
int rtnl_link_netns(struct nl_req *rq, const struct nlattr **tb, struct netns **out)
{
	int err;
	*out = NULL;
	if (tb[IFLA_TARGET_NETNSID]) {
		rq->ext.msg = "network namespace ids are not supported";
		return -EOPNOTSUPP;
	}
	if (tb[IFLA_NET_NS_PID]) {
		uint32_t pid = nla_u32(tb[IFLA_NET_NS_PID]);
		err = net_ns_by_pid && pid <= INT32_MAX ? net_ns_by_pid((int)pid, out) : -ESRCH;
	} else if (tb[IFLA_NET_NS_FD]) {
		uint32_t fd = nla_u32(tb[IFLA_NET_NS_FD]);
		err = net_ns_by_fd && fd <= INT32_MAX ? net_ns_by_fd((int)fd, out) : -EBADF;
	} else {
		return 0;
	}
	if (err)
		rq->ext.bad_attr = tb[IFLA_NET_NS_PID] ? tb[IFLA_NET_NS_PID] : tb[IFLA_NET_NS_FD];
	return err;
}

/* eth_prepare_mac_addr_change: a unicast, non-zero MAC of at least 6 bytes. */
int rtnl_link_check_mac(const struct nlattr *a)
{
	static const uint8_t zero[6];
	if (nla_payload_len(a) < 6)
		return -EINVAL;
	const uint8_t *m = nla_payload(a);
	return (m[0] & 1) || !memcmp(m, zero, 6) ? -EADDRNOTAVAIL : 0;
}

/* What a new interface's own attributes and header ask (rtnl_create_link and
 * rtnl_configure_link): MTU, MAC, queue length, then the flags (IFF_UP). */
static int link_configure(struct net_iface *ifc, const struct ifinfomsg *ifm,
			  const struct nlattr **tb)
{
	int err;
	if (tb[IFLA_MTU]) {
		uint32_t mtu = nla_u32(tb[IFLA_MTU]);
		if ((err = net_iface_set_mtu(ifc, mtu > INT32_MAX ? -1 : (int)mtu)))
			return err;
	}
	if (tb[IFLA_ADDRESS]) {
		if ((err = rtnl_link_check_mac(tb[IFLA_ADDRESS])))
			return err;
		memcpy(ifc->hwaddr, nla_payload(tb[IFLA_ADDRESS]), 6);
	}
	if (tb[IFLA_TXQLEN]) {
		uint32_t q = nla_u32(tb[IFLA_TXQLEN]);
		if (q > INT32_MAX)
			return -ERANGE;
		ifc->txqlen = (int)q;
	}
	netlink_notify(ifc->ns, RTM_NEWLINK, ifc);
	if (ifm && (ifm->ifi_flags & IFF_UP) && (!ifm->ifi_change || (ifm->ifi_change & IFF_UP)))
		return net_iface_set_up(ifc, true);
	return 0;
}

/* veth_newlink: the peer (VETH_INFO_PEER: an ifinfomsg and the peer's own attributes,
 * its namespace the caller's unless they name one), then the device in @ns. */
static int veth_newlink(struct nl_req *rq, struct netns *ns, const struct ifinfomsg *ifm,
			const struct nlattr **tb, const struct nlattr *data, struct net_iface **out)
{
	const struct nlattr *vt[VETH_INFO_MAX + 1], *pt[IFLA_MAX + 1];
	const struct ifinfomsg *pifm = NULL;
	struct netns *pns = NULL;
	struct net_iface *dev, *peer;
	char name[IFNAMSIZ] = "", pname[IFNAMSIZ] = "";
	int err;
	memset(vt, 0, sizeof(vt));
	memset(pt, 0, sizeof(pt));
	if (data && (err = nl_parse(nla_payload(data), nla_payload_len(data), vt, VETH_INFO_MAX,
				    veth_policy, false, &rq->ext)))
		return err;
	if (vt[VETH_INFO_PEER]) {
		const struct nlattr *a = vt[VETH_INFO_PEER];
		pifm = nla_payload(a);
		size_t off = NLMSG_ALIGN(sizeof(*pifm));
		if (nla_payload_len(a) > off &&
		    (err = nl_parse((const uint8_t *)nla_payload(a) + off, nla_payload_len(a) - off,
				    pt, IFLA_MAX, rtnl_ifla_policy, false, &rq->ext)))
			return err;
		if ((err = rtnl_link_netns(rq, pt, &pns)))
			return err;
	}
	if (pt[IFLA_IFNAME])
		nla_strlcpy(pname, pt[IFLA_IFNAME], sizeof(pname));
	if (tb[IFLA_IFNAME])
		nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
	err = veth_create(ns, name, pns ? pns : rq->ns, pname, &dev, &peer);
	if (pns)
		netns_put(pns);
	if (err)
		return err;
	if ((err = link_configure(peer, pifm, pt)) || (err = link_configure(dev, ifm, tb)))
		net_iface_remove(dev); /* and the peer with it */
	else
		*out = dev;
	return err;
}

/* See netlink_route.h. */
int rtnl_link_create(struct nl_req *rq, const struct ifinfomsg *ifm, const struct nlattr **tb,
		     const struct nlattr **li)
{
	char kind[32] = "";
	struct netns *ns = NULL;
	int err;
	if (li[IFLA_INFO_KIND])
		nla_strlcpy(kind, li[IFLA_INFO_KIND], sizeof(kind));
	struct net_iface *dev = NULL;
	if (strcmp(kind, "veth")) {
		rq->ext.msg = "Unknown device type";
		return -EOPNOTSUPP;
	}
	if ((err = rtnl_link_netns(rq, tb, &ns)))
		return err;
	struct netns *where = ns ? ns : rq->ns;
	err = veth_newlink(rq, where, ifm, tb, li[IFLA_INFO_DATA], &dev);
	if (!err && tb[IFLA_MASTER] && nla_u32(tb[IFLA_MASTER]) &&
	    (err = rtnl_link_set_master(rq, dev, nla_u32(tb[IFLA_MASTER]))))
		net_iface_remove(dev);
	if (ns)
		netns_put(ns);
	return err;
}

/* See netlink_route.h. do_set_master: an unknown index is EINVAL, a device that is not a
 * bridge EOPNOTSUPP. */
int rtnl_link_set_master(struct nl_req *rq, struct net_iface *ifc, uint32_t master)
{
	if (!master)
		return 0; /* no interface is a port yet */
	struct net_iface *m = master <= INT32_MAX ? net_iface_by_index(ifc->ns, (int)master) : NULL;
	if (!m)
		return -EINVAL;
	rq->ext.msg = "bridges are not supported yet";
	return -EOPNOTSUPP;
}

/* See netlink_route.h. */
void rtnl_fill_linkinfo(struct nl_buf *b, struct net_iface *ifc)
{
	const char *kind = ifc->ops ? ifc->ops->kind : NULL;
	if (!kind && !ifc->master)
		return;
	long li = nl_nest_begin(b, IFLA_LINKINFO);
	if (kind)
		nl_put_str(b, IFLA_INFO_KIND, kind);
	if (ifc->master)
		nl_put_str(b, IFLA_INFO_SLAVE_KIND, "bridge");
	nl_nest_end(b, li);
}
