/* netstack/tcp_out.c - TCP output: building segments (header, options, checksum), the send
 * engine (send and congestion windows, Nagle, TCP_CORK), ACK scheduling (delayed and quick
 * ACKs, window updates), and the timers: retransmission with RTO backoff (RFC 6298),
 * SYN/SYN-ACK retries, zero-window probes, keepalive, FIN_WAIT2 and TIME_WAIT.
 *
 * Owns: the send ring's transmission (tcp.c fills it), the three timers of a socket.
 * Must not: parse received segments (tcp_in.c), touch guest memory. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "netstack/tcp.h"

int64_t tcp_now_ns(void)
{
	return stimer_now_ns();
}

uint32_t tcp_ts_now(struct tcp_sock *ts)
{
	return (uint32_t)(tcp_now_ns() / 1000000) + ts->ts_offset;
}

/* ---- buffer limits ---- */

uint32_t tcp_snd_limit(struct tcp_sock *ts)
{
	int b = tcp_net(ts)->sndbuf;
	if (b == ts->sndbuf_init && b < TCP_WMEM_AUTO)
		return TCP_WMEM_AUTO;
	return (uint32_t)b;
}

uint32_t tcp_rcv_limit(struct tcp_sock *ts)
{
	int b = tcp_net(ts)->rcvbuf;
	if (b == ts->rcvbuf_init && b < TCP_RMEM_AUTO)
		return TCP_RMEM_AUTO;
	return (uint32_t)b;
}

uint32_t tcp_rcv_space(struct tcp_sock *ts)
{
	uint32_t lim = tcp_rcv_limit(ts);
	return ts->rmem < lim ? lim - ts->rmem : 0;
}

uint32_t tcp_rcv_window(struct tcp_sock *ts)
{
	uint32_t space = tcp_rcv_space(ts);
	if (ts->window_clamp > 0 && space > (uint32_t)ts->window_clamp)
		space = (uint32_t)ts->window_clamp;
	uint32_t max = (uint32_t)TCP_MAX_WINDOW << ts->rcv_wscale;
	if (space > max)
		space = max;
	/* receiver-side silly window avoidance: no window of less than an MSS when the
	 * buffer could hold more */
	uint32_t mss = ts->rcv_mss ? ts->rcv_mss : ts->mss;
	if (space < mss && space < tcp_rcv_limit(ts) / 2)
		space = 0;
	space &= ~((1u << ts->rcv_wscale) - 1);
	uint32_t cur = seq_after(ts->rcv_adv, ts->rcv_nxt) ? ts->rcv_adv - ts->rcv_nxt : 0;
	return space < cur ? cur : space; /* never move the right edge back */
}

/* The window scale to offer: enough for the receive buffer's ceiling (RFC 7323). */
uint32_t tcp_select_wscale(struct tcp_sock *ts)
{
	uint32_t lim = tcp_rcv_limit(ts);
	uint32_t ws = 0;
	while (ws < TCP_MAX_WSCALE && ((uint32_t)TCP_MAX_WINDOW << ws) < lim)
		ws++;
	return ws;
}

/* ---- MSS ---- */

uint32_t tcp_adv_mss(struct tcp_sock *ts)
{
	int mtu = ts->route_mtu;
	if (mtu <= 0) {
		uint32_t src;
		if (ip4_route_src(ts->inet.ns, ts->inet.raddr, inet_oif(&ts->inet), &src, &mtu) <
			0 ||
		    mtu <= 0)
			mtu = TCP_MSS_DEFAULT + 40;
		ts->route_mtu = mtu;
	}
	if (mtu > 65535)
		mtu = 65535;
	uint32_t mss = (uint32_t)mtu - 40;
	if (ts->user_mss && ts->user_mss < mss)
		mss = ts->user_mss;
	return mss;
}

