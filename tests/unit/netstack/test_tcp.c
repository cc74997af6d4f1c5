/* Unit tests for netstack/tcp*.c: two TCP endpoints in one namespace joined by a fake IPv4
 * layer (ip4_output is wrapped: segments wait on a "wire" that can drop, duplicate and
 * reorder them) on a fake clock (stimer_now_ns is wrapped; timers run from the stimer
 * heap). Covers the handshakes, data in both directions with loss and reordering,
 * retransmission and ETIMEDOUT, zero windows and probes, FIN/RST paths, TIME_WAIT, the
 * listen backlog and a SYN flood, sequence validation (challenge ACKs), keepalive, options,
 * poll bits and hostile segments. Every test ends with no socket and no packet alive. */
/* wrap: ip4_output ip4_route_src ip4_route_check_src stimer_now_ns net_addr_is_local */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/ip_icmp.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "netstack/tcp.h"

/* tcp_create and the ns hooks are weak references: pull the TCP objects in */
static const void *volatile linked[] = {&net_tcp_ops, tcp_sock_alloc, tcp_pkt_seq, tcp_pmtu_update};

/* ---- the fake clock ---- */
static int64_t g_now = 1000000000LL;
int64_t __wrap_stimer_now_ns(void)
{
	return g_now;
}

/* ---- the fake route ---- */
static int g_mtu = 65536;
int __wrap_ip4_route_src(struct netns *ns, uint32_t dst, struct net_iface *oif, uint32_t *src,
			 int *mtu)
{
	if (dst == htonl(0x0b000001))
		return -ENETUNREACH;
	*src = dst; /* every address here is ours */
	*mtu = g_mtu;
	return 0;
}

/* every address is ours (loopback): any source may be used */
int __wrap_ip4_route_check_src(struct netns *ns, uint32_t src, uint32_t dst, struct net_iface *oif)
{
	return dst == htonl(0x0b000001) ? -ENETUNREACH : 0;
}

bool __wrap_net_addr_is_local(struct netns *ns, uint32_t a)
{
	return (ntohl(a) >> 24) == 127;
}

/* ---- the fake wire ---- */
#define WIRE_MAX 65536
static struct wire {
	struct pkt *p;
	uint32_t src, dst;
} wire[WIRE_MAX];
static unsigned w_head, w_tail;
static int g_drop_every, g_dup_every, g_reorder, g_drop_all, g_drop_data_only;
static unsigned long g_tx, g_tx_data;
static struct net_iface fake_lo = {.flags = IFF_LOOPBACK | IFF_UP, .name = "lo"};
static struct netns *ns;
static long live0, pkt0;

static void wire_push(struct pkt *p, uint32_t src, uint32_t dst)
{
	if (w_tail - w_head >= WIRE_MAX) {
		pkt_put(p);
		return;
	}
	wire[w_tail % WIRE_MAX] = (struct wire){p, src, dst};
	w_tail++;
}

int __wrap_ip4_output(struct netns *n, struct pkt *p, const struct ip4_tx *tx)
{
	const struct tcp_hdr *th = (const struct tcp_hdr *)p->data;
	bool data = p->len > (size_t)((th->doff >> 4) * 4);
	g_tx++;
	if (data)
		g_tx_data++;
	if (g_drop_all || (g_drop_every && (!g_drop_data_only || data) &&
			   (g_drop_data_only ? g_tx_data : g_tx) % (unsigned)g_drop_every == 0)) {
		pkt_put(p);
		return 0;
	}
	if (g_dup_every && g_tx % (unsigned)g_dup_every == 0) {
		struct pkt *c = pkt_copy(p);
		if (c)
			wire_push(c, tx->src, tx->dst);
	}
	wire_push(p, tx->src, tx->dst);
	if (g_reorder && g_tx % 5 == 0 && w_tail - w_head >= 2) {
		struct wire t = wire[(w_tail - 1) % WIRE_MAX];
		wire[(w_tail - 1) % WIRE_MAX] = wire[(w_tail - 2) % WIRE_MAX];
		wire[(w_tail - 2) % WIRE_MAX] = t;
	}
	return 0;
}

static void input(struct pkt *p, uint32_t src, uint32_t dst)
{
	struct ip4_rx rx = {.src = src, .dst = dst, .proto = IPPROTO_TCP, .ttl = 64};
	rx.iface = (ntohl(dst) >> 24) == 127 ? &fake_lo : NULL;
	tcp_v4_input(ns, p, &rx);
}

/* Delivers every segment on the wire (and those their answers put there). */
static void deliver(void)
{
	for (int n = 0; w_head != w_tail && n < 1000000; n++) {
		struct wire w = wire[w_head % WIRE_MAX];
		w_head++;
		input(w.p, w.src, w.dst);
	}
}

/* Lets @ms of fake time pass in 1 ms steps, running timers and delivering. */
static void run_ms(int ms)
{
	deliver();
	for (int i = 0; i < ms; i++) {
		g_now += 1000000;
		stimer_run_expired(g_now);
		deliver();
	}
}

static void wire_flush(void)
{
	while (w_head != w_tail)
		pkt_put(wire[w_head++ % WIRE_MAX].p);
}

