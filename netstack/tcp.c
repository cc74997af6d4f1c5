/* netstack/tcp.c - TCP sockets (net_tcp_ops): socket(2) for SOCK_STREAM/IPPROTO_TCP, bind,
 * listen, accept, connect (blocking and not, as Linux's inet_stream_connect), send and
 * receive through the send ring and the receive queue, shutdown, close (FIN, RST on unread
 * data, SO_LINGER 0), and readiness as Linux's tcp_poll.
 *
 * Owns: the socket-facing half of struct tcp_sock (sock_state, the send ring's filling,
 * the receive queue's draining).
 * Must not: build or parse segments (tcp_out.c / tcp_in.c), touch guest memory, block. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "netstack/tcp.h"

/* ---- poll ---- */

static uint32_t tcp_poll(struct net_socket *s)
{
	struct tcp_sock *ts = tcp_sk(s);
	uint32_t mask = 0;
	if (ts->state == TCPS_LISTEN)
		return ts->acceptq_len ? EPOLLIN | EPOLLRDNORM : 0;
	if (s->shutdown == NET_SHUTDOWN_MASK || ts->state == TCPS_CLOSE)
		mask |= EPOLLHUP;
	if (s->shutdown & NET_RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (ts->state != TCPS_SYN_SENT && ts->state != TCPS_SYN_RECV) {
		uint32_t lowat = s->rcvlowat > 0 ? (uint32_t)s->rcvlowat : 1;
		if (ts->rcvq_bytes >= lowat || (ts->rcvq_bytes && ts->fin_rcvd))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(s->shutdown & NET_SEND_SHUTDOWN)) {
			uint32_t lim = tcp_snd_limit(ts);
			uint32_t free_ = ts->slen < lim ? lim - ts->slen : 0;
			if (free_ >= ts->slen / 2 && free_ > 0)
				mask |= EPOLLOUT | EPOLLWRNORM;
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (s->err)
		mask |= EPOLLERR;
	return mask;
}

void tcp_wake(struct tcp_sock *ts, uint32_t extra)
{
	net_socket_wake(tcp_net(ts), extra);
}

/* ---- create / destroy ---- */

/* implements socket(2) for SOCK_STREAM/IPPROTO_TCP (inet.c calls it) */
int tcp_create(struct netns *ns, int type, int protocol, struct net_socket **out)
{
	if (!ns || !ns->tcp)
		return -EAFNOSUPPORT;
	struct tcp_sock *ts = tcp_sock_alloc(ns);
	if (!ts)
		return -ENOBUFS;
	*out = tcp_net(ts);
	return 0;
}

static void tcp_destroy(struct net_socket *s)
{
	struct tcp_sock *ts = tcp_sk(s);
	tcp_timers_cancel(ts);
	tcp_purge(ts);
	if (ts->inet.bound_port)
		inet_unbind_port(&ts->inet);
	inet_sock_fini(&ts->inet);
	free(ts);
}

/* ---- listen / accept ---- */

/* Drops a listener's pending connections (RST to those already established). */
static void listen_stop(struct tcp_sock *l)
{
	while (!list_empty(&l->synq) || !list_empty(&l->acceptq)) {
		bool acc = list_empty(&l->synq);
		struct tcp_sock *c =
		    list_first_entry(acc ? &l->acceptq : &l->synq, struct tcp_sock, q_link);
		/* take the queue's reference */
		list_del(&c->q_link);
		if (acc)
			l->acceptq_len--;
		else
			l->synq_len--;
		c->parent = NULL;
		c->in_acceptq = false;
		c->orphan = true;
		if (acc)
			tcp_send_active_rst(c);
		tcp_done(c, 0);
		net_socket_put(tcp_net(c));
	}
}

static int tcp_listen(struct net_socket *s, struct net_call *c, int backlog)
{
	struct tcp_sock *ts = tcp_sk(s);
	if (ts->sock_state != TCP_SS_UNCONNECTED ||
	    (ts->state != TCPS_CLOSE && ts->state != TCPS_LISTEN))
		return -EINVAL;
	if (backlog < 0)
		backlog = 0;
	if (ts->state == TCPS_LISTEN) {
		ts->backlog = backlog;
		return 0;
	}
	if (!ts->inet.bound_port) {
		int err = tcp_bind_port(ts, 0, 0);
		if (err)
			return err;
	}
	ts->state = TCPS_LISTEN;
	if (tcp_listen_conflict(ts)) {
		ts->state = TCPS_CLOSE;
		return -EADDRINUSE;
	}
	ts->backlog = backlog;
	s->listening = true;
	s->shutdown = 0;
	tcp_hash_listener(ts);
	return 0;
}

static int tcp_accept(struct net_socket *s, struct net_call *c, struct net_socket **out)
{
	struct tcp_sock *ts = tcp_sk(s);
	if (ts->state != TCPS_LISTEN)
		return -EINVAL;
	if (list_empty(&ts->acceptq))
		return -EAGAIN;
	struct tcp_sock *ch = list_first_entry(&ts->acceptq, struct tcp_sock, q_link);
	list_del(&ch->q_link);
	ts->acceptq_len--;
	ch->parent = NULL;
	ch->in_acceptq = false;
	ch->orphan = false;
	ch->sock_state = TCP_SS_CONNECTED;
	*out = tcp_net(ch); /* the queue's reference */
	return 0;
}

/* ---- bind / connect / disconnect ---- */

static int tcp_bind(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct tcp_sock *ts = tcp_sk(s);
	struct sockaddr_in sin;
	int err = inet_addr_in(addr, len, &sin);
	if (err)
		return err;
	if (sin.sin_family == AF_UNSPEC && sin.sin_addr.s_addr != htonl(INADDR_ANY))
		return -EAFNOSUPPORT;
	uint32_t a = sin.sin_addr.s_addr;
	if (a && !net_addr_is_local(ts->inet.ns, a) && !ts->inet.freebind && !ts->inet.transparent)
		return -EADDRNOTAVAIL;
	if (sin.sin_port && ntohs(sin.sin_port) < 1024 && c && c->cred.euid != 0)
		return -EACCES;
	if (ts->state != TCPS_CLOSE || ts->inet.bound_port)
		return -EINVAL;
	err = tcp_bind_port(ts, a, sin.sin_port);
	if (err)
		return err == -EAGAIN ? -EADDRINUSE : err;
	ts->inet.bind_addr_explicit = a != 0;
	ts->inet.saddr = a;
	ts->autobound = false;
	return 0;
}

/* Back to a fresh, unconnected socket (Linux's tcp_disconnect). */
static void tcp_disconnect(struct tcp_sock *ts)
{
	struct net_socket *s = tcp_net(ts);
	int old = ts->state;
	if (old == TCPS_LISTEN) {
		listen_stop(ts);
		tcp_set_state(ts, TCPS_CLOSE);
	} else if (old == TCPS_SYN_SENT) {
		tcp_set_state(ts, TCPS_CLOSE);
		s->err = ECONNRESET;
	} else if (old != TCPS_CLOSE) {
		tcp_send_active_rst(ts);
		s->err = ECONNRESET;
		tcp_set_state(ts, TCPS_CLOSE);
	}
	tcp_purge(ts);
	if (ts->autobound && ts->inet.bound_port)
		inet_unbind_port(&ts->inet);
	s->shutdown = 0;
	ts->sock_state = TCP_SS_UNCONNECTED;
	if (!ts->inet.bind_addr_explicit)
		ts->inet.saddr = ts->inet.laddr = 0;
	ts->inet.raddr = 0;
	ts->inet.rport = 0;
	ts->fin_queued = ts->fin_sent = ts->fin_rcvd = false;
	ts->snd_wnd = ts->max_snd_wnd = 0;
	ts->srtt_us = ts->rttvar_us = 0;
	ts->rto_us = TCP_RTO_INIT_US;
	ts->retransmits = ts->backoff = ts->probes = ts->dupacks = 0;
	ts->in_recovery = false;
	ts->ssthresh = UINT32_MAX / 2;
	ts->quickacks = TCP_QUICKACKS;
	ts->ack_pending = 0;
	ts->rcv_mss = 0;
	ts->route_mtu = 0;
	ts->ka_probes = 0;
	ts->rtx_first_ns = 0;
	ts->rtt_start_ns = 0;
	tcp_wake(ts, EPOLLOUT | EPOLLHUP);
}

static int start_connect(struct tcp_sock *ts, const struct sockaddr_in *sin)
{
	struct netns *ns = ts->inet.ns;
	struct net_socket *s = tcp_net(ts);
	uint32_t daddr = sin->sin_addr.s_addr;
	if (!daddr)
		daddr = htonl(INADDR_LOOPBACK);
	if (daddr == INADDR_BROADCAST || IN_MULTICAST(ntohl(daddr)))
		return -ENETUNREACH;
	uint32_t src;
	int mtu = 0;
	int err = ip4_route_src(ns, daddr, inet_oif(&ts->inet), &src, &mtu);
	if (err < 0)
		return err;
	if (ts->inet.laddr)
		src = ts->inet.laddr;
	if ((err = ip4_route_check_src(ns, src, daddr, inet_oif(&ts->inet))) < 0)
		return err;
	if (!ts->inet.bound_port) {
		err = tcp_connect_port(ts, src, daddr, sin->sin_port);
		if (err)
			return -EADDRNOTAVAIL;
		ts->autobound = true;
	}
	ts->inet.saddr = src;
	ts->inet.laddr = src;
	ts->inet.raddr = daddr;
	ts->inet.rport = sin->sin_port;
	struct tcp_sock *old =
	    tcp_conn_lookup(tcp_ns_of(ts), src, ts->inet.lport, daddr, sin->sin_port);
	if (old && old->state == TCPS_TIME_WAIT)
		tcp_done(old, 0); /* reuse the 4-tuple (tcp_tw_reuse) */
	else if (old)
		err = -EADDRNOTAVAIL;
	if (!err)
		err = tcp_hash_conn(ts);
	if (err) {
		if (ts->autobound)
			inet_unbind_port(&ts->inet);
		ts->autobound = false;
		if (!ts->inet.bind_addr_explicit)
			ts->inet.saddr = ts->inet.laddr = 0;
		ts->inet.raddr = 0;
		ts->inet.rport = 0;
		return err == -EADDRINUSE ? -EADDRNOTAVAIL : err;
	}
	ts->route_mtu = mtu;
	ts->dst_local = net_addr_is_local(ns, daddr);
	ts->iss = tcp_isn(ns->tcp, src, ts->inet.lport, daddr, sin->sin_port);
	ts->ts_offset = (uint32_t)tcp_siphash(ns->tcp->isn_key, &ts->iss, sizeof(ts->iss));
	ts->snd_una = ts->snd_nxt = ts->snd_max = ts->iss;
	ts->snd_wl2 = ts->iss;
	ts->wscale_ok = ns->sysctl.tcp_window_scaling != 0;
	ts->rcv_wscale = ts->wscale_ok ? (uint8_t)tcp_select_wscale(ts) : 0;
	ts->ts_ok = ns->sysctl.tcp_timestamps != 0;
	ts->rcv_nxt = ts->rcv_adv = ts->rcv_wup = 0;
	ts->mss = tcp_adv_mss(ts);
	s->shutdown = 0;
	s->err = 0;
	ts->state = TCPS_SYN_SENT;
	ns->stats.tcp_active_opens++;
	ts->rtt_start_ns = tcp_now_ns();
	tcp_send_syn(ts);
	tcp_rtx_arm(ts, tcp_now_ns() + ts->rto_us * 1000);
	return 0;
}

/* implements connect(2) for TCP (inet_stream_connect) */
static int tcp_connect(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct tcp_sock *ts = tcp_sk(s);
	int err;
	if (len < (socklen_t)sizeof(sa_family_t))
		return -EINVAL;
	sa_family_t fam;
	memcpy(&fam, addr, sizeof(fam));
	if (fam == AF_UNSPEC) {
		tcp_disconnect(ts);
		s->err = 0;
		return 0;
	}
	switch (ts->sock_state) {
	case TCP_SS_CONNECTED:
		return -EISCONN;
	case TCP_SS_CONNECTING:
		err = -EALREADY;
		break;
	default: {
		if (ts->state != TCPS_CLOSE)
			return -EISCONN;
		struct sockaddr_in sin;
		err = inet_addr_in(addr, len, &sin);
		if (err)
			return err;
		if (sin.sin_family != AF_INET)
			return -EAFNOSUPPORT;
		err = start_connect(ts, &sin);
		if (err)
			return err;
		ts->sock_state = TCP_SS_CONNECTING;
		err = -EINPROGRESS;
	}
	}
	if (ts->state == TCPS_SYN_SENT || ts->state == TCPS_SYN_RECV) {
		if (c && c->nonblock)
			return err;
		/* SO_SNDTIMEO running out answers what the call started as: EINPROGRESS for
		 * the connect that began it, EALREADY for a later one */
		if (c && !c->resumed)
			ts->connect_timeo_err = err;
		if (c)
			c->timeo_err = ts->connect_timeo_err ? ts->connect_timeo_err : -EINPROGRESS;
		return -EAGAIN; /* the handler parks for EPOLLOUT and calls again */
	}
	if (ts->state == TCPS_CLOSE) {
		err = net_socket_take_error(s);
		if (!err)
			err = -ECONNABORTED;
		tcp_disconnect(ts);
		s->err = 0;
		return err;
	}
	ts->sock_state = TCP_SS_CONNECTED;
	return 0;
}

/* ---- data ---- */

/* Makes room for @need more bytes in the send ring (up to the limit). */
static uint32_t ring_room(struct tcp_sock *ts, uint32_t need)
{
	uint32_t lim = tcp_snd_limit(ts);
	if (ts->slen >= lim)
		return 0;
	uint32_t want = ts->slen + need < lim ? ts->slen + need : lim;
	if (want > ts->scap) {
		uint32_t ncap = ts->scap ? ts->scap : TCP_SND_RING_MIN;
		while (ncap < want)
			ncap *= 2;
		if (ncap > lim)
			ncap = lim;
		uint8_t *nb = malloc(ncap);
		if (nb) {
			if (ts->slen) {
				uint32_t first = ts->scap - ts->shead < ts->slen
						     ? ts->scap - ts->shead
						     : ts->slen;
				memcpy(nb, ts->sbuf + ts->shead, first);
				memcpy(nb + first, ts->sbuf, ts->slen - first);
			}
			free(ts->sbuf);
			ts->sbuf = nb;
			ts->scap = ncap;
			ts->shead = 0;
		}
	}
	uint32_t room = ts->scap - ts->slen;
	return room < need ? room : need;
}

static void ring_append(struct tcp_sock *ts, const uint8_t *src, uint32_t n)
{
	uint32_t tail = (ts->shead + ts->slen) % ts->scap;
	uint32_t first = ts->scap - tail < n ? ts->scap - tail : n;
	memcpy(ts->sbuf + tail, src, first);
	if (n > first)
		memcpy(ts->sbuf, src + first, n - first);
	ts->slen += n;
}

static ssize_t tcp_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct tcp_sock *ts = tcp_sk(s);
	if (ts->state == TCPS_SYN_SENT || ts->state == TCPS_SYN_RECV) {
		if (s->err)
			return net_socket_take_error(s);
		return -EAGAIN;
	}
	if (s->err)
		return net_socket_take_error(s);
	if (s->shutdown & NET_SEND_SHUTDOWN)
		return -EPIPE;
	if (ts->state != TCPS_ESTABLISHED && ts->state != TCPS_CLOSE_WAIT)
		return -EPIPE;
	if (m->len == 0)
		return 0;
	uint32_t want = m->len > 0x7fffffff ? 0x7fffffff : (uint32_t)m->len;
	uint32_t n = ring_room(ts, want);
	if (!n)
		return -EAGAIN;
	ring_append(ts, m->buf, n);
	bool cork = ts->cork;
	if (m->flags & MSG_MORE)
		ts->cork = true;
	tcp_output(ts);
	ts->cork = cork;
	return n;
}

static ssize_t tcp_recvmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct tcp_sock *ts = tcp_sk(s);
	int flags = m->flags;
	m->fromlen = 0;
	m->flags = 0;
	if (flags & MSG_OOB)
		return -EINVAL; /* no urgent data is ever kept (it is delivered inline) */
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	if (ts->state == TCPS_LISTEN)
		return -ENOTCONN;
	if (!ts->rcvq_bytes) {
		if (ts->fin_rcvd)
			return 0;
		if (s->err)
			return net_socket_take_error(s);
		if (s->shutdown & NET_RCV_SHUTDOWN)
			return 0;
		if (ts->state == TCPS_CLOSE)
			return -ENOTCONN;
		return -EAGAIN;
	}
	if (m->len == 0)
		return 0;
	size_t done = 0;
	struct pkt *p, *tmp;
	list_for_each_entry_safe(p, tmp, &ts->rcvq, link)
	{
		if (done == m->len)
			break;
		size_t n = p->len < m->len - done ? p->len : m->len - done;
		if (flags & MSG_TRUNC)
			memset((uint8_t *)m->buf + done, 0, n);
		else
			memcpy((uint8_t *)m->buf + done, p->data, n);
		done += n;
		if (flags & MSG_PEEK)
			continue;
		pkt_pull(p, n);
		ts->rcvq_bytes -= (uint32_t)n;
		ts->rmem -= (uint32_t)n;
		if (!p->len) {
			list_del(&p->link);
			ts->rmem -= TCP_SKB_OVERHEAD;
			pkt_put(p);
		}
	}
	if (!(flags & MSG_PEEK)) {
		tcp_rcv_space_update(ts);
		if (ts->ack_pending && !ts->rcvq_bytes && ts->quickacks)
			tcp_send_ack(ts);
	}
	return (ssize_t)done;
}