void tcp_sync_mss(struct tcp_sock *ts)
{
	uint32_t mss = tcp_adv_mss(ts);
	if (ts->peer_mss && ts->peer_mss < mss)
		mss = ts->peer_mss;
	if (ts->ts_ok)
		mss -= TCP_TS_OPT_LEN;
	if (mss < 48)
		mss = 48;
	ts->mss = mss;
}

/* ---- building segments ---- */

/* Writes the options of a segment; returns their length (a multiple of 4). */
static size_t put_options(struct tcp_sock *ts, uint8_t *o, bool syn)
{
	size_t n = 0;
	if (syn) {
		uint16_t mss = htons((uint16_t)tcp_adv_mss(ts));
		o[n++] = 2;
		o[n++] = 4;
		memcpy(o + n, &mss, 2);
		n += 2;
	}
	if (ts->ts_ok) {
		uint32_t v = htonl(tcp_ts_now(ts)), e = htonl(ts->ts_recent);
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 8;
		o[n++] = 10;
		memcpy(o + n, &v, 4);
		memcpy(o + n + 4, &e, 4);
		n += 8;
	}
	if (syn && ts->wscale_ok) {
		o[n++] = 1;
		o[n++] = 3;
		o[n++] = 3;
		o[n++] = ts->rcv_wscale;
	}
	return n;
}

/* Copies @len bytes of the send ring, @off bytes after snd_una, to @dst. */
static void ring_copy(struct tcp_sock *ts, uint8_t *dst, uint32_t off, uint32_t len)
{
	uint32_t at = (ts->shead + off) % ts->scap;
	uint32_t first = ts->scap - at < len ? ts->scap - at : len;
	memcpy(dst, ts->sbuf + at, first);
	if (len > first)
		memcpy(dst + first, ts->sbuf, len - first);
}

static uint32_t csum_tcp(uint32_t src, uint32_t dst, const void *seg, size_t len)
{
	uint32_t sum = inet_pseudo_sum(src, dst, IPPROTO_TCP, (uint16_t)len);
	return inet_csum_fold(inet_csum_add(sum, seg, len));
}

/* Sends one segment: @seq, @flags, @len bytes of the send ring from @off (after snd_una).
 * Returns 0 or -errno (the segment is lost; the timers recover). */
static int xmit(struct tcp_sock *ts, uint32_t seq, uint8_t flags, uint32_t off, uint32_t len)
{
	uint8_t opts[40];
	bool syn = flags & TCPF_SYN;
	size_t optlen = put_options(ts, opts, syn);
	size_t hlen = TCP_HDR_LEN + optlen;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, hlen + len);
	if (!p)
		return -ENOMEM;
	struct tcp_hdr *th = (struct tcp_hdr *)p->data;
	th->sport = ts->inet.lport;
	th->dport = ts->inet.rport;
	th->seq = htonl(seq);
	th->doff = (uint8_t)((hlen / 4) << 4);
	th->flags = flags;
	th->urg = 0;
	th->csum = 0;
	uint32_t wnd = 0;
	if (flags & TCPF_ACK || syn) {
		wnd = tcp_rcv_window(ts);
		if (syn && wnd > TCP_MAX_WINDOW)
			wnd = TCP_MAX_WINDOW;
		if (ts->state != TCPS_SYN_SENT && !(flags & TCPF_RST)) {
			ts->rcv_adv = ts->rcv_nxt + wnd;
			ts->rcv_wup = ts->rcv_nxt;
		}
	}
	if (syn)
		th->wnd = htons((uint16_t)(wnd > TCP_MAX_WINDOW ? TCP_MAX_WINDOW : wnd));
	else {
		uint32_t w = wnd >> ts->rcv_wscale;
		th->wnd = htons((uint16_t)(w > TCP_MAX_WINDOW ? TCP_MAX_WINDOW : w));
	}
	th->ack = (flags & TCPF_ACK) ? htonl(ts->rcv_nxt) : 0;
	memcpy(p->data + TCP_HDR_LEN, opts, optlen);
	if (len)
		ring_copy(ts, p->data + hlen, off, len);
	if (!ts->dst_local)
		th->csum = (uint16_t)csum_tcp(ts->inet.saddr, ts->inet.raddr, p->data, hlen + len);
	if (flags & TCPF_ACK) {
		ts->ack_pending = 0;
		ts->delack_due_ns = 0; /* the timer, if armed, finds nothing to do */
	}
	struct ip4_tx tx = {
	    .src = ts->inet.saddr,
	    .dst = ts->inet.raddr,
	    .proto = IPPROTO_TCP,
	    .ttl = inet_ttl(&ts->inet),
	    .tos = ts->inet.tos,
	    .df = true,
	    .oif = inet_oif(&ts->inet),
	};
	ts->inet.ns->stats.tcp_out_segs++;
	ts->segs_out++;
	if (len) {
		ts->data_segs_out++;
		ts->last_data_sent_ns = tcp_now_ns();
	}
	return ip4_output(ts->inet.ns, p, &tx);
}