/* ---- sockets ---- */

static struct net_call call_nb(void)
{
	struct net_call c = {.cred = {.pid = 1, .uid = 0, .euid = 0}, .nonblock = true};
	return c;
}

static struct net_socket *mk(void)
{
	struct net_socket *s = NULL;
	assert_int_equal(tcp_create(ns, SOCK_STREAM, IPPROTO_TCP, &s), 0);
	return s;
}

static void sclose(struct net_socket *s)
{
	s->ops->release(s);
	net_socket_put(s);
}

static struct sockaddr_in sin_of(uint32_t addr_host, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(addr_host);
	return a;
}

static int sbind(struct net_socket *s, uint32_t addr, uint16_t port)
{
	struct net_call c = call_nb();
	struct sockaddr_in a = sin_of(addr, port);
	return s->ops->bind(s, &c, &a, sizeof(a));
}

static int sconnect(struct net_socket *s, uint32_t addr, uint16_t port)
{
	struct net_call c = call_nb();
	struct sockaddr_in a = sin_of(addr, port);
	return s->ops->connect(s, &c, &a, sizeof(a));
}

static ssize_t ssend(struct net_socket *s, const void *buf, size_t len)
{
	struct net_call c = call_nb();
	struct net_msg m = {.buf = (void *)buf, .len = len, .flags = MSG_DONTWAIT};
	return s->ops->sendmsg(s, &c, &m);
}

static ssize_t srecv(struct net_socket *s, void *buf, size_t len, int flags)
{
	struct net_call c = call_nb();
	struct net_msg m = {.buf = buf, .len = len, .flags = flags | MSG_DONTWAIT};
	return s->ops->recvmsg(s, &c, &m);
}

static int state_of(struct net_socket *s)
{
	return tcp_sk(s)->state;
}

#define LO 0x7f000001u

/* A listener on 127.0.0.1:@port and an established pair (client, accepted server). */
static struct net_socket *listener(uint16_t port, int backlog)
{
	struct net_socket *l = mk();
	assert_int_equal(sbind(l, LO, port), 0);
	struct net_call c = call_nb();
	assert_int_equal(l->ops->listen(l, &c, backlog), 0);
	return l;
}

static void pair(uint32_t addr, uint16_t port, struct net_socket **l, struct net_socket **cl,
		 struct net_socket **sv)
{
	struct net_call c = call_nb();
	*l = mk();
	struct sockaddr_in a = sin_of(addr == LO ? LO : 0, port);
	assert_int_equal((*l)->ops->bind(*l, &c, &a, sizeof(a)), 0);
	assert_int_equal((*l)->ops->listen(*l, &c, 16), 0);
	*cl = mk();
	assert_int_equal(sconnect(*cl, addr, port), -EINPROGRESS);
	assert_int_equal(sconnect(*cl, addr, port), -EALREADY);
	deliver();
	assert_int_equal(state_of(*cl), TCPS_ESTABLISHED);
	assert_int_equal(sconnect(*cl, addr, port), 0); /* the first call after: 0 */
	assert_int_equal(sconnect(*cl, addr, port), -EISCONN);
	assert_int_equal((*l)->ops->accept(*l, &c, sv), 0);
	assert_int_equal(state_of(*sv), TCPS_ESTABLISHED);
}

/* Moves @len bytes from @a to @b (running the clock as needed); checks the contents. */
static void transfer(struct net_socket *a, struct net_socket *b, size_t len, int max_ms)
{
	uint8_t *src = malloc(len), *dst = malloc(len);
	for (size_t i = 0; i < len; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 11));
	size_t sent = 0, got = 0;
	for (int ms = 0; got < len && ms < max_ms; ms++) {
		while (sent < len) {
			ssize_t n = ssend(a, src + sent, len - sent);
			if (n == -EAGAIN)
				break;
			assert_true(n > 0);
			sent += (size_t)n;
		}
		deliver();
		for (;;) {
			ssize_t n = srecv(b, dst + got, len - got, 0);
			if (n == -EAGAIN)
				break;
			assert_true(n > 0);
			got += (size_t)n;
		}
		if (got < len)
			run_ms(1);
	}
	assert_int_equal(got, len);
	assert_memory_equal(src, dst, len);
	free(src);
	free(dst);
}

/* Closes everything, lets TIME_WAIT pass, checks for leaks. */
static void finish(void)
{
	g_drop_all = g_drop_every = g_dup_every = g_reorder = g_drop_data_only = 0;
	run_ms(10);
	g_now += 61LL * 1000000000LL;
	stimer_run_expired(g_now);
	deliver();
	g_now += 200LL * 1000000000LL;
	stimer_run_expired(g_now);
	deliver();
	assert_int_equal(net_live_sockets, live0);
	assert_int_equal(pkt_live, pkt0);
}

static int setup(void **state)
{
	ns = netns_new();
	assert_non_null(ns);
	assert_non_null(ns->tcp);
	live0 = net_live_sockets;
	pkt0 = pkt_live;
	g_mtu = 65536;
	return 0;
}

static int teardown(void **state)
{
	wire_flush();
	netns_put(ns);
	ns = NULL;
	return 0;
}

