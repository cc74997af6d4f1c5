/* netstack/tcp.h - TCP over IPv4: the connection object (struct tcp_sock), the
 * per-namespace tables (struct tcp_ns), and the interfaces between the TCP files:
 *   tcp.c      socket operations (net_tcp_ops): bind, listen, accept, connect, send,
 *              receive, shutdown, poll, close
 *   tcp_opt.c  SOL_TCP options, TCP_INFO, ioctls
 *   tcp_ns.c   per-namespace state: connection and listener hashes, the port sharing
 *              rule, ISNs, state changes, TIME_WAIT, orphans, teardown
 *   tcp_out.c  building and sending segments, the send engine (windows, Nagle, cork,
 *              congestion control), retransmission / probe / delayed-ACK / keepalive timers
 *   tcp_in.c   segment input: validation, demultiplexing, the state machine, reassembly
 *   tcp_icmp.c ICMP errors about our segments (path MTU, unreachable)
 *
 * Not for other modules: only tcp_create, net_tcp_ops and the ip4.h hooks are public.
 *
 * References: the namespace's tables (connection hash, listener hash) hold one reference on
 * each hashed socket; a listener holds one on each child in its SYN or accept queue (accept
 * passes it to the new file); the socket file holds one. A socket whose file is gone
 * (an "orphan") lives on through the table reference until it reaches CLOSED. Timers hold
 * nothing: they are cancelled when the socket reaches CLOSED and in destroy. */
#ifndef CVISOR_NETSTACK_TCP_H
#define CVISOR_NETSTACK_TCP_H
#include <stdbool.h>
#include <stdint.h>
#include "common/list.h"
#include "common/timer.h"
#include "netstack/inet_sock.h"
#include "netstack/ip4.h"
#include "netstack/pkt.h"

/* States, numbered as Linux's (TCP_INFO tcpi_state, /proc/net/tcp). */
enum tcp_state {
	TCPS_ESTABLISHED = 1,
	TCPS_SYN_SENT = 2,
	TCPS_SYN_RECV = 3,
	TCPS_FIN_WAIT1 = 4,
	TCPS_FIN_WAIT2 = 5,
	TCPS_TIME_WAIT = 6,
	TCPS_CLOSE = 7,
	TCPS_CLOSE_WAIT = 8,
	TCPS_LAST_ACK = 9,
	TCPS_LISTEN = 10,
	TCPS_CLOSING = 11,
};

/* The socket-level connect state (Linux's sock->state for inet_stream_connect). */
enum tcp_sock_state { TCP_SS_UNCONNECTED, TCP_SS_CONNECTING, TCP_SS_CONNECTED };

/* Header flags. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20

/* Constants (Linux's). */
#define TCP_HDR_LEN 20
#ifndef TCP_MSS_DEFAULT
#define TCP_MSS_DEFAULT 536U /* before a route is known (linux/tcp.h has it too) */
#endif
#define TCP_MSS_MIN 88 /* TCP_MAXSEG lower bound */
#define TCP_MAX_WINDOW 65535
#define TCP_MAX_WSCALE 14
#define TCP_TS_OPT_LEN 12 /* NOP NOP TS */
#define TCP_RTO_MIN_US 200000LL
#define TCP_RTO_MAX_US 120000000LL
#define TCP_RTO_INIT_US 1000000LL
#define TCP_DELACK_MIN_NS 40000000LL /* 40 ms */
#define TCP_DELACK_MAX_NS 200000000LL
#define TCP_TIMEWAIT_NS 60000000000LL
#define TCP_RETRIES2 15
#define TCP_ORPHAN_RETRIES 8 /* net.ipv4.tcp_orphan_retries 0 = 8 */
#define TCP_SYNACK_RETRIES 5
#define TCP_INIT_CWND 10	       /* segments (RFC 6928) */
#define TCP_QUICKACKS 16	       /* segments ACKed at once at the start of a connection */
#define TCP_SNDBUF_INIT 16384	       /* net.ipv4.tcp_wmem[1] */
#define TCP_RCVBUF_INIT 131072	       /* net.ipv4.tcp_rmem[1] */
#define TCP_WMEM_AUTO (4 << 20)	       /* send buffer autotuning ceiling (tcp_wmem[2]) */
#define TCP_RMEM_AUTO (6 << 20)	       /* receive buffer autotuning ceiling (tcp_rmem[2]) */
#define TCP_SKB_OVERHEAD 256	       /* charged per queued segment besides its payload */
#define TCP_SND_RING_MIN (64 * 1024)   /* the send ring's first size (it doubles) */
#define TCP_SND_RING_KEEP (256 * 1024) /* a larger ring is freed when all is ACKed */
#define TCP_OOO_MAX_SEGS 1024	       /* out-of-order segments kept per connection */
#define TCP_OOW_ACK_NS 500000000LL     /* net.ipv4.tcp_invalid_ratelimit: 500 ms */

