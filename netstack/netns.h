/* netstack/netns.h - a network stack instance (a network namespace) and what it owns:
 * interfaces, their addresses, the routing table, the neighbour (ARP) cache, the
 * per-protocol state, counters and sysctls.
 *
 * Everything in the netstack hangs off a struct netns, never off globals, so that the
 * container-features work (CLONE_NEWNET, veth between instances) creates a second one
 * without rewrites. Today a sandbox has one: net_current_ns().
 *
 * References: a netns is held by every task in it (later), by every socket created in it
 * (struct inet_sock.ns and friends) and by the sandbox. It is destroyed, with its
 * interfaces, addresses, routes and neighbours, when the last reference goes.
 * Interfaces are owned by their netns (a list), addresses by their interface, routes by
 * the netns; packets and sockets borrow interfaces (an interface is only removed when no
 * packet queued by it remains: loopback drains its queue first). */
#ifndef CVISOR_NETSTACK_NETNS_H
#define CVISOR_NETSTACK_NETNS_H
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/list.h"
#include "common/timer.h"
#include "netstack/pkt.h"

/* <net/if.h> stops at IFF_DYNAMIC; <linux/if.h> cannot be included beside it. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif
#ifndef IFF_DORMANT
#define IFF_DORMANT 0x20000
#endif

struct netns;
struct net_iface;

/* ---- interfaces ---- */

struct net_iface_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped, multicast;
};

struct net_iface_ops {
	/* Sends one frame (p->data at the Ethernet header). Consumes @p. Returns 0 or
	 * -errno (the frame is dropped and counted either way). */
	int (*xmit)(struct net_iface *ifc, struct pkt *p);
	/* The interface is being removed: release what priv holds (host fds, queues). */
	void (*destroy)(struct net_iface *ifc);
	/* Optional: IFF_UP just changed (after the core's own work and notification). */
	void (*updown)(struct net_iface *ifc);
	/* The rtnetlink link kind ("veth", "bridge"), NULL for lo and taken-over NICs. */
	const char *kind;
	/* May move to another namespace (`ip link set X netns N`): not lo, not a bridge
	 * (NETIF_F_NETNS_LOCAL), not a taken-over NIC (its host socket is this one's). */
	bool netns_movable;
};

struct net_iface {
	struct list_head link; /* in netns.ifaces */
	struct netns *ns;      /* borrowed: the owner */
	int ifindex;
	char name[IFNAMSIZ];
	unsigned flags; /* IFF_UP, IFF_BROADCAST, IFF_LOOPBACK, IFF_RUNNING, IFF_MULTICAST,
			 * IFF_LOWER_UP, IFF_NOARP, IFF_PROMISC */
	int mtu;
	uint16_t type;	    /* ARPHRD_ETHER, ARPHRD_LOOPBACK */
	uint8_t hwaddr[6];  /* all zero for loopback */
	uint8_t brdaddr[6]; /* ff:ff:ff:ff:ff:ff for Ethernet */
	int txqlen;
	bool no_carrier; /* carrier off (veth with its peer down): no LOWER_UP when up */
	bool hwaddr_set; /* the MAC was given by the user (NET_ADDR_SET), not chosen */
	struct net_iface *master; /* the bridge this is a port of (borrowed), or NULL */
	void *port;		  /* that bridge's state for this port */
	const struct net_iface_ops *ops;
	void *priv;
	struct net_iface_stats stats;
	struct list_head addrs; /* struct net_ifaddr, primary first */
	int route_localnet; /* conf/<dev>/route_localnet (from conf/default at creation) */
};

/* An IPv4 address on an interface (IFA_* of rtnetlink). Network byte order. */
struct net_ifaddr {
	struct list_head link; /* in net_iface.addrs */
	struct net_iface *iface;
	uint32_t addr, mask, broadcast;
	uint8_t prefixlen;
	uint8_t scope;	 /* RT_SCOPE_HOST for 127/8, else RT_SCOPE_UNIVERSE */
	uint32_t flags; /* IFA_F_PERMANENT, IFA_F_SECONDARY */
	char label[IFNAMSIZ];
};

