/* Unit tests for netstack/loopback.c and the netns life cycle: a local datagram is never
 * delivered inside the sender's call but from the loop's next timer run, in order, with
 * counters; lo down drops; teardown frees queued frames; the lazily made namespace. */
#include "tests/unit/netstack/core_test.h"

static int got;
static uint32_t last_src, last_dst;
static struct net_iface *last_if;
void udp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	got++;
	last_src = rx->src;
	last_dst = rx->dst;
	last_if = rx->iface;
	pkt_put(p);
}

static void test_async_delivery(void **state)
{
	long pkts = pkt_live;
	struct netns *ns = ns_lo();
	got = 0;
	struct ip4_tx tx = {.dst = ip("127.0.0.1"), .proto = IPPROTO_UDP};
	assert_int_equal(ip4_output(ns, udp_payload(0, 0, 20), &tx), 0);
	assert_int_equal(ip4_output(ns, udp_payload(0, 0, 20), &tx), 0);
	/* nothing arrived inside the sender's calls */
	assert_int_equal(got, 0);
	assert_int_equal(loopback_queued(ns->lo), 2);
	run_now();
	assert_int_equal(got, 2);
	assert_int_equal(last_src, ip("127.0.0.1"));
	assert_int_equal(last_dst, ip("127.0.0.1"));
	assert_ptr_equal(last_if, ns->lo);
	assert_int_equal(ns->lo->stats.tx_packets, 2);
	assert_int_equal(ns->lo->stats.rx_packets, 2);
	assert_int_equal(ns->lo->stats.rx_bytes, ns->lo->stats.tx_bytes);
	/* another of 127/8 is local too, sourced from lo's 127.0.0.1 as on Linux */
	tx.dst = ip("127.3.2.1");
	assert_int_equal(ip4_output(ns, udp_payload(0, 0, 5), &tx), 0);
	run_now();
	assert_int_equal(got, 3);
	/* from the prefix route's source, as Linux's local 127.0.0.0/8 route */
	assert_int_equal(last_src, ip("127.0.0.1"));
	assert_int_equal(last_dst, ip("127.3.2.1"));
	netns_put(ns);
	assert_int_equal(pkt_live, pkts);
}

static void test_local_address_through_lo(void **state)
{
	long pkts = pkt_live;
	struct netns *ns = ns_lo();
	struct net_iface *eth = eth_add(ns, "eth0", "10.0.0.2", 24);
	cap_flush(); /* the gratuitous ARP */
	uint64_t tx_before = eth->stats.tx_packets;
	got = 0;
	struct ip4_tx tx = {.dst = ip("10.0.0.2"), .proto = IPPROTO_UDP};
	assert_int_equal(ip4_output(ns, udp_payload(0, 0, 3000), &tx), 0);
	assert_int_equal(cap_count, 0); /* nothing on the wire */
	run_now();
	assert_int_equal(got, 1);
	assert_ptr_equal(last_if, ns->lo);
	assert_int_equal(eth->stats.tx_packets, tx_before);
	netns_put(ns);
	leak_check(pkts);
}

static void test_down_and_teardown(void **state)
{
	long pkts = pkt_live;
	struct netns *ns = ns_lo();
	got = 0;
	struct ip4_tx tx = {.dst = ip("127.0.0.1"), .proto = IPPROTO_UDP};
	/* queued, then the namespace goes: the frames are freed, never delivered */
	assert_int_equal(ip4_output(ns, udp_payload(0, 0, 20), &tx), 0);
	assert_int_equal(ip4_output(ns, udp_payload(0, 0, 20), &tx), 0);
	netns_put(ns);
	run_now();
	assert_int_equal(got, 0);
	assert_int_equal(pkt_live, pkts);
	/* lo down: no route to 127.0.0.1 */
	ns = ns_lo();
	net_iface_set_up(ns->lo, false);
	assert_int_equal(ip4_output(ns, udp_payload(0, 0, 20), &tx), -ENETUNREACH);
	netns_put(ns);
	assert_int_equal(pkt_live, pkts);
}

static void test_lazy_current_namespace(void **state)
{
	long pkts = pkt_live;
	struct netns *ns = net_current_ns();
	assert_non_null(ns);
	assert_ptr_equal(net_current_ns(), ns);
	assert_true(ns->lo->flags & IFF_UP);
	assert_true(net_addr_is_local(ns, ip("127.0.0.1")));
	struct netns *other = netns_new();
	assert_false(other->lo->flags & IFF_UP); /* a new namespace: lo down, no address */
	assert_true(list_empty(&other->lo->addrs));
	net_set_current_ns(other);
	netns_put(other);
	assert_ptr_equal(net_current_ns(), other);
	net_set_current_ns(NULL);
	assert_int_equal(pkt_live, pkts);
}

static void test_iface_admin(void **state)
{
	long pkts = pkt_live;
	struct netns *ns = ns_lo();
	struct net_iface *eth = eth_add(ns, "eth0", NULL, 0);
	assert_null(net_iface_add(ns, "eth0", ARPHRD_ETHER, &cap_ops, NULL));
	assert_null(net_iface_add(ns, "bad/name", ARPHRD_ETHER, &cap_ops, NULL));
	assert_int_equal(eth->ifindex, 2);
	assert_ptr_equal(net_iface_by_index(ns, 2), eth);
	assert_ptr_equal(net_iface_by_name(ns, "lo"), ns->lo);
	assert_int_equal(net_iface_rename(eth, "wan0"), -EBUSY);
	net_iface_set_up(eth, false);
	assert_int_equal(net_iface_rename(eth, "lo"), -EEXIST);
	assert_int_equal(net_iface_rename(eth, "wan0"), 0);
	assert_ptr_equal(net_iface_by_name(ns, "wan0"), eth);
	assert_int_equal(net_iface_set_mtu(eth, 67), -EINVAL);
	assert_int_equal(net_iface_set_mtu(eth, 9000), 0);
	assert_int_equal(eth->mtu, 9000);
	assert_int_equal(net_addr_add(eth, ip("10.1.1.1"), 33, 0, NULL), -EINVAL);
	assert_int_equal(net_addr_add(eth, ip("10.1.1.1"), 24, 0, "wan0:1"), 0);
	struct net_ifaddr *ifa = list_first_entry(&eth->addrs, struct net_ifaddr, link);
	assert_string_equal(ifa->label, "wan0:1");
	assert_int_equal(ifa->broadcast, ip("10.1.1.255"));
	assert_ptr_equal(net_addr_owner(ns, ip("10.1.1.1")), eth);
	net_iface_remove(eth);
	assert_null(net_addr_owner(ns, ip("10.1.1.1")));
	netns_put(ns);
	leak_check(pkts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_async_delivery),
	    cmocka_unit_test(test_local_address_through_lo),
	    cmocka_unit_test(test_down_and_teardown),
	    cmocka_unit_test(test_lazy_current_namespace),
	    cmocka_unit_test(test_iface_admin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
