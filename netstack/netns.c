/* netstack/netns.c - network namespaces: creation with their loopback interface, the
 * per-protocol module hooks, teardown, and the calling task's namespace.
 *
 * Owns: struct netns's lifetime, its sysctl defaults and the "current" namespace.
 * Must not: know any protocol's state (modules hang theirs off the netns through their
 * weak *_ns_init / *_ns_fini hooks). */
#include "netstack/netns.h"
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "netstack/arp.h"
#include "netstack/ip4.h"
#include "netstack/link.h"
#include "netstack/route.h"

/* The netns inode numbers: Linux's init_net has 0xF0000000 + 1 + ... ; ours are counted
 * from a value in the same proc inode range. */
static uint64_t next_ino = 0xF0000000ULL + 0x1000;
static struct netns *current_ns;
static struct list_head all_ns = LIST_HEAD_INIT(all_ns); /* every live namespace */

struct ns_module {
	int (*init)(struct netns *);
	void (*fini)(struct netns *);
};

/* The modules in set-up order (torn down in reverse). Weak: NULL when not linked. */
#define NS_MODULES 8

static void modules(struct ns_module m[NS_MODULES])
{
	m[0] = (struct ns_module){arp_ns_init, arp_ns_fini};
	m[1] = (struct ns_module){ip4_frag_ns_init, ip4_frag_ns_fini};
	m[2] = (struct ns_module){tcp_ns_init, tcp_ns_fini};
	m[3] = (struct ns_module){udp_ns_init, udp_ns_fini};
	m[4] = (struct ns_module){raw_ns_init, raw_ns_fini};
	m[5] = (struct ns_module){packet_ns_init, packet_ns_fini};
	m[6] = (struct ns_module){netlink_ns_init, netlink_ns_fini};
	m[7] = (struct ns_module){nf_ns_init, nf_ns_fini};
}

static void sysctl_defaults(struct net_sysctl *s)
{
	s->ip_default_ttl = 64;
	s->ip_local_port_lo = 32768;
	s->ip_local_port_hi = 60999;
	s->ip_forward = 0;
	s->tcp_syn_retries = 6;
	s->tcp_fin_timeout_s = 60;
	s->tcp_keepalive_time_s = 7200;
	s->tcp_keepalive_intvl_s = 75;
	s->tcp_keepalive_probes = 9;
	s->tcp_window_scaling = s->tcp_sack = s->tcp_timestamps = 1;
	s->tcp_max_syn_backlog = 4096;
	s->icmp_echo_ignore_all = 0;
	s->ping_group_lo = 1;
	s->ping_group_hi = 0;
}

/* Removes every interface of @ns (loopback last: others' queued packets name it). One at
 * a time from the start: removing a veth removes its peer too, which may be the next. */
static void remove_ifaces(struct netns *ns)
{
	struct net_iface *ifc;
	for (;;) {
		struct net_iface *victim = NULL;
		list_for_each_entry(ifc, &ns->ifaces, link)
			if (ifc != ns->lo) {
				victim = ifc;
				break;
			}
		if (!victim)
			break;
		net_iface_remove(victim);
	}
	if (ns->lo)
		net_iface_remove(ns->lo);
	ns->lo = NULL;
}

/* Returns a new namespace (one reference) with "lo" DOWN and no address, as a fresh
 * Linux network namespace; NULL on ENOMEM or when a module's init fails. */
struct netns *netns_new(void)
{
	struct ns_module m[NS_MODULES];
	struct netns *ns = calloc(1, sizeof(*ns));
	int i;
	if (!ns)
		return NULL;
	ns->refs = 1;
	ns->ino = next_ino++;
	list_add_tail(&ns->all_link, &all_ns);
	list_init(&ns->ifaces);
	list_init(&ns->routes);
	ns->next_ifindex = 1;
	sysctl_defaults(&ns->sysctl);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns->ip_id = (uint16_t)(ts.tv_nsec ^ (ts.tv_nsec >> 16) ^ ts.tv_sec);
	if (!loopback_create(ns))
		goto out_free;
	modules(m);
	for (i = 0; i < NS_MODULES; i++) {
		if (m[i].init && m[i].init(ns) < 0) {
			while (--i >= 0)
				if (m[i].fini)
					m[i].fini(ns);
			goto out_ifaces;
		}
	}
	return ns;
out_ifaces:
	remove_ifaces(ns);
out_free:
	list_del(&ns->all_link);
	free(ns);
	return NULL;
}

void netns_get(struct netns *ns)
{
	ns->refs++;
}

/* Drops a reference; the last one tears the namespace down: interfaces (down first:
 * routes and neighbours flushed; then removed with their addresses and queued frames)
 * while every module still exists to hear about it, then the modules (sockets are gone:
 * each held a reference), then what routes remain. */