/* ---- tests ---- */

static void test_handshake_echo_close(void **state)
{
	struct net_socket *l, *c, *s;
	char buf[64];
	pair(LO, 5000, &l, &c, &s);
	assert_true(l->listening);
	assert_int_equal(tcp_curr_estab(ns), 2);
	assert_int_equal(ssend(c, "hello", 5), 5);
	deliver();
	assert_int_equal(srecv(s, buf, 2, MSG_PEEK), 2);
	int v = 0;
	assert_int_equal(s->ops->ioctl(s, SIOCINQ, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(srecv(s, buf, sizeof(buf), 0), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(srecv(s, buf, sizeof(buf), 0), -EAGAIN);
	assert_int_equal(ssend(s, "world", 5), 5);
	deliver();
	assert_int_equal(srecv(c, buf, sizeof(buf), 0), 5);
	/* names */
	struct sockaddr_storage ss;
	assert_int_equal(c->ops->getname(c, &ss, true), sizeof(struct sockaddr_in));
	assert_int_equal(((struct sockaddr_in *)&ss)->sin_port, htons(5000));
	/* active close from the client: FIN_WAIT, then TIME_WAIT held by a clone */
	sclose(c);
	deliver();
	assert_true(s->ops->poll(s) & EPOLLRDHUP);
	assert_int_equal(srecv(s, buf, sizeof(buf), 0), 0);
	assert_int_equal(state_of(s), TCPS_CLOSE_WAIT);
	assert_int_equal(tcp_curr_estab(ns), 1); /* the server, in CLOSE_WAIT */
	sclose(s);
	deliver();
	assert_int_equal(tcp_curr_estab(ns), 0);
	assert_true(ns->tcp->norphans >= 1); /* the client's TIME_WAIT */
	sclose(l);
	finish();
	assert_int_equal(ns->tcp->norphans, 0);
}

static void test_refused_and_unreachable(void **state)
{
	struct net_socket *c = mk();
	uint64_t rsts = ns->stats.tcp_out_rsts;
	assert_int_equal(sconnect(c, LO, 5001), -EINPROGRESS);
	deliver();
	assert_true(ns->stats.tcp_out_rsts > rsts);
	uint32_t ev = c->ops->poll(c);
	assert_true(ev & EPOLLERR);
	assert_true(ev & EPOLLHUP);
	assert_int_equal(sconnect(c, LO, 5001), -ECONNREFUSED);
	assert_int_equal(sconnect(c, LO, 5001), -EINPROGRESS); /* a new attempt */
	deliver();
	int err = net_socket_take_error(c);
	assert_int_equal(err, -ECONNREFUSED);
	sclose(c);
	c = mk();
	assert_int_equal(sconnect(c, 0x0b000001, 80), -ENETUNREACH);
	sclose(c);
	finish();
}

static void test_bulk_with_loss(void **state)
{
	struct net_socket *l, *c, *s;
	g_mtu = 1500;
	pair(0x0a000001, 5002, &l, &c, &s); /* not loopback: checksums on */
	assert_int_equal(tcp_sk(c)->mss, 1500 - 40 - 12);
	g_drop_every = 13;
	g_drop_data_only = 1;
	g_reorder = 1;
	g_dup_every = 17;
	transfer(c, s, 3 << 20, 200000);
	assert_true(tcp_sk(c)->total_retrans > 0);
	g_drop_every = g_dup_every = g_reorder = 0;
	transfer(s, c, 200000, 10000);
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	assert_int_equal(c->ops->getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	assert_int_equal(ti.tcpi_state, TCPS_ESTABLISHED);
	assert_true(ti.tcpi_total_retrans > 0);
	assert_true(ti.tcpi_snd_cwnd > 0);
	assert_int_equal(ns->stats.tcp_in_csum_errors, 0);
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_timeout_etimedout(void **state)
{
	struct net_socket *l, *c, *s;
	pair(LO, 5003, &l, &c, &s);
	g_drop_all = 1;
	assert_int_equal(ssend(c, "x", 1), 1);
	run_ms(1000 * 1000); /* 15 retries take ~15 minutes */
	run_ms(1000 * 1000);
	assert_int_equal(state_of(c), TCPS_CLOSE);
	char b[4];
	assert_int_equal(srecv(c, b, 4, 0), -ETIMEDOUT);
	assert_int_equal(ssend(c, "x", 1), -EPIPE);
	g_drop_all = 0;
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_zero_window_and_probe(void **state)
{
	struct net_socket *l, *c, *s;
	pair(LO, 5004, &l, &c, &s);
	int small = 4096;
	/* SO_RCVBUF after the handshake: the window shrinks as data stays unread */
	s->rcvbuf = small * 2;
	static char big[1 << 20];
	ssize_t total = 0, n;
	while ((n = ssend(c, big, sizeof(big))) > 0)
		total += n;
	run_ms(5000);
	int v = 0;
	assert_int_equal(s->ops->ioctl(s, SIOCINQ, &v), 0);
	assert_true(v > 0 && v < total);
	assert_true(tcp_sk(c)->probes > 0 || tcp_rtx_running(tcp_sk(c)));
	/* reading opens the window again; everything arrives */
	static char sink[1 << 16];
	ssize_t got = 0;
	for (int i = 0; i < 200000 && got < total; i++) {
		n = srecv(s, sink, sizeof(sink), 0);
		if (n > 0)
			got += n;
		else
			run_ms(1);
		while ((n = ssend(c, big, 0)) > 0)
			;
	}
	assert_int_equal(got, total);
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_rst_on_unread_and_linger(void **state)
{
	struct net_socket *l, *c, *s;
	char b[8];
	pair(LO, 5005, &l, &c, &s);
	assert_int_equal(ssend(c, "unread", 6), 6);
	deliver();
	sclose(s); /* unread data: RST */
	deliver();
	assert_int_equal(state_of(c), TCPS_CLOSE);
	assert_int_equal(srecv(c, b, 8, 0), -ECONNRESET);
	assert_int_equal(srecv(c, b, 8, 0), 0);
	assert_int_equal(ssend(c, "x", 1), -EPIPE);
	sclose(c);
	/* SO_LINGER {1, 0}: RST */
	struct net_socket *c2, *s2;
	struct net_call cc = call_nb();
	c2 = mk();
	assert_int_equal(sconnect(c2, LO, 5005), -EINPROGRESS);
	deliver();
	assert_int_equal(l->ops->accept(l, &cc, &s2), 0);
	c2->linger.l_onoff = 1;
	c2->linger.l_linger = 0;
	sclose(c2);
	deliver();
	assert_int_equal(state_of(s2), TCPS_CLOSE);
	assert_int_equal(net_socket_take_error(s2), -ECONNRESET);
	sclose(s2);
	/* data for a closed (orphaned) socket: RST, as Linux (the peer in CLOSE_WAIT: EPIPE) */
	c2 = mk();
	assert_int_equal(sconnect(c2, LO, 5005), -EINPROGRESS);
	deliver();
	assert_int_equal(l->ops->accept(l, &cc, &s2), 0);
	sclose(c2);
	deliver();
	assert_int_equal(state_of(s2), TCPS_CLOSE_WAIT);
	assert_int_equal(ssend(s2, "late", 4), 4);
	deliver();
	assert_int_equal(state_of(s2), TCPS_CLOSE);
	assert_int_equal(net_socket_take_error(s2), -EPIPE);
	sclose(s2);
	sclose(l);
	finish();
}

static void test_half_close(void **state)
{
	struct net_socket *l, *c, *s;
	char b[8];
	pair(LO, 5006, &l, &c, &s);
	assert_int_equal(c->ops->shutdown(c, SHUT_WR), 0);
	deliver();
	assert_int_equal(state_of(c), TCPS_FIN_WAIT2);
	assert_int_equal(ssend(c, "x", 1), -EPIPE);
	assert_int_equal(srecv(s, b, 8, 0), 0);
	uint32_t ev = s->ops->poll(s);
	assert_true(ev & EPOLLRDHUP);
	assert_false(ev & EPOLLHUP);
	assert_int_equal(ssend(s, "reply", 5), 5);
	deliver();
	assert_int_equal(srecv(c, b, 8, 0), 5);
	assert_int_equal(s->ops->shutdown(s, SHUT_WR), 0);
	deliver();
	assert_int_equal(srecv(c, b, 8, 0), 0);
	/* the client's socket is CLOSE; a clone holds TIME_WAIT */
	assert_int_equal(state_of(c), TCPS_CLOSE);
	assert_true(c->ops->poll(c) & EPOLLHUP);
	assert_int_equal(ns->tcp->norphans, 1);
	/* the TIME_WAIT keeps the port: a rebind needs SO_REUSEADDR on both */
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_backlog_and_syn_flood(void **state)
{
	struct net_socket *l = listener(5007, 1);
	struct net_socket *cs[4];
	for (int i = 0; i < 4; i++) {
		cs[i] = mk();
		assert_int_equal(sconnect(cs[i], LO, 5007), -EINPROGRESS);
		deliver();
	}
	/* backlog 1 admits 2 connections; the others wait in SYN_SENT (their SYNs dropped
	 * or their final ACK dropped) */
	assert_int_equal(tcp_sk(l)->acceptq_len, 2);
	assert_true(ns->stats.tcp_syn_drops > 0);
	struct net_call c = call_nb();
	struct net_socket *a;
	assert_int_equal(l->ops->accept(l, &c, &a), 0);
	sclose(a);
	run_ms(4000); /* retransmissions get the next one in */
	assert_int_equal(tcp_sk(l)->acceptq_len, 2);
	for (int i = 0; i < 4; i++)
		sclose(cs[i]);
	/* a flood of SYNs from many ports: the SYN queue is bounded */
	uint64_t drops = ns->stats.tcp_syn_drops;
	struct tcp_sock *lt = tcp_sk(l);
	for (int i = 0; i < 10000; i++) {
		struct pkt *p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN);
		struct tcp_hdr *th = (struct tcp_hdr *)p->data;
		memset(th, 0, sizeof(*th));
		th->sport = htons((uint16_t)(1024 + i));
		th->dport = htons(5007);
		th->seq = htonl((uint32_t)i * 7919u);
		th->doff = 5 << 4;
		th->flags = TCPF_SYN;
		th->wnd = htons(1000);
		input(p, htonl(0x7f000002), htonl(LO));
		wire_flush(); /* SYN-ACKs go nowhere */
	}
	assert_true(lt->synq_len <= 16);
	assert_true(ns->stats.tcp_syn_drops > drops + 9000);
	sclose(l); /* the embryos die with the listener */
	finish();
}

static void test_sequence_checks(void **state)
{
	struct net_socket *l, *c, *s;
	pair(LO, 5008, &l, &c, &s);
	struct tcp_sock *st = tcp_sk(s), *ct = tcp_sk(c);
	unsigned long tx = g_tx;
	/* an RST inside the window but not at rcv_nxt: a challenge ACK, no reset */
	struct pkt *p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN);
	struct tcp_hdr *th = (struct tcp_hdr *)p->data;
	memset(th, 0, sizeof(*th));
	th->sport = ((struct inet_sock *)c)->lport;
	th->dport = htons(5008);
	th->seq = htonl(st->rcv_nxt + 100);
	th->doff = 5 << 4;
	th->flags = TCPF_RST;
	input(p, htonl(LO), htonl(LO));
	assert_int_equal(state_of(s), TCPS_ESTABLISHED);
	assert_true(g_tx > tx);
	wire_flush();
	/* an out-of-window data segment: ACKed and dropped */
	tx = g_tx;
	p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN + 4);
	th = (struct tcp_hdr *)p->data;
	memset(th, 0, sizeof(*th));
	th->sport = ((struct inet_sock *)c)->lport;
	th->dport = htons(5008);
	th->seq = htonl(st->rcv_nxt + 0x40000000u);
	th->ack = htonl(ct->rcv_nxt);
	th->doff = 5 << 4;
	th->flags = TCPF_ACK;
	memcpy(p->data + TCP_HDR_LEN, "junk", 4);
	input(p, htonl(LO), htonl(LO));
	assert_true(g_tx > tx);
	int v = -1;
	assert_int_equal(s->ops->ioctl(s, SIOCINQ, &v), 0);
	assert_int_equal(v, 0);
	wire_flush();
	/* challenge ACKs for segments without data are rate-limited (500 ms) */
	tx = g_tx;
	p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN);
	th = (struct tcp_hdr *)p->data;
	memset(th, 0, sizeof(*th));
	th->sport = ((struct inet_sock *)c)->lport;
	th->dport = htons(5008);
	th->seq = htonl(st->rcv_nxt + 200);
	th->doff = 5 << 4;
	th->flags = TCPF_RST;
	input(p, htonl(LO), htonl(LO));
	assert_int_equal(g_tx, tx);
	g_now += 600 * 1000000LL;
	/* a SYN on an established connection: challenge ACK */
	tx = g_tx;
	p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN);
	th = (struct tcp_hdr *)p->data;
	memset(th, 0, sizeof(*th));
	th->sport = ((struct inet_sock *)c)->lport;
	th->dport = htons(5008);
	th->seq = htonl(st->rcv_nxt);
	th->doff = 5 << 4;
	th->flags = TCPF_SYN;
	input(p, htonl(LO), htonl(LO));
	assert_int_equal(state_of(s), TCPS_ESTABLISHED);
	assert_true(g_tx > tx);
	wire_flush();
	/* an exact RST resets */
	p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN);
	th = (struct tcp_hdr *)p->data;
	memset(th, 0, sizeof(*th));
	th->sport = ((struct inet_sock *)c)->lport;
	th->dport = htons(5008);
	th->seq = htonl(st->rcv_nxt);
	th->doff = 5 << 4;
	th->flags = TCPF_RST;
	input(p, htonl(LO), htonl(LO));
	assert_int_equal(state_of(s), TCPS_CLOSE);
	assert_int_equal(net_socket_take_error(s), -ECONNRESET);
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_keepalive(void **state)
{
	struct net_socket *l, *c, *s;
	pair(LO, 5009, &l, &c, &s);
	int one = 1;
	c->keepalive = true;
	assert_int_equal(c->ops->setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &one, sizeof(one)), 0);
	int two = 2;
	assert_int_equal(c->ops->setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &two, sizeof(two)), 0);
	assert_int_equal(c->ops->setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &one, sizeof(one)), 0);
	unsigned long tx = g_tx;
	run_ms(3500); /* probes answered: still up */
	assert_true(g_tx >= tx + 4);
	assert_int_equal(state_of(c), TCPS_ESTABLISHED);
	g_drop_all = 1;
	run_ms(5000);
	assert_int_equal(state_of(c), TCPS_CLOSE);
	assert_int_equal(net_socket_take_error(c), -ETIMEDOUT);
	g_drop_all = 0;
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_options_and_poll(void **state)
{
	struct net_socket *s = mk();
	int v;
	socklen_t len = sizeof(v);
	uint32_t ev = s->ops->poll(s);
	assert_int_equal(ev, EPOLLOUT | EPOLLWRNORM | EPOLLHUP); /* a fresh socket, as Linux */
	assert_int_equal(s->ops->getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &len), 0);
	assert_int_equal(v, 536);
	v = 10;
	assert_int_equal(s->ops->setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)), -EINVAL);
	v = 1000;
	assert_int_equal(s->ops->setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)), 0);
	v = 1;
	assert_int_equal(s->ops->setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, 2), -EINVAL);
	assert_int_equal(s->ops->setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)), 0);
	len = sizeof(v);
	assert_int_equal(s->ops->getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
	assert_int_equal(v, 1);
	char name[16] = {0};
	len = sizeof(name);
	assert_int_equal(s->ops->getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name, &len), 0);
	assert_string_equal(name, "reno");
	assert_int_equal(s->ops->setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "bbr", 3), -ENOENT);
	assert_int_equal(s->ops->setsockopt(s, IPPROTO_TCP, 9999, &v, sizeof(v)), -ENOPROTOOPT);
	char b[4];
	assert_int_equal(srecv(s, b, 4, 0), -ENOTCONN);
	assert_int_equal(srecv(s, b, 4, MSG_OOB), -EINVAL);
	assert_int_equal(ssend(s, "x", 1), -EPIPE);
	assert_int_equal(s->ops->shutdown(s, SHUT_RDWR), -ENOTCONN);
	struct net_call c = call_nb();
	struct net_socket *o;
	assert_int_equal(s->ops->accept(s, &c, &o), -EINVAL);
	sclose(s);
	/* the MSS follows TCP_MAXSEG and the route */
	struct net_socket *l = listener(5010, 4);
	s = mk();
	v = 1000;
	assert_int_equal(s->ops->setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)), 0);
	assert_int_equal(sconnect(s, LO, 5010), -EINPROGRESS);
	assert_int_equal(s->ops->poll(s) & (EPOLLOUT | EPOLLIN), 0); /* SYN_SENT */
	deliver();
	assert_true(s->ops->poll(s) & EPOLLOUT);
	len = sizeof(v);
	assert_int_equal(s->ops->getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &len), 0);
	assert_int_equal(v, 1000 - 12);
	assert_true(l->ops->poll(l) & EPOLLIN);
	assert_int_equal(l->ops->accept(l, &c, &o), 0);
	assert_int_equal(l->ops->poll(l), 0);
	struct net_socket *o2;
	assert_int_equal(l->ops->accept(l, &c, &o2), -EAGAIN);
	/* listener: bind conflicts and SO_REUSEADDR */
	struct net_socket *x = mk();
	assert_int_equal(sbind(x, LO, 5010), -EADDRINUSE);
	x->reuseaddr = true;
	assert_int_equal(sbind(x, LO, 5010), -EADDRINUSE); /* the listener has no SO_REUSEADDR */
	sclose(x);
	sclose(s);
	deliver();
	sclose(l);
	/* the accepted socket has no file yet here: close it as a file would */
	sclose(o);
	finish();
}