/* A route of the main table (IPv4). Network byte order. Routes to local addresses and
 * 127/8 ("local" table) are implied by the addresses and not stored. */
struct net_route {
	struct list_head link; /* in netns.routes, longest prefix first */
	uint32_t dst, mask;
	uint8_t prefixlen;
	uint32_t gateway; /* 0: directly connected (scope link) */
	struct net_iface *iface;
	uint32_t prefsrc; /* 0: chosen from the interface */
	uint32_t metric;
	uint8_t protocol; /* RTPROT_KERNEL for prefix routes of addresses, RTPROT_BOOT, ... */
	uint8_t scope;	  /* RT_SCOPE_LINK, RT_SCOPE_UNIVERSE */
	uint8_t type;	  /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT */
};

/* The answer of a route lookup. */
struct net_route_result {
	struct net_iface *iface; /* borrowed */
	uint32_t nexthop;	 /* the gateway, or the destination itself */
	uint32_t src;		 /* preferred source address */
	int mtu;
	bool local;	/* the destination is one of ours: delivered through loopback */
	bool broadcast; /* limited or directed broadcast */
};

/* ---- counters (/proc/net/snmp, nstat) ---- */
#define NET_ICMP_TYPES 41 /* ICMP types counted one by one (0..40, as Linux's IcmpMsg) */
struct net_stats {
	uint64_t ip_in_receives, ip_in_hdr_errors, ip_in_addr_errors, ip_in_unknown_protos,
	    ip_in_discards, ip_in_delivers, ip_out_requests, ip_out_discards, ip_out_no_routes,
	    ip_reasm_reqds, ip_reasm_oks, ip_reasm_fails, ip_frag_oks, ip_frag_fails,
	    ip_frag_creates, ip_in_csum_errors;
	uint64_t icmp_in_msgs, icmp_in_errors, icmp_out_msgs, icmp_out_errors;
	uint64_t udp_in_datagrams, udp_no_ports, udp_in_errors, udp_out_datagrams,
	    udp_rcvbuf_errors, udp_in_csum_errors;
	uint64_t tcp_active_opens, tcp_passive_opens, tcp_attempt_fails, tcp_estab_resets,
	    tcp_in_segs, tcp_out_segs, tcp_retrans_segs, tcp_in_errs, tcp_out_rsts,
	    tcp_in_csum_errors, tcp_syn_drops;
	uint64_t arp_in, arp_out, arp_bad;
	uint64_t eth_in_bad; /* frames too short or of an unknown type */
	/* ICMP by type (IcmpMsg: InTypeN / OutTypeN; the Icmp: per-type columns), the
	 * rate limiter's refusals, checksum errors; reassembly timeouts (ReasmTimeout). */
	uint64_t icmp_in_type[NET_ICMP_TYPES], icmp_out_type[NET_ICMP_TYPES];
	uint64_t icmp_in_csum_errors, icmp_out_ratelimit_global, icmp_out_ratelimit_host;
	uint64_t ip_reasm_timeout;
	uint64_t ip_forw_datagrams, ip_in_no_routes; /* ForwDatagrams; InNoRoutes (IpExt) */
};

/* sysctls a netns carries (net.ipv4.*), with Linux's defaults. */
struct net_sysctl {
	int ip_default_ttl;		/* 64 */
	int ip_local_port_lo, ip_local_port_hi; /* 32768 .. 60999 */
	int ip_forward;			/* 0: net.ipv4.ip_forward = conf/all/forwarding */
	int default_forwarding;		/* 0: conf/default/forwarding */
	int route_localnet_all, route_localnet_default; /* 0 0: conf/{all,default}/route_localnet */
	int tcp_syn_retries;		/* 6 */
	int tcp_fin_timeout_s;		/* 60 */
	int tcp_keepalive_time_s, tcp_keepalive_intvl_s, tcp_keepalive_probes; /* 7200 75 9 */
	int tcp_window_scaling, tcp_sack, tcp_timestamps; /* 1 1 1 */
	int tcp_max_syn_backlog;	/* 4096 */
	int icmp_echo_ignore_all;	/* 0 */
	int ping_group_lo, ping_group_hi; /* net.ipv4.ping_group_range: 1 0 (nobody) */
};

