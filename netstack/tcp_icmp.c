/* netstack/tcp_icmp.c - ICMP errors about segments we sent (tcp_v4_icmp_error): a smaller
 * path MTU shrinks the MSS and resends; unreachable/time exceeded end a connection attempt
 * (connect fails with ECONNREFUSED, EHOSTUNREACH, ENETUNREACH) and are reported on an
 * established connection only with IP_RECVERR, as Linux treats them there as soft errors.
 *
 * Owns: nothing. Must not: trust the quoted header beyond the 8 bytes ip4 guarantees. */
#include <stdbool.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/epoll.h>
#include "netstack/tcp.h"

/* A smaller path MTU (ICMP fragmentation needed, RFC 1191): cut the segments and send the
 * unacknowledged ones again. */
void tcp_pmtu_update(struct tcp_sock *ts, uint32_t mtu)
{
	if (mtu < 68 || (int)mtu >= (ts->route_mtu ? ts->route_mtu : 65536))
		return;
	ts->route_mtu = (int)mtu;
	tcp_sync_mss(ts);
	if (ts->snd_una != ts->snd_nxt) {
		ts->snd_nxt = ts->snd_una;
		tcp_output(ts);
	}
}

/* The IPv4 hook for ICMP errors about a segment we sent. */
void tcp_v4_icmp_error(struct netns *ns, const struct ip4_icmp_err *e)
{
	struct tcp_ns *tn = ns->tcp;
	if (!tn || e->l4len < 8)
		return;
	uint16_t sport, dport;
	uint32_t seq;
	memcpy(&sport, e->l4, 2);
	memcpy(&dport, e->l4 + 2, 2);
	memcpy(&seq, e->l4 + 4, 4);
	struct tcp_sock *ts = tcp_conn_lookup(tn, e->inner->saddr, sport, e->inner->daddr, dport);
	if (!ts || ts->state == TCPS_TIME_WAIT)
		return;
	seq = ntohl(seq);
	if (ts->state != TCPS_SYN_SENT && ts->state != TCPS_SYN_RECV &&
	    (seq_before(seq, ts->snd_una) || seq_after(seq, ts->snd_max)))
		return;
	struct net_socket *s = tcp_net(ts);
	if (e->type == ICMP_DEST_UNREACH && e->code == ICMP_FRAG_NEEDED) {
		if (ts->inet.pmtudisc != IP_PMTUDISC_DONT)
			tcp_pmtu_update(ts, e->info);
		return;
	}
	bool hard;
	int err = inet_icmp_err_convert(e->type, e->code, ts->inet.pmtudisc, &hard);
	if (!err)
		return; /* source quench, redirect */
	net_socket_get(s);
	if (ts->state == TCPS_SYN_SENT || ts->state == TCPS_SYN_RECV) {
		/* any error ends an attempt (tcp_v4_err); a passive child just goes */
		if (ts->state == TCPS_SYN_SENT)
			TCP_INC(ts, tcp_attempt_fails);
		tcp_done(ts, ts->parent ? 0 : err);
	} else if (ts->inet.recverr) {
		s->err = err;
		tcp_wake(ts, EPOLLERR);
	}
	net_socket_put(s);
}