void netns_put(struct netns *ns)
{
	struct ns_module m[NS_MODULES];
	if (!ns || --ns->refs > 0)
		return;
	struct net_iface *ifc;
	list_for_each_entry(ifc, &ns->ifaces, link)
		if (ifc->flags & IFF_UP)
			net_iface_set_up(ifc, false);
	remove_ifaces(ns);
	modules(m);
	for (int i = NS_MODULES - 1; i >= 0; i--)
		if (m[i].fini)
			m[i].fini(ns);
	route_ns_fini(ns);
	if (current_ns == ns)
		current_ns = NULL;
	/* nobody knows it by an id any more (Linux's unhash_nsid) */
	list_del(&ns->all_link);
	struct netns *o;
	list_for_each_entry(o, &all_ns, all_link)
		for (int i = o->n_ids - 1; i >= 0; i--)
			if (o->ids[i].peer == ns)
				o->ids[i] = o->ids[--o->n_ids];
	free(ns->ids);
	free(ns);
}

/* See netns.h. */
bool netstack_has_pending_output(void)
{
	struct netns *ns;
	if (!arp_has_waiting)
		return false;
	list_for_each_entry(ns, &all_ns, all_link)
		if (arp_has_waiting(ns))
			return true;
	return false;
}

/* ---- namespace ids ---- */

int netns_id_of(struct netns *ns, struct netns *peer, bool alloc)
{
	if (peer == ns)
		return -1;
	for (int i = 0; i < ns->n_ids; i++)
		if (ns->ids[i].peer == peer)
			return ns->ids[i].id;
	if (!alloc)
		return -1;
	int id = 0;
	while (netns_by_id(ns, id))
		id++;
	return netns_id_set(ns, peer, id) ? -1 : id;
}

int netns_id_set(struct netns *ns, struct netns *peer, int id)
{
	if (netns_id_of(ns, peer, false) >= 0 || netns_by_id(ns, id))
		return -EEXIST;
	if (ns->n_ids == ns->cap_ids) {
		int cap = ns->cap_ids ? 2 * ns->cap_ids : 4;
		struct netns_id *n = realloc(ns->ids, (size_t)cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		ns->ids = n;
		ns->cap_ids = cap;
	}
	ns->ids[ns->n_ids++] = (struct netns_id){.peer = peer, .id = id};
	return 0;
}

struct netns *netns_by_id(struct netns *ns, int id)
{
	for (int i = 0; i < ns->n_ids; i++)
		if (ns->ids[i].id == id)
			return ns->ids[i].peer;
	return NULL;
}

void netns_for_each_id(struct netns *ns, void (*fn)(void *arg, struct netns *peer, int id),
		       void *arg)
{
	int last = -1;
	for (;;) { /* in id order: the table is small */
		int best = -1;
		for (int i = 0; i < ns->n_ids; i++)
			if (ns->ids[i].id > last && (best < 0 || ns->ids[i].id < ns->ids[best].id))
				best = i;
		if (best < 0)
			return;
		last = ns->ids[best].id;
		fn(arg, ns->ids[best].peer, last);
	}
}

/* A namespace made on first use when the sandbox set none up (unit tests, tools): as
 * NET_MODE_NONE, lo UP with 127.0.0.1/8. */
static struct netns *lazy_ns(void)
{
	struct netns *ns = netns_new();
	if (!ns)
		return NULL;
	if (net_iface_set_up(ns->lo, true) < 0) { /* brings 127.0.0.1/8 */
		netns_put(ns);
		return NULL;
	}
	return ns;
}

struct netns *net_sandbox_ns(void)
{
	if (!current_ns)
		current_ns = lazy_ns();
	return current_ns;
}

struct netns *net_current_ns(void)
{
	struct netns *t = net_task_ns ? net_task_ns() : NULL;
	if (t)
		return t; /* the calling task's own (CLONE_NEWNET) */
	return net_sandbox_ns();
}

/* Makes @ns the current namespace: takes a reference on it and drops the one held on the
 * previous (NULL: none; the next net_current_ns makes a fresh one). */
void net_set_current_ns(struct netns *ns)
{
	struct netns *old = current_ns;
	if (ns)
		netns_get(ns);
	current_ns = ns;
	if (old && old != ns) {
		/* the old one may be torn down now: do not let netns_put clear the new one */
		if (old->refs == 1) {
			current_ns = NULL;
			netns_put(old);
			current_ns = ns;
		} else {
			netns_put(old);
		}
	} else if (old == ns && ns) {
		netns_put(ns);
	}
}

/* The hooks sentry/nsproxy.h names: a CLONE_NEWNET/unshare gives the task a new stack
 * (loopback only, DOWN, as a new Linux netns) whose conf/{all,default}/forwarding are the
 * sandbox's own namespace's (Linux's devconf_inherit_init_net 0: init_net's IPv4
 * settings); its last user releases it. */
void *netns_clone_for_task(uint64_t owner_userns_ino)
{
	struct netns *ns = netns_new(), *init = net_sandbox_ns();
	if (ns)
		ns->owner_userns_ino = owner_userns_ino;
	if (ns && init) {
		ns->sysctl.ip_forward = init->sysctl.ip_forward;
		ns->sysctl.default_forwarding = init->sysctl.default_forwarding;
	}
	return ns;
}

void netns_release_for_task(void *stack)
{
	netns_put(stack);
}