/* Per-protocol state: each protocol module defines its struct and allocates it in its
 * *_ns_init (called by netns_new when linked in), frees it in *_ns_fini. */
struct tcp_ns;
struct udp_ns;
struct raw_ns;
struct packet_ns;
struct netlink_ns;
struct arp_ns;
struct ip4_frag_ns;
struct nf_ns;

/* An id this namespace gave another (peernet2id: IFLA_LINK_NETNSID, RTM_GETNSID). */
struct netns_id {
	struct netns *peer; /* borrowed: cleared when the peer goes */
	int id;
};

struct netns {
	int refs;
	struct list_head all_link; /* in the list of every namespace (ids are purged there) */
	struct netns_id *ids;
	int n_ids, cap_ids;
	uint64_t ino; /* the namespace's inode number (/proc/<pid>/ns/net) */
	/* The inode number of the user namespace owning it (0: the sandbox's), for
	 * capability checks (numbers are never reused, unlike pointers). */
	uint64_t owner_userns_ino;
	struct list_head ifaces; /* struct net_iface, by ifindex */
	int next_ifindex;
	struct net_iface *lo; /* borrowed from ifaces */
	struct list_head routes;
	struct net_stats stats;
	struct net_sysctl sysctl;
	uint16_t ip_id; /* next IPv4 identification */
	struct arp_ns *arp;
	struct ip4_frag_ns *frag;
	struct tcp_ns *tcp;
	struct udp_ns *udp;
	struct raw_ns *raw;
	struct packet_ns *packet;
	struct netlink_ns *netlink;
	struct nf_ns *nf; /* iptables tables and conntrack (netfilter.h) */
};

/* A new namespace with a loopback interface (DOWN, no address: as a new Linux netns).
 * One reference; NULL on ENOMEM. */
struct netns *netns_new(void);
void netns_get(struct netns *ns);
void netns_put(struct netns *ns);
/* The namespace of the calling task (today: the sandbox's only one, set up by
 * netstack_sandbox_init; if that never ran, e.g. in unit tests, one made on first use
 * as NET_MODE_NONE: lo up with 127.0.0.1/8). Borrowed; NULL only on ENOMEM. */
struct netns *net_current_ns(void);
/* The calling task's namespace when it has one of its own (weak: the Sentry provides it;
 * NULL: the sandbox's). */
struct netns *net_task_ns(void) __attribute__((weak));
/* The id @ns knows @peer by (peernet2id), or -1 (NETNSA_NSID_NOT_ASSIGNED; also for @ns
 * itself). With @alloc, an unassigned peer gets the lowest free id (peernet2id_alloc);
 * -1 still on ENOMEM. */
int netns_id_of(struct netns *ns, struct netns *peer, bool alloc);
/* Assigns @id (>= 0) to @peer in @ns (RTM_NEWNSID): 0, -EEXIST when @peer has an id or
 * @id is taken, -ENOMEM. */
int netns_id_set(struct netns *ns, struct netns *peer, int id);
/* The namespace @ns knows as @id (borrowed), or NULL. */
struct netns *netns_by_id(struct netns *ns, int id);
/* Calls @fn for every id @ns has given (RTM_GETNSID dumps), in id order. */
void netns_for_each_id(struct netns *ns, void (*fn)(void *arg, struct netns *peer, int id),
		       void *arg);

/* The sandbox's own namespace (what tasks without a namespace of their own use), made on
 * first use as net_current_ns does. Borrowed; NULL only on ENOMEM. */
