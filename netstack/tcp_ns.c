/* netstack/tcp_ns.c - TCP's per-namespace state and the life cycle of a connection: the
 * connection hash (4-tuple), the listener hash (port, SO_REUSEPORT groups), the port
 * table's sharing rule, initial sequence numbers (RFC 6528), state changes, TIME_WAIT,
 * orphans and namespace teardown.
 *
 * Owns: struct tcp_ns; the table references on hashed sockets.
 * Must not: build or parse segments (tcp_out.c / tcp_in.c), touch guest memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include "netstack/tcp.h"

/* ---- SipHash-2-4 (ISNs and hash buckets must not be predictable) ---- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

uint64_t tcp_siphash(const uint8_t key[16], const void *data, size_t len)
{
	uint64_t k0, k1, m;
	memcpy(&k0, key, 8);
	memcpy(&k1, key + 8, 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	const uint8_t *in = data;
	size_t left = len;
	for (; left >= 8; left -= 8, in += 8) {
		memcpy(&m, in, 8);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = 0; i < left; i++)
		b |= (uint64_t)in[i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

struct tuple {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
};

static uint32_t tuple_hash(struct tcp_ns *tn, uint32_t laddr, uint16_t lport, uint32_t raddr,
			   uint16_t rport)
{
	struct tuple t = {laddr, raddr, lport, rport};
	return (uint32_t)tcp_siphash(tn->hash_key, &t, sizeof(t));
}

uint32_t tcp_isn(struct tcp_ns *tn, uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport)
{
	struct tuple t = {saddr, daddr, sport, dport};
	uint32_t f = (uint32_t)tcp_siphash(tn->isn_key, &t, sizeof(t));
	/* RFC 6528: M is a timer; Linux ticks every 64 ns. */
	return f + (uint32_t)((uint64_t)tcp_now_ns() >> 6);
}

/* ---- namespace set-up ---- */

#define CONN_BUCKETS_INIT 1024

static void fill_random(uint8_t *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);
		if (n <= 0) {
			/* no entropy source: still distinct per namespace and boot */
			uint64_t x = (uint64_t)tcp_now_ns() ^ (uint64_t)(uintptr_t)buf;
			for (; got < len; got++, x = x * 6364136223846793005ULL + 1)
				buf[got] = (uint8_t)(x >> 56);
			return;
		}
		got += (size_t)n;
	}
}

/* Sets up TCP for @ns (called by netns_new). Returns 0 or -ENOMEM. */
int tcp_ns_init(struct netns *ns)
{
	struct tcp_ns *tn = calloc(1, sizeof(*tn));
	if (!tn)
		return -ENOMEM;
	tn->conns = malloc(CONN_BUCKETS_INIT * sizeof(*tn->conns));
	if (!tn->conns) {
		free(tn);
		return -ENOMEM;
	}
	tn->conn_buckets = CONN_BUCKETS_INIT;
	for (uint32_t i = 0; i < tn->conn_buckets; i++)
		list_init(&tn->conns[i]);
	for (int i = 0; i < INET_PORT_BUCKETS; i++)
		list_init(&tn->listeners[i]);
	inet_ports_init(&tn->ports);
	fill_random(tn->isn_key, sizeof(tn->isn_key));
	fill_random(tn->hash_key, sizeof(tn->hash_key));
	tn->ns = ns;
	ns->tcp = tn;
	return 0;
}

/* Tears TCP down with its namespace. Every socket (orphans included: they live on their
 * table reference) holds the namespace, so the tables are empty by now. */
void tcp_ns_fini(struct netns *ns)
{
	struct tcp_ns *tn = ns->tcp;
	if (!tn)
		return;
	free(tn->conns);
	free(tn);
	ns->tcp = NULL;
}

/* The Tcp: CurrEstab column of /proc/net/snmp (ip4.h). */
long tcp_curr_estab(struct netns *ns)
{
	return ns->tcp ? ns->tcp->nestab : 0;
}

/* ---- hashes ---- */

static struct list_head *conn_bucket(struct tcp_ns *tn, uint32_t h)
{
	return &tn->conns[h & (tn->conn_buckets - 1)];
}

