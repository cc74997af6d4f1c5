/* netstack/netlink_route_change.c - RTM_NEWROUTE and RTM_DELROUTE on the main table
 * (net/ipv4/fib_frontend.c rtm_to_fib_config, fib_semantics.c fib_create_info's checks,
 * fib_trie.c's NLM_F_* rules), made through the core's net_route_add/net_route_del.
 *
 * Owns: nothing but the checks. Must not: trust a request; touch the local table (it
 * follows the addresses). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "netstack/netlink_route.h"

/* rtm_to_fib_config plus the checks of fib_table_insert/fib_create_info that apply to
 * the main table of a stack without multipath, encapsulation or metrics. */
static int route_cfg(struct nl_req *rq, bool del, struct net_route *r, uint32_t *table, int *oif)
{
	const struct rtmsg *rtm = rtnl_fam(rq, sizeof(*rtm));
	const struct nlattr *tb[RTA_MAX + 1];
	int err = rtnl_parse(rq, sizeof(*rtm), tb, RTA_MAX, rtm_policy, false);
	if (err)
		return err;
	if (rtm->rtm_family != AF_INET)
		return -EOPNOTSUPP; /* no other family has a handler */
	if (rtm->rtm_tos & 0x3) {
		rq->ext.msg = "Invalid dsfield (tos): ECN bits must be 0";
		return -EINVAL;
	}
	if (rtm->rtm_type > RTN_MAX) {
		rq->ext.msg = "Invalid route type";
		return -EINVAL;
	}
	memset(r, 0, sizeof(*r));
	r->prefixlen = rtm->rtm_dst_len;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->type = rtm->rtm_type;
	*table = tb[RTA_TABLE] ? nla_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (*table == RT_TABLE_UNSPEC)
		*table = RT_TABLE_MAIN;
	r->dst = tb[RTA_DST] ? nla_u32(tb[RTA_DST]) : 0;
	*oif = tb[RTA_OIF] ? (int)nla_u32(tb[RTA_OIF]) : 0;
	r->gateway = tb[RTA_GATEWAY] ? nla_u32(tb[RTA_GATEWAY]) : 0;
	r->metric = tb[RTA_PRIORITY] ? nla_u32(tb[RTA_PRIORITY]) : 0;
	r->prefsrc = tb[RTA_PREFSRC] ? nla_u32(tb[RTA_PREFSRC]) : 0;
	if (r->prefixlen > 32) {
		rq->ext.msg = "Invalid prefix length";
		return -EINVAL;
	}
	if (r->dst & ~rtnl_plen_mask(r->prefixlen)) {
		rq->ext.msg = "Invalid prefix for given prefix length";
		return -EINVAL;
	}
	if (*table == RT_TABLE_LOCAL) {
		rq->ext.msg = "the local table follows the addresses and cannot be changed";
		return -EOPNOTSUPP;
	}
	if (*table != RT_TABLE_MAIN) {
		if (del) {
			rq->ext.msg = "FIB table does not exist";
			return -ESRCH;
		}
		rq->ext.msg = "only the main routing table is supported";
		return -EOPNOTSUPP;
	}
	if (del)
		return 0;
	if (rtm->rtm_tos || tb[RTA_MULTIPATH] || tb[RTA_ENCAP] || tb[RTA_NH_ID] || tb[RTA_FLOW] ||
	    (tb[RTA_METRICS] && nla_payload_len(tb[RTA_METRICS]))) {
		rq->ext.msg = "tos, multipath, encapsulation, realms and metrics are not supported";
		return -EOPNOTSUPP;
	}
	if (!(rtm->rtm_flags & RTNH_F_ONLINK) && (rtm->rtm_flags & ~RTM_F_NOTIFY)) {
		rq->ext.msg = "unsupported route flags";
		return -EOPNOTSUPP;
	}
	return 0;
}