void tcp_send_ack(struct tcp_sock *ts)
{
	if (ts->state == TCPS_CLOSE || ts->state == TCPS_LISTEN || ts->state == TCPS_SYN_SENT)
		return;
	xmit(ts, ts->snd_nxt, TCPF_ACK, 0, 0);
}

void tcp_send_syn(struct tcp_sock *ts)
{
	uint8_t flags = TCPF_SYN | (ts->state == TCPS_SYN_RECV ? TCPF_ACK : 0);
	xmit(ts, ts->iss, flags, 0, 0);
	if (seq_after(ts->iss + 1, ts->snd_max))
		ts->snd_max = ts->iss + 1;
	ts->snd_nxt = ts->iss + 1;
}

void tcp_send_active_rst(struct tcp_sock *ts)
{
	if (ts->state == TCPS_CLOSE || ts->state == TCPS_LISTEN || ts->state == TCPS_SYN_SENT)
		return;
	TCP_INC(ts, tcp_out_rsts);
	xmit(ts, ts->snd_nxt, TCPF_RST | TCPF_ACK, 0, 0);
}

/* A probe the peer must answer with an ACK (zero window, keepalive): an old sequence. */
static void send_probe(struct tcp_sock *ts)
{
	xmit(ts, ts->snd_una - 1, TCPF_ACK, 0, 0);
}

void tcp_send_rst_reply(struct netns *ns, const struct ip4_rx *rx, const struct tcp_hdr *th,
			const struct tcp_seg *seg)
{
	if (seg->flags & TCPF_RST)
		return;
	if (rx->broadcast || rx->multicast)
		return;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, TCP_HDR_LEN);
	if (!p)
		return;
	struct tcp_hdr *r = (struct tcp_hdr *)p->data;
	memset(r, 0, sizeof(*r));
	r->sport = th->dport;
	r->dport = th->sport;
	r->doff = (TCP_HDR_LEN / 4) << 4;
	if (seg->flags & TCPF_ACK) {
		r->seq = htonl(seg->ack);
		r->flags = TCPF_RST;
	} else {
		r->ack = htonl(seg->end_seq);
		r->flags = TCPF_RST | TCPF_ACK;
	}
	bool local = rx->iface && (rx->iface->flags & IFF_LOOPBACK);
	if (!local)
		r->csum = (uint16_t)csum_tcp(rx->dst, rx->src, r, TCP_HDR_LEN);
	struct ip4_tx tx = {.src = rx->dst, .dst = rx->src, .proto = IPPROTO_TCP, .df = true};
	ns->stats.tcp_out_rsts++;
	ns->stats.tcp_out_segs++;
	ip4_output(ns, p, &tx);
}

/* ---- the send engine ---- */

static bool can_send_data(int state)
{
	return state == TCPS_ESTABLISHED || state == TCPS_CLOSE_WAIT || state == TCPS_FIN_WAIT1 ||
	       state == TCPS_CLOSING || state == TCPS_LAST_ACK;
}