static void conn_grow(struct tcp_ns *tn)
{
	uint32_t n = tn->conn_buckets * 4;
	struct list_head *nb = malloc(n * sizeof(*nb));
	if (!nb)
		return; /* longer chains, still correct */
	for (uint32_t i = 0; i < n; i++)
		list_init(&nb[i]);
	for (uint32_t i = 0; i < tn->conn_buckets; i++) {
		while (!list_empty(&tn->conns[i])) {
			struct tcp_sock *ts =
			    list_first_entry(&tn->conns[i], struct tcp_sock, hash_link);
			list_del(&ts->hash_link);
			list_add_tail(&ts->hash_link, &nb[ts->hash & (n - 1)]);
		}
	}
	free(tn->conns);
	tn->conns = nb;
	tn->conn_buckets = n;
}

struct tcp_sock *tcp_conn_lookup(struct tcp_ns *tn, uint32_t laddr, uint16_t lport, uint32_t raddr,
				 uint16_t rport)
{
	uint32_t h = tuple_hash(tn, laddr, lport, raddr, rport);
	struct tcp_sock *ts;
	list_for_each_entry(ts, conn_bucket(tn, h), hash_link)
	{
		if (ts->hash == h && ts->inet.lport == lport && ts->inet.rport == rport &&
		    ts->inet.saddr == laddr && ts->inet.raddr == raddr)
			return ts;
	}
	return NULL;
}

int tcp_hash_conn(struct tcp_sock *ts)
{
	struct tcp_ns *tn = tcp_ns_of(ts);
	struct inet_sock *is = &ts->inet;
	if (tcp_conn_lookup(tn, is->saddr, is->lport, is->raddr, is->rport))
		return -EADDRINUSE;
	if (tn->nconns >= 2 * tn->conn_buckets)
		conn_grow(tn);
	ts->hash = tuple_hash(tn, is->saddr, is->lport, is->raddr, is->rport);
	list_add_tail(&ts->hash_link, conn_bucket(tn, ts->hash));
	tn->nconns++;
	ts->hashed = true;
	net_socket_get(tcp_net(ts));
	return 0;
}

static struct list_head *listen_bucket(struct tcp_ns *tn, uint16_t port)
{
	return &tn->listeners[port % INET_PORT_BUCKETS];
}

int tcp_hash_listener(struct tcp_sock *ts)
{
	struct tcp_ns *tn = tcp_ns_of(ts);
	ts->hash = 0;
	list_add_tail(&ts->hash_link, listen_bucket(tn, ts->inet.lport));
	ts->hashed = ts->listen_hashed = true;
	net_socket_get(tcp_net(ts));
	return 0;
}

void tcp_unhash(struct tcp_sock *ts)
{
	if (!ts->hashed)
		return;
	struct tcp_ns *tn = tcp_ns_of(ts);
	list_del(&ts->hash_link);
	list_init(&ts->hash_link);
	if (!ts->listen_hashed)
		tn->nconns--;
	ts->hashed = ts->listen_hashed = false;
	net_socket_put(tcp_net(ts));
}

struct tcp_sock *tcp_listener_lookup(struct tcp_ns *tn, uint32_t laddr, uint16_t lport,
				     uint32_t raddr, uint16_t rport, int ifindex)
{
	struct tcp_sock *ts, *best = NULL;
	int best_score = 0, nbest = 0;
	list_for_each_entry(ts, listen_bucket(tn, lport), hash_link)
	{
		if (ts->inet.lport != lport)
			continue;
		if (ts->inet.bound_ifindex && ts->inet.bound_ifindex != ifindex)
			continue; /* SO_BINDTODEVICE: only SYNs that came in there */
		int score;
		if (ts->inet.laddr == laddr)
			score = 2;
		else if (ts->inet.laddr == 0)
			score = 1;
		else
			continue;
		if (score > best_score) {
			best = ts;
			best_score = score;
			nbest = 1;
		} else if (score == best_score && ts->inet.sock.reuseport &&
			   best->inet.sock.reuseport) {
			nbest++;
		}
	}
	if (nbest <= 1)
		return best;
	/* an SO_REUSEPORT group: spread connections by the 4-tuple */
	uint32_t pick = tuple_hash(tn, laddr, lport, raddr, rport) % (uint32_t)nbest;
	list_for_each_entry(ts, listen_bucket(tn, lport), hash_link)
	{
		if (ts->inet.lport != lport || !ts->inet.sock.reuseport)
			continue;
		if (ts->inet.bound_ifindex && ts->inet.bound_ifindex != ifindex)
			continue;
		if ((best_score == 2 && ts->inet.laddr != laddr) ||
		    (best_score == 1 && ts->inet.laddr != 0))
			continue;
		if (pick-- == 0)
			return ts;
	}
	return best;
}

/* ---- ports ---- */