struct netns *net_sandbox_ns(void);
/* The namespace IFLA_NET_NS_PID / IFLA_NET_NS_FD (or NETNSA_PID / NETNSA_FD) name (weak:
 * the Sentry provides them, knowing the caller's pid namespace, fd table and
 * capabilities): 0 and a new reference in *@out, or -ESRCH (no such process) / -EBADF (no
 * such fd) / -EINVAL (not a net namespace file) / -EPERM (@admin: no CAP_NET_ADMIN in the
 * user namespace owning it). */
int net_ns_by_pid(int pid, bool admin, struct netns **out) __attribute__((weak));
int net_ns_by_fd(int fd, bool admin, struct netns **out) __attribute__((weak));
/* The inode number of user namespace @userns (a vfs_cred's; weak: the Sentry's). */
uint64_t net_userns_ino(const void *userns) __attribute__((weak));
/* For sentry/nsproxy.h: a new namespace for CLONE_NEWNET (owned by the user namespace of
 * that inode number, 0: the sandbox's), and its release. */
void *netns_clone_for_task(uint64_t owner_userns_ino);
void netns_release_for_task(void *stack);
/* Makes @ns current: takes a reference on it, drops the one on the previous current
 * namespace (NULL: none; the next net_current_ns makes a fresh one). */
void net_set_current_ns(struct netns *ns);

/* ---- interfaces ---- */
/* Picks a new interface's name in @ns: @name, or with one "%d" in it the first free
 * number (dev_alloc_name). 0 and the name in @out, -EINVAL (bad), -EEXIST (taken),
 * -ENFILE (no number left). */
int net_iface_name_pick(struct netns *ns, const char *name, char out[IFNAMSIZ]);
/* Adds an interface (ifindex assigned, DOWN) named @name; NULL on ENOMEM/EEXIST. */
struct net_iface *net_iface_add(struct netns *ns, const char *name, uint16_t type,
				const struct net_iface_ops *ops, void *priv);
void net_iface_remove(struct net_iface *ifc);
/* Moves @ifc to @to (dev_change_net_namespace), renamed @name when non-NULL: down first,
 * its addresses, routes and neighbours gone, RTM_DELLINK in the old namespace and
 * RTM_NEWLINK in the new one; its ifindex kept unless taken there. 0 (also when @to is
 * its namespace), -EINVAL (not movable, bad name), -EEXIST (the name is taken there). */
int net_iface_move(struct net_iface *ifc, struct netns *to, const char *name);
struct net_iface *net_iface_by_index(struct netns *ns, int ifindex);
struct net_iface *net_iface_by_name(struct netns *ns, const char *name);
/* Whether 127/8 may be routed on @ifc (route_localnet of the device or of "all", as
 * IN_DEV_NET_ROUTE_LOCALNET): loopback addresses arriving on it are not martians, and a
 * 127/8 source may leave through it. Loopback interfaces always may. */
static inline bool net_iface_routes_localnet(const struct net_iface *ifc)
{
	return (ifc->flags & IFF_LOOPBACK) || ifc->route_localnet ||
	       ifc->ns->sysctl.route_localnet_all;
}
/* IFF_UP on/off (down flushes the interface's routes and neighbours as Linux; up adds
 * the prefix routes of its addresses back). Returns 0 or -errno. */
int net_iface_set_up(struct net_iface *ifc, bool up);
/* Carrier on/off: IFF_LOWER_UP and IFF_RUNNING follow it while the interface is up. */
void net_iface_set_carrier(struct net_iface *ifc, bool on);
int net_iface_set_mtu(struct net_iface *ifc, int mtu); /* -EINVAL below 68 (IPv4) */
int net_iface_rename(struct net_iface *ifc, const char *name); /* -EBUSY when up */

/* Hooks of the parts that keep interface pointers (weak: absent when not linked): a
 * bridge port leaves its bridge, reassembly queues fed by the interface go. */
void bridge_port_gone(struct net_iface *port) __attribute__((weak));
void ip4_frag_iface_gone(struct net_iface *ifc) __attribute__((weak));

