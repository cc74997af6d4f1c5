/* netstack/ip4_frag.h - IPv4 reassembly (private to the core: ip4_in.c feeds it). */
#ifndef CVISOR_NETSTACK_IP4_FRAG_H
#define CVISOR_NETSTACK_IP4_FRAG_H
#include "netstack/netns.h"

/* Linux's defaults: net.ipv4.ipfrag_time 30 s, ipfrag_high_thresh 4 MiB. */
#define IP4_FRAG_TIMEOUT_NS 30000000000LL
#define IP4_FRAG_HIGH_THRESH (4 << 20)

/* Queues fragment @p (p->data at its validated IP header, p->len its total length).
 * Returns the reassembled datagram (one reference; p->data = p->nh at its header, no
 * fragment bits) when @p completed it, else NULL. Consumes @p. */
struct pkt *ip4_frag_reasm(struct netns *ns, struct pkt *p);
/* Queues in progress and bytes they hold (tests, /proc/net/sockstat's FRAG line). */
int ip4_frag_queues(struct netns *ns, long *mem);

#endif