/* Linux's inet_bind_conflict for TCP: may @a (binding) share with @b (bound)? */
bool tcp_port_shareable(const struct inet_sock *a, const struct inet_sock *b)
{
	const struct tcp_sock *tb = (const struct tcp_sock *)b;
	if (a->bound_ifindex && b->bound_ifindex && a->bound_ifindex != b->bound_ifindex)
		return true;
	if (a->sock.reuseaddr && b->sock.reuseaddr && tb->state != TCPS_LISTEN)
		return true;
	if (a->sock.reuseport && b->sock.reuseport &&
	    (tb->state == TCPS_TIME_WAIT || a->uid == b->uid))
		return true;
	return false;
}

static bool share_always(const struct inet_sock *a, const struct inet_sock *b)
{
	return true;
}

int tcp_bind_port(struct tcp_sock *ts, uint32_t addr, uint16_t port)
{
	return inet_bind_port(&tcp_ns_of(ts)->ports, &ts->inet, addr, port, tcp_port_shareable);
}

struct reuse_arg {
	uint32_t src, daddr;
	uint16_t dport;
};

/* Does @is stop a connect from taking its port (Linux's __inet_hash_connect)? Ports picked
 * by connect are shared between connections with different 4-tuples; a TIME_WAIT with the
 * same 4-tuple is recycled (tcp_tw_reuse). */
static bool blocks_connect(struct inet_sock *is, void *arg)
{
	const struct reuse_arg *a = arg;
	const struct tcp_sock *o = (const struct tcp_sock *)is;
	if (o->state == TCPS_TIME_WAIT)
		return false;
	if (!o->autobound || o->state == TCPS_LISTEN)
		return true;
	return o->inet.raddr == a->daddr && o->inet.rport == a->dport &&
	       (o->inet.saddr == a->src || !o->inet.saddr);
}

int tcp_connect_port(struct tcp_sock *ts, uint32_t src, uint32_t daddr, uint16_t dport)
{
	int err = tcp_bind_port(ts, 0, 0);
	if (err != -EAGAIN)
		return err;
	/* every port is taken: share one with connections to elsewhere */
	struct netns *ns = ts->inet.ns;
	int lo = ns->sysctl.ip_local_port_lo, hi = ns->sysctl.ip_local_port_hi;
	if (lo < 1 || hi > 65535 || lo > hi) {
		lo = 32768;
		hi = 60999;
	}
	uint32_t range = (uint32_t)(hi - lo + 1);
	struct reuse_arg a;
	memset(&a, 0, sizeof(a)); /* hashed below: no stray padding */
	a.src = src;
	a.daddr = daddr;
	a.dport = dport;
	uint32_t off =
	    (uint32_t)tcp_siphash(tcp_ns_of(ts)->hash_key, &a, sizeof(a)) + (uint32_t)tcp_now_ns();
	for (uint32_t i = 0; i < range; i++) {
		uint16_t port = htons((uint16_t)(lo + (off + i) % range));
		if (!inet_ports_find(&tcp_ns_of(ts)->ports, port, blocks_connect, &a))
			return tcp_inherit_port(ts, 0, port);
	}
	return -EAGAIN;
}

struct conflict_arg {
	struct tcp_sock *ts;
};

static bool listen_conflicts(struct inet_sock *is, void *arg)
{
	struct tcp_sock *me = ((struct conflict_arg *)arg)->ts;
	struct tcp_sock *o = (struct tcp_sock *)is;
	if (o == me || o->state != TCPS_LISTEN)
		return false;
	if (o->inet.laddr && me->inet.laddr && o->inet.laddr != me->inet.laddr)
		return false;
	if (me->inet.bound_ifindex && o->inet.bound_ifindex &&
	    me->inet.bound_ifindex != o->inet.bound_ifindex)
		return false;
	if (me->inet.sock.reuseport && o->inet.sock.reuseport && me->inet.uid == o->inet.uid)
		return false;
	return true;
}

bool tcp_listen_conflict(struct tcp_sock *ts)
{
	struct conflict_arg a = {ts};
	return inet_ports_find(&tcp_ns_of(ts)->ports, ts->inet.lport, listen_conflicts, &a) != NULL;
}

/* ---- sockets ---- */

