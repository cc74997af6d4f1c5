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

#endif
