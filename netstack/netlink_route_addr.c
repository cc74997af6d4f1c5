/* netstack/netlink_route_addr.c - rtnetlink's IPv4 addresses (RTM_GETADDR/NEWADDR/
 * DELADDR, net/ipv4/devinet.c), neighbours (RTM_GETNEIGH/NEWNEIGH/DELNEIGH from the
 * core's ARP cache, net/core/neighbour.c) and netconf (RTM_GETNETCONF).
 *
 * Owns: nothing but messages; addresses and neighbours are the core's.
 * Must not: trust a request: headers and attributes are length-checked first. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include "netstack/arp.h"
#include "netstack/ip4.h"
#include "netstack/netlink_route.h"

#define INFINITY_LIFE_TIME 0xFFFFFFFFu

/* ---- addresses ---- */

static const struct nl_policy ifa_policy[IFA_MAX + 1] = {
    [IFA_ADDRESS] = {NLP_U32},
    [IFA_LOCAL] = {NLP_U32},
    [IFA_LABEL] = {NLP_STRING, IFNAMSIZ - 1},
    [IFA_BROADCAST] = {NLP_U32},
    [IFA_CACHEINFO] = {NLP_MIN, sizeof(struct ifa_cacheinfo)},
    [IFA_FLAGS] = {NLP_U32},
    [IFA_RT_PRIORITY] = {NLP_U32},
    [IFA_TARGET_NETNSID] = {NLP_U32},
    [IFA_PROTO] = {NLP_U8},
};

/* inet_fill_ifaddr */
int rtnl_fill_addr(struct nl_buf *b, const struct net_ifaddr *ifa, uint16_t type, uint16_t flags,
		   uint32_t seq, uint32_t pid)
{
	long off = nl_msg_begin(b, type, flags, seq, pid, sizeof(struct ifaddrmsg));
	if (off < 0)
		return -ENOBUFS;
	struct ifaddrmsg *m = nl_msg_fam(b, off);
	m->ifa_family = AF_INET;
	m->ifa_prefixlen = ifa->prefixlen;
	m->ifa_flags = (uint8_t)ifa->flags;
	m->ifa_scope = ifa->scope;
	m->ifa_index = (uint32_t)ifa->iface->ifindex;
	nl_put(b, IFA_ADDRESS, &ifa->addr, 4);
	nl_put(b, IFA_LOCAL, &ifa->addr, 4);
	if (ifa->broadcast)
		nl_put(b, IFA_BROADCAST, &ifa->broadcast, 4);
	nl_put_str(b, IFA_LABEL, ifa->label);
	nl_put_u32(b, IFA_FLAGS, ifa->flags);
	/* Every address is permanent; creation times are not kept (0). */
	struct ifa_cacheinfo ci = {.ifa_prefered = INFINITY_LIFE_TIME,
				   .ifa_valid = INFINITY_LIFE_TIME};
	nl_put(b, IFA_CACHEINFO, &ci, sizeof(ci));
	nl_msg_end(b, off);
	return b->oom ? -ENOBUFS : 0;
}

/* implements RTM_GETADDR dumps (inet_dump_ifaddr, with inet_valid_dump_ifaddr_req) */
int rtnl_getaddr_dump(struct nl_req *rq)
{
	int ifindex = 0;
	if (rq->strict) {
		const struct nlattr *tb[IFA_MAX + 1];
		const struct ifaddrmsg *m = rtnl_fam(rq, sizeof(*m));
		if (!m) {
			rq->ext.msg = "ipv4: Invalid header for address dump request";
			return -EINVAL;
		}
		if (m->ifa_prefixlen || m->ifa_flags || m->ifa_scope) {
			rq->ext.msg = "ipv4: Invalid values in header for address dump request";
			return -EINVAL;
		}
		int err = rtnl_parse(rq, sizeof(*m), tb, IFA_MAX, ifa_policy, true);
		if (err)
			return err;
		for (int i = 1; i <= IFA_MAX; i++) {
			if (!tb[i])
				continue;
			if (i != IFA_TARGET_NETNSID) {
				rq->ext.msg = "ipv4: Unsupported attribute in dump request";
				return -EINVAL;
			}
			if ((int32_t)nla_u32(tb[i]) >= 0)
				return -EINVAL; /* no other namespace has an id */
		}
		ifindex = (int)m->ifa_index;
		if (ifindex) {
			rq->dump_flags |= NLM_F_DUMP_FILTERED;
			if (!net_iface_by_index(rq->ns, ifindex))
				return -ENODEV;
		}
	}
	struct net_iface *ifc;
	list_for_each_entry(ifc, &rq->ns->ifaces, link)
	{
		if (ifindex && ifc->ifindex != ifindex)
			continue;
		struct net_ifaddr *ifa;
		list_for_each_entry(ifa, &ifc->addrs, link)
		{
			if (rtnl_fill_addr(&rq->dump, ifa, RTM_NEWADDR,
					   NLM_F_MULTI | rq->dump_flags, rq->nlh->nlmsg_seq,
					   rq->portid))
				return -ENOBUFS;
		}
	}
	return 0;
}

