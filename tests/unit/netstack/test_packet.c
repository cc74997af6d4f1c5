/* Unit tests for netstack/packet.c and packet_bpf.c: the classic BPF checker (Linux's
 * EINVAL cases) and interpreter (loads, ALU, jumps, scratch memory, out-of-range loads,
 * ancillary data), AF_PACKET delivery on lo (ETH_P_ALL in and out, one ethertype, SOCK_DGRAM
 * stripping, sockaddr_ll, a filter's cut), sends, memberships and promiscuous mode,
 * options. Every test ends with no socket or packet alive. */
#include "tests/unit/netstack/test_inet_util.h"
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if_arp.h>
#include <net/if.h>
#include <stdlib.h>
#include "netstack/packet.h"

extern const struct net_family_ops net_packet_family;
static const void *volatile linked[] = {&net_packet_family, &net_udp_ops};

static struct net_bpf *prog(const struct sock_filter *f, int n, int *err)
{
	return net_bpf_new(f, n, err);
}

static void test_bpf_check(void **state)
{
	int err;
	struct sock_filter ok[] = {BPF_STMT(BPF_RET | BPF_K, 0xffff)};
	struct net_bpf *p = prog(ok, 1, &err);
	assert_non_null(p);
	free(p);
	assert_null(prog(ok, 0, &err));
	assert_int_equal(err, -EINVAL);
	struct sock_filter noret[] = {BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0)};
	assert_null(prog(noret, 1, &err));
	assert_int_equal(err, -EINVAL);
	struct sock_filter div0[] = {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
				     BPF_STMT(BPF_RET | BPF_A, 0)};
	assert_null(prog(div0, 2, &err));
	struct sock_filter shift[] = {BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32),
				      BPF_STMT(BPF_RET | BPF_A, 0)};
	assert_null(prog(shift, 2, &err));
	struct sock_filter jump[] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
				     BPF_STMT(BPF_RET | BPF_K, 1)};
	assert_null(prog(jump, 2, &err)); /* jf past the end */
	struct sock_filter ja[] = {BPF_STMT(BPF_JMP | BPF_JA, 1), BPF_STMT(BPF_RET | BPF_K, 1)};
	assert_null(prog(ja, 2, &err));
	struct sock_filter mem[] = {BPF_STMT(BPF_LD | BPF_MEM, 3), BPF_STMT(BPF_RET | BPF_A, 0)};
	assert_null(prog(mem, 2, &err)); /* read before written */
	struct sock_filter mem16[] = {BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_A, 0)};
	assert_null(prog(mem16, 2, &err));
	/* written on one path only */
	struct sock_filter half[] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
				     BPF_STMT(BPF_ST, 2), BPF_STMT(BPF_LD | BPF_MEM, 2),
				     BPF_STMT(BPF_RET | BPF_A, 0)};
	assert_null(prog(half, 4, &err));
	struct sock_filter badop[] = {{0xff, 0, 0, 0}, BPF_STMT(BPF_RET | BPF_K, 1)};
	assert_null(prog(badop, 2, &err));
	struct sock_filter anc[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_NLATTR),
				    BPF_STMT(BPF_RET | BPF_A, 0)};
	assert_null(prog(anc, 2, &err));
	assert_int_equal(err, -EINVAL);
}

