/* Unit tests for netstack/eth.c, ip4_in.c and ip4_out.c: bad frames counted and dropped
 * (truncated headers, bad IHL or version, bad checksum, total length beyond the frame,
 * not for us, unknown ethertype), unknown protocols answered, output headers, errors of
 * ip4_output and the IP_HDRINCL path. Every test ends with no packet alive. */
#include "tests/unit/netstack/core_test.h"

/* A UDP receiver standing in for udp.c. */
static int udp_got;
static size_t udp_len;
static bool udp_bcast;
void udp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	udp_got++;
	udp_len = p->len;
	udp_bcast = rx->broadcast;
	assert_ptr_equal((uint8_t *)rx->iph, p->nh);
	pkt_put(p);
}

struct fx {
	struct netns *ns;
	struct net_iface *eth;
	long pkts;
};

static int setup(void **state)
{
	static struct fx f;
	f.pkts = pkt_live;
	f.ns = ns_lo();
	f.eth = eth_add(f.ns, "eth0", "10.0.0.2", 24);
	assert_int_equal(arp_neigh_set(f.eth, ip("10.0.0.1"), peer_mac, true), 0);
	cap_flush();
	udp_got = 0;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	netns_put(f->ns);
	run_now();
	leak_check(f->pkts);
	return 0;
}

/* A frame: Ethernet + IPv4 (20) + @pl payload bytes of protocol @proto. */
static struct pkt *frame_ip4(uint32_t src, uint32_t dst, uint8_t proto, size_t pl)
{
	uint8_t b[1600];
	memset(b, 0, sizeof(b));
	build_eth(b, our_mac, peer_mac, ETH_P_IP);
	build_ip(b + 14, src, dst, proto, pl, 7, 0);
	return pkt_from(b, 34 + pl);
}

static void refresh_csum(struct pkt *p)
{
	struct iphdr *h = (struct iphdr *)(p->data + 14);
	h->check = 0;
	h->check = inet_csum_fold(inet_csum_add(0, h, h->ihl * 4u));
}

static void test_bad_frames_counted(void **state)
{
	struct fx *f = *state;
	struct net_stats *st = &f->ns->stats;
	uint8_t tiny[10] = {0};
	net_frame_input(f->eth, pkt_from(tiny, sizeof(tiny)));
	assert_int_equal(st->eth_in_bad, 1);

	/* unknown ethertype */
	struct pkt *p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	p->data[12] = 0x88, p->data[13] = 0xb5;
	net_frame_input(f->eth, p);
	assert_int_equal(st->eth_in_bad, 2);

	/* truncated IPv4 header */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	pkt_trim(p, 14 + 12);
	net_frame_input(f->eth, p);
	assert_int_equal(st->ip_in_hdr_errors, 1);

	/* IHL 4 */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	frame_ip(p)->ihl = 4;
	refresh_csum(p);
	net_frame_input(f->eth, p);
	assert_int_equal(st->ip_in_hdr_errors, 2);

	/* IHL 15 beyond the frame */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	frame_ip(p)->ihl = 15;
	net_frame_input(f->eth, p);
	assert_int_equal(st->ip_in_hdr_errors, 3);

	/* version 6 in an IPv4 frame */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	frame_ip(p)->version = 6;
	refresh_csum(p);
	net_frame_input(f->eth, p);
	assert_int_equal(st->ip_in_hdr_errors, 4);

	/* bad checksum */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	frame_ip(p)->check ^= 0x1234;
	net_frame_input(f->eth, p);
	assert_int_equal(st->ip_in_csum_errors, 1);
	assert_int_equal(st->ip_in_hdr_errors, 5);

	/* total length beyond the frame */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	frame_ip(p)->tot_len = htons(400);
	refresh_csum(p);
	net_frame_input(f->eth, p);
	assert_int_equal(st->ip_in_discards, 1);

	/* total length below the header */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	frame_ip(p)->tot_len = htons(12);
	refresh_csum(p);
	net_frame_input(f->eth, p);
	assert_int_equal(st->ip_in_hdr_errors, 6);

	/* not ours (no forwarding), a martian source */
	net_frame_input(f->eth, frame_ip4(ip("10.0.0.1"), ip("10.0.0.9"), IPPROTO_UDP, 8));
	net_frame_input(f->eth, frame_ip4(ip("127.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8));
	assert_int_equal(st->ip_in_addr_errors, 2);

	/* a frame for another MAC */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	p->data[5] = 0x77;
	net_frame_input(f->eth, p);

	assert_int_equal(udp_got, 0);
	assert_int_equal(cap_count, 0);
	/* and a good one gets through, Ethernet padding trimmed */
	p = frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8);
	uint8_t pad[64] = {0};
	memcpy(pad, p->data, p->len);
	size_t len = p->len;
	pkt_put(p);
	net_frame_input(f->eth, pkt_from(pad, len < 60 ? 60 : len));
	assert_int_equal(udp_got, 1);
	assert_int_equal(udp_len, 8);
	assert_int_equal(st->ip_in_delivers, 1);
}

static void test_interface_down_drops(void **state)
{
	struct fx *f = *state;
	net_iface_set_up(f->eth, false);
	net_frame_input(f->eth, frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), IPPROTO_UDP, 8));
	assert_int_equal(udp_got, 0);
	assert_int_equal(f->eth->stats.rx_dropped, 1);
}