/* The parsed common part of RTM_NEWADDR / RTM_DELADDR. */
static int addr_req(struct nl_req *rq, const struct ifaddrmsg **m, const struct nlattr **tb,
		    struct net_iface **ifc)
{
	*m = rtnl_fam(rq, sizeof(**m));
	int err = rtnl_parse(rq, sizeof(**m), tb, IFA_MAX, ifa_policy, false);
	if (err)
		return err;
	if ((*m)->ifa_family != AF_INET)
		return -EOPNOTSUPP; /* no IPv6: no handler for the family, as Linux without it */
	*ifc = net_iface_by_index(rq->ns, (int)(*m)->ifa_index);
	return 0;
}

static struct net_ifaddr *addr_find(struct net_iface *ifc, uint32_t local, uint8_t plen)
{
	struct net_ifaddr *ifa;
	uint32_t mask = plen ? htonl(~0u << (32 - plen)) : 0;
	list_for_each_entry(ifa, &ifc->addrs, link)
	{
		if (ifa->prefixlen == plen && ifa->addr == local && !((ifa->addr ^ local) & mask))
			return ifa;
	}
	return NULL;
}

/* implements RTM_NEWADDR (inet_rtm_newaddr / rtm_to_ifaddr) */
int rtnl_newaddr(struct nl_req *rq)
{
	const struct ifaddrmsg *m;
	const struct nlattr *tb[IFA_MAX + 1];
	struct net_iface *ifc;
	int err = addr_req(rq, &m, tb, &ifc);
	if (err)
		return err;
	if (m->ifa_prefixlen > 32) {
		rq->ext.msg = "ipv4: Invalid prefix length";
		return -EINVAL;
	}
	if (!tb[IFA_LOCAL]) {
		rq->ext.msg = "ipv4: Local address is not supplied";
		return -EINVAL;
	}
	if (!ifc) {
		rq->ext.msg = "ipv4: Device not found";
		return -ENODEV;
	}
	uint32_t local = nla_u32(tb[IFA_LOCAL]);
	uint32_t address = tb[IFA_ADDRESS] ? nla_u32(tb[IFA_ADDRESS]) : local;
	uint32_t brd = tb[IFA_BROADCAST] ? nla_u32(tb[IFA_BROADCAST]) : 0;
	uint32_t flags = tb[IFA_FLAGS] ? nla_u32(tb[IFA_FLAGS]) : m->ifa_flags;
	char label[IFNAMSIZ];
	if (tb[IFA_LABEL])
		nla_strlcpy(label, tb[IFA_LABEL], sizeof(label));
	else
		memcpy(label, ifc->name, IFNAMSIZ);
	if (tb[IFA_CACHEINFO]) {
		struct ifa_cacheinfo ci;
		memcpy(&ci, nla_payload(tb[IFA_CACHEINFO]), sizeof(ci));
		if (!ci.ifa_valid || ci.ifa_prefered > ci.ifa_valid) {
			rq->ext.msg = "ipv4: address lifetime invalid";
			return -EINVAL;
		}
		if (ci.ifa_valid != INFINITY_LIFE_TIME || ci.ifa_prefered != INFINITY_LIFE_TIME) {
			rq->ext.msg = "finite address lifetimes are not supported";
			return -EOPNOTSUPP;
		}
	}
	if (address != local) {
		rq->ext.msg = "peer (point-to-point) addresses are not supported";
		return -EOPNOTSUPP;
	}
	if (flags & (IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN)) {
		rq->ext.msg = "noprefixroute and autojoin are not supported";
		return -EOPNOTSUPP;
	}
	if ((tb[IFA_RT_PRIORITY] && nla_u32(tb[IFA_RT_PRIORITY])) ||
	    (tb[IFA_PROTO] && nla_u8(tb[IFA_PROTO]))) {
		rq->ext.msg = "address metrics and protocols are not supported";
		return -EOPNOTSUPP;
	}
	if (!local)
		return 0; /* __inet_insert_ifa ignores 0.0.0.0 */
	uint16_t fl = rq->nlh->nlmsg_flags;
	if (addr_find(ifc, local, m->ifa_prefixlen)) {
		if ((fl & NLM_F_EXCL) || !(fl & NLM_F_REPLACE)) {
			rq->ext.msg = "ipv4: Address already assigned";
			return -EEXIST;
		}
		return 0; /* a replace of what is there: lifetimes stay infinite */
	}
	err = net_addr_add(ifc, local, m->ifa_prefixlen, brd, label);
	if (err)
		return err;
	/* The core chooses host scope for 127/8 and universe otherwise; honour an
	 * explicit other scope (`ip addr add ... scope link`). */
	struct net_ifaddr *ifa = addr_find(ifc, local, m->ifa_prefixlen);
	if (ifa && m->ifa_scope != ifa->scope && m->ifa_scope != RT_SCOPE_UNIVERSE) {
		ifa->scope = m->ifa_scope;
		netlink_notify(rq->ns, RTM_NEWADDR, ifa);
	}
	return 0;
}

