/* netstack/tcp_in.c - TCP input: header and checksum validation, options, demultiplexing
 * (connection, then listener, else RST), the state machine of RFC 793 with RFC 5961's
 * checks (challenge ACKs), ACK processing (RTT, NewReno), the receive queue and the bounded
 * out-of-order queue, FIN handling, TIME_WAIT (ICMP errors: tcp_icmp.c).
 *
 * Owns: received segments until they are queued on a socket or dropped (and counted).
 * Must not: trust any byte of a segment, touch guest memory. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "netstack/tcp.h"

/* ---- queued-segment metadata (in the header bytes before the payload) ---- */

uint32_t tcp_pkt_seq(const struct pkt *p)
{
	uint32_t seq;
	memcpy(&seq, p->data - 4, 4);
	return seq;
}

void tcp_pkt_set_seq(struct pkt *p, uint32_t seq, bool fin)
{
	memcpy(p->data - 4, &seq, 4);
	p->data[-5] = fin;
}

bool tcp_pkt_fin(const struct pkt *p)
{
	return p->data[-5] != 0;
}

/* ---- parsing ---- */

static void parse_options(const uint8_t *o, size_t len, struct tcp_seg *seg)
{
	size_t i = 0;
	while (i < len) {
		uint8_t kind = o[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		uint8_t olen = o[i + 1];
		if (olen < 2 || i + olen > len)
			break;
		if (kind == 2 && olen == 4 && (seg->flags & TCPF_SYN)) {
			uint16_t v;
			memcpy(&v, o + i + 2, 2);
			seg->mss = ntohs(v);
			seg->has_mss = true;
		} else if (kind == 3 && olen == 3 && (seg->flags & TCPF_SYN)) {
			seg->ws = o[i + 2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : o[i + 2];
			seg->has_ws = true;
		} else if (kind == 4 && olen == 2 && (seg->flags & TCPF_SYN)) {
			seg->sack_ok = true;
		} else if (kind == 8 && olen == 10) {
			uint32_t v, e;
			memcpy(&v, o + i + 2, 4);
			memcpy(&e, o + i + 6, 4);
			seg->tsval = ntohl(v);
			seg->tsecr = ntohl(e);
			seg->has_ts = true;
		}
		i += olen;
	}
}

static bool from_loopback(const struct ip4_rx *rx)
{
	return rx->iface && (rx->iface->flags & IFF_LOOPBACK);
}

/* Answers a segment we will not take with an ACK (a duplicate ACK, an RFC 5961 challenge
 * ACK), at most once per TCP_OOW_ACK_NS for segments without data: two ends that
 * disagree on the sequence space (an injected segment, a stale peer) would otherwise
 * answer each other's ACKs forever (Linux's tcp_oow_rate_limited). */
static void send_oow_ack(struct tcp_sock *ts, const struct tcp_seg *seg)
{
	if (!(seg->flags & TCPF_SYN) && seg->end_seq != seg->seq) {
		tcp_send_ack(ts); /* data: not part of an ACK loop */
		return;
	}
	int64_t now = tcp_now_ns();
	if (ts->last_oow_ack_ns && now - ts->last_oow_ack_ns < TCP_OOW_ACK_NS)
		return;
	ts->last_oow_ack_ns = now;
	tcp_send_ack(ts);
}

/* ---- RTT and congestion control ---- */

static void rtt_update(struct tcp_sock *ts, int64_t r_us)
{
	if (r_us < 1)
		r_us = 1;
	ts->last_rtt_us = r_us;
	if (ts->min_rtt_us < 0 || r_us < ts->min_rtt_us)
		ts->min_rtt_us = r_us;
	if (!ts->srtt_us) {
		ts->srtt_us = r_us;
		ts->rttvar_us = r_us / 2;
	} else {
		int64_t d = ts->srtt_us - r_us;
		if (d < 0)
			d = -d;
		ts->rttvar_us = (3 * ts->rttvar_us + d) / 4;
		ts->srtt_us = (7 * ts->srtt_us + r_us) / 8;
	}
	int64_t var = 4 * ts->rttvar_us;
	if (var < TCP_RTO_MIN_US)
		var = TCP_RTO_MIN_US;
	ts->rto_us = ts->srtt_us + var;
	if (ts->rto_us > TCP_RTO_MAX_US)
		ts->rto_us = TCP_RTO_MAX_US;
}

/* Options of a SYN we answer or that answers ours. */
static void syn_options(struct tcp_sock *ts, const struct tcp_seg *seg, bool active)
{
	const struct net_sysctl *sc = &ts->inet.ns->sysctl;
	ts->peer_mss = seg->has_mss && seg->mss >= 64 ? seg->mss : TCP_MSS_DEFAULT;
	if (seg->has_ws && sc->tcp_window_scaling && (!active || ts->wscale_ok)) {
		ts->wscale_ok = true;
		ts->snd_wscale = seg->ws;
		if (!active)
			ts->rcv_wscale = (uint8_t)tcp_select_wscale(ts);
	} else {
		ts->wscale_ok = false;
		ts->snd_wscale = ts->rcv_wscale = 0;
	}
	if (seg->has_ts && sc->tcp_timestamps && (!active || ts->ts_ok)) {
		ts->ts_ok = true;
		ts->ts_recent = seg->tsval;
	} else {
		ts->ts_ok = false;
	}
	tcp_sync_mss(ts);
}

/* Bytes the application may still queue, and whether a writer should be woken. */
static void wake_writers(struct tcp_sock *ts)
{
	uint32_t lim = tcp_snd_limit(ts);
	uint32_t free_ = ts->slen < lim ? lim - ts->slen : 0;
	if (free_ >= ts->slen / 2 && waitq_active(&tcp_net(ts)->wq))
		net_socket_wake(tcp_net(ts), EPOLLOUT | EPOLLWRNORM);
}

static void cong_on_ack(struct tcp_sock *ts, uint32_t acked)
{
	if (ts->in_recovery) {
		if (seq_geq(ts->snd_una, ts->recover)) {
			uint32_t flight = ts->snd_max - ts->snd_una;
			ts->cwnd =
			    ts->ssthresh < flight + ts->mss ? ts->ssthresh : flight + ts->mss;
			ts->in_recovery = false;
			ts->dupacks = 0;
		} else {
			/* partial ACK (RFC 6582): the next hole, deflate */
			tcp_retransmit_head(ts);
			ts->cwnd = ts->cwnd > acked ? ts->cwnd - acked : ts->mss;
			ts->cwnd += ts->mss;
		}
		return;
	}
	ts->dupacks = 0;
	if (ts->cwnd < ts->ssthresh) {
		uint32_t inc = acked < 2 * ts->mss ? acked : 2 * ts->mss; /* RFC 3465, L=2 */
		ts->cwnd += inc;
	} else {
		uint64_t inc = (uint64_t)ts->mss * acked / (ts->cwnd ? ts->cwnd : 1);
		ts->cwnd += inc ? (uint32_t)inc : 1;
	}
	if (ts->cwnd > (1u << 30))
		ts->cwnd = 1u << 30;
}

static void fast_retransmit(struct tcp_sock *ts)
{
	uint32_t flight = ts->snd_max - ts->snd_una;
	uint32_t half = flight / 2;
	ts->ssthresh = half > 2 * ts->mss ? half : 2 * ts->mss;
	ts->in_recovery = true;
	ts->recover = ts->snd_max;
	tcp_retransmit_head(ts);
	ts->cwnd = ts->ssthresh + 3 * ts->mss;
}

/* Processes the ACK field. Returns false when the segment must be dropped. */
static bool ack_input(struct tcp_sock *ts, const struct tcp_seg *seg, bool *fin_acked)
{
	*fin_acked = false;
	if (seq_after(seg->ack, ts->snd_max))
		return false; /* ACK of something never sent: dropped silently, as Linux */
	if (seq_before(seg->ack, ts->snd_una))
		return true; /* old: ignore, take the data */
	uint32_t wnd = seg->wnd << ts->snd_wscale;
	bool wnd_changed = false;
	if (seq_before(ts->snd_wl1, seg->seq) ||
	    (ts->snd_wl1 == seg->seq && seq_leq(ts->snd_wl2, seg->ack))) {
		wnd_changed = wnd != ts->snd_wnd;
		ts->snd_wnd = wnd;
		ts->snd_wl1 = seg->seq;
		ts->snd_wl2 = seg->ack;
		if (wnd > ts->max_snd_wnd)
			ts->max_snd_wnd = wnd;
	}
	uint32_t acked = seg->ack - ts->snd_una;
	ts->last_ack_recv_ns = tcp_now_ns();
	if (acked) {
		uint32_t data = acked < ts->slen ? acked : ts->slen;
		if (ts->fin_sent && seg->ack == ts->fin_seq + 1)
			*fin_acked = true;
		if (data) {
			ts->shead = (ts->shead + data) % (ts->scap ? ts->scap : 1);
			ts->slen -= data;
			if (!ts->slen && ts->scap > TCP_SND_RING_KEEP) {
				/* all acknowledged: an idle connection keeps no big ring */
				free(ts->sbuf);
				ts->sbuf = NULL;
				ts->scap = ts->shead = 0;
			}
		}
		ts->snd_una = seg->ack;
		if (seq_before(ts->snd_nxt, ts->snd_una))
			ts->snd_nxt = ts->snd_una;
		ts->bytes_acked += data;
		if (ts->rtt_start_ns && seq_after(seg->ack, ts->rtt_seq)) {
			rtt_update(ts, (tcp_now_ns() - ts->rtt_start_ns) / 1000);
			ts->rtt_start_ns = 0;
		}
		if (ts->retransmits) {
			/* RFC 6298 5.7-ish: a fresh RTO once data gets through */
			int64_t var = 4 * ts->rttvar_us;
			if (var < TCP_RTO_MIN_US)
				var = TCP_RTO_MIN_US;
			ts->rto_us = ts->srtt_us ? ts->srtt_us + var : TCP_RTO_INIT_US;
		}
		ts->retransmits = ts->backoff = ts->probes = 0;
		ts->rtx_first_ns = 0;
		cong_on_ack(ts, acked);
		tcp_rtx_clear(ts);
		ts->probing = false;
		if (data)
			wake_writers(ts);
	} else if (!seg->len && !(seg->flags & (TCPF_SYN | TCPF_FIN)) && !wnd_changed &&
		   ts->snd_una != ts->snd_max) {
		ts->dupacks++;
		if (ts->dupacks == 3 && !ts->in_recovery &&
		    (seq_after(seg->ack, ts->recover) || ts->recover == ts->snd_una ||
		     !ts->recover))
			fast_retransmit(ts);
		else if (ts->dupacks > 3 && ts->in_recovery)
			ts->cwnd += ts->mss;
	} else if (wnd_changed) {
		ts->probes = 0;
	}
	return true;
}

/* ---- the receive queue ---- */

/* Queues @p (data at its first new byte, @len bytes) in order. Consumes @p. */
static void queue_in_order(struct tcp_sock *ts, struct pkt *p, uint32_t len)
{
	if (!len) {
		pkt_put(p);
		return;
	}
	list_add_tail(&p->link, &ts->rcvq);
	ts->rcvq_bytes += len;
	ts->rcv_nxt += len;
	ts->bytes_received += len;
}

static void fin_input(struct tcp_sock *ts)
{
	struct net_socket *s = tcp_net(ts);
	ts->rcv_nxt++;
	ts->fin_rcvd = true;
	s->shutdown |= NET_RCV_SHUTDOWN;
	switch (ts->state) {
	case TCPS_SYN_RECV:
	case TCPS_ESTABLISHED:
		tcp_set_state(ts, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT1:
		tcp_set_state(ts, TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT2:
		tcp_send_ack(ts);
		tcp_time_wait(ts);
		return;
	default:
		break;
	}
	tcp_send_ack(ts);
	tcp_wake(ts, EPOLLIN | EPOLLRDNORM | EPOLLRDHUP);
}

/* Moves the out-of-order segments that now follow rcv_nxt into the receive queue. */
static bool ooo_drain(struct tcp_sock *ts)
{
	bool fin = false;
	while (!list_empty(&ts->oooq) && !fin) {
		struct pkt *p = list_first_entry(&ts->oooq, struct pkt, link);
		uint32_t seq = tcp_pkt_seq(p);
		if (seq_after(seq, ts->rcv_nxt))
			break;
		list_del(&p->link);
		ts->ooo_segs--;
		fin = tcp_pkt_fin(p);
		uint32_t end = seq + (uint32_t)p->len;
		if (seq_leq(end, ts->rcv_nxt)) {
			ts->rmem -= (uint32_t)p->len + TCP_SKB_OVERHEAD;
			pkt_put(p);
			if (fin && end != ts->rcv_nxt)
				fin = false;
			continue;
		}
		uint32_t skip = ts->rcv_nxt - seq;
		pkt_pull(p, skip);
		ts->rmem -= skip;
		queue_in_order(ts, p, (uint32_t)p->len);
	}
	return fin;
}

/* Keeps an out-of-order segment (bounded). Consumes @p. */
static void ooo_queue(struct tcp_sock *ts, struct pkt *p, uint32_t seq, bool fin)
{
	uint32_t charge = (uint32_t)p->len + TCP_SKB_OVERHEAD;
	if (ts->ooo_segs >= TCP_OOO_MAX_SEGS || ts->rmem + charge > tcp_rcv_limit(ts)) {
		pkt_put(p);
		return;
	}
	/* insert after the last segment starting at or before @seq (usually the tail) */
	struct list_head *at = &ts->oooq;
	for (struct list_head *it = ts->oooq.prev; it != &ts->oooq; it = it->prev) {
		struct pkt *q = list_entry(it, struct pkt, link);
		uint32_t qs = tcp_pkt_seq(q);
		if (qs == seq && q->len >= p->len) {
			pkt_put(p); /* a duplicate */
			return;
		}
		if (seq_leq(qs, seq)) {
			at = it;
			break;
		}
	}
	tcp_pkt_set_seq(p, seq, fin);
	list_add(&p->link, at);
	ts->ooo_segs++;
	ts->rmem += charge;
}

/* A segment of data (and/or FIN) in a synchronized state. Consumes @p. */
static void data_input(struct tcp_sock *ts, struct pkt *p, const struct tcp_seg *seg)
{
	uint32_t seq = seg->seq;
	uint32_t len = seg->len;
	bool fin = seg->flags & TCPF_FIN;
	if (len > ts->rcv_mss)
		ts->rcv_mss = len;
	if (seq_before(seq, ts->rcv_nxt)) {
		uint32_t skip = ts->rcv_nxt - seq;
		if (skip >= len) {
			if (!(fin && seq + len == ts->rcv_nxt)) {
				pkt_put(p);
				tcp_send_ack(ts); /* a duplicate: tell where we are */
				return;
			}
			skip = len;
		}
		pkt_pull(p, skip);
		seq += skip;
		len -= skip;
	}
	if (len && tcp_rcv_space(ts) < len && !tcp_rcv_window(ts)) {
		pkt_put(p); /* no room: the peer probes and resends */
		tcp_send_ack(ts);
		return;
	}
	/* a small payload in a big buffer (a NIC frame): keep a right-sized copy */
	if (len && p->cap > 2 * ((size_t)len + 512)) {
		struct pkt *c = pkt_from(p->data, len);
		if (c) {
			pkt_put(p);
			p = c;
		}
	}
	if (seq != ts->rcv_nxt) {
		uint32_t wnd = seq_after(ts->rcv_adv, ts->rcv_nxt) ? ts->rcv_adv - ts->rcv_nxt : 0;
		if (seq_after(seq, ts->rcv_nxt + wnd)) {
			pkt_put(p);
		} else {
			ooo_queue(ts, p, seq, fin);
			ts->quickacks = ts->quickacks > 2 ? ts->quickacks : 2;
		}
		tcp_send_ack(ts); /* a duplicate ACK: fast retransmit at the sender */
		return;
	}
	bool had_ooo = !list_empty(&ts->oooq);
	if (len) {
		ts->rmem += len + TCP_SKB_OVERHEAD;
		ts->data_segs_in++;
		ts->last_data_recv_ns = tcp_now_ns();
	}
	queue_in_order(ts, p, len);
	if (!fin && had_ooo)
		fin = ooo_drain(ts);
	if (len)
		tcp_wake(ts, EPOLLIN | EPOLLRDNORM);
	if (fin) {
		fin_input(ts); /* ACKs at once */
		return;
	}
	if (had_ooo)
		tcp_send_ack(ts);
	else if (len)
		tcp_schedule_ack(ts);
}

/* ---- states ---- */

static void established(struct tcp_sock *ts)
{
	tcp_set_state(ts, TCPS_ESTABLISHED);
	ts->retransmits = ts->backoff = 0;
	tcp_rtx_clear(ts);
	ts->cwnd = TCP_INIT_CWND * ts->mss;
	ts->last_rx_ns = tcp_now_ns();
	tcp_arm_keepalive(ts);
}

static void syn_sent_input(struct tcp_sock *ts, struct pkt *p, struct tcp_seg *seg,
			   const struct ip4_rx *rx, const struct tcp_hdr *th)
{
	if (seg->flags & TCPF_ACK) {
		if (seq_leq(seg->ack, ts->iss) || seq_after(seg->ack, ts->snd_max)) {
			tcp_send_rst_reply(ts->inet.ns, rx, th, seg);
			goto drop;
		}
	}
	if (seg->flags & TCPF_RST) {
		if (seg->flags & TCPF_ACK) {
			TCP_INC(ts, tcp_attempt_fails);
			tcp_done(ts, ECONNREFUSED);
		}
		goto drop;
	}
	if (!(seg->flags & TCPF_SYN))
		goto drop;
	ts->irs = seg->seq;
	ts->rcv_nxt = ts->rcv_wup = ts->rcv_adv = seg->seq + 1;
	syn_options(ts, seg, true);
	if (!(seg->flags & TCPF_ACK)) {
		/* simultaneous open */
		tcp_set_state(ts, TCPS_SYN_RECV);
		ts->snd_wnd = seg->wnd;
		ts->snd_wl1 = seg->seq;
		tcp_send_syn(ts);
		tcp_rtx_arm(ts, tcp_now_ns() + ts->rto_us * 1000);
		goto drop;
	}
	ts->snd_una = seg->ack;
	ts->snd_wnd = ts->max_snd_wnd = seg->wnd;
	ts->snd_wl1 = seg->seq;
	ts->snd_wl2 = seg->ack;
	if (!ts->retransmits && ts->rtt_start_ns)
		rtt_update(ts, (tcp_now_ns() - ts->rtt_start_ns) / 1000);
	ts->rtt_start_ns = 0;
	established(ts);
	ts->rto_us = ts->srtt_us ? ts->rto_us : TCP_RTO_INIT_US;
	if (seg->len) {
		struct tcp_seg d = *seg;
		d.seq = seg->seq + 1;
		d.flags &= (uint8_t)~TCPF_SYN;
		data_input(ts, p, &d);
		p = NULL;
	}
	tcp_send_ack(ts);
	tcp_wake(ts, EPOLLOUT | EPOLLWRNORM);
	if (seg->flags & TCPF_FIN && p) {
		fin_input(ts);
	}
drop:
	if (p)
		pkt_put(p);
}

static void listen_input(struct tcp_sock *l, struct pkt *p, const struct tcp_seg *seg,
			 const struct ip4_rx *rx, const struct tcp_hdr *th)
{
	struct netns *ns = l->inet.ns;
	if (seg->flags & TCPF_RST)
		goto drop;
	if (seg->flags & TCPF_ACK) {
		tcp_send_rst_reply(ns, rx, th, seg);
		goto drop;
	}
	if (!(seg->flags & TCPF_SYN) || rx->broadcast || rx->multicast)
		goto drop;
	int synmax = l->backlog + 1 > 16 ? l->backlog + 1 : 16;
	if (synmax > ns->sysctl.tcp_max_syn_backlog && ns->sysctl.tcp_max_syn_backlog > 0)
		synmax = ns->sysctl.tcp_max_syn_backlog;
	if (l->acceptq_len > l->backlog || l->synq_len >= synmax) {
		ns->stats.tcp_syn_drops++;
		goto drop;
	}
	struct tcp_sock *c = tcp_sock_clone(l);
	if (!c) {
		ns->stats.tcp_syn_drops++;
		goto drop;
	}
	c->inet.saddr = rx->dst;
	c->inet.raddr = rx->src;
	c->inet.rport = th->sport;
	c->dst_local = from_loopback(rx);
	if (tcp_inherit_port(c, rx->dst, l->inet.lport) < 0) {
		net_socket_put(tcp_net(c));
		goto drop;
	}
	c->inet.saddr = rx->dst;
	c->irs = seg->seq;
	c->rcv_nxt = c->rcv_wup = c->rcv_adv = seg->seq + 1;
	c->iss = tcp_isn(ns->tcp, rx->dst, th->dport, rx->src, th->sport);
	c->ts_offset = (uint32_t)tcp_siphash(ns->tcp->isn_key, &c->iss, sizeof(c->iss));
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->snd_wnd = c->max_snd_wnd = seg->wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = c->iss;
	syn_options(c, seg, false);
	c->state = TCPS_SYN_RECV;
	if (tcp_hash_conn(c) < 0) {
		net_socket_put(tcp_net(c));
		goto drop;
	}
	/* the allocation's reference becomes the SYN queue's */
	c->parent = l;
	list_add_tail(&c->q_link, &l->synq);
	l->synq_len++;
	ns->stats.tcp_passive_opens++;
	c->last_rx_ns = tcp_now_ns();
	c->rtt_start_ns = tcp_now_ns();
	tcp_send_syn(c);
	tcp_rtx_arm(c, tcp_now_ns() + c->rto_us * 1000);
drop:
	pkt_put(p);
}

/* The final ACK of a passive open. Returns false when the segment is to be dropped. */
static bool syn_recv_ack(struct tcp_sock *ts, const struct tcp_seg *seg, const struct ip4_rx *rx,
			 const struct tcp_hdr *th)
{
	if (seg->ack != ts->iss + 1) {
		tcp_send_rst_reply(ts->inet.ns, rx, th, seg);
		return false;
	}
	struct tcp_sock *l = ts->parent;
	if (l && l->acceptq_len > l->backlog) {
		ts->inet.ns->stats.tcp_syn_drops++;
		return false; /* accept queue full: the SYN-ACK is sent again, the ACK too */
	}
	ts->snd_una = seg->ack;
	ts->snd_wnd = seg->wnd << ts->snd_wscale;
	ts->max_snd_wnd = ts->snd_wnd;
	ts->snd_wl1 = seg->seq;
	ts->snd_wl2 = seg->ack;
	if (!ts->retransmits && ts->rtt_start_ns)
		rtt_update(ts, (tcp_now_ns() - ts->rtt_start_ns) / 1000);
	ts->rtt_start_ns = 0;
	established(ts);
	if (l) {
		list_del(&ts->q_link);
		l->synq_len--;
		list_add_tail(&ts->q_link, &l->acceptq);
		l->acceptq_len++;
		ts->in_acceptq = true;
		net_socket_wake(tcp_net(l), EPOLLIN | EPOLLRDNORM);
	}
	return true;
}

static void reset_input(struct tcp_sock *ts)
{
	int err;
	switch (ts->state) {
	case TCPS_SYN_RECV:
		if (ts->parent && !ts->in_acceptq) {
			tcp_done(ts, 0);
			return;
		}
		err = ECONNREFUSED;
		break;
	case TCPS_CLOSE_WAIT:
		err = EPIPE;
		break;
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
		err = 0;
		break;
	default:
		err = ECONNRESET;
	}
	tcp_done(ts, err);
}

static void time_wait_input(struct tcp_sock *ts, struct pkt *p, const struct tcp_seg *seg,
			    const struct ip4_rx *rx, const struct tcp_hdr *th)
{
	if (seg->flags & TCPF_RST) {
		tcp_done(ts, 0);
		pkt_put(p);
		return;
	}
	if ((seg->flags & TCPF_SYN) && !(seg->flags & TCPF_ACK) &&
	    seq_after(seg->seq, ts->rcv_nxt)) {
		/* a new incarnation (RFC 1122 4.2.2.13): the listener takes it */
		struct tcp_ns *tn = ts->inet.ns->tcp;
		tcp_done(ts, 0);
		struct tcp_sock *l = tcp_listener_lookup(tn, rx->dst, th->dport, rx->src, th->sport,
							 rx->iface ? rx->iface->ifindex : 0);
		if (l) {
			listen_input(l, p, seg, rx, th);
			return;
		}
		pkt_put(p);
		return;
	}
	if ((seg->flags & TCPF_FIN) && seg->end_seq == ts->rcv_nxt)
		stimer_arm(&ts->ka_timer, tcp_now_ns() + TCP_TIMEWAIT_NS);
	if (seg->len || (seg->flags & (TCPF_FIN | TCPF_SYN)))
		send_oow_ack(ts, seg);
	pkt_put(p);
}

static bool seq_acceptable(struct tcp_sock *ts, const struct tcp_seg *seg)
{
	uint32_t wnd = seq_after(ts->rcv_adv, ts->rcv_nxt) ? ts->rcv_adv - ts->rcv_nxt : 0;
	return !seq_before(seg->end_seq, ts->rcv_wup) && !seq_after(seg->seq, ts->rcv_nxt + wnd);
}

/* A segment for a connection. Consumes @p (data at the payload). */
static void conn_input(struct tcp_sock *ts, struct pkt *p, struct tcp_seg *seg,
		       const struct ip4_rx *rx, const struct tcp_hdr *th)
{
	struct net_socket *s = tcp_net(ts);
	ts->segs_in++;
	if (ts->state == TCPS_SYN_SENT) {
		syn_sent_input(ts, p, seg, rx, th);
		return;
	}
	if (ts->state == TCPS_TIME_WAIT) {
		time_wait_input(ts, p, seg, rx, th);
		return;
	}
	if (ts->state == TCPS_CLOSE) {
		tcp_send_rst_reply(ts->inet.ns, rx, th, seg);
		goto drop;
	}
	ts->last_rx_ns = tcp_now_ns();
	ts->ka_probes = 0;
	if (!seq_acceptable(ts, seg)) {
		if (!(seg->flags & TCPF_RST))
			send_oow_ack(ts, seg);
		goto drop;
	}
	if (seg->flags & TCPF_RST) {
		if (seg->seq == ts->rcv_nxt)
			reset_input(ts);
		else
			send_oow_ack(ts, seg); /* RFC 5961 3.2: challenge ACK */
		goto drop;
	}
	if (seg->has_ts && ts->ts_ok && seq_leq(seg->seq, ts->rcv_wup))
		ts->ts_recent = seg->tsval;
	if (seg->flags & TCPF_SYN) {
		if (ts->state == TCPS_SYN_RECV && seg->seq == ts->irs && !(seg->flags & TCPF_ACK))
			tcp_send_syn(ts); /* our SYN-ACK was lost */
		else
			send_oow_ack(ts, seg); /* RFC 5961 4.2: challenge ACK */
		goto drop;
	}
	if (!(seg->flags & TCPF_ACK))
		goto drop;
	if (ts->state == TCPS_SYN_RECV && !syn_recv_ack(ts, seg, rx, th))
		goto drop;
	bool fin_acked;
	if (!ack_input(ts, seg, &fin_acked))
		goto drop;
	if (fin_acked) {
		switch (ts->state) {
		case TCPS_FIN_WAIT1:
			tcp_set_state(ts, TCPS_FIN_WAIT2);
			tcp_arm_keepalive(ts);
			tcp_wake(ts, EPOLLOUT);
			break;
		case TCPS_CLOSING:
			tcp_time_wait(ts);
			goto drop;
		case TCPS_LAST_ACK:
			tcp_done(ts, 0);
			goto drop;
		}
	}
	if (seg->len || (seg->flags & TCPF_FIN)) {
		if (ts->state == TCPS_CLOSE_WAIT || ts->state == TCPS_CLOSING ||
		    ts->state == TCPS_LAST_ACK) {
			goto out; /* after the peer's FIN: nothing more can come */
		}
		if ((s->shutdown & NET_RCV_SHUTDOWN) && seg->len &&
		    seq_after(seg->seq + seg->len, ts->rcv_nxt) &&
		    (ts->state == TCPS_FIN_WAIT1 || ts->state == TCPS_FIN_WAIT2)) {
			/* new data after close(2) or shutdown(SHUT_RDWR): nobody will read it;
			 * reset both ends (Linux's TCPAbortOnData) */
			tcp_send_active_rst(ts);
			tcp_done(ts, ECONNRESET);
			goto drop;
		}
		data_input(ts, p, seg);
		p = NULL;
	}
out:
	if (ts->state != TCPS_CLOSE)
		tcp_output(ts);
drop:
	if (p)
		pkt_put(p);
}

/* The IPv4 hook: a TCP segment arrived (p->data at the header). Consumes @p. */
void tcp_v4_input(struct netns *ns, struct pkt *p, const struct ip4_rx *rx)
{
	struct tcp_ns *tn = ns->tcp;
	ns->stats.tcp_in_segs++;
	if (!tn || rx->broadcast || rx->multicast || !pkt_may_pull(p, TCP_HDR_LEN))
		goto bad;
	const struct tcp_hdr *th = (const struct tcp_hdr *)p->data;
	size_t doff = (size_t)(th->doff >> 4) * 4;
	if (doff < TCP_HDR_LEN || doff > p->len || p->len > 0xffff)
		goto bad;
	if (!from_loopback(rx)) {
		uint32_t sum = inet_pseudo_sum(rx->src, rx->dst, IPPROTO_TCP, (uint16_t)p->len);
		if (inet_csum_fold(inet_csum_add(sum, p->data, p->len)) != 0) {
			ns->stats.tcp_in_csum_errors++;
			goto bad;
		}
	}
	struct tcp_hdr hdr = *th; /* the packet's bytes are reused below the payload */
	struct tcp_seg seg = {0};
	seg.flags = hdr.flags & 0x3f;
	seg.seq = ntohl(hdr.seq);
	seg.ack = ntohl(hdr.ack);
	seg.wnd = ntohs(hdr.wnd);
	seg.len = (uint32_t)(p->len - doff);
	parse_options(p->data + TCP_HDR_LEN, doff - TCP_HDR_LEN, &seg);
	seg.end_seq =
	    seg.seq + seg.len + ((seg.flags & TCPF_SYN) ? 1 : 0) + ((seg.flags & TCPF_FIN) ? 1 : 0);
	if ((seg.flags & TCPF_SYN) && (seg.flags & TCPF_FIN))
		goto bad;
	pkt_pull(p, doff);
	struct tcp_sock *ts = tcp_conn_lookup(tn, rx->dst, hdr.dport, rx->src, hdr.sport);
	if (ts) {
		struct net_socket *s = tcp_net(ts);
		net_socket_get(s);
		conn_input(ts, p, &seg, rx, &hdr);
		net_socket_put(s);
		return;
	}
	ts = tcp_listener_lookup(tn, rx->dst, hdr.dport, rx->src, hdr.sport,
				 rx->iface ? rx->iface->ifindex : 0);
	if (ts) {
		struct net_socket *s = tcp_net(ts);
		net_socket_get(s);
		listen_input(ts, p, &seg, rx, &hdr);
		net_socket_put(s);
		return;
	}
	tcp_send_rst_reply(ns, rx, &hdr, &seg);
	pkt_put(p);
	return;
bad:
	ns->stats.tcp_in_errs++;
	pkt_put(p);
}