static void test_unknown_protocol_answered(void **state)
{
	struct fx *f = *state;
	net_frame_input(f->eth, frame_ip4(ip("10.0.0.1"), ip("10.0.0.2"), 253, 16));
	assert_int_equal(f->ns->stats.ip_in_unknown_protos, 1);
	struct pkt *p = cap_take();
	assert_non_null(p);
	struct iphdr *h = frame_ip(p);
	assert_int_equal(h->protocol, IPPROTO_ICMP);
	assert_int_equal(h->daddr, ip("10.0.0.1"));
	assert_int_equal(h->saddr, ip("10.0.0.2"));
	uint8_t *ic = p->data + 14 + 20;
	assert_int_equal(ic[0], ICMP_DEST_UNREACH);
	assert_int_equal(ic[1], ICMP_PROT_UNREACH);
	/* the quoted header is the offending one */
	assert_int_equal(((struct iphdr *)(ic + 8))->protocol, 253);
	assert_int_equal(inet_csum_fold(inet_csum_add(0, ic, p->len - 34)), 0);
	pkt_put(p);
	/* never answered when sent to a broadcast */
	net_frame_input(f->eth, frame_ip4(ip("10.0.0.1"), ip("10.0.0.255"), 253, 16));
	assert_int_equal(cap_count, 0);
}

static void test_output_header(void **state)
{
	struct fx *f = *state;
	struct ip4_tx tx = {.dst = ip("10.0.0.1"), .proto = IPPROTO_UDP, .tos = 0x10, .df = true};
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 100), &tx), 0);
	struct pkt *p = cap_take();
	assert_non_null(p);
	assert_memory_equal(p->data, peer_mac, 6);
	assert_memory_equal(p->data + 6, our_mac, 6);
	struct iphdr *h = frame_ip(p);
	assert_int_equal(h->version, 4);
	assert_int_equal(h->ihl, 5);
	assert_int_equal(h->ttl, 64);
	assert_int_equal(h->tos, 0x10);
	assert_int_equal(ntohs(h->tot_len), 128);
	assert_int_equal(h->frag_off, htons(IP_DF));
	assert_int_equal(h->saddr, ip("10.0.0.2"));
	assert_int_equal(inet_csum_fold(inet_csum_add(0, h, 20)), 0);
	pkt_put(p);
	assert_int_equal(f->ns->stats.ip_out_requests, 1);
}

static void test_output_errors(void **state)
{
	struct fx *f = *state;
	struct ip4_tx tx = {.dst = ip("192.168.9.9"), .proto = IPPROTO_UDP};
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), -ENETUNREACH);
	assert_int_equal(f->ns->stats.ip_out_no_routes, 1);
	tx.dst = ip("10.0.0.255");
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), -EACCES);
	tx.allow_broadcast = true;
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 10), &tx), 0);
	struct pkt *p = cap_take();
	assert_memory_equal(p->data, "\xff\xff\xff\xff\xff\xff", 6);
	pkt_put(p);
	/* and local sockets hear it too, through lo, flagged as a broadcast */
	assert_int_equal(udp_got, 0);
	run_now();
	assert_int_equal(udp_got, 1);
	assert_true(udp_bcast);
	tx = (struct ip4_tx){.dst = ip("10.0.0.1"), .proto = IPPROTO_UDP, .df = true};
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 2000), &tx), -EMSGSIZE);
	assert_int_equal(ip4_output(f->ns, udp_payload(0, 0, 65530), &tx), -EMSGSIZE);
	assert_int_equal(cap_count, 0);
}

static void test_hdrincl(void **state)
{
	struct fx *f = *state;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, 28);
	memset(p->data, 0, 28);
	struct iphdr *h = (struct iphdr *)p->data;
	h->version = 4;
	h->ihl = 5;
	h->ttl = 9;
	h->protocol = 200;
	h->daddr = ip("10.0.0.1");
	assert_int_equal(ip4_output_hdrincl(f->ns, p, NULL), 0);
	p = cap_take();
	h = frame_ip(p);
	assert_int_equal(ntohs(h->tot_len), 28);
	assert_int_equal(h->saddr, ip("10.0.0.2"));
	assert_int_not_equal(h->id, 0);
	assert_int_equal(h->ttl, 9);
	assert_int_equal(inet_csum_fold(inet_csum_add(0, h, 20)), 0);
	pkt_put(p);
	/* a header longer than the packet */
	p = pkt_alloc(PKT_HEADROOM, 20);
	memset(p->data, 0, 20);
	((struct iphdr *)p->data)->ihl = 6;
	assert_int_equal(ip4_output_hdrincl(f->ns, p, NULL), -EINVAL);
}

static void test_route_src(void **state)
{
	struct fx *f = *state;
	uint32_t src;
	int mtu;
	assert_int_equal(ip4_route_src(f->ns, ip("10.0.0.77"), NULL, &src, &mtu), 0);
	assert_int_equal(src, ip("10.0.0.2"));
	assert_int_equal(mtu, 1500);
	assert_int_equal(ip4_route_src(f->ns, ip("127.0.0.1"), NULL, &src, &mtu), 0);
	assert_int_equal(src, ip("127.0.0.1"));
	assert_int_equal(mtu, 65536);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bad_frames_counted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_interface_down_drops, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_protocol_answered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_output_header, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_output_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hdrincl, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_route_src, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