/* implements RTM_DELADDR (inet_rtm_deladdr): the first address matching every given
 * attribute. */
int rtnl_deladdr(struct nl_req *rq)
{
	const struct ifaddrmsg *m;
	const struct nlattr *tb[IFA_MAX + 1];
	struct net_iface *ifc;
	int err = addr_req(rq, &m, tb, &ifc);
	if (err)
		return err;
	if (!ifc) {
		rq->ext.msg = "ipv4: Device not found";
		return -ENODEV;
	}
	struct net_ifaddr *ifa;
	list_for_each_entry(ifa, &ifc->addrs, link)
	{
		if (tb[IFA_LOCAL] && ifa->addr != nla_u32(tb[IFA_LOCAL]))
			continue;
		if (tb[IFA_LABEL]) {
			char label[IFNAMSIZ + 1];
			nla_strlcpy(label, tb[IFA_LABEL], sizeof(label));
			if (strcmp(label, ifa->label))
				continue;
		}
		if (tb[IFA_ADDRESS] && (m->ifa_prefixlen != ifa->prefixlen ||
					((nla_u32(tb[IFA_ADDRESS]) ^ ifa->addr) & ifa->mask)))
			continue;
		return net_addr_del(ifc, ifa->addr, ifa->prefixlen);
	}
	rq->ext.msg = "ipv4: Address not found";
	return -EADDRNOTAVAIL;
}

/* ---- neighbours ---- */

static const struct nl_policy nda_policy[NDA_MAX + 1] = {
    [NDA_DST] = {NLP_BINARY, 32},
    [NDA_LLADDR] = {NLP_BINARY, 32},
    [NDA_CACHEINFO] = {NLP_MIN, sizeof(struct nda_cacheinfo)},
    [NDA_PROBES] = {NLP_U32},
    [NDA_VLAN] = {NLP_U16},
    [NDA_PORT] = {NLP_U16},
    [NDA_VNI] = {NLP_U32},
    [NDA_IFINDEX] = {NLP_U32},
    [NDA_MASTER] = {NLP_U32},
    [NDA_PROTOCOL] = {NLP_U8},
    [NDA_NH_ID] = {NLP_U32},
    [NDA_FLAGS_EXT] = {NLP_U32},
};

#define NUD_VALID_ (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