/* Moves @tm only when it must fire before @due (see tcp_sock.rtx_due_ns). */
static void lazy_arm(struct stimer *tm, int64_t due)
{
	if (!stimer_armed(tm) || tm->deadline_ns > due)
		stimer_arm(tm, due);
}

void tcp_rtx_arm(struct tcp_sock *ts, int64_t due_ns)
{
	ts->rtx_due_ns = due_ns;
	lazy_arm(&ts->rtx_timer, due_ns);
}

void tcp_rtx_clear(struct tcp_sock *ts)
{
	ts->rtx_due_ns = 0;
}

static void start_rtx(struct tcp_sock *ts)
{
	if (!tcp_rtx_running(ts) || ts->probing) {
		ts->probing = false;
		tcp_rtx_arm(ts, tcp_now_ns() + ts->rto_us * 1000);
	}
}

static void send_engine(struct tcp_sock *ts, bool push_tail)
{
	if (!can_send_data(ts->state))
		return;
	for (;;) {
		if (ts->fin_sent && ts->snd_nxt == ts->fin_seq + 1)
			break;
		uint32_t sent = ts->snd_nxt - ts->snd_una;
		if (sent > ts->slen)
			break;
		uint32_t unsent = ts->slen - sent;
		uint32_t wnd = ts->snd_wnd < ts->cwnd ? ts->snd_wnd : ts->cwnd;
		uint32_t wnd_end = ts->snd_una + wnd;
		uint32_t avail = seq_after(wnd_end, ts->snd_nxt) ? wnd_end - ts->snd_nxt : 0;
		uint32_t len = unsent < ts->mss ? unsent : ts->mss;
		if (len > avail)
			len = avail;
		bool fin = ts->fin_queued && len == unsent;
		if (!len && !fin)
			break;
		bool rexmit = seq_before(ts->snd_nxt, ts->snd_max);
		if (len < ts->mss && !fin && !rexmit) {
			if (len < unsent && len < ts->max_snd_wnd / 2 && ts->snd_nxt != ts->snd_una)
				break; /* sender silly window avoidance */
			if (ts->cork && !push_tail)
				break;
			if (!ts->nodelay && ts->snd_nxt != ts->snd_una && !push_tail)
				break; /* Nagle */
		}
		uint8_t flags = TCPF_ACK;
		if (len == unsent && len)
			flags |= TCPF_PSH;
		if (fin)
			flags |= TCPF_FIN;
		if (!rexmit && len && !ts->rtt_start_ns) {
			ts->rtt_seq = ts->snd_nxt;
			ts->rtt_start_ns = tcp_now_ns();
		}
		if (rexmit) {
			ts->total_retrans++;
			ts->bytes_retrans += len;
			ts->inet.ns->stats.tcp_retrans_segs++;
		} else {
			ts->bytes_sent += len;
		}
		xmit(ts, ts->snd_nxt, flags, sent, len);
		ts->snd_nxt += len + (fin ? 1 : 0);
		if (fin) {
			ts->fin_sent = true;
			ts->fin_seq = ts->snd_nxt - 1;
		}
		if (seq_after(ts->snd_nxt, ts->snd_max))
			ts->snd_max = ts->snd_nxt;
		start_rtx(ts);
	}
	tcp_rearm_rtx(ts);
}

void tcp_output(struct tcp_sock *ts)
{
	send_engine(ts, false);
}

void tcp_push(struct tcp_sock *ts)
{
	send_engine(ts, true);
}

void tcp_retransmit_head(struct tcp_sock *ts)
{
	uint32_t sent = ts->snd_nxt - ts->snd_una;
	uint32_t len = ts->slen < ts->mss ? ts->slen : ts->mss;
	if (ts->fin_sent && len > sent)
		len = sent;
	bool fin = ts->fin_sent && ts->snd_una + len == ts->fin_seq;
	if (!len && !fin)
		return;
	ts->total_retrans++;
	ts->bytes_retrans += len;
	ts->inet.ns->stats.tcp_retrans_segs++;
	ts->rtt_start_ns = 0; /* Karn */
	xmit(ts, ts->snd_una, TCPF_ACK | (fin ? TCPF_FIN : 0), 0, len);
}