static void test_bpf_run(void **state)
{
	int err;
	uint8_t data[8] = {0x12, 0x34, 0x56, 0x78, 0x45, 0, 0, 9};
	struct net_bpf_ctx c = {.data = data, .len = 8, .mac_off = -1, .net_off = 4,
				.protocol = ETH_P_IP, .pkttype = PACKET_HOST, .ifindex = 3};
	/* A = word at 0; if A == 0x12345678 return len * 2 (through M[1] and X) else 1 */
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12345678, 0, 5),
	    BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
	    BPF_STMT(BPF_ST, 1),
	    BPF_STMT(BPF_LDX | BPF_MEM, 1),
	    BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
	    BPF_STMT(BPF_RET | BPF_A, 0),
	    BPF_STMT(BPF_RET | BPF_K, 1),
	};
	struct net_bpf *p = prog(f, 8, &err);
	assert_non_null(p);
	assert_int_equal(net_bpf_run(p, &c), 16);
	data[0] = 0;
	assert_int_equal(net_bpf_run(p, &c), 1);
	free(p);
	/* out-of-range load ends with 0; SKF_NET_OFF and MSH; ancillary */
	struct sock_filter g[] = {BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 7), BPF_STMT(BPF_RET | BPF_K, 5)};
	p = prog(g, 2, &err);
	assert_int_equal(net_bpf_run(p, &c), 0);
	free(p);
	struct sock_filter h[] = {BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 4),
				  BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (uint32_t)SKF_NET_OFF + 3),
				  BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
				  BPF_STMT(BPF_RET | BPF_A, 0)};
	p = prog(h, 4, &err);
	assert_int_equal(net_bpf_run(p, &c), 9 + 20); /* byte 7, plus (0x45 & 15) * 4 */
	free(p);
	struct sock_filter a[] = {
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, (uint32_t)SKF_AD_OFF + SKF_AD_PROTOCOL),
	    BPF_STMT(BPF_MISC | BPF_TAX, 0),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)SKF_AD_OFF + SKF_AD_IFINDEX),
	    BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
	    BPF_STMT(BPF_RET | BPF_A, 0)};
	p = prog(a, 5, &err);
	assert_int_equal(net_bpf_run(p, &c), ETH_P_IP + 3);
	free(p);
	struct sock_filter d[] = {BPF_STMT(BPF_LDX | BPF_IMM, 0), BPF_STMT(BPF_LD | BPF_IMM, 7),
				  BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), BPF_STMT(BPF_RET | BPF_K, 9)};
	p = prog(d, 4, &err);
	assert_int_equal(net_bpf_run(p, &c), 0); /* division by a zero X */
	free(p);
}

/* Random programs (seeded): whatever the checker accepts runs over random data without
 * reading outside it (valgrind/ASan watch) and ends. */
static void test_bpf_random(void **state)
{
	static const uint16_t codes[] = {
	    BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_ABS,
	    BPF_LD | BPF_MEM, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX,
	    BPF_ALU | BPF_ADD | BPF_X, BPF_ALU | BPF_DIV | BPF_X, BPF_ALU | BPF_MOD | BPF_K,
	    BPF_ALU | BPF_RSH | BPF_X, BPF_MISC | BPF_TAX, BPF_JMP | BPF_JA,
	    BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JSET | BPF_X, BPF_RET | BPF_A, BPF_RET | BPF_K};
	uint32_t seed = 12345;
	uint8_t data[64];
	int accepted = 0;
	for (int iter = 0; iter < 3000; iter++) {
		struct sock_filter f[12];
		int n = 1 + (int)(seed % 12);
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			f[i].code = codes[(seed >> 8) % (sizeof(codes) / sizeof(codes[0]))];
			f[i].jt = (uint8_t)(seed >> 3) % 4;
			f[i].jf = (uint8_t)(seed >> 5) % 4;
			f[i].k = (seed >> 16) % 4 == 0 ? (uint32_t)SKF_NET_OFF + (seed % 80)
								: (seed >> 12) % 70;
		}
		f[n - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
		for (size_t i = 0; i < sizeof(data); i++)
			data[i] = (uint8_t)(seed >> (i % 24));
		int err;
		struct net_bpf *p = net_bpf_new(f, n, &err);
		if (!p) {
			assert_int_equal(err, -EINVAL);
			continue;
		}
		accepted++;
		struct net_bpf_ctx c = {.data = data, .len = sizeof(data) - (seed % 20), .start = 14,
					.mac_off = 0, .net_off = 14};
		(void)net_bpf_run(p, &c);
		free(p);
	}
	assert_true(accepted > 100);
}

static struct net_socket *pk_new(int type, uint16_t proto, int ifindex)
{
	struct net_socket *s = NULL;
	struct net_call c = inet_call();
	assert_int_equal(net_socket_create(AF_PACKET, type, htons(proto), &s), 0);
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
	assert_int_equal(s->ops->bind(s, &c, &sll, sizeof(sll)), 0);
	return s;
}

static ssize_t pk_recv(struct net_socket *s, void *buf, size_t len, struct sockaddr_ll *sll,
		       struct net_msg *out)
{
	struct net_call c = inet_call();
	struct net_msg m = {.buf = buf, .len = len, .flags = MSG_DONTWAIT};
	ssize_t n = s->ops->recvmsg(s, &c, &m);
	if (sll)
		memcpy(sll, &m.from, sizeof(*sll));
	if (out)
		*out = m;
	return n;
}