static void test_time_wait_reuse(void **state)
{
	struct net_socket *l, *c, *s;
	pair(LO, 5011, &l, &c, &s);
	/* the server closes first: its side holds TIME_WAIT on port 5011 */
	sclose(s);
	deliver();
	sclose(c);
	deliver();
	sclose(l);
	assert_int_equal(ns->tcp->norphans, 1);
	struct net_socket *x = mk();
	assert_int_equal(sbind(x, LO, 5011), -EADDRINUSE);
	sclose(x);
	x = mk();
	x->reuseaddr = true;
	assert_int_equal(sbind(x, LO, 5011), -EADDRINUSE); /* the TIME_WAIT has no SO_REUSEADDR */
	sclose(x);
	finish();
	x = mk();
	assert_int_equal(sbind(x, LO, 5011), 0);
	sclose(x);
	/* with SO_REUSEADDR on the old listener, its TIME_WAIT children do not block */
	struct net_call cc = call_nb();
	l = mk();
	l->reuseaddr = true;
	assert_int_equal(sbind(l, LO, 5012), 0);
	assert_int_equal(l->ops->listen(l, &cc, 4), 0);
	c = mk();
	assert_int_equal(sconnect(c, LO, 5012), -EINPROGRESS);
	deliver();
	assert_int_equal(l->ops->accept(l, &cc, &s), 0);
	sclose(s);
	deliver();
	sclose(c);
	deliver();
	sclose(l);
	x = mk();
	x->reuseaddr = true;
	assert_int_equal(sbind(x, LO, 5012), 0);
	assert_int_equal(x->ops->listen(x, &cc, 4), 0);
	sclose(x);
	finish();
}