/* ---- timers ---- */

static bool data_in_flight(struct tcp_sock *ts)
{
	return ts->snd_una != ts->snd_nxt;
}

static bool data_unsent(struct tcp_sock *ts)
{
	if (ts->fin_sent && ts->snd_nxt == ts->fin_seq + 1)
		return false;
	return ts->slen > ts->snd_nxt - ts->snd_una || (ts->fin_queued && !ts->fin_sent);
}

void tcp_rearm_rtx(struct tcp_sock *ts)
{
	if (ts->state == TCPS_SYN_SENT || ts->state == TCPS_SYN_RECV)
		return; /* armed by their senders */
	if (data_in_flight(ts)) {
		start_rtx(ts);
		return;
	}
	if (data_unsent(ts) && can_send_data(ts->state)) {
		/* the window is closed: probe it */
		if (!ts->probing || !tcp_rtx_running(ts)) {
			int64_t t = ts->rto_us << (ts->probes < 10 ? ts->probes : 10);
			if (t > TCP_RTO_MAX_US)
				t = TCP_RTO_MAX_US;
			ts->probing = true;
			tcp_rtx_arm(ts, tcp_now_ns() + t * 1000);
		}
		return;
	}
	ts->probing = false;
	tcp_rtx_clear(ts);
}

static void rto_backoff(struct tcp_sock *ts)
{
	ts->backoff++;
	ts->rto_us *= 2;
	if (ts->rto_us > TCP_RTO_MAX_US)
		ts->rto_us = TCP_RTO_MAX_US;
}

static void rtx_fire_syn(struct tcp_sock *ts)
{
	int max = ts->state == TCPS_SYN_SENT
		      ? (ts->syn_retries ? ts->syn_retries : ts->inet.ns->sysctl.tcp_syn_retries)
		      : TCP_SYNACK_RETRIES;
	if (ts->retransmits >= max) {
		if (ts->state == TCPS_SYN_SENT)
			TCP_INC(ts, tcp_attempt_fails);
		tcp_done(ts, ts->state == TCPS_SYN_SENT ? ETIMEDOUT : 0);
		return;
	}
	ts->retransmits++;
	ts->total_retrans++;
	ts->inet.ns->stats.tcp_retrans_segs++;
	rto_backoff(ts);
	tcp_send_syn(ts);
	tcp_rtx_arm(ts, tcp_now_ns() + ts->rto_us * 1000);
}

static bool user_timed_out(struct tcp_sock *ts)
{
	if (!ts->user_timeout_ms || !ts->rtx_first_ns)
		return false;
	return tcp_now_ns() - ts->rtx_first_ns >= (int64_t)ts->user_timeout_ms * 1000000;
}