static void test_packet_delivery(void **state)
{
	struct netns *ns = net_current_ns();
	int lo = ns->lo->ifindex;
	struct net_socket *all = pk_new(SOCK_RAW, ETH_P_ALL, lo), *ip = pk_new(SOCK_DGRAM, ETH_P_IP, lo),
			  *arp = pk_new(SOCK_RAW, ETH_P_ARP, 0);
	struct net_socket *u = sk_new(SOCK_DGRAM, 0);
	uint8_t buf[256];
	struct sockaddr_ll sll;
	assert_int_equal(sk_bind(u, "127.0.0.1", 42000), 0);
	assert_int_equal(sk_sendto(u, "frame!", 6, "127.0.0.1", 42000, 0), 6);
	drain();
	/* ETH_P_ALL: outgoing then incoming, whole frames */
	assert_int_equal(pk_recv(all, buf, sizeof(buf), &sll, NULL), 14 + 20 + 8 + 6);
	assert_int_equal(sll.sll_pkttype, PACKET_OUTGOING);
	assert_int_equal(buf[12], 0x08);
	assert_int_equal(pk_recv(all, buf, sizeof(buf), &sll, NULL), 14 + 20 + 8 + 6);
	assert_int_equal(sll.sll_pkttype, PACKET_HOST);
	assert_int_equal(sll.sll_ifindex, lo);
	assert_int_equal(sll.sll_hatype, ARPHRD_LOOPBACK);
	assert_int_equal(sll.sll_protocol, htons(ETH_P_IP));
	assert_int_equal(pk_recv(all, buf, sizeof(buf), NULL, NULL), -EAGAIN);
	/* ETH_P_IP SOCK_DGRAM: incoming only, from the IP header */
	assert_int_equal(pk_recv(ip, buf, sizeof(buf), &sll, NULL), 20 + 8 + 6);
	assert_int_equal(buf[0], 0x45);
	assert_memory_equal(buf + 28, "frame!", 6);
	assert_int_equal(pk_recv(ip, buf, sizeof(buf), NULL, NULL), -EAGAIN);
	assert_int_equal(pk_recv(arp, buf, sizeof(buf), NULL, NULL), -EAGAIN); /* not ARP */
	assert_int_equal(sk_recv(u, buf, sizeof(buf), 0, NULL, NULL), 6);
	/* a filter cutting to 20 bytes, PACKET_AUXDATA */
	struct net_call c = inet_call();
	struct sock_filter f[] = {BPF_STMT(BPF_RET | BPF_K, 20)};
	struct sock_fprog fp = {.len = 1, .filter = f};
	assert_int_equal(net_socket_setsockopt(ip, &c, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)), 0);
	int one = 1;
	assert_int_equal(net_socket_setsockopt(ip, &c, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)), 0);
	assert_int_equal(sk_sendto(u, "frame!", 6, "127.0.0.1", 42000, 0), 6);
	drain();
	char ctl[128];
	struct net_msg m = {.buf = buf, .len = sizeof(buf), .flags = MSG_DONTWAIT | MSG_TRUNC,
			    .cmsg_out = ctl, .cmsg_out_cap = sizeof(ctl)};
	assert_int_equal(ip->ops->recvmsg(ip, &c, &m), 20);
	struct tpacket_auxdata aux;
	memcpy(&aux, CMSG_DATA((struct cmsghdr *)ctl), sizeof(aux));
	assert_int_equal(aux.tp_len, 34);
	assert_int_equal(aux.tp_snaplen, 20);
	assert_int_equal(net_socket_setsockopt(ip, &c, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof(one)), 0);
	assert_int_equal(net_socket_setsockopt(ip, &c, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof(one)), -ENOENT);
	struct tpacket_stats st;
	socklen_t l = sizeof(st);
	assert_int_equal(net_socket_getsockopt(ip, &c, SOL_PACKET, PACKET_STATISTICS, &st, &l), 0);
	assert_int_equal(st.tp_packets, 2);
	assert_int_equal(st.tp_drops, 0);
	sk_close(u);
	sk_close(all);
	sk_close(ip);
	sk_close(arp);
	drain();
}