/* ---- addresses ---- */
/* Adds @addr/@prefixlen to @ifc (and, when the interface is up, its prefix route and
 * its broadcast). @broadcast 0: computed. -EEXIST for a duplicate. */
int net_addr_add(struct net_iface *ifc, uint32_t addr, uint8_t prefixlen, uint32_t broadcast,
		 const char *label);
int net_addr_del(struct net_iface *ifc, uint32_t addr, uint8_t prefixlen); /* -EADDRNOTAVAIL */
/* The interface holding @addr (a local address of this namespace), or NULL. */
struct net_iface *net_addr_owner(struct netns *ns, uint32_t addr);
/* True when @addr is an address of ours (on any interface, up or not), a broadcast of an
 * up interface, or in 127/8 while lo is up. */
bool net_addr_is_local(struct netns *ns, uint32_t addr);
/* True when @addr is a broadcast address of @ifa as Linux's local table has them: its
 * configured broadcast, or its prefix's all-ones address (prefixes shorter than /31). */
bool net_ifaddr_is_bcast(const struct net_ifaddr *ifa, uint32_t addr);
/* The up interface of @ns one of whose addresses has @addr as broadcast, or NULL
 * (255.255.255.255 is not looked up here). */
struct net_iface *net_bcast_iface(struct netns *ns, uint32_t addr);

/* ---- routes ---- */
int net_route_add(struct netns *ns, const struct net_route *r);	/* copied; -EEXIST */
int net_route_del(struct netns *ns, const struct net_route *match); /* -ESRCH */
/* Route to @dst, out of @oif when non-NULL (SO_BINDTODEVICE). -ENETUNREACH when no route,
 * -EHOSTUNREACH/-EACCES for unreachable/prohibit routes, -EINVAL for a blackhole. */
int net_route_lookup(struct netns *ns, uint32_t dst, struct net_iface *oif,
		     struct net_route_result *out);

/* ---- the link layer ---- */
/* A frame arrived on @ifc (p->data at the Ethernet header). Validates it, shows it to
 * packet sockets, hands ARP and IPv4 up, counts and drops the rest. Consumes @p. This is
 * the netstack's input from the outside world: it must survive any bytes (fuzzed). */
void net_frame_input(struct net_iface *ifc, struct pkt *p);
/* Sends an IPv4 packet (p->data at the IP header) to @nexthop on @ifc: resolves the
 * neighbour (queues the packet while ARP resolves), pushes the Ethernet header, shows
 * the frame to packet sockets, and transmits. Consumes @p. */
int net_iface_output_ip(struct net_iface *ifc, struct pkt *p, uint32_t nexthop);
/* Transmits a complete frame built by an AF_PACKET socket. Consumes @p. */
int net_iface_xmit_frame(struct net_iface *ifc, struct pkt *p);

/* ---- set-up for a sandbox ---- */
enum net_mode {
	NET_MODE_NONE,	  /* loopback only */
	NET_MODE_SANDBOX, /* the netstack owns the host namespace's interfaces (AF_PACKET) */
	NET_MODE_HOST,	  /* TCP/UDP sockets relayed to host sockets (hostinet.h) */
};
/* Creates the sandbox's namespace: loopback UP with 127.0.0.1/8 (as runsc), and in
 * NET_MODE_SANDBOX takes over every non-loopback interface of the host network namespace
 * the Sentry runs in (addresses, routes, MTU; removed from the host side); in
 * NET_MODE_HOST turns hostinet on (AF_INET/AF_INET6 are host sockets). Must run
 * before the Sentry confines itself. Returns 0 or -errno (with a message logged). */
int netstack_sandbox_init(enum net_mode mode);
/* True while some namespace holds packets the app sent that have not left yet because
 * their next hop is being resolved (ARP). The Sentry asks it at exit (loop_drain): a
 * Linux kernel sends them after the sender is gone, so a server that answers and exits
 * at once (an echo, a DNS reply) must not lose its answer with the Sentry. */
bool netstack_has_pending_output(void);

#endif