static int fill_neigh(struct nl_buf *b, const struct arp_entry_info *e, uint16_t flags,
		      uint32_t seq, uint32_t pid)
{
	long off = nl_msg_begin(b, RTM_NEWNEIGH, flags, seq, pid, sizeof(struct ndmsg));
	if (off < 0)
		return -ENOBUFS;
	struct ndmsg *nd = nl_msg_fam(b, off);
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = e->iface->ifindex;
	nd->ndm_state = (uint16_t)e->state;
	nd->ndm_type = RTN_UNICAST;
	nl_put(b, NDA_DST, &e->ip, 4);
	if (e->state & NUD_VALID_)
		nl_put(b, NDA_LLADDR, e->mac, 6);
	nl_msg_end(b, off);
	return b->oom ? -ENOBUFS : 0;
}

struct neigh_walk {
	struct nl_req *rq;
	int ifindex; /* filter (0: any) */
	uint32_t ip; /* get: the one wanted */
	bool found;
	struct nl_buf *out;
	uint16_t flags;
	int err;
};

static int neigh_dump_one(const struct arp_entry_info *e, void *arg)
{
	struct neigh_walk *w = arg;
	if (w->ifindex && e->iface->ifindex != w->ifindex)
		return 0;
	w->err = fill_neigh(w->out, e, w->flags, w->rq->nlh->nlmsg_seq, w->rq->portid);
	return w->err;
}

static int neigh_get_one(const struct arp_entry_info *e, void *arg)
{
	struct neigh_walk *w = arg;
	if (e->iface->ifindex != w->ifindex || e->ip != w->ip)
		return 0;
	w->found = true;
	w->err = fill_neigh(w->out, e, 0, w->rq->nlh->nlmsg_seq, w->rq->portid);
	return 1;
}

/* The dump (neigh_dump_info with neigh_valid_dump_req). */
static int neigh_dump(struct nl_req *rq)
{
	const struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *nd = rtnl_fam(rq, sizeof(*nd));
	struct neigh_walk w = {.rq = rq, .out = &rq->dump};
	int err;
	if (rq->strict) {
		if (!nd) {
			rq->ext.msg = "Invalid header for neighbor dump request";
			return -EINVAL;
		}
		if (nd->ndm_pad1 || nd->ndm_pad2 || nd->ndm_state || nd->ndm_type) {
			rq->ext.msg = "Invalid values in header for neighbor dump request";
			return -EINVAL;
		}
		if (nd->ndm_flags & ~NTF_PROXY) {
			rq->ext.msg = "Invalid flags in header for neighbor dump request";
			return -EINVAL;
		}
	}
	if (nd) {
		err = rtnl_parse(rq, sizeof(*nd), tb, NDA_MAX, nda_policy, rq->strict);
		if (err)
			return err;
		for (int i = 1; i <= NDA_MAX; i++) {
			if (!tb[i])
				continue;
			if (i == NDA_IFINDEX)
				w.ifindex = (int)nla_u32(tb[i]);
			else if (i == NDA_MASTER)
				w.ifindex = -1; /* no interface of ours has a master */
			else if (rq->strict) {
				rq->ext.msg = "Unsupported attribute in neighbor dump request";
				return -EINVAL;
			}
		}
		if (w.ifindex)
			rq->dump_flags |= NLM_F_DUMP_FILTERED;
		if (nd->ndm_flags & NTF_PROXY)
			return 0; /* no proxy entries */
	}
	/* neigh_dump_info walks the tables of the requested family (0: all): ARP only */
	int family = ((const struct rtgenmsg *)rtnl_fam(rq, 1))->rtgen_family;
	if (family != AF_UNSPEC && family != AF_INET)
		return 0;
	w.flags = NLM_F_MULTI | rq->dump_flags;
	arp_for_each(rq->ns, neigh_dump_one, &w);
	return w.err;
}

/* The request part every single-neighbour call shares (neigh_add/neigh_delete/neigh_get):
 * the destination, the device, the family. */