static void test_hostile_segments(void **state)
{
	struct net_socket *l, *c, *s;
	pair(LO, 5013, &l, &c, &s);
	uint64_t errs = ns->stats.tcp_in_errs;
	srand(7);
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)(rand() % 80);
		struct pkt *p = pkt_alloc(PKT_HEADROOM, len);
		for (size_t j = 0; j < len; j++)
			p->data[j] = (uint8_t)rand();
		if (len >= 4 && i % 2) {
			/* aim at the live connection and the listener */
			uint16_t sp = ((struct inet_sock *)c)->lport, dp = htons(5013);
			memcpy(p->data, &sp, 2);
			memcpy(p->data + 2, &dp, 2);
		}
		input(p, htonl(LO), htonl(LO));
		wire_flush();
	}
	assert_true(ns->stats.tcp_in_errs > errs);
	/* a bad checksum off loopback */
	uint64_t cs = ns->stats.tcp_in_csum_errors;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN);
	memset(p->data, 0, TCP_HDR_LEN);
	p->data[12] = 5 << 4;
	p->data[16] = 0x12;
	input(p, htonl(0x0a000002), htonl(0x0a000001));
	assert_int_equal(ns->stats.tcp_in_csum_errors, cs + 1);
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_fast_retransmit(void **state)
{
	struct net_socket *l, *c, *s;
	g_mtu = 1500;
	pair(LO, 5014, &l, &c, &s);
	/* grow the window first */
	transfer(c, s, 500000, 10000);
	uint64_t rtx = ns->stats.tcp_retrans_segs;
	g_drop_every = 40;
	g_drop_data_only = 1;
	transfer(c, s, 300000, 10000);
	g_drop_every = 0;
	assert_true(ns->stats.tcp_retrans_segs > rtx);
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_reuseport_and_listener_close(void **state)
{
	struct net_call cc = call_nb();
	struct net_socket *l1 = mk(), *l2 = mk(), *l3 = mk();
	l1->reuseport = l2->reuseport = true;
	assert_int_equal(sbind(l1, LO, 5015), 0);
	assert_int_equal(sbind(l2, LO, 5015), 0);
	assert_int_equal(sbind(l3, LO, 5015), -EADDRINUSE); /* no SO_REUSEPORT */
	assert_int_equal(l1->ops->listen(l1, &cc, 64), 0);
	assert_int_equal(l2->ops->listen(l2, &cc, 64), 0);
	struct net_socket *cs[40];
	for (int i = 0; i < 40; i++) {
		cs[i] = mk();
		assert_int_equal(sconnect(cs[i], LO, 5015), -EINPROGRESS);
	}
	deliver();
	int n1 = tcp_sk(l1)->acceptq_len, n2 = tcp_sk(l2)->acceptq_len;
	assert_int_equal(n1 + n2, 40);
	assert_true(n1 > 0 && n2 > 0); /* spread by the 4-tuple hash */
	/* closing a listener resets the connections it had not handed out */
	sclose(l1);
	deliver();
	int reset = 0;
	for (int i = 0; i < 40; i++)
		if (state_of(cs[i]) == TCPS_CLOSE) {
			assert_int_equal(net_socket_take_error(cs[i]), -ECONNRESET);
			reset++;
		}
	assert_int_equal(reset, n1);
	for (int i = 0; i < 40; i++)
		sclose(cs[i]);
	sclose(l2);
	sclose(l3);
	finish();
}

static void test_out_of_order_fin(void **state)
{
	struct net_socket *l, *c, *s;
	char b[16];
	pair(LO, 5016, &l, &c, &s);
	/* hold the data segment, let the FIN through first */
	assert_int_equal(ssend(c, "abc", 3), 3);
	struct wire held = wire[w_head % WIRE_MAX];
	w_head++;
	assert_int_equal(c->ops->shutdown(c, SHUT_WR), 0);
	deliver();
	assert_int_equal(srecv(s, b, sizeof(b), 0), -EAGAIN); /* the FIN waits for the data */
	assert_int_equal(state_of(s), TCPS_ESTABLISHED);
	input(held.p, held.src, held.dst);
	deliver();
	assert_int_equal(srecv(s, b, sizeof(b), 0), 3);
	assert_int_equal(srecv(s, b, sizeof(b), 0), 0);
	assert_int_equal(state_of(s), TCPS_CLOSE_WAIT);
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_ephemeral_reuse(void **state)
{
	struct net_call cc = call_nb();
	struct net_socket *l1 = listener(5017, 8), *l2 = listener(5018, 8);
	ns->sysctl.ip_local_port_lo = 41000;
	ns->sysctl.ip_local_port_hi = 41001;
	struct net_socket *c[4], *s[4];
	/* two ports, four connections: shared between the two destinations */
	for (int i = 0; i < 4; i++) {
		c[i] = mk();
		assert_int_equal(sconnect(c[i], LO, i < 2 ? 5017 : 5018), -EINPROGRESS);
		deliver();
		assert_int_equal(state_of(c[i]), TCPS_ESTABLISHED);
		struct net_socket *l = i < 2 ? l1 : l2;
		assert_int_equal(l->ops->accept(l, &cc, &s[i]), 0);
	}
	struct net_socket *x = mk();
	assert_int_equal(sconnect(x, LO, 5017), -EADDRNOTAVAIL); /* both 4-tuples in use */
	/* the clients close first: their ports sit in TIME_WAIT, and are recycled */
	for (int i = 0; i < 4; i++) {
		sclose(c[i]);
		deliver();
		sclose(s[i]);
		deliver();
	}
	assert_int_equal(ns->tcp->norphans, 4);
	assert_int_equal(sconnect(x, LO, 5017), -EINPROGRESS);
	deliver();
	assert_int_equal(state_of(x), TCPS_ESTABLISHED);
	assert_int_equal(ns->tcp->norphans, 3);
	struct net_socket *sx;
	assert_int_equal(l1->ops->accept(l1, &cc, &sx), 0);
	sclose(x);
	sclose(sx);
	sclose(l1);
	sclose(l2);
	ns->sysctl.ip_local_port_lo = 32768;
	ns->sysctl.ip_local_port_hi = 60999;
	finish();
}

static void test_urgent_inline(void **state)
{
	struct net_socket *l, *c, *s;
	char b[16];
	pair(LO, 5019, &l, &c, &s);
	struct tcp_sock *st = tcp_sk(s), *ct = tcp_sk(c);
	/* a segment with URG and an urgent pointer: the bytes stay in the stream */
	struct pkt *p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN + 5);
	struct tcp_hdr *th = (struct tcp_hdr *)p->data;
	memset(th, 0, sizeof(*th));
	th->sport = ((struct inet_sock *)c)->lport;
	th->dport = htons(5019);
	th->seq = htonl(st->rcv_nxt);
	th->ack = htonl(ct->rcv_nxt);
	th->doff = 5 << 4;
	th->flags = TCPF_ACK | TCPF_URG | TCPF_PSH;
	th->wnd = htons(1000);
	th->urg = htons(3);
	memcpy(p->data + TCP_HDR_LEN, "ab!cd", 5);
	input(p, htonl(LO), htonl(LO));
	wire_flush();
	int mark = -1;
	assert_int_equal(s->ops->ioctl(s, SIOCATMARK, &mark), 0);
	assert_int_equal(mark, 0);
	assert_int_equal(srecv(s, b, 1, MSG_OOB), -EINVAL);
	assert_int_equal(srecv(s, b, sizeof(b), 0), 5);
	assert_memory_equal(b, "ab!cd", 5);
	/* the connection still works: the client's sequence space moved by 5 */
	ct->snd_una += 5;
	ct->snd_nxt += 5;
	ct->snd_max += 5;
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

static void test_icmp_errors(void **state)
{
	struct net_socket *c = mk();
	g_drop_all = 1;
	assert_int_equal(sconnect(c, 0x0a000009, 80), -EINPROGRESS);
	struct inet_sock *is = (struct inet_sock *)c;
	struct iphdr ih = {.version = 4, .ihl = 5, .protocol = IPPROTO_TCP};
	ih.saddr = is->saddr;
	ih.daddr = is->raddr;
	uint8_t l4[8];
	uint32_t seq = htonl(tcp_sk(c)->iss);
	memcpy(l4, &is->lport, 2);
	memcpy(l4 + 2, &is->rport, 2);
	memcpy(l4 + 4, &seq, 4);
	struct ip4_icmp_err e = {.type = ICMP_DEST_UNREACH,
				 .code = ICMP_HOST_UNREACH,
				 .inner = &ih,
				 .l4 = l4,
				 .l4len = 8};
	e.type = ICMP_SOURCE_QUENCH; /* ignored, as Linux */
	e.code = 0;
	tcp_v4_icmp_error(ns, &e);
	assert_int_equal(state_of(c), TCPS_SYN_SENT);
	e.type = ICMP_DEST_UNREACH;
	e.code = ICMP_HOST_UNREACH;
	tcp_v4_icmp_error(ns, &e);
	assert_int_equal(state_of(c), TCPS_CLOSE);
	assert_int_equal(sconnect(c, 0x0a000009, 80), -EHOSTUNREACH);
	g_drop_all = 0;
	sclose(c);
	/* fragmentation needed on an established connection: smaller segments */
	struct net_socket *l, *s;
	g_mtu = 9000;
	pair(0x0a000001, 5020, &l, &c, &s);
	assert_int_equal(tcp_sk(c)->mss, 9000 - 52);
	is = (struct inet_sock *)c;
	ih.saddr = is->saddr;
	ih.daddr = is->raddr;
	seq = htonl(tcp_sk(c)->snd_una);
	memcpy(l4, &is->lport, 2);
	memcpy(l4 + 2, &is->rport, 2);
	memcpy(l4 + 4, &seq, 4);
	e = (struct ip4_icmp_err){.type = ICMP_DEST_UNREACH,
				  .code = ICMP_FRAG_NEEDED,
				  .info = 1400,
				  .inner = &ih,
				  .l4 = l4,
				  .l4len = 8};
	tcp_v4_icmp_error(ns, &e);
	assert_int_equal(tcp_sk(c)->mss, 1400 - 52);
	transfer(c, s, 100000, 1000);
	sclose(c);
	sclose(s);
	sclose(l);
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_handshake_echo_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused_and_unreachable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_with_loss, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timeout_etimedout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_window_and_probe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rst_on_unread_and_linger, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_half_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backlog_and_syn_flood, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sequence_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keepalive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_options_and_poll, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_time_wait_reuse, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_segments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fast_retransmit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reuseport_and_listener_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_order_fin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ephemeral_reuse, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_urgent_inline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icmp_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