/* fib_create_info's nexthop checks: fills r->iface. */
static int route_nexthop(struct nl_req *rq, const struct rtmsg *rtm, struct net_route *r, int oif)
{
	struct netns *ns = rq->ns;
	struct net_iface *dev = oif ? net_iface_by_index(ns, oif) : NULL;
	bool error_type =
	    r->type == RTN_BLACKHOLE || r->type == RTN_UNREACHABLE || r->type == RTN_PROHIBIT;
	if (error_type) {
		if (r->gateway || oif) {
			rq->ext.msg = "Gateway, device and multipath can not be specified for this "
				      "route type";
			return -EINVAL;
		}
		return 0;
	}
	if (r->type != RTN_UNICAST) {
		rq->ext.msg = "only unicast, blackhole, unreachable and prohibit routes are "
			      "supported";
		return -EOPNOTSUPP;
	}
	if (r->scope > RT_SCOPE_HOST) {
		rq->ext.msg = "Invalid scope";
		return -EINVAL;
	}
	if (oif && !dev)
		return -ENODEV;
	if (r->scope == RT_SCOPE_HOST && r->gateway) {
		rq->ext.msg = "Route with host scope can not have a gateway";
		return -EINVAL;
	}
	if (r->gateway) {
		if (rtm->rtm_flags & RTNH_F_ONLINK) {
			if (!dev) {
				rq->ext.msg = "Nexthop device required for onlink";
				return -ENODEV;
			}
			if (net_addr_is_local(ns, r->gateway)) {
				rq->ext.msg = "Nexthop has invalid gateway";
				return -EINVAL;
			}
		} else {
			if (r->scope >= RT_SCOPE_LINK) {
				rq->ext.msg = "Nexthop has invalid scope";
				return -EINVAL;
			}
			/* the gateway must be on a connected (link scope) route of @dev */
			struct net_route *c, *hit = NULL;
			list_for_each_entry(c, &ns->routes, link)
			{
				if (!c->gateway && c->iface && c->type == RTN_UNICAST &&
				    (r->gateway & c->mask) == c->dst && (!dev || c->iface == dev)) {
					hit = c;
					break;
				}
			}
			/* or in the local table (one of our addresses, or a loopback prefix):
			 * RTN_LOCAL answers the lookup too, through that address's device */
			struct net_iface *via = hit ? hit->iface : NULL;
			if (!via && net_addr_is_local(ns, r->gateway)) {
				via = net_addr_owner(ns, r->gateway);
				if (!via)
					via = ns->lo;
			}
			if (!via || (dev && via != dev)) {
				rq->ext.msg = "Nexthop has invalid gateway";
				return -ENETUNREACH;
			}
			dev = via;
		}
		if (!(dev->flags & IFF_UP)) {
			rq->ext.msg = "Nexthop device is not up";
			return -ENETDOWN;
		}
	} else {
		if (!dev)
			return -ENODEV;
		if (!(dev->flags & IFF_UP)) {
			rq->ext.msg = "Device for nexthop is not up";
			return -ENETDOWN;
		}
	}
	if (r->prefsrc && !net_addr_owner(ns, r->prefsrc)) {
		rq->ext.msg = "Invalid prefsrc address";
		return -EINVAL;
	}
	r->iface = dev;
	return 0;
}

static struct net_route *route_same_key(struct netns *ns, const struct net_route *r)
{
	struct net_route *o;
	list_for_each_entry(o, &ns->routes, link)
	{
		if (o->dst == r->dst && o->prefixlen == r->prefixlen && o->metric == r->metric)
			return o;
	}
	return NULL;
}

/* implements RTM_NEWROUTE (inet_rtm_newroute) on the main table */
int rtnl_newroute(struct nl_req *rq)
{
	struct net_route r;
	uint32_t table;
	int oif;
	int err = route_cfg(rq, false, &r, &table, &oif);
	if (err)
		return err;
	err = route_nexthop(rq, rtnl_fam(rq, sizeof(struct rtmsg)), &r, oif);
	if (err)
		return err;
	uint16_t fl = rq->nlh->nlmsg_flags;
	struct net_route *old = route_same_key(rq->ns, &r);
	if (old) {
		if ((fl & NLM_F_EXCL) || !(fl & NLM_F_REPLACE))
			return -EEXIST;
		struct net_route match = *old;
		err = net_route_del(rq->ns, &match);
		if (err)
			return err;
	} else if (!(fl & NLM_F_CREATE)) {
		return -ENOENT;
	}
	return net_route_add(rq->ns, &r);
}

/* implements RTM_DELROUTE (inet_rtm_delroute / fib_table_delete): the first route
 * matching every field the request gives */
int rtnl_delroute(struct nl_req *rq)
{
	struct net_route want;
	uint32_t table;
	int oif;
	int err = route_cfg(rq, true, &want, &table, &oif);
	if (err)
		return err;
	struct net_route *r;
	list_for_each_entry(r, &rq->ns->routes, link)
	{
		if (r->dst != want.dst || r->prefixlen != want.prefixlen)
			continue;
		if ((want.type && r->type != want.type) ||
		    (want.scope != RT_SCOPE_NOWHERE && r->scope != want.scope) ||
		    (want.prefsrc && r->prefsrc != want.prefsrc) ||
		    (want.protocol && r->protocol != want.protocol) ||
		    (want.metric && r->metric != want.metric) ||
		    (oif && (!r->iface || r->iface->ifindex != oif)) ||
		    (want.gateway && r->gateway != want.gateway))
			continue;
		struct net_route match = *r;
		return net_route_del(rq->ns, &match);
	}
	return -ESRCH;
}