/* Sequence arithmetic (RFC 793 modulo 2^32). */
static inline bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}
static inline bool seq_leq(uint32_t a, uint32_t b)
{
	return !seq_after(a, b);
}
static inline bool seq_geq(uint32_t a, uint32_t b)
{
	return !seq_before(a, b);
}

/* The header as on the wire (RFC 793), network byte order. */
struct tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t doff; /* data offset in the high nibble */
	uint8_t flags;
	uint16_t wnd, csum, urg;
} __attribute__((packed));

/* One received segment, parsed (tcp_in.c). */
struct tcp_seg {
	uint32_t seq, ack, end_seq; /* end_seq: seq + len + SYN + FIN */
	uint32_t wnd;		    /* unscaled */
	uint8_t flags;
	uint32_t len; /* payload bytes */
	bool has_mss, has_ws, has_ts, sack_ok;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
};

struct tcp_sock {
	struct inet_sock inet; /* first (and so struct net_socket first) */
	int state;	       /* enum tcp_state */
	int sock_state;	       /* enum tcp_sock_state */
	int connect_timeo_err; /* what a parked connect returns on timeout (see tcp_connect) */
	bool hashed;	       /* in the connection or listener hash (holds a reference) */
	bool listen_hashed;    /* ... the listener hash */
	int norphan_counted;   /* counted in tcp_ns.norphans */
	bool orphan;	       /* the file is gone */
	bool autobound;	       /* the port was picked by connect: released at CLOSE */
	bool dst_local;	       /* the peer is one of our addresses: no checksums */
	struct list_head hash_link;
	uint32_t hash;

	/* listener */
	struct list_head synq, acceptq; /* children (q_link), one reference each */
	int synq_len, acceptq_len, backlog;
	/* child */
	struct tcp_sock *parent; /* the listener while queued (borrowed) */
	struct list_head q_link;
	bool in_acceptq;

	/* send side (RFC 793 names). The send buffer holds the bytes [snd_una, snd_una +
	 * slen): unacknowledged then unsent data, in a ring that grows up to the limit. */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2, max_snd_wnd;
	uint8_t *sbuf;
	uint32_t scap, shead, slen;
	bool fin_queued; /* shutdown(SHUT_WR)/close: FIN after the data */
	bool fin_sent;	 /* at least once; its sequence number is fin_seq */
	uint32_t fin_seq;
	uint32_t mss;	   /* payload bytes per segment (options excluded) */
	uint32_t peer_mss; /* from the SYN */
	uint32_t user_mss; /* TCP_MAXSEG (0: none) */
	uint8_t snd_wscale, rcv_wscale;
	bool wscale_ok, ts_ok, sack_ok;
	uint32_t ts_recent, ts_offset;

	/* congestion control: NewReno (RFC 5681, 6582), in bytes */
	uint32_t cwnd, ssthresh, recover;
	int dupacks;
	bool in_recovery;

	/* RTT (RFC 6298), microseconds */
	int64_t srtt_us, rttvar_us, rto_us, last_rtt_us, min_rtt_us;
	uint32_t rtt_seq;
	int64_t rtt_start_ns; /* 0: not timing */
	int backoff, retransmits, probes;
	uint32_t total_retrans;
	int64_t rtx_first_ns; /* when the current run of retransmissions began */

	/* receive side */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge of the last advertised window */
	uint32_t rcv_wup;		/* rcv_nxt when we last sent an ACK */
	uint32_t rcv_mss;		/* largest payload received (delayed ACK decisions) */
	int route_mtu;			/* MTU of the route to the peer (0: unknown) */
	struct list_head rcvq;		/* in-order segments (pkt.link, data at unread bytes) */
	uint32_t rcvq_bytes;		/* unread payload */
	uint32_t rmem;			/* charged: payload + overhead, in-order and out-of-order */
	struct list_head oooq;		/* out-of-order segments, by sequence */
	int ooo_segs;
	bool fin_rcvd;

	/* ACK generation */
	int ack_pending;	 /* segments received since our last ACK */
	int64_t last_oow_ack_ns; /* the last ACK for a segment we did not take */
	int quickacks;		 /* segments still ACKed at once */
	bool pingpong;

	/* timers */
	struct stimer rtx_timer; /* retransmission, SYN(-ACK) retries, zero-window probes */
	bool probing;		 /* rtx_timer is the zero-window probe timer */
	/* Timers are lazy: the logical deadline is kept here (0: not running) and the stimer
	 * only moves when it must fire earlier; a timer that fires before its due time
	 * re-arms. Sending and ACKing then rarely touch the timer heap. */
	int64_t rtx_due_ns, delack_due_ns;
	struct stimer delack_timer;
	struct stimer ka_timer; /* keepalive; FIN_WAIT2 and TIME_WAIT timeouts */
	int64_t last_rx_ns;	/* keepalive idle time */
	int ka_probes;