static void rtx_fire(struct stimer *tm)
{
	struct tcp_sock *ts = tm->priv;
	struct net_socket *s = tcp_net(ts);
	if (!ts->rtx_due_ns)
		return; /* stopped since it was armed */
	if (tcp_now_ns() < ts->rtx_due_ns) {
		stimer_arm(tm, ts->rtx_due_ns); /* restarted since: not due yet */
		return;
	}
	ts->rtx_due_ns = 0;
	net_socket_get(s);
	if (ts->state == TCPS_SYN_SENT || ts->state == TCPS_SYN_RECV) {
		rtx_fire_syn(ts);
		goto out;
	}
	if (!can_send_data(ts->state))
		goto out;
	if (ts->probing) {
		if (ts->probes >= (ts->orphan ? TCP_ORPHAN_RETRIES : TCP_RETRIES2) ||
		    user_timed_out(ts)) {
			tcp_done(ts, ETIMEDOUT);
			goto out;
		}
		if (!ts->rtx_first_ns)
			ts->rtx_first_ns = tcp_now_ns();
		ts->probes++;
		send_probe(ts);
		ts->probing = false;
		tcp_rearm_rtx(ts);
		goto out;
	}
	if (!data_in_flight(ts))
		goto out;
	if (!ts->rtx_first_ns)
		ts->rtx_first_ns = tcp_now_ns();
	/* an orphan gives up sooner (Linux's tcp_orphan_retries: 8 when alive) */
	if (ts->retransmits >= (ts->orphan ? TCP_ORPHAN_RETRIES : TCP_RETRIES2) ||
	    user_timed_out(ts)) {
		tcp_done(ts, ETIMEDOUT);
		goto out;
	}
	ts->retransmits++;
	/* RFC 5681 §3.1: loss detected by the timer */
	uint32_t flight = ts->snd_max - ts->snd_una;
	if (!ts->in_recovery || ts->retransmits == 1) {
		uint32_t half = flight / 2;
		ts->ssthresh = half > 2 * ts->mss ? half : 2 * ts->mss;
	}
	ts->cwnd = ts->mss;
	ts->in_recovery = false;
	ts->dupacks = 0;
	ts->rtt_start_ns = 0;
	rto_backoff(ts);
	ts->snd_nxt = ts->snd_una; /* go back: resend from the first unacknowledged byte */
	if (ts->fin_sent && seq_before(ts->snd_nxt, ts->fin_seq + 1))
		ts->fin_sent = false;
	tcp_rtx_arm(ts, tcp_now_ns() + ts->rto_us * 1000);
	send_engine(ts, true);
out:
	net_socket_put(s);
}

static void delack_fire(struct stimer *tm)
{
	struct tcp_sock *ts = tm->priv;
	if (!ts->delack_due_ns)
		return; /* the ACK went out with something else */
	if (tcp_now_ns() < ts->delack_due_ns) {
		stimer_arm(tm, ts->delack_due_ns);
		return;
	}
	ts->delack_due_ns = 0;
	if (ts->ack_pending)
		tcp_send_ack(ts);
}

int tcp_keepidle(const struct tcp_sock *ts)
{
	return ts->keepidle_s ? ts->keepidle_s : ts->inet.ns->sysctl.tcp_keepalive_time_s;
}
int tcp_keepintvl(const struct tcp_sock *ts)
{
	return ts->keepintvl_s ? ts->keepintvl_s : ts->inet.ns->sysctl.tcp_keepalive_intvl_s;
}
int tcp_keepcnt(const struct tcp_sock *ts)
{
	return ts->keepcnt ? ts->keepcnt : ts->inet.ns->sysctl.tcp_keepalive_probes;
}

static bool keepalive_state(int state)
{
	return state == TCPS_ESTABLISHED || state == TCPS_CLOSE_WAIT || state == TCPS_FIN_WAIT1 ||
	       state == TCPS_FIN_WAIT2;
}

void tcp_arm_keepalive(struct tcp_sock *ts)
{
	if (ts->state == TCPS_TIME_WAIT)
		return;
	if (ts->state == TCPS_FIN_WAIT2 && ts->orphan) {
		int t = ts->linger2_s ? ts->linger2_s : ts->inet.ns->sysctl.tcp_fin_timeout_s;
		stimer_arm(&ts->ka_timer, tcp_now_ns() + (int64_t)t * 1000000000LL);
		return;
	}
	if (!keepalive_state(ts->state)) {
		stimer_cancel(&ts->ka_timer);
		return;
	}
	int64_t base = ts->last_rx_ns > 0 ? ts->last_rx_ns : tcp_now_ns();
	int64_t t = ts->ka_probes ? (int64_t)tcp_keepintvl(ts) : (int64_t)tcp_keepidle(ts);
	int64_t at = base + t * 1000000000LL;
	if (ts->ka_probes)
		at = tcp_now_ns() + t * 1000000000LL;
	stimer_arm(&ts->ka_timer, at);
}

