/* tests/unit/netstack/core_test.h - fixtures for the netstack core's unit tests: a
 * namespace with loopback up, Ethernet interfaces whose transmitted frames are captured,
 * frame builders (Ethernet, ARP, IPv4, ICMP, UDP), timer helpers, and the leak check
 * (no packet alive, no namespace left). */
#ifndef CVISOR_TESTS_UNIT_NETSTACK_CORE_TEST_H
#define CVISOR_TESTS_UNIT_NETSTACK_CORE_TEST_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netstack/arp.h"
#include "netstack/ip4.h"
#include "netstack/link.h"
#include "netstack/route.h"

/* Frames the fake interfaces transmitted, oldest first. */
static struct list_head cap_frames = LIST_HEAD_INIT(cap_frames);
static int cap_count;

static int cap_xmit(struct net_iface *ifc, struct pkt *p)
{
	list_add_tail(&p->link, &cap_frames);
	cap_count++;
	return 0;
}

static const struct net_iface_ops cap_ops = {.xmit = cap_xmit};

/* Takes the oldest captured frame (the caller puts it), or NULL. */
static inline struct pkt *cap_take(void)
{
	if (list_empty(&cap_frames))
		return NULL;
	struct pkt *p = list_first_entry(&cap_frames, struct pkt, link);
	list_del(&p->link);
	list_init(&p->link);
	cap_count--;
	return p;
}

static inline void cap_flush(void)
{
	struct pkt *p;
	while ((p = cap_take()))
		pkt_put(p);
}

static inline uint32_t ip(const char *s)
{
	return inet_addr(s);
}

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

/* A namespace whose lo is up with 127.0.0.1/8 (which coming up gives it). */
static inline struct netns *ns_lo(void)
{
	struct netns *ns = netns_new();
	assert_non_null(ns);
	assert_int_equal(net_iface_set_up(ns->lo, true), 0);
	return ns;
}

/* An Ethernet interface "eth0" with MAC our_mac, up, @addr/@plen (unless 0). */
static inline struct net_iface *eth_add(struct netns *ns, const char *name, const char *addr,
					int plen)
{
	struct net_iface *ifc = net_iface_add(ns, name, ARPHRD_ETHER, &cap_ops, NULL);
	assert_non_null(ifc);
	memcpy(ifc->hwaddr, our_mac, 6);
	assert_int_equal(net_iface_set_up(ifc, true), 0);
	if (addr)
		assert_int_equal(net_addr_add(ifc, ip(addr), (uint8_t)plen, 0, NULL), 0);
	return ifc;
}

/* Runs every timer due now (zero-deadline ones: loopback deliveries), repeatedly. */
static inline void run_now(void)
{
	for (int i = 0; i < 100 && stimer_run_expired(stimer_now_ns()) > 0; i++)
		;
}

/* Fires every timer due within @ns_ahead nanoseconds from now. */
static inline void run_ahead(int64_t ns_ahead)
{
	stimer_run_expired(stimer_now_ns() + ns_ahead);
}

/* ---- frame builders ---- */

/* An IPv4 header (20 bytes, checksum filled) at @b for @payload bytes. */
static inline void build_ip(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto,
			    size_t payload, uint16_t id, uint16_t frag_off)
{
	struct iphdr *h = (struct iphdr *)b;
	memset(h, 0, sizeof(*h));
	h->version = 4;
	h->ihl = 5;
	h->tot_len = htons((uint16_t)(20 + payload));
	h->id = htons(id);
	h->frag_off = htons(frag_off);
	h->ttl = 64;
	h->protocol = proto;
	h->saddr = src;
	h->daddr = dst;
	h->check = inet_csum_fold(inet_csum_add(0, h, 20));
}

static inline void build_eth(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
}

/* An Ethernet frame carrying an ICMP echo request (@len data bytes). */
static inline struct pkt *frame_echo(uint32_t src, uint32_t dst, uint16_t idn, size_t len)
{
	uint8_t b[2048];
	build_eth(b, our_mac, peer_mac, ETH_P_IP);
	struct icmphdr *ic = (struct icmphdr *)(b + 34);
	memset(ic, 0, sizeof(*ic));
	ic->type = ICMP_ECHO;
	ic->un.echo.id = htons(idn);
	ic->un.echo.sequence = htons(1);
	for (size_t i = 0; i < len; i++)
		b[42 + i] = (uint8_t)i;
	ic->checksum = inet_csum_fold(inet_csum_add(0, ic, 8 + len));
	build_ip(b + 14, src, dst, IPPROTO_ICMP, 8 + len, 1, 0);
	return pkt_from(b, 42 + len);
}

/* An ARP frame (op, sender, target) to @eth_dst. */
static inline struct pkt *frame_arp(int op, const uint8_t eth_dst[6], const uint8_t sha[6],
				    uint32_t sip, const uint8_t tha[6], uint32_t tip)
{
	uint8_t b[60];
	memset(b, 0, sizeof(b));
	build_eth(b, eth_dst, sha, ETH_P_ARP);
	uint8_t *a = b + 14;
	a[0] = 0, a[1] = 1, a[2] = 8, a[3] = 0, a[4] = 6, a[5] = 4;
	a[6] = 0, a[7] = (uint8_t)op;
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, &sip, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, &tip, 4);
	return pkt_from(b, sizeof(b));
}

/* A UDP payload packet for ip4_output (p->data at the UDP header). */
static inline struct pkt *udp_payload(uint32_t src, uint32_t dst, size_t len)
{
	struct pkt *p = pkt_alloc(PKT_HEADROOM, 8 + len);
	struct udphdr *u = (struct udphdr *)p->data;
	u->source = htons(1000);
	u->dest = htons(2000);
	u->len = htons((uint16_t)(8 + len));
	u->check = 0;
	for (size_t i = 0; i < len; i++)
		p->data[8 + i] = (uint8_t)(i * 7);
	return p;
}

/* The IPv4 header of a captured Ethernet frame. */
static inline struct iphdr *frame_ip(struct pkt *p)
{
	return (struct iphdr *)(p->data + 14);
}

/* The end-of-test check: nothing alive. */
static inline void leak_check(long pkt_start)
{
	cap_flush();
	assert_int_equal(pkt_live, pkt_start);
}

#endif