/* ---- shutdown / close ---- */

/* Queues our FIN (the state moves as RFC 793's CLOSE call). Returns whether one goes. */
static bool close_state(struct tcp_sock *ts)
{
	switch (ts->state) {
	case TCPS_ESTABLISHED:
	case TCPS_SYN_RECV:
		tcp_set_state(ts, TCPS_FIN_WAIT1);
		break;
	case TCPS_CLOSE_WAIT:
		tcp_set_state(ts, TCPS_LAST_ACK);
		break;
	default:
		return false;
	}
	ts->fin_queued = true;
	return true;
}

static int tcp_shutdown(struct net_socket *s, int how)
{
	struct tcp_sock *ts = tcp_sk(s);
	unsigned bits = (unsigned)how + 1; /* SHUT_RD 0 -> RCV 1, SHUT_WR -> SEND 2, RDWR 3 */
	int err = 0;
	switch (ts->state) {
	case TCPS_CLOSE:
		err = -ENOTCONN;
		s->shutdown |= bits;
		break;
	case TCPS_LISTEN:
		if (!(bits & NET_RCV_SHUTDOWN))
			break;
		/* fallthrough */
	case TCPS_SYN_SENT:
		tcp_disconnect(ts);
		break;
	default:
		s->shutdown |= bits;
		if ((bits & NET_SEND_SHUTDOWN) && close_state(ts))
			tcp_push(ts);
		break;
	}
	if (ts->state != TCPS_SYN_SENT && ts->sock_state == TCP_SS_CONNECTING &&
	    ts->state != TCPS_SYN_RECV)
		ts->sock_state = ts->state == TCPS_CLOSE ? TCP_SS_UNCONNECTED : TCP_SS_CONNECTED;
	tcp_wake(ts, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP | EPOLLRDNORM | EPOLLWRNORM);
	return err;
}