static void ka_fire(struct stimer *tm)
{
	struct tcp_sock *ts = tm->priv;
	struct net_socket *s = tcp_net(ts);
	net_socket_get(s);
	if (ts->state == TCPS_TIME_WAIT || (ts->state == TCPS_FIN_WAIT2 && ts->orphan)) {
		tcp_done(ts, 0);
		goto out;
	}
	if (!keepalive_state(ts->state))
		goto out;
	if (!s->keepalive || data_in_flight(ts) || data_unsent(ts)) {
		ts->ka_probes = 0;
		ts->last_rx_ns = ts->last_rx_ns > 0 ? ts->last_rx_ns : tcp_now_ns();
		if (ts->last_rx_ns + (int64_t)tcp_keepidle(ts) * 1000000000LL <= tcp_now_ns())
			ts->last_rx_ns = tcp_now_ns();
		tcp_arm_keepalive(ts);
		goto out;
	}
	int64_t idle = tcp_now_ns() - ts->last_rx_ns;
	if (!ts->ka_probes && idle < (int64_t)tcp_keepidle(ts) * 1000000000LL) {
		tcp_arm_keepalive(ts);
		goto out;
	}
	if (ts->ka_probes >= tcp_keepcnt(ts) ||
	    (ts->user_timeout_ms && idle >= (int64_t)ts->user_timeout_ms * 1000000 &&
	     ts->ka_probes)) {
		tcp_send_active_rst(ts);
		tcp_done(ts, ETIMEDOUT);
		goto out;
	}
	ts->ka_probes++;
	send_probe(ts);
	tcp_arm_keepalive(ts);
out:
	net_socket_put(s);
}

void tcp_timers_init(struct tcp_sock *ts)
{
	stimer_init(&ts->rtx_timer, rtx_fire, ts);
	stimer_init(&ts->delack_timer, delack_fire, ts);
	stimer_init(&ts->ka_timer, ka_fire, ts);
}

void tcp_timers_cancel(struct tcp_sock *ts)
{
	stimer_cancel(&ts->rtx_timer);
	stimer_cancel(&ts->delack_timer);
	stimer_cancel(&ts->ka_timer);
	ts->rtx_due_ns = ts->delack_due_ns = 0;
	ts->probing = false;
}

/* ---- ACKs ---- */

void tcp_schedule_ack(struct tcp_sock *ts)
{
	ts->ack_pending++;
	uint32_t mss = ts->rcv_mss ? ts->rcv_mss : ts->mss;
	if (ts->quickacks > 0 || ts->quickack_opt || ts->rcv_nxt - ts->rcv_wup > mss) {
		if (ts->quickacks > 0)
			ts->quickacks--;
		tcp_send_ack(ts);
		return;
	}
	if (!ts->delack_due_ns) {
		ts->delack_due_ns = tcp_now_ns() + TCP_DELACK_MIN_NS;
		lazy_arm(&ts->delack_timer, ts->delack_due_ns);
	}
}

void tcp_rcv_space_update(struct tcp_sock *ts)
{
	if (ts->state != TCPS_ESTABLISHED && ts->state != TCPS_FIN_WAIT1 &&
	    ts->state != TCPS_FIN_WAIT2)
		return;
	uint32_t cur = seq_after(ts->rcv_adv, ts->rcv_nxt) ? ts->rcv_adv - ts->rcv_nxt : 0;
	uint32_t lim = tcp_rcv_limit(ts);
	uint32_t mss = ts->rcv_mss ? ts->rcv_mss : ts->mss;
	if (cur > lim / 2)
		return;
	uint32_t nw = tcp_rcv_window(ts);
	uint32_t step = mss < lim / 2 ? mss : lim / 2;
	if (nw >= 2 * cur && nw - cur >= step)
		tcp_send_ack(ts);
	else if (ts->ack_pending && nw > cur)
		tcp_send_ack(ts);
}