	/* options (SOL_TCP) */
	bool nodelay, cork, quickack_opt, defer_accept_set;
	int keepidle_s, keepintvl_s, keepcnt; /* 0: the namespace's sysctl */
	int user_timeout_ms;
	int syn_retries;    /* TCP_SYNCNT (0: sysctl) */
	int linger2_s;	    /* TCP_LINGER2 (0: sysctl) */
	int defer_accept_s; /* TCP_DEFER_ACCEPT, as SYN-ACK retransmissions */
	int window_clamp;
	int notsent_lowat;

	/* counters (TCP_INFO) */
	uint64_t bytes_acked, bytes_received, bytes_sent, bytes_retrans;
	uint32_t segs_out, segs_in, data_segs_out, data_segs_in;
	int64_t last_data_recv_ns, last_data_sent_ns, last_ack_recv_ns;
	int sndbuf_init, rcvbuf_init; /* net_socket values at creation: autotuning while equal */
};

struct tcp_ns {
	struct netns *ns; /* borrowed: the owner */
	struct inet_ports ports;
	struct list_head *conns; /* by 4-tuple hash */
	uint32_t conn_buckets;	 /* a power of two */
	uint32_t nconns;
	struct list_head listeners[INET_PORT_BUCKETS];
	uint8_t isn_key[16], hash_key[16];
	uint32_t norphans;
	long nestab; /* connections in ESTABLISHED or CLOSE_WAIT (CurrEstab) */
};

static inline struct tcp_sock *tcp_sk(struct net_socket *s)
{
	return (struct tcp_sock *)s;
}
static inline struct net_socket *tcp_net(struct tcp_sock *ts)
{
	return &ts->inet.sock;
}

/* ---- tcp_ns.c ---- */
uint64_t tcp_siphash(const uint8_t key[16], const void *data, size_t len);
/* RFC 6528 initial sequence number for the 4-tuple. */
uint32_t tcp_isn(struct tcp_ns *tn, uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport);
/* The connection with this 4-tuple (local/remote as seen by us), or NULL. Borrowed. */
struct tcp_sock *tcp_conn_lookup(struct tcp_ns *tn, uint32_t laddr, uint16_t lport, uint32_t raddr,
				 uint16_t rport);
/* The listener for a SYN to laddr:lport from raddr:rport arriving on @ifindex (exact
 * address before wildcard, SO_BINDTODEVICE honoured, SO_REUSEPORT groups spread by the
 * 4-tuple's hash), or NULL. Borrowed. */
struct tcp_sock *tcp_listener_lookup(struct tcp_ns *tn, uint32_t laddr, uint16_t lport,
				     uint32_t raddr, uint16_t rport, int ifindex);
/* Hashes @ts in the connection table (by its 4-tuple; takes a reference). -EADDRINUSE when
 * the 4-tuple is taken. */
int tcp_hash_conn(struct tcp_sock *ts);
int tcp_hash_listener(struct tcp_sock *ts);
/* Removes @ts from its hash and drops the table's reference (may free @ts). */
void tcp_unhash(struct tcp_sock *ts);
/* TCP's port sharing rule (inet_port_shareable_fn). */
bool tcp_port_shareable(const struct inet_sock *a, const struct inet_sock *b);
/* Binds @ts to @addr:@port (0: ephemeral) with TCP's rule. */
int tcp_bind_port(struct tcp_sock *ts, uint32_t addr, uint16_t port);
/* The local port for a connect from @src to @daddr:@dport: a free ephemeral port, else
 * one shared with connections elsewhere or held by a TIME_WAIT (-EAGAIN: none). */
int tcp_connect_port(struct tcp_sock *ts, uint32_t src, uint32_t daddr, uint16_t dport);
/* Whether another listener on @ts's port conflicts (listen(2) re-checks as Linux). */
bool tcp_listen_conflict(struct tcp_sock *ts);
/* Moves @ts to @state: counters, timers, CLOSE tears down (unhash, release the autobound
 * port, free buffers). May free @ts when it is an orphan: callers hold a reference. */
void tcp_set_state(struct tcp_sock *ts, int state);
/* Ends the connection: CLOSE, both directions shut, @err (positive, 0: none) reported,
 * waiters woken. Like Linux's tcp_done. */
void tcp_done(struct tcp_sock *ts, int err);
/* Enters TIME_WAIT (a clone without a file holds the 4-tuple and the port if @ts still
 * has its file; @ts itself goes CLOSE). */
