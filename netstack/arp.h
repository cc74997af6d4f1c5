/* netstack/arp.h - ARP (RFC 826) for Ethernet interfaces: the neighbour cache of a
 * namespace, resolution with a bounded queue of waiting packets, answers for our
 * addresses, gratuitous ARP. Private to the core (eth.c, iface.c, procfs, ioctls).
 *
 * The hooks iface.c calls are weak so that the interface code links without ARP. */
#ifndef CVISOR_NETSTACK_ARP_H
#define CVISOR_NETSTACK_ARP_H
#include <stdbool.h>
#include <stdint.h>
#include "netstack/netns.h"

/* Neighbour states (a subset of Linux's NUD_*, same values). */
#define ARP_NUD_INCOMPLETE 0x01
#define ARP_NUD_REACHABLE 0x02
#define ARP_NUD_STALE 0x04
#define ARP_NUD_FAILED 0x20
#define ARP_NUD_PERMANENT 0x80

/* Retries of an unanswered request, their interval, how long an answer stays REACHABLE,
 * how long a STALE entry lives unused, and how many packets wait per neighbour (Linux:
 * mcast_solicit 3, retrans_time 1 s, base_reachable_time 30 s, gc_stale_time 60 s,
 * unres_qlen 101). */
#define ARP_RETRIES 3
#define ARP_RETRANS_NS 1000000000LL
#define ARP_REACHABLE_NS 30000000000LL
#define ARP_STALE_NS 60000000000LL
#define ARP_QUEUE_MAX 101

/* An ARP frame arrived on @ifc (p->data at the ARP header). Consumes @p. */
void arp_input(struct net_iface *ifc, struct pkt *p);
/* Finds the hardware address for @nexthop on @ifc. Returns 1 with @mac filled when known;
 * 0 when @p was queued while a request goes out (consumed: sent on success, answered
 * with ICMP host unreachable to a local sender on failure); -errno (@p not consumed). */
int arp_resolve(struct net_iface *ifc, struct pkt *p, uint32_t nexthop, uint8_t mac[6]);

/* One neighbour as /proc/net/arp, SIOCGARP and RTM_GETNEIGH see it. */
struct arp_entry_info {
	uint32_t ip;
	uint8_t mac[6];
	struct net_iface *iface;
	int state; /* ARP_NUD_* */
};
/* Calls @fn for each neighbour of @ns (stops when it returns nonzero). */
void arp_for_each(struct netns *ns, int (*fn)(const struct arp_entry_info *e, void *arg),
		  void *arg);
/* Adds or replaces a permanent (@permanent) or reachable entry; removes one. 0 / -errno. */
int arp_neigh_set(struct net_iface *ifc, uint32_t ip, const uint8_t mac[6], bool permanent);
int arp_neigh_del(struct net_iface *ifc, uint32_t ip);

/* True when a neighbour of @ns is being resolved with packets waiting for the answer
 * (they leave when it comes, or get ICMP host unreachable when ARP gives up, 3 s at
 * most). Weak: netns.c asks it for netstack_has_pending_output. */
bool arp_has_waiting(struct netns *ns) __attribute__((weak));

/* Hooks from iface.c. */
void arp_iface_up(struct net_iface *ifc) __attribute__((weak));
void arp_iface_down(struct net_iface *ifc) __attribute__((weak));
void arp_iface_gone(struct net_iface *ifc) __attribute__((weak));
void arp_addr_added(struct net_ifaddr *ifa) __attribute__((weak));

#endif
