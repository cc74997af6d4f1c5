/* Unit tests for netstack/veth.c and moving interfaces between namespaces: a pair across
 * two namespaces (peer created first, random local MACs), carrier only while both ends
 * are up, ARP and a UDP datagram crossing on the loop's next turns (never inside the
 * sender's call), drops without a peer up, net_iface_move taking addresses away and
 * keeping or renumbering the ifindex, deleting one end deleting both, a namespace's
 * teardown taking its pair with it; namespace ids (given, kept, forgotten with their
 * namespace). Every test ends with no packet alive. */
#include "tests/unit/netstack/core_test.h"
#include "netstack/veth.h"

static int got;
static uint32_t last_src;
static struct netns *last_ns;
static struct net_iface *last_if;
void udp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	got++;
	last_src = rx->src;
	last_ns = ns;
	last_if = rx->iface;
	pkt_put(p);
}

static void test_create_and_carrier(void **state)
{
	long pkts = pkt_live;
	struct netns *a = ns_lo(), *b = ns_lo();
	struct net_iface *d, *p;
	assert_int_equal(veth_create(a, "va", b, "vb", &d, &p), 0);
	assert_ptr_equal(d->ns, a);
	assert_ptr_equal(p->ns, b);
	assert_string_equal(d->name, "va");
	assert_ptr_equal(veth_peer(d), p);
	assert_ptr_equal(veth_peer(p), d);
	assert_true(is_veth(d));
	assert_false(is_veth(a->lo));
	/* locally administered unicast MACs */
	assert_int_equal(d->hwaddr[0] & 3, 2);
	assert_int_equal(p->hwaddr[0] & 3, 2);
	/* one end up: no carrier; both: carrier on both; one down: off on both */
	net_iface_set_up(d, true);
	assert_true(d->flags & IFF_UP);
	assert_false(d->flags & IFF_LOWER_UP);
	net_iface_set_up(p, true);
	assert_true(d->flags & IFF_LOWER_UP);
	assert_true(p->flags & IFF_LOWER_UP);
	net_iface_set_up(d, false);
	assert_false(p->flags & IFF_LOWER_UP);
	assert_false(d->flags & (IFF_LOWER_UP | IFF_RUNNING));
	/* names: taken, invalid, templates */
	struct net_iface *x, *y;
	assert_int_equal(veth_create(a, "va", a, "vz", &x, &y), -EEXIST);
	assert_null(net_iface_by_name(a, "vz")); /* the peer made first went again */
	assert_int_equal(veth_create(a, "a/b", a, NULL, &x, &y), -EINVAL);
	assert_int_equal(veth_create(a, NULL, a, NULL, &x, &y), 0);
	assert_string_equal(y->name, "veth0");
	assert_string_equal(x->name, "veth1");
	netns_put(a);
	/* a's teardown removed both its pairs: b has lo alone */
	assert_null(net_iface_by_name(b, "vb"));
	assert_ptr_equal(list_first_entry(&b->ifaces, struct net_iface, link), b->lo);
	assert_ptr_equal(b->ifaces.next->next, &b->ifaces); /* lo alone */
	netns_put(b);
	leak_check(pkts);
}

static void test_frames_cross(void **state)
{
	long pkts = pkt_live;
	struct netns *a = ns_lo(), *b = ns_lo();
	struct net_iface *d, *p;
	assert_int_equal(veth_create(a, "va", b, "vb", &d, &p), 0);
	assert_int_equal(net_addr_add(d, ip("10.1.0.1"), 24, 0, NULL), 0);
	assert_int_equal(net_addr_add(p, ip("10.1.0.2"), 24, 0, NULL), 0);
	/* peer down: dropped, counted, the sender is not told */
	net_iface_set_up(d, true);
	struct ip4_tx tx = {.dst = ip("10.1.0.2"), .proto = IPPROTO_UDP};
	assert_int_equal(ip4_output(a, udp_payload(0, 0, 10), &tx), 0);
	run_now();
	assert_true(d->stats.tx_dropped >= 1);
	run_ahead(4000000000LL); /* ARP gives up */
	run_now();
	net_iface_set_up(p, true);
	run_now(); /* the gratuitous ARP of p's address crosses */
	got = 0;
	assert_int_equal(ip4_output(a, udp_payload(0, 0, 100), &tx), 0);
	assert_int_equal(got, 0); /* not inside the sender's call */
	run_now();		   /* ARP request, reply, then the datagram */
	assert_int_equal(got, 1);
	assert_ptr_equal(last_ns, b);
	assert_ptr_equal(last_if, p);
	assert_int_equal(last_src, ip("10.1.0.1"));
	assert_true(p->stats.rx_packets >= 2);
	/* and back */
	tx.dst = ip("10.1.0.1");
	assert_int_equal(ip4_output(b, udp_payload(0, 0, 100), &tx), 0);
	run_now();
	assert_int_equal(got, 2);
	assert_ptr_equal(last_ns, a);
	/* frames queued for an end that goes are freed with it */
	assert_int_equal(ip4_output(b, udp_payload(0, 0, 100), &tx), 0);
	net_iface_remove(p);
	assert_null(net_iface_by_name(a, "va"));
	run_now();
	assert_int_equal(got, 2);
	netns_put(a);
	netns_put(b);
	leak_check(pkts);
}

