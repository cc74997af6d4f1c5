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
#include <sys/socket.h>
#include <net/if.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include "netstack/bridge.h"
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
		err = net_ns_by_pid && pid <= INT32_MAX ? net_ns_by_pid((int)pid, true, out) : -ESRCH;
	} else if (tb[IFLA_NET_NS_FD]) {
		uint32_t fd = nla_u32(tb[IFLA_NET_NS_FD]);
		err = net_ns_by_fd && fd <= INT32_MAX ? net_ns_by_fd((int)fd, true, out) : -EBADF;
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
		ifc->hwaddr_set = true;
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

static const struct nl_policy br_policy[IFLA_BR_MAX + 1] = {
    [IFLA_BR_FORWARD_DELAY] = {NLP_U32}, [IFLA_BR_HELLO_TIME] = {NLP_U32},
    [IFLA_BR_MAX_AGE] = {NLP_U32},	 [IFLA_BR_AGEING_TIME] = {NLP_U32},
    [IFLA_BR_STP_STATE] = {NLP_U32},	 [IFLA_BR_PRIORITY] = {NLP_U16},
    [IFLA_BR_VLAN_FILTERING] = {NLP_U8},
};

/* br_changelink: the ageing time is kept; STP and VLAN filtering cannot be turned on
 * (EOPNOTSUPP); the STP timers and priority mean nothing without STP and are ignored. */
static int bridge_changelink(struct nl_req *rq, struct net_iface *br, const struct nlattr *data)
{
	const struct nlattr *bt[IFLA_BR_MAX + 1];
	int err;
	if (!data)
		return 0;
	if ((err = nl_parse(nla_payload(data), nla_payload_len(data), bt, IFLA_BR_MAX, br_policy,
			    false, &rq->ext)))
		return err;
	if ((bt[IFLA_BR_STP_STATE] && nla_u32(bt[IFLA_BR_STP_STATE])) ||
	    (bt[IFLA_BR_VLAN_FILTERING] && nla_u8(bt[IFLA_BR_VLAN_FILTERING]))) {
		rq->ext.msg = "STP and VLAN filtering are not supported";
		return -EOPNOTSUPP;
	}
	if (bt[IFLA_BR_AGEING_TIME])
		bridge_set_ageing_cs(br, nla_u32(bt[IFLA_BR_AGEING_TIME]));
	return 0;
}

/* br_dev_newlink: a bridge in @ns, configured from IFLA_INFO_DATA. */
static int bridge_newlink(struct nl_req *rq, struct netns *ns, const struct ifinfomsg *ifm,
			  const struct nlattr **tb, const struct nlattr *data,
			  struct net_iface **out)
{
	char name[IFNAMSIZ] = "";
	struct net_iface *br;
	if (tb[IFLA_IFNAME])
		nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
	int err = bridge_create(ns, name, &br);
	if (err)
		return err;
	if ((err = bridge_changelink(rq, br, data)) || (err = link_configure(br, ifm, tb)))
		net_iface_remove(br);
	else
		*out = br;
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
	bool veth = !strcmp(kind, "veth");
	if (!veth && strcmp(kind, "bridge")) {
		rq->ext.msg = "Unknown device type";
		return -EOPNOTSUPP;
	}
	if ((err = rtnl_link_netns(rq, tb, &ns)))
		return err;
	struct netns *where = ns ? ns : rq->ns;
	if (veth)
		err = veth_newlink(rq, where, ifm, tb, li[IFLA_INFO_DATA], &dev);
	else
		err = bridge_newlink(rq, where, ifm, tb, li[IFLA_INFO_DATA], &dev);
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
	if (ifc->master && ifc->master->ifindex == (int)master)
		return 0;
	if (ifc->master)
		bridge_port_del(ifc); /* nomaster, or before joining another */
	if (!master)
		return 0;
	struct net_iface *m = master <= INT32_MAX ? net_iface_by_index(ifc->ns, (int)master) : NULL;
	if (!m)
		return -EINVAL;
	if (!is_bridge(m))
		return -EOPNOTSUPP; /* no ndo_add_slave */
	return bridge_port_add(m, ifc);
}

/* br_port_fill_attrs, the part a bridge without STP, VLANs or multicast snooping has:
 * BR_STATE_FORWARDING while the port is up with a carrier, else BR_STATE_DISABLED; Linux's
 * default priority (32) and the cost of a 10 Gb/s link (2); learning and flooding on. */
static void port_info(struct nl_buf *b, struct net_iface *ifc)
{
	const struct bridge_port_cfg *c = bridge_port_cfg(ifc);
	nl_put_u8(b, IFLA_BRPORT_STATE, (ifc->flags & IFF_UP) && !ifc->no_carrier ? 3 : 0);
	nl_put(b, IFLA_BRPORT_PRIORITY, &c->priority, sizeof(c->priority));
	nl_put_u32(b, IFLA_BRPORT_COST, c->cost);
	nl_put_u8(b, IFLA_BRPORT_MODE, c->hairpin);
	nl_put_u8(b, IFLA_BRPORT_GUARD, 0);
	nl_put_u8(b, IFLA_BRPORT_PROTECT, 0);
	nl_put_u8(b, IFLA_BRPORT_FAST_LEAVE, 0);
	nl_put_u8(b, IFLA_BRPORT_LEARNING, c->learning);
	nl_put_u8(b, IFLA_BRPORT_UNICAST_FLOOD, c->flood);
}

static const struct nl_policy brport_policy[IFLA_BRPORT_MAX + 1] = {
    [IFLA_BRPORT_STATE] = {NLP_U8},	   [IFLA_BRPORT_PRIORITY] = {NLP_U16},
    [IFLA_BRPORT_COST] = {NLP_U32},	   [IFLA_BRPORT_MODE] = {NLP_U8},
    [IFLA_BRPORT_LEARNING] = {NLP_U8},	   [IFLA_BRPORT_UNICAST_FLOOD] = {NLP_U8},
    [IFLA_BRPORT_GUARD] = {NLP_U8},	   [IFLA_BRPORT_PROTECT] = {NLP_U8},
    [IFLA_BRPORT_FAST_LEAVE] = {NLP_U8},  [IFLA_BRPORT_PROXYARP] = {NLP_U8},
    [IFLA_BRPORT_LEARNING_SYNC] = {NLP_U8},
};

/* br_setport: the port settings we keep; the ones that would need STP, BPDU guard, root
 * protection, multicast snooping or proxy ARP answer EOPNOTSUPP when turned on; a
 * state other than the current one is EOPNOTSUPP (no STP: ports forward while up).
 * Checked completely before anything changes. */
static int port_setlink(struct nl_req *rq, struct net_iface *dev, const struct nlattr *pi)
{
	const struct nlattr *t[IFLA_BRPORT_MAX + 1];
	struct bridge_port_cfg *c = bridge_port_cfg(dev);
	int err = nl_parse(nla_payload(pi), nla_payload_len(pi), t, IFLA_BRPORT_MAX, brport_policy,
			   false, &rq->ext);
	if (err)
		return err;
	static const int off_only[] = {IFLA_BRPORT_GUARD, IFLA_BRPORT_PROTECT,
				       IFLA_BRPORT_FAST_LEAVE, IFLA_BRPORT_PROXYARP,
				       IFLA_BRPORT_LEARNING_SYNC};
	for (size_t i = 0; i < sizeof(off_only) / sizeof(off_only[0]); i++)
		if (t[off_only[i]] && nla_u8(t[off_only[i]])) {
			rq->ext.msg = "this bridge port setting is not supported";
			rq->ext.bad_attr = t[off_only[i]];
			return -EOPNOTSUPP;
		}
	uint8_t state = (dev->flags & IFF_UP) && !dev->no_carrier ? 3 : 0;
	if (t[IFLA_BRPORT_STATE] && nla_u8(t[IFLA_BRPORT_STATE]) != state) {
		rq->ext.msg = "port states follow the link (no STP)";
		return -EOPNOTSUPP;
	}
	if (t[IFLA_BRPORT_PRIORITY]) {
		uint16_t prio;
		memcpy(&prio, nla_payload(t[IFLA_BRPORT_PRIORITY]), 2);
		if (prio > 63) /* br_stp_set_port_priority: BR_MAX_PORT_PRIORITY */
			return -ERANGE;
		c->priority = prio;
	}
	if (t[IFLA_BRPORT_COST]) {
		uint32_t cost = nla_u32(t[IFLA_BRPORT_COST]);
		if (cost < 1 || cost > 65535) /* br_stp_set_path_cost */
			return -ERANGE;
		c->cost = cost;
	}
	if (t[IFLA_BRPORT_MODE])
		c->hairpin = nla_u8(t[IFLA_BRPORT_MODE]) != 0;
	if (t[IFLA_BRPORT_LEARNING])
		c->learning = nla_u8(t[IFLA_BRPORT_LEARNING]) != 0;
	if (t[IFLA_BRPORT_UNICAST_FLOOD])
		c->flood = nla_u8(t[IFLA_BRPORT_UNICAST_FLOOD]) != 0;
	bridge_port_cfg_changed(dev);
	return 0;
}

/* See netlink_route.h (rtnl_changelink's ops->changelink and slave_changelink). */
int rtnl_link_changelink(struct nl_req *rq, struct net_iface *ifc, const struct nlattr **li)
{
	int err;
	if (li[IFLA_INFO_DATA]) {
		if (!is_bridge(ifc))
			return -EOPNOTSUPP;
		if ((err = bridge_changelink(rq, ifc, li[IFLA_INFO_DATA])))
			return err;
		netlink_notify(ifc->ns, RTM_NEWLINK, ifc);
	}
	if (li[IFLA_INFO_SLAVE_DATA]) {
		if (!ifc->master)
			return -EOPNOTSUPP;
		return port_setlink(rq, ifc, li[IFLA_INFO_SLAVE_DATA]);
	}
	return 0;
}

/* See netlink_route.h (rtnl_bridge_setlink to the master's br_setlink). */
int rtnl_bridge_setlink(struct nl_req *rq)
{
	const struct ifinfomsg *ifm = rtnl_fam(rq, sizeof(*ifm));
	const struct nlattr *tb[IFLA_MAX + 1];
	int err = rtnl_parse(rq, sizeof(*ifm), tb, IFLA_MAX, rtnl_ifla_policy, false);
	if (err)
		return err;
	struct net_iface *dev = net_iface_by_index(rq->ns, ifm->ifi_index);
	if (!dev) {
		rq->ext.msg = "unknown ifindex";
		return -ENODEV;
	}
	if (!dev->master)
		return -EOPNOTSUPP; /* no master with ndo_bridge_setlink */
	if (tb[IFLA_AF_SPEC]) {
		rq->ext.msg = "bridge VLANs are not supported";
		return -EOPNOTSUPP;
	}
	if (!tb[IFLA_PROTINFO])
		return 0;
	if (!(tb[IFLA_PROTINFO]->nla_type & NLA_F_NESTED)) {
		/* the old form: a bare port state (br_set_port_state) */
		if (nla_payload_len(tb[IFLA_PROTINFO]) < 1)
			return -EINVAL;
		rq->ext.msg = "port states follow the link (no STP)";
		return -EOPNOTSUPP;
	}
	return port_setlink(rq, dev, tb[IFLA_PROTINFO]);
}

/* See netlink_route.h (rtnl_bridge_getlink with br_getlink: bridge ports only). */
int rtnl_bridge_getlink_dump(struct nl_req *rq)
{
	struct net_iface *ifc;
	list_for_each_entry(ifc, &rq->ns->ifaces, link) {
		if (!ifc->master)
			continue;
		long off = rtnl_dump_begin(rq, RTM_NEWLINK, sizeof(struct ifinfomsg));
		if (off < 0)
			return -ENOBUFS;
		struct ifinfomsg *ifm = nl_msg_fam(&rq->dump, off);
		ifm->ifi_family = AF_BRIDGE;
		ifm->ifi_type = ifc->type;
		ifm->ifi_index = ifc->ifindex;
		ifm->ifi_flags = ifc->flags;
		nl_put_str(&rq->dump, IFLA_IFNAME, ifc->name);
		nl_put_u32(&rq->dump, IFLA_MASTER, (uint32_t)ifc->master->ifindex);
		nl_put_u32(&rq->dump, IFLA_MTU, (uint32_t)ifc->mtu);
		nl_put_u8(&rq->dump, IFLA_OPERSTATE, rtnl_link_operstate(ifc));
		nl_put(&rq->dump, IFLA_ADDRESS, ifc->hwaddr, 6);
		struct net_iface *peer = veth_peer(ifc);
		if (peer)
			nl_put_u32(&rq->dump, IFLA_LINK, (uint32_t)peer->ifindex);
		long pi = nl_nest_begin(&rq->dump, IFLA_PROTINFO | NLA_F_NESTED);
		port_info(&rq->dump, ifc);
		nl_nest_end(&rq->dump, pi);
		nl_msg_end(&rq->dump, off);
	}
	return rq->dump.oom ? -ENOBUFS : 0;
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
	if (is_bridge(ifc)) { /* br_fill_info: what `ip -d link` prints */
		long d = nl_nest_begin(b, IFLA_INFO_DATA);
		nl_put_u32(b, IFLA_BR_FORWARD_DELAY, 1500);
		nl_put_u32(b, IFLA_BR_HELLO_TIME, 200);
		nl_put_u32(b, IFLA_BR_MAX_AGE, 2000);
		nl_put_u32(b, IFLA_BR_AGEING_TIME, bridge_ageing_cs(ifc));
		nl_put_u32(b, IFLA_BR_STP_STATE, 0);
		uint16_t prio = 32768;
		nl_put(b, IFLA_BR_PRIORITY, &prio, sizeof(prio));
		nl_put_u8(b, IFLA_BR_VLAN_FILTERING, 0);
		nl_nest_end(b, d);
	}
	if (ifc->master) {
		nl_put_str(b, IFLA_INFO_SLAVE_KIND, "bridge");
		long d = nl_nest_begin(b, IFLA_INFO_SLAVE_DATA);
		port_info(b, ifc);
		nl_nest_end(b, d);
	}
	nl_nest_end(b, li);
}