/* The last file reference is gone: close(2) (Linux's __tcp_close). */
static void tcp_release(struct net_socket *s)
{
	struct tcp_sock *ts = tcp_sk(s);
	s->shutdown = NET_SHUTDOWN_MASK;
	switch (ts->state) {
	case TCPS_LISTEN:
		listen_stop(ts);
		tcp_set_state(ts, TCPS_CLOSE);
		break;
	case TCPS_CLOSE:
		break;
	case TCPS_SYN_SENT:
		tcp_set_state(ts, TCPS_CLOSE);
		break;
	default: {
		bool unread = ts->rcvq_bytes > 0;
		bool abort = s->linger.l_onoff && s->linger.l_linger == 0;
		if (unread || abort) {
			/* RFC 2525 2.17: data lost, tell the peer */
			tcp_send_active_rst(ts);
			tcp_set_state(ts, TCPS_CLOSE);
			break;
		}
		if (close_state(ts))
			tcp_push(ts);
		if (ts->state == TCPS_CLOSE)
			break;
		tcp_orphan(ts);
		tcp_purge_rcv(ts);
		tcp_arm_keepalive(ts); /* FIN_WAIT2's timeout */
		goto out;
	}
	}
	if (ts->inet.bound_port)
		inet_unbind_port(&ts->inet);
	tcp_purge(ts);
out:
	/* tasks parked on the socket (another thread's accept or recv) run again and find
	 * the descriptor gone */
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR | EPOLLRDHUP);
}

/* implements getsockname(2)/getpeername(2): no peer while closed or connecting */
static int tcp_getname(struct net_socket *s, struct sockaddr_storage *ss, bool peer)
{
	int st = tcp_sk(s)->state;
	if (peer && (st == TCPS_CLOSE || st == TCPS_SYN_SENT))
		return -ENOTCONN;
	return inet_getname(s, ss, peer);
}

/* ---- the operations ---- */

const struct net_family_ops net_tcp_ops = {
    .family = AF_INET,
    .bind = tcp_bind,
    .listen = tcp_listen,
    .accept = tcp_accept,
    .connect = tcp_connect,
    .getname = tcp_getname,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg,
    .shutdown = tcp_shutdown,
    .poll = tcp_poll,
    .ioctl = tcp_ioctl,
    .setsockopt = tcp_setsockopt,
    .getsockopt = tcp_getsockopt,
    .release = tcp_release,
    .destroy = tcp_destroy,
};