void tcp_time_wait(struct tcp_sock *ts);
/* A child of a listener takes the port without the sharing rule. */
int tcp_inherit_port(struct tcp_sock *child, uint32_t laddr, uint16_t lport);
/* The file is gone: @ts lives on (through the table) until it reaches CLOSE. */
void tcp_orphan(struct tcp_sock *ts);
/* Frees the send buffer and the receive queues (tcp_purge_rcv: the receive queues). */
void tcp_purge(struct tcp_sock *ts);
void tcp_purge_rcv(struct tcp_sock *ts);
/* Allocates a socket in @ns (one reference) with Linux's defaults. */
struct tcp_sock *tcp_sock_alloc(struct netns *ns);
/* A child of @lsk for a SYN: copies the listener's options. */
struct tcp_sock *tcp_sock_clone(struct tcp_sock *lsk);
/* The namespace's TCP state (NULL when tcp_ns_init did not run). */
static inline struct tcp_ns *tcp_ns_of(struct tcp_sock *ts)
{
	return ts->inet.ns ? ts->inet.ns->tcp : NULL;
}
/* Wakes the socket's waiters with its current poll bits | @extra. */
void tcp_wake(struct tcp_sock *ts, uint32_t extra);

/* ---- tcp_out.c ---- */
int64_t tcp_now_ns(void);
uint32_t tcp_ts_now(struct tcp_sock *ts);
/* Sends whatever the windows, Nagle and cork allow (data, FIN). */
void tcp_output(struct tcp_sock *ts);
/* Like tcp_output but also pushes a sub-MSS tail when nothing else is in flight. */
void tcp_push(struct tcp_sock *ts);
void tcp_send_ack(struct tcp_sock *ts);
void tcp_send_syn(struct tcp_sock *ts); /* SYN or SYN-ACK (SYN_RECV) */
/* An RST for an established connection (abort). */
void tcp_send_active_rst(struct tcp_sock *ts);
/* Answers @seg (no socket, or a bad state) with an RST as RFC 793. */
void tcp_send_rst_reply(struct netns *ns, const struct ip4_rx *rx, const struct tcp_hdr *th,
			const struct tcp_seg *seg);
/* Sends the segment at the head of the unacknowledged data again. */
void tcp_retransmit_head(struct tcp_sock *ts);
void tcp_rearm_rtx(struct tcp_sock *ts);
/* Starts the retransmission timer for @due_ns / stops it (lazily). */
void tcp_rtx_arm(struct tcp_sock *ts, int64_t due_ns);
void tcp_rtx_clear(struct tcp_sock *ts);
static inline bool tcp_rtx_running(const struct tcp_sock *ts)
{
	return ts->rtx_due_ns != 0;
}
void tcp_schedule_ack(struct tcp_sock *ts);
void tcp_arm_keepalive(struct tcp_sock *ts);
void tcp_timers_init(struct tcp_sock *ts);
void tcp_timers_cancel(struct tcp_sock *ts);
/* The window to advertise now (unscaled bytes), never shrinking the right edge. */
uint32_t tcp_rcv_window(struct tcp_sock *ts);
/* Space left for data in the receive buffer (bytes). */
uint32_t tcp_rcv_space(struct tcp_sock *ts);
/* Receive and send buffer limits (autotuned unless SO_RCVBUF/SO_SNDBUF was set). */
uint32_t tcp_rcv_limit(struct tcp_sock *ts);
uint32_t tcp_snd_limit(struct tcp_sock *ts);
uint32_t tcp_select_wscale(struct tcp_sock *ts);
/* The MSS to advertise and the payload per segment, from the route's MTU. */
uint32_t tcp_adv_mss(struct tcp_sock *ts);
void tcp_sync_mss(struct tcp_sock *ts);
/* After the application consumed data: send a window update when it opened enough. */
void tcp_rcv_space_update(struct tcp_sock *ts);
int tcp_keepidle(const struct tcp_sock *ts);
int tcp_keepintvl(const struct tcp_sock *ts);
int tcp_keepcnt(const struct tcp_sock *ts);

/* ---- tcp_in.c ---- */
/* Queued-segment metadata kept in the headroom just before p->data. */
uint32_t tcp_pkt_seq(const struct pkt *p);
void tcp_pkt_set_seq(struct pkt *p, uint32_t seq, bool fin);
bool tcp_pkt_fin(const struct pkt *p);

/* ---- tcp_icmp.c ---- */
void tcp_pmtu_update(struct tcp_sock *ts, uint32_t mtu);

/* ---- tcp_opt.c ---- */
int tcp_setsockopt(struct net_socket *s, int level, int name, const void *val, socklen_t len);
int tcp_getsockopt(struct net_socket *s, int level, int name, void *val, socklen_t *len);
long tcp_ioctl(struct net_socket *s, unsigned int cmd, int *out);

/* Counters of the namespace (struct net_stats). */
#define TCP_INC(ts, field) ((ts)->inet.ns->stats.field++)

#endif
