/* netstack/tcp_opt.c - SOL_TCP options (TCP_NODELAY, TCP_MAXSEG, TCP_CORK, TCP_KEEP*,
 * TCP_QUICKACK, TCP_USER_TIMEOUT, TCP_CONGESTION, TCP_DEFER_ACCEPT, TCP_SYNCNT,
 * TCP_LINGER2, TCP_WINDOW_CLAMP, TCP_NOTSENT_LOWAT, TCP_INFO) and the socket ioctls
 * (SIOCINQ, SIOCOUTQ, SIOCOUTQNSD, SIOCATMARK), with Linux's argument checks.
 *
 * Owns: nothing but the option fields of struct tcp_sock.
 * Must not: touch guest memory (the handler copies), build segments itself. */
#include <errno.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include "netstack/tcp.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif
#define TCP_CA_NAME "reno" /* NewReno: the only congestion control implemented */
#define MAX_TCP_KEEPIDLE 32767
#define MAX_TCP_KEEPINTVL 32767
#define MAX_TCP_KEEPCNT 127
#define MAX_TCP_SYNCNT 127
#define TCP_MAX_MSS_OPT 32767

/* implements the socket ioctls of TCP (tcp_ioctl) */
long tcp_ioctl(struct net_socket *s, unsigned int cmd, int *out)
{
	struct tcp_sock *ts = tcp_sk(s);
	switch (cmd) {
	case SIOCINQ:
		if (ts->state == TCPS_LISTEN)
			return -EINVAL;
		*out = (int)ts->rcvq_bytes;
		return 0;
	case SIOCOUTQ:
		if (ts->state == TCPS_LISTEN)
			return -EINVAL;
		*out = (int)ts->slen;
		return 0;
	case SIOCOUTQNSD: {
		if (ts->state == TCPS_LISTEN)
			return -EINVAL;
		uint32_t sent = ts->snd_nxt - ts->snd_una;
		*out = (int)(ts->slen > sent ? ts->slen - sent : 0);
		return 0;
	}
	case SIOCATMARK:
		*out = 0; /* urgent data is delivered inline, never marked */
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

/* TCP_DEFER_ACCEPT is kept as a number of SYN-ACK retransmissions (1 s doubling to
 * 120 s) and read back as their total, as Linux (5 -> 7). */
static int secs_to_retrans(int seconds)
{
	int res = 0, timeout = 1, period = 1;
	if (seconds <= 0)
		return 0;
	res = 1;
	while (seconds > period && res < 255) {
		res++;
		timeout = timeout * 2 > 120 ? 120 : timeout * 2;
		period += timeout;
	}
	return res;
}

static int retrans_to_secs(int retrans)
{
	int period = 0, timeout = 1;
	if (retrans > 0) {
		period = 1;
		while (--retrans) {
			timeout = timeout * 2 > 120 ? 120 : timeout * 2;
			period += timeout;
		}
	}
	return period;
}

static int get_int(const void *val, socklen_t len, int *v)
{
	if (len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

static bool synchronized(int state)
{
	return state == TCPS_ESTABLISHED || state == TCPS_CLOSE_WAIT || state == TCPS_FIN_WAIT1 ||
	       state == TCPS_FIN_WAIT2;
}

static int set_congestion(const void *val, socklen_t len)
{
	char name[16] = {0};
	if (len <= 0)
		return -EINVAL;
	memcpy(name, val, len < (socklen_t)sizeof(name) - 1 ? (size_t)len : sizeof(name) - 1);
	return strcmp(name, TCP_CA_NAME) == 0 ? 0 : -ENOENT;
}

/* implements setsockopt(2) at SOL_TCP (do_tcp_setsockopt); SOL_IP and the SOL_SOCKET
 * names the socket layer leaves go to inet_sock.c */
int tcp_setsockopt(struct net_socket *s, int level, int name, const void *val, socklen_t len)
{
	struct tcp_sock *ts = tcp_sk(s);
	if (level != IPPROTO_TCP)
		return inet_setsockopt(s, level, name, val, len);
	if (name == TCP_CONGESTION)
		return set_congestion(val, len);
	int v, err = get_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case TCP_NODELAY:
		ts->nodelay = v != 0;
		if (v)
			tcp_push(ts);
		return 0;
	case TCP_CORK:
		ts->cork = v != 0;
		if (!v)
			tcp_push(ts);
		return 0;
	case TCP_MAXSEG:
		if (v && (v < TCP_MSS_MIN || v > TCP_MAX_MSS_OPT))
			return -EINVAL;
		ts->user_mss = (uint32_t)v;
		return 0;
	case TCP_KEEPIDLE:
		if (v < 1 || v > MAX_TCP_KEEPIDLE)
			return -EINVAL;
		ts->keepidle_s = v;
		/* the timer runs whether or not SO_KEEPALIVE is set yet (it checks when it
		 * fires), so both orders of setting the two options work */
		if (synchronized(ts->state) && !ts->ka_probes)
			tcp_arm_keepalive(ts);
		return 0;
	case TCP_KEEPINTVL:
		if (v < 1 || v > MAX_TCP_KEEPINTVL)
			return -EINVAL;
		ts->keepintvl_s = v;
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > MAX_TCP_KEEPCNT)
			return -EINVAL;
		ts->keepcnt = v;
		return 0;
	case TCP_QUICKACK:
		ts->quickack_opt = v != 0;
		if (v) {
			ts->quickacks = TCP_QUICKACKS;
			if (ts->ack_pending)
				tcp_send_ack(ts);
		}
		return 0;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		ts->user_timeout_ms = v;
		return 0;
	case TCP_DEFER_ACCEPT:
		/* accepted and reported; connections are handed out at the final ACK */
		ts->defer_accept_s = secs_to_retrans(v);
		return 0;
	case TCP_SYNCNT:
		if (v < 1 || v > MAX_TCP_SYNCNT)
			return -EINVAL;
		ts->syn_retries = v;
		return 0;
	case TCP_LINGER2:
		ts->linger2_s = v < 0 ? -1 : v;
		return 0;
	case TCP_WINDOW_CLAMP:
		if (!v) {
			if (ts->state != TCPS_CLOSE)
				return -EINVAL;
			ts->window_clamp = 0;
		} else {
			ts->window_clamp = v < NET_RCVBUF_MIN / 2 ? NET_RCVBUF_MIN / 2 : v;
		}
		return 0;
	case TCP_NOTSENT_LOWAT:
		ts->notsent_lowat = v;
		return 0;
	case TCP_FASTOPEN:
		/* accepted: the server answers every SYN with a full handshake */
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static void fill_info(struct tcp_sock *ts, struct tcp_info *ti)
{
	int64_t now = tcp_now_ns();
	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = (uint8_t)ts->state;
	ti->tcpi_ca_state = ts->retransmits ? 4 /* loss */ : ts->in_recovery ? 3 : 0;
	ti->tcpi_retransmits = (uint8_t)ts->retransmits;
	ti->tcpi_probes = (uint8_t)(ts->probes > ts->ka_probes ? ts->probes : ts->ka_probes);
	ti->tcpi_backoff = (uint8_t)ts->backoff;
	if (ts->ts_ok)
		ti->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (ts->wscale_ok) {
		ti->tcpi_options |= TCPI_OPT_WSCALE;
		ti->tcpi_snd_wscale = ts->snd_wscale;
		ti->tcpi_rcv_wscale = ts->rcv_wscale;
	}
	ti->tcpi_rto = (uint32_t)ts->rto_us;
	ti->tcpi_ato = (uint32_t)(TCP_DELACK_MIN_NS / 1000);
	ti->tcpi_snd_mss = ts->mss;
	ti->tcpi_rcv_mss = ts->rcv_mss ? ts->rcv_mss : (ts->mss < 536 ? ts->mss : 536);
	uint32_t mss = ts->mss ? ts->mss : 1;
	if (ts->state != TCPS_LISTEN)
		ti->tcpi_unacked = (ts->snd_max - ts->snd_una + mss - 1) / mss;
	else {
		ti->tcpi_unacked = (uint32_t)ts->acceptq_len;
		ti->tcpi_sacked = (uint32_t)ts->backlog;
	}
	ti->tcpi_retrans = ts->retransmits ? ti->tcpi_unacked : 0;
	if (ts->last_data_sent_ns)
		ti->tcpi_last_data_sent = (uint32_t)((now - ts->last_data_sent_ns) / 1000000);
	if (ts->last_data_recv_ns)
		ti->tcpi_last_data_recv = (uint32_t)((now - ts->last_data_recv_ns) / 1000000);
	if (ts->last_ack_recv_ns)
		ti->tcpi_last_ack_recv = (uint32_t)((now - ts->last_ack_recv_ns) / 1000000);
	ti->tcpi_pmtu = (uint32_t)(ts->route_mtu > 0 ? ts->route_mtu : 0);
	ti->tcpi_rcv_ssthresh = tcp_rcv_window(ts);
	ti->tcpi_rtt = (uint32_t)ts->srtt_us;
	ti->tcpi_rttvar = (uint32_t)ts->rttvar_us;
	ti->tcpi_snd_ssthresh = ts->ssthresh >= UINT32_MAX / 2 ? 0x7fffffff : ts->ssthresh / mss;
	ti->tcpi_snd_cwnd = ts->cwnd ? ts->cwnd / mss : TCP_INIT_CWND;
	ti->tcpi_advmss = ts->route_mtu > 0 ? tcp_adv_mss(ts) : ts->mss;
	ti->tcpi_reordering = 3;
	ti->tcpi_rcv_space = tcp_rcv_limit(ts);
	ti->tcpi_total_retrans = ts->total_retrans;
	ti->tcpi_pacing_rate = ~0ULL;
	ti->tcpi_max_pacing_rate = ~0ULL;
	ti->tcpi_bytes_acked = ts->bytes_acked;
	ti->tcpi_bytes_received = ts->bytes_received;
	ti->tcpi_segs_out = ts->segs_out;
	ti->tcpi_segs_in = ts->segs_in;
	uint32_t sent = ts->snd_nxt - ts->snd_una;
	ti->tcpi_notsent_bytes = ts->slen > sent ? ts->slen - sent : 0;
	ti->tcpi_min_rtt = ts->min_rtt_us < 0 ? ~0u : (uint32_t)ts->min_rtt_us;
	ti->tcpi_data_segs_in = ts->data_segs_in;
	ti->tcpi_data_segs_out = ts->data_segs_out;
	ti->tcpi_bytes_sent = ts->bytes_sent + ts->bytes_retrans;
	ti->tcpi_bytes_retrans = ts->bytes_retrans;
	ti->tcpi_snd_wnd = ts->snd_wnd;
}

/* implements getsockopt(2) at SOL_TCP (do_tcp_getsockopt) */
int tcp_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len)
{
	struct tcp_sock *ts = tcp_sk(s);
	if (level != IPPROTO_TCP)
		return inet_getsockopt(s, level, name, val, len);
	if ((int)*len < 0)
		return -EINVAL;
	if (name == TCP_INFO) {
		struct tcp_info ti;
		fill_info(ts, &ti);
		if (*len > sizeof(ti))
			*len = sizeof(ti);
		memcpy(val, &ti, *len);
		return 0;
	}
	if (name == TCP_CONGESTION) {
		char n[16] = TCP_CA_NAME;
		if (*len > sizeof(n))
			*len = sizeof(n);
		memcpy(val, n, *len);
		return 0;
	}
	int v;
	switch (name) {
	case TCP_NODELAY:
		v = ts->nodelay;
		break;
	case TCP_CORK:
		v = ts->cork;
		break;
	case TCP_MAXSEG:
		if (ts->state == TCPS_CLOSE || ts->state == TCPS_LISTEN)
			v = ts->user_mss ? (int)ts->user_mss : (int)TCP_MSS_DEFAULT;
		else
			v = (int)ts->mss;
		break;
	case TCP_KEEPIDLE:
		v = tcp_keepidle(ts);
		break;
	case TCP_KEEPINTVL:
		v = tcp_keepintvl(ts);
		break;
	case TCP_KEEPCNT:
		v = tcp_keepcnt(ts);
		break;
	case TCP_QUICKACK:
		v = ts->quickacks > 0 || ts->quickack_opt;
		break;
	case TCP_USER_TIMEOUT:
		v = ts->user_timeout_ms;
		break;
	case TCP_DEFER_ACCEPT:
		v = retrans_to_secs(ts->defer_accept_s);
		break;
	case TCP_SYNCNT:
		v = ts->syn_retries ? ts->syn_retries : ts->inet.ns->sysctl.tcp_syn_retries;
		break;
	case TCP_LINGER2:
		v = ts->linger2_s ? (ts->linger2_s < 0 ? -1 : ts->linger2_s)
				  : ts->inet.ns->sysctl.tcp_fin_timeout_s;
		break;
	case TCP_WINDOW_CLAMP:
		if (ts->window_clamp || ts->state == TCPS_CLOSE || ts->state == TCPS_LISTEN)
			v = ts->window_clamp;
		else
			v = (int)tcp_rcv_limit(ts) / 2;
		break;
	case TCP_NOTSENT_LOWAT:
		v = ts->notsent_lowat;
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (*len > sizeof(int))
		*len = sizeof(int);
	memcpy(val, &v, *len);
	return 0;
}