struct tcp_sock *tcp_sock_alloc(struct netns *ns)
{
	struct tcp_sock *ts = calloc(1, sizeof(*ts));
	if (!ts)
		return NULL;
	inet_sock_init(&ts->inet, &net_tcp_ops, ns, SOCK_STREAM, IPPROTO_TCP);
	struct net_socket *s = tcp_net(ts);
	s->sndbuf = ts->sndbuf_init = TCP_SNDBUF_INIT;
	s->rcvbuf = ts->rcvbuf_init = TCP_RCVBUF_INIT;
	ts->state = TCPS_CLOSE;
	list_init(&ts->hash_link);
	list_init(&ts->synq);
	list_init(&ts->acceptq);
	list_init(&ts->q_link);
	list_init(&ts->rcvq);
	list_init(&ts->oooq);
	ts->mss = TCP_MSS_DEFAULT;
	ts->peer_mss = TCP_MSS_DEFAULT;
	ts->rto_us = TCP_RTO_INIT_US;
	ts->ssthresh = UINT32_MAX / 2;
	ts->min_rtt_us = -1;
	ts->quickacks = TCP_QUICKACKS;
	tcp_timers_init(ts);
	return ts;
}

struct tcp_sock *tcp_sock_clone(struct tcp_sock *lsk)
{
	struct tcp_sock *ts = tcp_sock_alloc(lsk->inet.ns);
	if (!ts)
		return NULL;
	struct net_socket *d = tcp_net(ts), *s = tcp_net(lsk);
	d->sndbuf = s->sndbuf;
	d->rcvbuf = s->rcvbuf;
	ts->sndbuf_init = lsk->sndbuf_init;
	ts->rcvbuf_init = lsk->rcvbuf_init;
	d->rcvtimeo_ns = s->rcvtimeo_ns;
	d->sndtimeo_ns = s->sndtimeo_ns;
	d->reuseaddr = s->reuseaddr;
	d->reuseport = s->reuseport;
	d->keepalive = s->keepalive;
	d->oobinline = s->oobinline;
	d->dontroute = s->dontroute;
	d->timestamp = s->timestamp;
	d->priority = s->priority;
	d->rcvlowat = s->rcvlowat;
	d->mark = s->mark;
	d->linger = s->linger;
	d->owner = s->owner;
	d->last = s->last;
	ts->inet.uid = lsk->inet.uid;
	ts->inet.ttl = lsk->inet.ttl;
	ts->inet.tos = lsk->inet.tos;
	ts->inet.oif = lsk->inet.oif;
	ts->inet.bound_ifindex = lsk->inet.bound_ifindex;
	ts->nodelay = lsk->nodelay;
	ts->keepidle_s = lsk->keepidle_s;
	ts->keepintvl_s = lsk->keepintvl_s;
	ts->keepcnt = lsk->keepcnt;
	ts->user_timeout_ms = lsk->user_timeout_ms;
	ts->user_mss = lsk->user_mss;
	ts->linger2_s = lsk->linger2_s;
	ts->window_clamp = lsk->window_clamp;
	ts->notsent_lowat = lsk->notsent_lowat;
	return ts;
}

/* Children of a listener share its port without the rule (Linux's inet_inherit_port). */
int tcp_inherit_port(struct tcp_sock *child, uint32_t laddr, uint16_t lport)
{
	return inet_bind_port(&tcp_ns_of(child)->ports, &child->inet, laddr, lport, share_always);
}

void tcp_purge_rcv(struct tcp_sock *ts)
{
	while (!list_empty(&ts->rcvq)) {
		struct pkt *p = list_first_entry(&ts->rcvq, struct pkt, link);
		list_del(&p->link);
		pkt_put(p);
	}
	while (!list_empty(&ts->oooq)) {
		struct pkt *p = list_first_entry(&ts->oooq, struct pkt, link);
		list_del(&p->link);
		pkt_put(p);
	}
	ts->rcvq_bytes = 0;
	ts->rmem = 0;
	ts->ooo_segs = 0;
}

void tcp_purge(struct tcp_sock *ts)
{
	free(ts->sbuf);
	ts->sbuf = NULL;
	ts->scap = ts->shead = ts->slen = 0;
	tcp_purge_rcv(ts);
}

/* A child leaves its listener's queue (the queue's reference is dropped). */
static void child_unlink(struct tcp_sock *ts)
{
	struct tcp_sock *l = ts->parent;
	if (!l)
		return;
	list_del(&ts->q_link);
	list_init(&ts->q_link);
	if (ts->in_acceptq)
		l->acceptq_len--;
	else
		l->synq_len--;
	ts->parent = NULL;
	ts->in_acceptq = false;
	net_socket_put(tcp_net(ts));
}