static int neigh_req(struct nl_req *rq, const struct ndmsg **nd, const struct nlattr **tb,
		     struct net_iface **ifc, uint32_t *ip)
{
	*nd = rtnl_fam(rq, sizeof(**nd));
	int err = rtnl_parse(rq, sizeof(**nd), tb, NDA_MAX, nda_policy, false);
	if (err)
		return err;
	if (!tb[NDA_DST]) {
		rq->ext.msg = "Network address not specified";
		return -EINVAL;
	}
	*ifc = NULL;
	if ((*nd)->ndm_ifindex) {
		*ifc = net_iface_by_index(rq->ns, (*nd)->ndm_ifindex);
		if (!*ifc)
			return -ENODEV;
		if (tb[NDA_LLADDR] && nla_payload_len(tb[NDA_LLADDR]) < 6) {
			rq->ext.msg = "Invalid link address";
			return -EINVAL;
		}
	}
	if ((*nd)->ndm_family != AF_INET)
		return -EAFNOSUPPORT;
	if (nla_payload_len(tb[NDA_DST]) < 4) {
		rq->ext.msg = "Invalid network address";
		return -EINVAL;
	}
	memcpy(ip, nla_payload(tb[NDA_DST]), 4);
	if ((*nd)->ndm_flags & NTF_PROXY) {
		rq->ext.msg = "proxy neighbour entries are not supported";
		return -EOPNOTSUPP;
	}
	if (!*ifc) {
		rq->ext.msg = "Device not specified";
		return -EINVAL;
	}
	return 0;
}

static bool neigh_exists(struct nl_req *rq, struct net_iface *ifc, uint32_t ip)
{
	struct nl_buf scratch = {0};
	struct neigh_walk w = {.rq = rq, .ifindex = ifc->ifindex, .ip = ip, .out = &scratch};
	arp_for_each(rq->ns, neigh_get_one, &w);
	nl_buf_free(&scratch);
	return w.found;
}

/* implements RTM_GETNEIGH (neigh_get; dumps: neigh_dump_info) */
int rtnl_getneigh(struct nl_req *rq, bool dump)
{
	if (dump)
		return neigh_dump(rq);
	const struct ndmsg *nd;
	const struct nlattr *tb[NDA_MAX + 1];
	struct net_iface *ifc;
	uint32_t ip;
	int err = neigh_req(rq, &nd, tb, &ifc, &ip);
	if (err)
		return err;
	struct neigh_walk w = {.rq = rq, .ifindex = ifc->ifindex, .ip = ip, .out = &rq->reply};
	arp_for_each(rq->ns, neigh_get_one, &w);
	if (!w.found) {
		rq->ext.msg = "Neighbour entry not found";
		return -ENOENT;
	}
	return w.err;
}

/* implements RTM_NEWNEIGH (neigh_add): permanent or reachable entries with an address */
int rtnl_newneigh(struct nl_req *rq)
{
	const struct ndmsg *nd;
	const struct nlattr *tb[NDA_MAX + 1];
	struct net_iface *ifc;
	uint32_t ip;
	int err = neigh_req(rq, &nd, tb, &ifc, &ip);
	if (err)
		return err;
	bool exists = neigh_exists(rq, ifc, ip);
	uint16_t fl = rq->nlh->nlmsg_flags;
	if (!exists && !(fl & NLM_F_CREATE))
		return -ENOENT;
	if (exists && (fl & NLM_F_EXCL))
		return -EEXIST;
	if (!tb[NDA_LLADDR] || !(nd->ndm_state & NUD_VALID_)) {
		rq->ext.msg =
		    "only entries with a link address (permanent or reachable) are supported";
		return -EOPNOTSUPP;
	}
	return arp_neigh_set(ifc, ip, nla_payload(tb[NDA_LLADDR]), nd->ndm_state & NUD_PERMANENT);
}

/* implements RTM_DELNEIGH (neigh_delete) */
int rtnl_delneigh(struct nl_req *rq)
{
	const struct ndmsg *nd;
	const struct nlattr *tb[NDA_MAX + 1];
	struct net_iface *ifc;
	uint32_t ip;
	int err = neigh_req(rq, &nd, tb, &ifc, &ip);
	if (err)
		return err;
	if (!neigh_exists(rq, ifc, ip))
		return -ENOENT;
	return arp_neigh_del(ifc, ip);
}