static void test_move(void **state)
{
	long pkts = pkt_live;
	struct netns *a = ns_lo(), *b = ns_lo();
	struct net_iface *d, *p;
	assert_int_equal(veth_create(a, "va", a, "vb", &d, &p), 0);
	assert_int_equal(p->ifindex, 2);
	assert_int_equal(d->ifindex, 3);
	assert_int_equal(net_addr_add(p, ip("10.2.0.2"), 24, 0, NULL), 0);
	net_iface_set_up(p, true);
	/* lo cannot move; a name taken there refuses; moving to its own namespace is a no-op */
	assert_int_equal(net_iface_move(a->lo, b, NULL), -EINVAL);
	assert_int_equal(net_iface_move(p, b, "lo"), -EEXIST);
	assert_int_equal(net_iface_move(p, a, NULL), 0);
	assert_int_equal(net_iface_move(p, b, NULL), 0);
	assert_ptr_equal(p->ns, b);
	assert_null(net_iface_by_name(a, "vb"));
	assert_ptr_equal(net_iface_by_name(b, "vb"), p);
	assert_int_equal(p->ifindex, 2); /* free there: kept */
	assert_false(p->flags & IFF_UP);  /* down, addresses gone */
	assert_true(list_empty(&p->addrs));
	assert_false(net_addr_is_local(a, ip("10.2.0.2")));
	/* b allocates around the index p brought; d's index 3 is taken there: renumbered */
	struct net_iface *x, *y;
	assert_int_equal(veth_create(b, "ve", b, "vf", &x, &y), 0);
	assert_int_equal(y->ifindex, 3);
	assert_int_equal(x->ifindex, 4);
	assert_int_equal(net_iface_move(d, b, "va2"), 0);
	assert_string_equal(d->name, "va2");
	assert_int_equal(d->ifindex, 5);
	assert_ptr_equal(net_iface_by_index(b, 5), d);
	assert_ptr_equal(veth_peer(p), d); /* still a pair */
	/* back to a, where 2 is free again: kept */
	assert_int_equal(net_iface_move(p, a, NULL), 0);
	assert_int_equal(p->ifindex, 2);
	/* the list stays ordered by ifindex */
	int last = 0;
	struct net_iface *i;
	list_for_each_entry(i, &b->ifaces, link) {
		assert_true(i->ifindex > last);
		last = i->ifindex;
	}
	netns_put(b); /* takes d, and p in a with it */
	assert_true(a->ifaces.next->next == &a->ifaces);
	netns_put(a);
	leak_check(pkts);
}

static void test_namespace_ids(void **state)
{
	long pkts = pkt_live;
	struct netns *a = ns_lo(), *b = ns_lo(), *c = ns_lo();
	assert_int_equal(netns_id_of(a, a, true), -1); /* none for itself */
	assert_int_equal(netns_id_of(a, b, false), -1);
	assert_int_equal(netns_id_of(a, b, true), 0); /* the lowest free */
	assert_int_equal(netns_id_of(a, b, true), 0); /* kept */
	assert_int_equal(netns_id_set(a, c, 0), -EEXIST);
	assert_int_equal(netns_id_set(a, c, 5), 0);
	assert_int_equal(netns_id_set(a, c, 6), -EEXIST);
	assert_ptr_equal(netns_by_id(a, 5), c);
	assert_null(netns_by_id(a, 1));
	assert_int_equal(netns_id_of(b, a, true), 0); /* each namespace numbers its own */
	netns_put(c); /* a forgets it */
	assert_null(netns_by_id(a, 5));
	assert_int_equal(netns_id_of(a, b, false), 0);
	netns_put(b);
	assert_null(netns_by_id(a, 0));
	netns_put(a);
	leak_check(pkts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_namespace_ids),
	    cmocka_unit_test(test_create_and_carrier),
	    cmocka_unit_test(test_frames_cross),
	    cmocka_unit_test(test_move),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
