/* netstack/netlink_route.h - the pieces of NETLINK_ROUTE (rtnetlink) shared by its files:
 * netlink_route.c (dispatch, notifications, links), netlink_route_addr.c (addresses,
 * neighbours, netconf), netlink_route_fib.c (route dumps and lookups, rules) and
 * netlink_route_change.c (route changes).
 *
 * Handlers take a checked request (struct nl_req: nlmsg_len within the datagram) and
 * return 0 / -errno; dump handlers append NLM_F_MULTI messages to rq->dump and return 0
 * or -errno (the dump then ends with that error in NLMSG_DONE). */
#ifndef CVISOR_NETSTACK_NETLINK_ROUTE_H
#define CVISOR_NETSTACK_NETLINK_ROUTE_H
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include "netstack/netlink.h"

/* The family header of @rq when the message holds at least @len bytes of it, else NULL
 * (the handler answers -EINVAL with "Invalid header length", as nlmsg_parse). */
const void *rtnl_fam(struct nl_req *rq, size_t len);
/* Parses the attributes after a family header of @hdrlen bytes (see nl_parse). */
int rtnl_parse(struct nl_req *rq, size_t hdrlen, const struct nlattr **tb, int maxtype,
	       const struct nl_policy *pol, bool strict);
/* Starts a message of a dump (NLM_F_MULTI | rq->dump_flags, the request's seq/portid). */
long rtnl_dump_begin(struct nl_req *rq, uint16_t type, size_t hdrlen);

/* The attribute policy of route messages, and a prefix length's netmask (network order). */
extern const struct nl_policy rtm_policy[RTA_MAX + 1];
uint32_t rtnl_plen_mask(uint8_t plen);

/* IFLA_OPERSTATE of @ifc (RFC 2863, as Linux's default_operstate). */
uint8_t rtnl_link_operstate(const struct net_iface *ifc);

/* Message builders (also used for notifications: seq and pid 0). Return 0 or -ENOBUFS. */
int rtnl_fill_link(struct nl_buf *b, struct net_iface *ifc, uint16_t type, uint16_t flags,
		   uint32_t seq, uint32_t pid, uint32_t ext_mask);
int rtnl_fill_addr(struct nl_buf *b, const struct net_ifaddr *ifa, uint16_t type, uint16_t flags,
		   uint32_t seq, uint32_t pid);
int rtnl_fill_main_route(struct nl_buf *b, const struct net_route *r, uint16_t type, uint16_t flags,
			 uint32_t seq, uint32_t pid);

/* Announces the local-table routes an address added or removed (netlink_route_fib.c). */
void rtnl_notify_local_routes(struct netns *ns, const struct net_ifaddr *ifa, bool added);
/* Announces the local-table routes an interface's addresses gain or lose with IFF_UP. */
void rtnl_notify_link_local_routes(struct netns *ns, struct net_iface *ifc, bool up);

/* The attribute policy of link messages (IFLA_*). */
extern const struct nl_policy rtnl_ifla_policy[IFLA_MAX + 1];

/* Link kinds (netlink_route_link.c). */
/* Creates the interface an RTM_NEWLINK with NLM_F_CREATE asks for: @li is the parsed
 * IFLA_LINKINFO (kinds "veth" and "bridge"; others -EOPNOTSUPP "Unknown device type"). */
int rtnl_link_create(struct nl_req *rq, const struct ifinfomsg *ifm, const struct nlattr **tb,
		     const struct nlattr **li);
/* The namespace IFLA_NET_NS_PID / IFLA_NET_NS_FD of @tb name: a new reference in *@out
 * (NULL when neither is there). 0 or -ESRCH / -EBADF / -EINVAL / -EOPNOTSUPP. */
int rtnl_link_netns(struct nl_req *rq, const struct nlattr **tb, struct netns **out);
/* -EINVAL (short) or -EADDRNOTAVAIL (multicast, zero) for a MAC a link cannot take. */
int rtnl_link_check_mac(const struct nlattr *a);
/* IFLA_MASTER: makes @ifc a port of the bridge @master (0: of none). 0 or -errno. */
int rtnl_link_set_master(struct nl_req *rq, struct net_iface *ifc, uint32_t master);
/* An existing interface's IFLA_INFO_DATA (a bridge's changelink) and IFLA_INFO_SLAVE_DATA
 * (a bridge port's slave_changelink); other kinds have none (EOPNOTSUPP). */
int rtnl_link_changelink(struct nl_req *rq, struct net_iface *ifc, const struct nlattr **li);
/* RTM_SETLINK of family AF_BRIDGE (`bridge link set`): a port's IFLA_PROTINFO. */
int rtnl_bridge_setlink(struct nl_req *rq);
/* RTM_GETLINK dumps of family AF_BRIDGE (`bridge link`): the bridge ports. */
int rtnl_bridge_getlink_dump(struct nl_req *rq);
/* IFLA_LINKINFO of @ifc (its kind, and a bridge port's IFLA_INFO_SLAVE_KIND), if any. */
void rtnl_fill_linkinfo(struct nl_buf *b, struct net_iface *ifc);

/* Handlers. */
int rtnl_getlink(struct nl_req *rq, bool dump);
int rtnl_newlink(struct nl_req *rq);
int rtnl_setlink(struct nl_req *rq);
int rtnl_dellink(struct nl_req *rq);
int rtnl_getaddr_dump(struct nl_req *rq);
int rtnl_newaddr(struct nl_req *rq);
int rtnl_deladdr(struct nl_req *rq);
int rtnl_getneigh(struct nl_req *rq, bool dump);
int rtnl_newneigh(struct nl_req *rq);
int rtnl_delneigh(struct nl_req *rq);
int rtnl_getnetconf(struct nl_req *rq, bool dump);
int rtnl_getroute(struct nl_req *rq, bool dump);
int rtnl_newroute(struct nl_req *rq);
int rtnl_delroute(struct nl_req *rq);
int rtnl_getrule_dump(struct nl_req *rq);
int rtnl_getnsid(struct nl_req *rq, bool dump);
int rtnl_newnsid(struct nl_req *rq);

#endif