void tcp_set_state(struct tcp_sock *ts, int state)
{
	int old = ts->state;
	ts->state = state;
	bool was_estab = old == TCPS_ESTABLISHED || old == TCPS_CLOSE_WAIT;
	bool is_estab = state == TCPS_ESTABLISHED || state == TCPS_CLOSE_WAIT;
	if (was_estab != is_estab && tcp_ns_of(ts))
		tcp_ns_of(ts)->nestab += is_estab ? 1 : -1;
	if (state != TCPS_CLOSE || old == TCPS_CLOSE)
		return;
	if (old == TCPS_ESTABLISHED || old == TCPS_CLOSE_WAIT)
		TCP_INC(ts, tcp_estab_resets);
	if (old == TCPS_LISTEN)
		tcp_net(ts)->listening = false;
	tcp_timers_cancel(ts);
	if (ts->orphan) {
		tcp_purge(ts);
		tcp_ns_of(ts)->norphans -= ts->norphan_counted;
		ts->norphan_counted = 0;
	}
	if (ts->inet.bound_port && (ts->autobound || ts->orphan))
		inet_unbind_port(&ts->inet);
	/* a child dying in the SYN queue leaves it; the accept queue keeps its children
	 * (accept hands them out, reset, as Linux) */
	if (ts->parent && !ts->in_acceptq)
		child_unlink(ts);
	tcp_unhash(ts); /* may free an orphan: callers hold a reference */
}

void tcp_done(struct tcp_sock *ts, int err)
{
	struct net_socket *s = tcp_net(ts);
	net_socket_get(s);
	if (err)
		s->err = err;
	free(ts->sbuf);
	ts->sbuf = NULL;
	ts->scap = ts->shead = ts->slen = 0;
	tcp_set_state(ts, TCPS_CLOSE);
	s->shutdown = NET_SHUTDOWN_MASK;
	tcp_wake(ts,
		 EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR | EPOLLRDHUP | EPOLLRDNORM | EPOLLWRNORM);
	net_socket_put(s);
}

void tcp_time_wait(struct tcp_sock *ts)
{
	if (ts->orphan) {
		ts->state = TCPS_TIME_WAIT;
		tcp_purge(ts);
		stimer_cancel(&ts->rtx_timer);
		stimer_cancel(&ts->delack_timer);
		ts->rtx_due_ns = ts->delack_due_ns = 0;
		stimer_arm(&ts->ka_timer, tcp_now_ns() + TCP_TIMEWAIT_NS);
		return;
	}
	/* The socket keeps its file and goes CLOSE; a clone without one waits. */
	struct tcp_sock *tw = tcp_sock_alloc(ts->inet.ns);
	if (tw) {
		tw->inet.laddr = ts->inet.laddr;
		tw->inet.saddr = ts->inet.saddr;
		tw->inet.raddr = ts->inet.raddr;
		tw->inet.rport = ts->inet.rport;
		tw->inet.uid = ts->inet.uid;
		tw->inet.bound_ifindex = ts->inet.bound_ifindex;
		tcp_net(tw)->reuseaddr = tcp_net(ts)->reuseaddr;
		tcp_net(tw)->reuseport = tcp_net(ts)->reuseport;
		tw->snd_una = tw->snd_nxt = tw->snd_max = ts->snd_nxt;
		tw->rcv_nxt = tw->rcv_adv = ts->rcv_nxt;
		tw->ts_ok = ts->ts_ok;
		tw->ts_recent = ts->ts_recent;
		tw->ts_offset = ts->ts_offset;
		tw->rcv_wscale = ts->rcv_wscale;
		tw->snd_wscale = ts->snd_wscale;
		tw->dst_local = ts->dst_local;
		tw->autobound = ts->autobound;
		tw->orphan = true;
		tw->state = TCPS_TIME_WAIT;
		uint16_t lport = ts->inet.lport;
		tcp_unhash(ts);
		if (tcp_inherit_port(tw, ts->inet.laddr, lport) == 0 && tcp_hash_conn(tw) == 0) {
			tcp_ns_of(tw)->norphans++;
			tw->norphan_counted = 1;
			stimer_arm(&tw->ka_timer, tcp_now_ns() + TCP_TIMEWAIT_NS);
		}
		net_socket_put(tcp_net(tw)); /* the table's reference keeps it */
	}
	tcp_done(ts, 0);
}

/* Makes @ts an orphan (its file is gone): the table's reference keeps it alive. */
void tcp_orphan(struct tcp_sock *ts)
{
	ts->orphan = true;
	if (ts->hashed) {
		tcp_ns_of(ts)->norphans++;
		ts->norphan_counted = 1;
	}
}