static void test_packet_send_and_options(void **state)
{
	struct netns *ns = net_current_ns();
	int lo = ns->lo->ifindex;
	struct net_socket *tx = pk_new(SOCK_DGRAM, ETH_P_IP, lo), *rx = pk_new(SOCK_RAW, ETH_P_ALL, lo);
	struct net_call c = inet_call();
	uint8_t ipkt[20] = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 253}, buf[128];
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				 .sll_ifindex = lo, .sll_halen = 6};
	struct net_msg m = {.buf = ipkt, .len = 20, .name = &to, .namelen = sizeof(to)};
	assert_int_equal(tx->ops->sendmsg(tx, &c, &m), 20);
	struct net_msg m2 = {.buf = ipkt, .len = 20};
	assert_int_equal(tx->ops->sendmsg(tx, &c, &m2), -EINVAL); /* DGRAM needs an address */
	m.namelen = sizeof(to) - 1;
	assert_int_equal(tx->ops->sendmsg(tx, &c, &m), -EINVAL);
	to.sll_ifindex = 99;
	m.namelen = sizeof(to);
	assert_int_equal(tx->ops->sendmsg(tx, &c, &m), -ENXIO);
	/* rx sees it go out (the sender itself does not) and come back */
	assert_int_equal(pk_recv(rx, buf, sizeof(buf), NULL, NULL), 34);
	assert_int_equal(buf[12], 0x08);
	assert_int_equal(buf[14], 0x45);
	drain();
	assert_int_equal(pk_recv(rx, buf, sizeof(buf), NULL, NULL), 34);
	assert_int_equal(pk_recv(tx, buf, sizeof(buf), NULL, NULL), 20); /* incoming copy */
	/* SOCK_RAW: shorter than an Ethernet header */
	struct net_msg m3 = {.buf = buf, .len = 10};
	assert_int_equal(rx->ops->sendmsg(rx, &c, &m3), -EINVAL);
	/* memberships and promiscuous mode */
	struct packet_mreq mr = {.mr_ifindex = lo, .mr_type = PACKET_MR_PROMISC};
	assert_int_equal(net_socket_setsockopt(rx, &c, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)), 0);
	assert_true(ns->lo->flags & IFF_PROMISC);
	assert_int_equal(net_socket_setsockopt(rx, &c, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, 4), -EINVAL);
	mr.mr_ifindex = 99;
	assert_int_equal(net_socket_setsockopt(rx, &c, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)), -ENODEV);
	assert_int_equal(net_socket_setsockopt(rx, &c, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof(mr)), -EADDRNOTAVAIL);
	mr.mr_ifindex = lo;
	assert_int_equal(net_socket_setsockopt(rx, &c, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof(mr)), 0);
	assert_false(ns->lo->flags & IFF_PROMISC);
	assert_int_equal(net_socket_setsockopt(rx, &c, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)), 0);
	assert_int_equal(net_socket_setsockopt(rx, &c, SOL_PACKET, PACKET_RX_RING, &mr, sizeof(mr)), -EOPNOTSUPP);
	assert_int_equal(net_socket_setsockopt(rx, &c, SOL_PACKET, 999, &mr, sizeof(mr)), -ENOPROTOOPT);
	struct sockaddr_storage ss;
	assert_int_equal(rx->ops->getname(rx, &ss, true), -EOPNOTSUPP);
	assert_int_equal(rx->ops->getname(rx, &ss, false), (int)offsetof(struct sockaddr_ll, sll_addr) + 6);
	struct net_socket *bad = NULL;
	assert_int_equal(net_socket_create(AF_PACKET, SOCK_STREAM, 0, &bad), -ESOCKTNOSUPPORT);
	sk_close(rx); /* its membership goes with it */
	assert_false(ns->lo->flags & IFF_PROMISC);
	sk_close(tx);
	drain();
	/* a socket dropped without a file (socketpair(2)'s EOPNOTSUPP path) leaves the list */
	struct net_socket *x = NULL;
	assert_int_equal(net_socket_create(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL), &x), 0);
	net_socket_put(x);
	struct net_socket *u = sk_new(SOCK_DGRAM, 0);
	assert_int_equal(sk_sendto(u, "x", 1, "127.0.0.1", 9, 0), 1);
	drain();
	sk_close(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bpf_check),
	    cmocka_unit_test(test_bpf_run),
	    cmocka_unit_test(test_bpf_random),
	    cmocka_unit_test_setup_teardown(test_packet_delivery, inet_setup, inet_teardown),
	    cmocka_unit_test_setup_teardown(test_packet_send_and_options, inet_setup, inet_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
