/* netstack/socket.h - the socket layer: struct net_socket, the per-family operations, and
 * socket files (a socket is a struct vfs_file whose priv is its struct net_socket).
 *
 * The socket layer owns what every family shares: the reference count, the wait queue,
 * shutdown bits, the pending error (SO_ERROR), the SOL_SOCKET options (buffer sizes,
 * timeouts, SO_PASSCRED, stored flags), the file operations and the family registry.
 * A family (AF_UNIX in netstack/unix.c; AF_INET, AF_INET6, AF_NETLINK, AF_PACKET later)
 * provides struct net_family_ops and embeds struct net_socket at the start of its own
 * socket object. Nothing here touches guest memory or blocks: operations that would
 * block return -EAGAIN and say which wait queue to park on (struct net_call.wait).
 *
 * References: the socket file holds one reference on its net_socket (dropped in the
 * file's release, which first calls ops->release: the "close" of the socket). Families
 * take further references between their sockets; see netstack/README.md. */
#ifndef CVISOR_NETSTACK_SOCKET_H
#define CVISOR_NETSTACK_SOCKET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "common/waitq.h"
#include "vfs/vfs.h"
#include "vfs/file.h"

struct vfs_file;
struct net_socket;

/* Shutdown bits (Linux RCV_SHUTDOWN / SEND_SHUTDOWN). */
#define NET_RCV_SHUTDOWN 1
#define NET_SEND_SHUTDOWN 2
#define NET_SHUTDOWN_MASK 3

/* Default buffer sizes (net.core.wmem_default / rmem_default) and limits. */
#define NET_SNDBUF_DEFAULT 212992
#define NET_RCVBUF_DEFAULT 212992
#define NET_WMEM_MAX 212992
#define NET_RMEM_MAX 212992
#define NET_SNDBUF_MIN 4608
#define NET_RCVBUF_MIN 2304
#define NET_SOMAXCONN 4096
/* Timeouts: "never" (the default) and a zero timeout (a negative timeval: never waits). */
#define NET_TIMEO_INF INT64_MAX
/* Most fds one message may carry (Linux SCM_MAX_FD). */
#define NET_SCM_MAX_FD 253

/* The credentials a socket call carries (SCM_CREDENTIALS, SO_PEERCRED): the caller's
 * virtual pid, real and effective ids as the Sentry knows them. */
struct net_ucred {
	int32_t pid;
	uint32_t uid, gid;   /* real: SCM_CREDENTIALS */
	uint32_t euid, egid; /* effective: SO_PEERCRED */
};

/* Who is calling. Built by the syscall handler (sys_socket.c), or from the socket's last
 * caller for plain read(2)/write(2) on the file (the file ops have no task). */
struct net_call {
	struct net_ucred cred;
	struct vfs_ctx *vc; /* path lookups (AF_UNIX bind/connect); NULL from read/write */
	/* Out: when an op returns -EAGAIN, the queue to park on and the events to wait for
	 * (NULL: the socket's own queue). */
	struct waitq *wait;
	uint32_t wait_events;
	/* In (connect, accept): the caller will not wait (O_NONBLOCK), and this run of the
	 * call follows a park (the handler re-runs a parked call from the top). */
	bool nonblock;
	bool resumed;
	/* Out: what a blocking call that times out returns instead of -EAGAIN (0: -EAGAIN);
	 * TCP's connect answers -EINPROGRESS, as Linux. */
	int timeo_err;
};

/* One message, in Sentry memory, for ->sendmsg and ->recvmsg. */
struct net_msg {
	void *buf; /* send: the data; recv: where the data goes */
	size_t len;
	const void *name; /* send: destination address (NULL: the peer) */
	socklen_t namelen;
	struct sockaddr_storage from; /* recv out: the source address */
	socklen_t fromlen;	      /* recv out: its length (0: none) */
	int flags;		      /* in: MSG_* of the call; recv out: msg_flags */
	/* Control data. send: files (references borrowed; the family takes its own) and
	 * explicit credentials. recv out: files (new references the caller consumes:
	 * installs or puts them) and the sender's credentials. */
	struct vfs_file **files;
	int nfiles;
	bool has_cred;
	struct net_ucred cred;
	/* Other control messages (IP_PKTINFO, IP_TTL, SCM_TIMESTAMP, IP_RECVERR...).
	 * send: the app's control data as given (struct cmsghdr records; NULL: none); the
	 * family parses the levels it knows (SOL_SOCKET SCM_RIGHTS/SCM_CREDENTIALS are
	 * already parsed into files/cred by the handler).
	 * recv: the family appends records with net_msg_put_cmsg() to @cmsg_out, a buffer of
	 * @cmsg_out_cap bytes (NULL: the app gave no control buffer), advancing
	 * @cmsg_out_len; a record that does not fit sets @cmsg_trunc (MSG_CTRUNC). The
	 * handler copies them out before SCM_CREDENTIALS and SCM_RIGHTS. */
	const void *cmsg_in;
	size_t cmsg_in_len;
	void *cmsg_out;
	size_t cmsg_out_len, cmsg_out_cap;
	bool cmsg_trunc;
};

/* Appends one control message to @m's receive control buffer as Linux's put_cmsg does:
 * truncated (and @m->cmsg_trunc set) when it does not fit, dropped (cmsg_trunc) when
 * there is no buffer. */
void net_msg_put_cmsg(struct net_msg *m, int level, int type, const void *data, size_t len);

/* What a family provides. Every op returns 0 / a count or -errno as Linux would; ops that
 * would block return -EAGAIN (with c->wait set when the queue is not the socket's own).
 * NULL ops answer as Linux's sock_no_* do (EOPNOTSUPP). */
