/* netstack/netfilter.h - iptables (x_tables, the legacy IPv4 ABI) in the netstack: the
 * tables `filter` and `nat` of each network namespace, set and read by iptables-legacy
 * through IPT_SO_* socket options, evaluated at the five IPv4 hook points, with
 * connection tracking for the state/conntrack matches and for NAT.
 *
 * The IPv4 layer calls one hook function per hook point (nf_hook_*); each returns true
 * when the packet goes on (possibly rewritten by NAT) and false when netfilter consumed it
 * (dropped, rejected). A namespace whose tables hold only their built-in ACCEPT policies
 * and which tracks no connection costs one test per packet.
 *
 * Files: nf_table.c (tables, the ABI, blob validation), nf_ext.c (matches and targets),
 * nf_eval.c (rule traversal and the hooks), nf_conntrack.c (connection tracking),
 * nf_nat.c (NAT bindings and packet rewriting). See netstack/README.md "netfilter". */
#ifndef CVISOR_NETSTACK_NETFILTER_H
#define CVISOR_NETSTACK_NETFILTER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netstack/netns.h"
#include "netstack/pkt.h"

/* ---- the socket options (setsockopt/getsockopt at SOL_IP on an AF_INET socket) ---- */
/* True when @name at SOL_IP is one of the IPT_SO_* options (set: IPT_SO_SET_*; get:
 * IPT_SO_GET_*). The caller checks CAP_NET_ADMIN (EPERM) before calling below. */
bool nf_is_ipt_sockopt(int name, bool set);
/* The replaced table's counters, which Linux writes to the app's ipt_replace.counters
 * (a failed write is ignored: the new table is in place). */
struct nf_old_counters {
	void *data; /* malloc'd (the caller frees), or NULL */
	size_t bytes;
	uint64_t gaddr; /* where they go in the app's memory */
};
/* Implements setsockopt(IPT_SO_SET_REPLACE / IPT_SO_SET_ADD_COUNTERS) on @ns (Linux's
 * do_ipt_set_ctl): @val holds @len bytes as the caller gave them; *@old is filled by a
 * successful SET_REPLACE. Returns 0 or -EINVAL/-ENOENT/-ENOMEM/-EAGAIN/-ELOOP/
 * -EPROTONOSUPPORT/-ENOPROTOOPT. */
int nf_ipt_setsockopt(struct netns *ns, int name, const void *val, size_t len,
		      struct nf_old_counters *old);
/* Implements getsockopt(IPT_SO_GET_INFO / GET_ENTRIES / GET_REVISION_MATCH /
 * GET_REVISION_TARGET) (do_ipt_get_ctl): @val holds the request (*@len bytes, as the
 * app's optlen said; the caller copied in at least the first NF_SOCKOPT_REQ of them) and
 * receives the answer; on success *@len is how many bytes of @val go back to the app (the
 * app's optlen is left as it was, as Linux). Returns 0 or -EINVAL/-ENOENT/-EAGAIN/
 * -EPROTONOSUPPORT/-ENOPROTOOPT. */
int nf_ipt_getsockopt(struct netns *ns, int name, void *val, size_t *len);
#define NF_SOCKOPT_REQ 64
/* /proc/net/ip_tables_names: the tables @ns has instantiated, newest first, one per line,
 * into @buf (NUL-terminated). Returns the length. */
size_t nf_ipt_table_names(struct netns *ns, char *buf, size_t cap);
/* The largest option a caller should copy in or out (a table blob). */
#define NF_SOCKOPT_MAX (64u << 20)

/* ---- the hooks (p->data and p->nh at the IPv4 header, header validated) ---- */
/* PREROUTING: every received datagram, before the local-delivery decision (DNAT,
 * REDIRECT may change its destination). *@pp may be replaced (reassembly). */
bool nf_hook_prerouting(struct netns *ns, struct net_iface *in, struct pkt **pp);
/* INPUT: a datagram for us, reassembled, before raw sockets and the transport. */
bool nf_hook_input(struct netns *ns, struct net_iface *in, struct pkt **pp);
/* FORWARD: a datagram routed from @in to @out. For the forwarding path (none yet): it
 * runs after nf_hook_prerouting (ip4_input already calls it before the local-delivery
 * decision) and must be followed by nf_hook_postrouting before the datagram is handed
 * to net_iface_output_ip. */
bool nf_hook_forward(struct netns *ns, struct net_iface *in, struct net_iface *out,
		     struct pkt **pp);
/* OUTPUT: a locally generated datagram, header built, routed through @out. Sets
 * *@rerouted when NAT changed the destination (the caller routes again). */
bool nf_hook_output(struct netns *ns, struct net_iface *out, struct pkt **pp, bool *rerouted);
/* POSTROUTING: every datagram leaving through @out, before fragmentation (SNAT,
 * MASQUERADE). */
bool nf_hook_postrouting(struct netns *ns, struct net_iface *out, struct pkt **pp);

/* Fills the TCP or UDP checksum of the whole datagram @p (p->data at its IPv4 header):
 * a send toward a local address carries none (loopback checks none), and OUTPUT NAT may
 * send it out of a real interface instead. */
void nf_l4_csum_fill(struct pkt *p);

/* ---- per namespace (called by netns_new / netns_put) ---- */
int nf_ns_init(struct netns *ns);
void nf_ns_fini(struct netns *ns);

#endif