/* ---- netconf ---- */

static const struct nl_policy netconf_policy[NETCONFA_MAX + 1] = {
    [NETCONFA_IFINDEX] = {NLP_MIN, 4},
    [NETCONFA_FORWARDING] = {NLP_MIN, 4},
    [NETCONFA_RP_FILTER] = {NLP_MIN, 4},
    [NETCONFA_PROXY_NEIGH] = {NLP_MIN, 4},
    [NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN] = {NLP_MIN, 4},
};

/* inet_netconf_fill_devconf (NETCONFA_ALL): one namespace-wide set of values, as we keep
 * no per-interface IPv4 sysctls (no rp_filter, proxy ARP or multicast forwarding). */
static int fill_netconf(struct nl_buf *b, struct netns *ns, int32_t ifindex, uint16_t flags,
			uint32_t seq, uint32_t pid)
{
	long off = nl_msg_begin(b, RTM_NEWNETCONF, flags, seq, pid, sizeof(struct netconfmsg));
	if (off < 0)
		return -ENOBUFS;
	((struct netconfmsg *)nl_msg_fam(b, off))->ncm_family = AF_INET;
	nl_put_u32(b, NETCONFA_IFINDEX, (uint32_t)ifindex);
	nl_put_u32(b, NETCONFA_FORWARDING, (uint32_t)ns->sysctl.ip_forward);
	nl_put_u32(b, NETCONFA_RP_FILTER, 0);
	nl_put_u32(b, NETCONFA_MC_FORWARDING, 0);
	nl_put_u32(b, NETCONFA_BC_FORWARDING, 0);
	nl_put_u32(b, NETCONFA_PROXY_NEIGH, 0);
	nl_put_u32(b, NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN, 0);
	nl_msg_end(b, off);
	return b->oom ? -ENOBUFS : 0;
}

/* implements RTM_GETNETCONF (inet_netconf_get_devconf / inet_netconf_dump_devconf) */
int rtnl_getnetconf(struct nl_req *rq, bool dump)
{
	const struct nlattr *tb[NETCONFA_MAX + 1];
	if (dump) {
		if (rq->strict) {
			if (rq->nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct netconfmsg)) {
				rq->ext.msg = "ipv4: Invalid header for netconf dump request";
				return -EINVAL;
			}
			if (rq->nlh->nlmsg_len >
			    NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct netconfmsg))) {
				rq->ext.msg =
				    "ipv4: Invalid data after header in netconf dump request";
				return -EINVAL;
			}
		}
		uint16_t fl = NLM_F_MULTI | rq->dump_flags;
		struct net_iface *ifc;
		list_for_each_entry(ifc, &rq->ns->ifaces, link)
		{
			if (fill_netconf(&rq->dump, rq->ns, ifc->ifindex, fl, rq->nlh->nlmsg_seq,
					 rq->portid))
				return -ENOBUFS;
		}
		if (fill_netconf(&rq->dump, rq->ns, NETCONFA_IFINDEX_ALL, fl, rq->nlh->nlmsg_seq,
				 rq->portid) ||
		    fill_netconf(&rq->dump, rq->ns, NETCONFA_IFINDEX_DEFAULT, fl,
				 rq->nlh->nlmsg_seq, rq->portid))
			return -ENOBUFS;
		return 0;
	}
	int err =
	    rtnl_parse(rq, sizeof(struct netconfmsg), tb, NETCONFA_MAX, netconf_policy, rq->strict);
	if (err)
		return err;
	if (((const struct netconfmsg *)rtnl_fam(rq, 1))->ncm_family != AF_INET)
		return -EOPNOTSUPP;
	if (!tb[NETCONFA_IFINDEX])
		return -EINVAL;
	int32_t ifindex = (int32_t)nla_u32(tb[NETCONFA_IFINDEX]);
	if (ifindex != NETCONFA_IFINDEX_ALL && ifindex != NETCONFA_IFINDEX_DEFAULT &&
	    !net_iface_by_index(rq->ns, ifindex))
		return -ENODEV;
	return fill_netconf(&rq->reply, rq->ns, ifindex, 0, rq->nlh->nlmsg_seq, rq->portid);
}