struct net_family_ops {
	int family;
	/* Every SOL_SOCKET option but SO_RCVTIMEO/SO_SNDTIMEO goes to ->setsockopt and
	 * ->getsockopt (host sockets: netstack/hostinet.c); the socket layer keeps none. */
	bool own_sol_socket;
	/* Initializes a new socket of @type/@protocol: allocates the family's object (with
	 * struct net_socket embedded) and returns it in *@out, or -errno
	 * (ESOCKTNOSUPPORT, EPROTONOSUPPORT). */
	int (*create)(int type, int protocol, struct net_socket **out);
	int (*socketpair)(struct net_socket *a, struct net_socket *b, struct net_call *c);
	int (*bind)(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len);
	int (*listen)(struct net_socket *s, struct net_call *c, int backlog);
	/* Takes the next pending connection: a new socket (one reference) in *@out. */
	int (*accept)(struct net_socket *s, struct net_call *c, struct net_socket **out);
	int (*connect)(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len);
	/* Writes the local (@peer false) or remote address; returns its length. */
	int (*getname)(struct net_socket *s, struct sockaddr_storage *addr, bool peer);
	ssize_t (*sendmsg)(struct net_socket *s, struct net_call *c, struct net_msg *m);
	ssize_t (*recvmsg)(struct net_socket *s, struct net_call *c, struct net_msg *m);
	/* @how is already validated (SHUT_RD/WR/RDWR). */
	int (*shutdown)(struct net_socket *s, int how);
	/* Readiness bits (EPOLL*). */
	uint32_t (*poll)(struct net_socket *s);
	/* Family ioctls (FIONREAD/SIOCINQ, SIOCOUTQ); -ENOIOCTLCMD when not the family's. */
	long (*ioctl)(struct net_socket *s, unsigned int cmd, int *out);
	/* Options at levels other than SOL_SOCKET (NULL: EOPNOTSUPP); SOL_SOCKET options the
	 * socket layer does not know go to these too (NULL: ENOPROTOOPT). */
	int (*setsockopt)(struct net_socket *s, int level, int name, const void *val,
			  socklen_t len);
	int (*getsockopt)(struct net_socket *s, int level, int name, void *val, socklen_t *len);
	/* The last file reference is gone: close (disconnect, unbind, drop queued data). */
	void (*release)(struct net_socket *s);
	/* The last reference is gone: free the object. */
	void (*destroy)(struct net_socket *s);
};

struct net_socket {
	int refs;
	const struct net_family_ops *ops;
	int family, type, protocol;
	struct waitq wq;       /* woken with EPOLL* bits on every change */
	unsigned shutdown;     /* NET_RCV_SHUTDOWN | NET_SEND_SHUTDOWN */
	int err;	       /* pending error (SO_ERROR), positive errno */
	bool listening;	       /* SO_ACCEPTCONN */
	struct vfs_file *file; /* borrowed: the file while it exists */
	/* SOL_SOCKET options */
	int sndbuf, rcvbuf;
	int64_t rcvtimeo_ns, sndtimeo_ns; /* NET_TIMEO_INF: none */
	bool passcred;
	bool reuseaddr, reuseport, keepalive, broadcast, oobinline, dontroute, debug;
	bool timestamp;
	int priority, rcvlowat, mark;
	struct linger linger;
	struct net_ucred peercred; /* SO_PEERCRED, when has_peercred */
	bool has_peercred;
	struct net_ucred owner; /* creator; owner.euid is Linux's sk_uid (fchown changes it) */
	struct vfs_anon_attr inode; /* the sockfs inode: S_IFSOCK 0777, the creator's ids, times
	                             * 0 until futimens; fchmod/fchown change it */
	struct net_ucred last;	/* last caller seen by a socket syscall (see net_call) */
};

/* ---- the registry ---- */
/* The operations of @family, or NULL (the caller answers EAFNOSUPPORT). */
const struct net_family_ops *net_family_lookup(int family);

/* ---- sockets ---- */
/* Fills the generic part of a freshly allocated socket (one reference). Families call it
 * from ->create. */
void net_socket_init(struct net_socket *s, const struct net_family_ops *ops, int type,
		     int protocol);
/* Creates a socket of @family/@type/@protocol (type without SOCK_NONBLOCK/CLOEXEC).
 * Returns 0 and a new reference in *@out, or -EAFNOSUPPORT / the family's error. */
int net_socket_create(int family, int type, int protocol, struct net_socket **out);
void net_socket_get(struct net_socket *s);
void net_socket_put(struct net_socket *s);
/* Wakes the socket's queue with @events. */
void net_socket_wake(struct net_socket *s, uint32_t events);
/* Takes the pending error (SO_ERROR semantics): returns -err and clears it, or 0. */
int net_socket_take_error(struct net_socket *s);
/* Live sockets (unit tests check for leaks). */
extern long net_live_sockets;

/* ---- socket files ---- */
/* Returns a new file (one reference) for @s with O_RDWR | @flags (O_NONBLOCK); the file
 * takes over the caller's reference on @s (consumed, also on failure: NULL = ENOMEM). */
struct vfs_file *net_socket_file_new(struct net_socket *s, int flags);
/* The socket behind @f, or NULL when @f is not a socket (ENOTSOCK). Borrowed. */
struct net_socket *net_socket_from_file(struct vfs_file *f);
bool net_file_is_socket(struct vfs_file *f);

/* ---- options the socket layer handles (SOL_SOCKET) ---- */
int net_socket_setsockopt(struct net_socket *s, struct net_call *c, int level, int name,
			  const void *val, socklen_t len);
/* @val holds *@len bytes of room; *@len is updated to the answer's length. */
int net_socket_getsockopt(struct net_socket *s, struct net_call *c, int level, int name, void *val,
			  socklen_t *len);

#endif
