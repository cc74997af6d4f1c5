/* netstack/unix.c - AF_UNIX: stream, datagram and seqpacket sockets, names (filesystem
 * and abstract), connection setup (listen/connect/accept), message queues with
 * SCM_RIGHTS files and credentials, shutdown and poll, as Linux's net/unix/af_unix.c.
 *
 * Owns: struct unix_sock, the queued messages (struct unix_skb) and the name table.
 * Must not: touch guest memory, block, or know about tasks (credentials arrive in
 * struct net_call). Every state change wakes the wait queues it affects.
 *
 * References (see netstack/README.md): a connected socket holds its peer; a listener
 * holds the not-yet-accepted sockets of its queue; each queued message holds its sender
 * (for its address and its send-buffer charge) and the files it carries. The name table
 * holds no reference: a socket leaves it when it is closed. */
#include "netstack/unix.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/sockios.h>
#include "common/list.h"
#include "vfs/file.h"
#include "vfs/ops.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif
#define SUN_PATH_OFF offsetof(struct sockaddr_un, sun_path)
/* What a queued message costs its sender's send buffer beyond its data (Linux charges
 * the skb's truesize). */
#define UNIX_SKB_OVERHEAD 512
/* Largest piece one stream message carries (Linux: a head plus 32 KiB of frags). */
#define UNIX_STREAM_CHUNK (64 * 1024)

enum unix_state { UNIX_CLOSE, UNIX_LISTEN, UNIX_ESTABLISHED };

struct unix_skb {
	struct list_head link;
	struct unix_sock *sender; /* reference */
	size_t len, off;	  /* stream: off bytes already read */
	struct net_ucred cred;
	struct vfs_file **files; /* references in flight */
	int nfiles;
	char data[];
};

struct unix_sock {
	struct net_socket sock; /* first: a struct net_socket * is a struct unix_sock * */
	enum unix_state state;
	struct unix_sock *peer;	 /* reference; stream/seqpacket: the other end; dgram: the
				  * default destination */
	struct sockaddr_un addr; /* the name (shared by value with accepted sockets) */
	socklen_t addrlen;	 /* 0: unbound */
	bool in_table;		 /* this socket owns the binding in the name table */
	bool path_bound;
	dev_t bdev; /* path binding: the socket inode's identity */
	ino_t bino;
	struct list_head bind_link;
	struct list_head rcvq; /* struct unix_skb, or (listener) nothing: see acceptq */
	size_t rcvq_count;
	size_t wmem;  /* charges of my messages queued anywhere */
	size_t woutq; /* data bytes of those messages (SIOCOUTQ) */
	int backlog;
	struct list_head acceptq; /* listener: pending (embryo) sockets */
	int nacc;
	struct list_head acc_link; /* embryo: in the listener's acceptq */
	struct waitq peer_wq;	   /* connectors and datagram senders waiting for room */
	bool dead;		   /* closed */
};

long unix_live_skbs;
static struct list_head unix_table = LIST_HEAD_INIT(unix_table);
static unsigned unix_autobind_next = 0x1234;

/* Moves every entry of @from to the end of @to; @from is left empty. */
static void list_move_all(struct list_head *from, struct list_head *to)
{
	while (!list_empty(from)) {
		struct list_head *n = from->next;
		list_del(n);
		list_add_tail(n, to);
	}
}

static struct unix_sock *U(struct net_socket *s)
{
	return (struct unix_sock *)s;
}

static void unix_get(struct unix_sock *u)
{
	net_socket_get(&u->sock);
}

static void unix_put(struct unix_sock *u)
{
	if (u)
		net_socket_put(&u->sock);
}

static bool is_conn_type(const struct unix_sock *u)
{
	return u->sock.type == SOCK_STREAM || u->sock.type == SOCK_SEQPACKET;
}

static bool unix_writable(const struct unix_sock *u)
{
	return u->state != UNIX_LISTEN && u->wmem * 4 <= (size_t)u->sock.sndbuf;
}

size_t unix_bound_count(void)
{
	size_t n = 0;
	struct unix_sock *u;
	list_for_each_entry(u, &unix_table, bind_link) n++;
	return n;
}

/* ---- messages ---- */

/* A new message of @len bytes from @sender (reference taken, charged). NULL on ENOMEM. */
static struct unix_skb *skb_new(struct unix_sock *sender, const void *data, size_t len,
				const struct net_ucred *cred)
{
	struct unix_skb *skb = malloc(sizeof(*skb) + len);
	if (!skb)
		return NULL;
	memset(skb, 0, sizeof(*skb));
	memcpy(skb->data, data, len);
	skb->len = len;
	skb->cred = *cred;
	skb->sender = sender;
	unix_get(sender);
	sender->wmem += len + UNIX_SKB_OVERHEAD;
	sender->woutq += len;
	unix_live_skbs++;
	return skb;
}

/* Gives @skb references on @nfiles @files. */
static int skb_attach_files(struct unix_skb *skb, struct vfs_file **files, int nfiles)
{
	if (nfiles <= 0)
		return 0;
	skb->files = malloc(sizeof(*files) * (size_t)nfiles);
	if (!skb->files)
		return -ENOMEM;
	for (int i = 0; i < nfiles; i++) {
		skb->files[i] = files[i];
		vfs_file_get(files[i]);
	}
	skb->nfiles = nfiles;
	return 0;
}

/* Frees @skb (unlinked): drops its files, uncharges and wakes its sender. Dropping a file
 * may close another socket; callers hold no pointers into queues across this call. */
static void skb_free(struct unix_skb *skb)
{
	struct unix_sock *snd = skb->sender;
	for (int i = 0; i < skb->nfiles; i++)
		vfs_file_put(skb->files[i]);
	free(skb->files);
	snd->wmem -= skb->len + UNIX_SKB_OVERHEAD;
	snd->woutq -= skb->len;
	if (unix_writable(snd))
		net_socket_wake(&snd->sock, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	unix_put(snd);
	free(skb);
	unix_live_skbs--;
}

static void skb_queue(struct unix_sock *to, struct unix_skb *skb)
{
	list_add_tail(&skb->link, &to->rcvq);
	to->rcvq_count++;
}

static void skb_unlink(struct unix_sock *u, struct unix_skb *skb)
{
	list_del(&skb->link);
	u->rcvq_count--;
}

/* Drops every queued message of @u. */
static void rcvq_purge(struct unix_sock *u)
{
	struct list_head tmp;
	list_init(&tmp);
	list_move_all(&u->rcvq, &tmp);
	u->rcvq_count = 0;
	while (!list_empty(&tmp)) {
		struct unix_skb *skb = list_first_entry(&tmp, struct unix_skb, link);
		list_del(&skb->link);
		skb_free(skb);
	}
}

/* ---- names ---- */

/* Checks a name as Linux's unix_validate_addr. */
static int addr_validate(const struct sockaddr_un *sun, socklen_t len)
{
	if (len <= (socklen_t)SUN_PATH_OFF || len > (socklen_t)sizeof(*sun))
		return -EINVAL;
	if (sun->sun_family != AF_UNIX)
		return -EINVAL;
	return 0;
}

/* Copies @addr into @sun as a NUL-terminated path name; returns the name's length as
 * Linux keeps it (unix_mkname_bsd). */
static socklen_t addr_mkpath(const void *addr, socklen_t len, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	memcpy(sun, addr, len);
	size_t max = sizeof(sun->sun_path) - 1;
	size_t plen = strnlen(sun->sun_path, len - SUN_PATH_OFF < max ? len - SUN_PATH_OFF : max);
	sun->sun_path[plen] = 0;
	return (socklen_t)(SUN_PATH_OFF + plen + 1);
}

/* Abstract names are per type, as Linux hashes them: a stream and a datagram socket may
 * share one. */
static struct unix_sock *find_abstract(const struct sockaddr_un *sun, socklen_t len, int type)
{
	struct unix_sock *u;
	list_for_each_entry(u, &unix_table, bind_link)
	{
		if (!u->path_bound && u->sock.type == type && u->addrlen == len &&
		    !memcmp(&u->addr, sun, len))
			return u;
	}
	return NULL;
}

static struct unix_sock *find_inode(dev_t dev, ino_t ino)
{
	struct unix_sock *u;
	list_for_each_entry(u, &unix_table, bind_link)
	{
		if (u->path_bound && u->bdev == dev && u->bino == ino)
			return u;
	}
	return NULL;
}

static void table_insert(struct unix_sock *u)
{
	list_add(&u->bind_link, &unix_table);
	u->in_table = true;
}

static int unix_autobind(struct unix_sock *u)
{
	if (u->addrlen)
		return 0;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	socklen_t len = SUN_PATH_OFF + 1 + 5;
	for (unsigned tries = 0; tries <= 0xFFFFF; tries++) {
		unsigned n = unix_autobind_next++ & 0xFFFFF;
		memset(sun.sun_path, 0, sizeof(sun.sun_path));
		static const char hex[] = "0123456789abcdef";
		for (int i = 0; i < 5; i++)
			sun.sun_path[5 - i] = hex[(n >> (4 * i)) & 0xf];
		if (!find_abstract(&sun, len, u->sock.type)) {
			u->addr = sun;
			u->addrlen = len;
			table_insert(u);
			return 0;
		}
	}
	return -ENOSPC;
}

/* Finds the socket bound at @addr for a connect or send of a @type socket: ENOENT and
 * friends from the path walk, EACCES without write permission on the socket inode,
 * ECONNREFUSED when nothing is bound there, EPROTOTYPE for another type. Borrowed. */
static int find_other(struct net_call *c, const void *addr, socklen_t len, int type,
		      struct unix_sock **out)
{
	struct sockaddr_un sun;
	struct unix_sock *o;
	int err = addr_validate(addr, len);
	if (err)
		return err;
	if (((const struct sockaddr_un *)addr)->sun_path[0]) {
		struct stat st;
		addr_mkpath(addr, len, &sun);
		if (!c->vc)
			return -ECONNREFUSED;
		err = vfs_accessat(c->vc, AT_FDCWD, sun.sun_path, W_OK, AT_EACCESS);
		if (err)
			return err;
		err = vfs_statat(c->vc, AT_FDCWD, sun.sun_path, 0, &st);
		if (err)
			return err;
		if (!S_ISSOCK(st.st_mode))
			return -ECONNREFUSED;
		o = find_inode(st.st_dev, st.st_ino);
	} else {
		memset(&sun, 0, sizeof(sun));
		memcpy(&sun, addr, len);
		o = find_abstract(&sun, len, type);
	}
	if (!o || o->dead)
		return -ECONNREFUSED;
	if (o->sock.type != type)
		return -EPROTOTYPE;
	*out = o;
	return 0;
}

/* implements bind(2) for AF_UNIX */
static int unix_bind(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct unix_sock *u = U(s);
	const struct sockaddr_un *req = addr;
	struct sockaddr_un sun;
	if (len == (socklen_t)SUN_PATH_OFF && req->sun_family == AF_UNIX)
		return unix_autobind(u);
	int err = addr_validate(req, len);
	if (err)
		return err;
	if (!req->sun_path[0]) {
		if (u->addrlen)
			return -EINVAL;
		memset(&sun, 0, sizeof(sun));
		memcpy(&sun, addr, len);
		if (find_abstract(&sun, len, s->type))
			return -EADDRINUSE;
		u->addr = sun;
		u->addrlen = len;
		table_insert(u);
		return 0;
	}
	socklen_t alen = addr_mkpath(addr, len, &sun);
	if (!c->vc)
		return -EOPNOTSUPP;
	err = vfs_mknodat(c->vc, AT_FDCWD, sun.sun_path, S_IFSOCK | 0777, 0);
	if (err)
		return err == -EEXIST ? -EADDRINUSE : err;
	struct stat st;
	err = u->addrlen ? -EINVAL
			 : vfs_statat(c->vc, AT_FDCWD, sun.sun_path, AT_SYMLINK_NOFOLLOW, &st);
	if (err) {
		vfs_unlinkat(c->vc, AT_FDCWD, sun.sun_path, 0);
		return err;
	}
	u->addr = sun;
	u->addrlen = alen;
	u->path_bound = true;
	u->bdev = st.st_dev;
	u->bino = st.st_ino;
	table_insert(u);
	return 0;
}

/* ---- connections ---- */

static struct unix_sock *unix_alloc(int type)
{
	struct unix_sock *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	net_socket_init(&u->sock, &net_unix_family, type, 0);
	list_init(&u->rcvq);
	list_init(&u->acceptq);
	list_init(&u->acc_link);
	list_init(&u->bind_link);
	waitq_init(&u->peer_wq);
	return u;
}

static int unix_create(int type, int protocol, struct net_socket **out)
{
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	switch (type) {
	case SOCK_STREAM:
	case SOCK_SEQPACKET:
	case SOCK_DGRAM:
		break;
	case SOCK_RAW: /* as Linux: BSD allowed it, it is a datagram socket */
		type = SOCK_DGRAM;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	struct unix_sock *u = unix_alloc(type);
	if (!u)
		return -ENOMEM;
	*out = &u->sock;
	return 0;
}

static int unix_socketpair(struct net_socket *a, struct net_socket *b, struct net_call *c)
{
	struct unix_sock *ua = U(a), *ub = U(b);
	unix_get(ua);
	unix_get(ub);
	ua->peer = ub;
	ub->peer = ua;
	ua->state = ub->state = UNIX_ESTABLISHED;
	a->peercred = b->peercred = c->cred;
	a->has_peercred = b->has_peercred = true;
	return 0;
}

/* implements listen(2) for AF_UNIX; @backlog already clamped to somaxconn */
static int unix_listen(struct net_socket *s, struct net_call *c, int backlog)
{
	struct unix_sock *u = U(s);
	if (!is_conn_type(u))
		return -EOPNOTSUPP;
	if (!u->addrlen)
		return -EINVAL;
	if (u->state != UNIX_CLOSE && u->state != UNIX_LISTEN)
		return -EINVAL;
	if (backlog > u->backlog)
		waitq_wake(&u->peer_wq, EPOLLOUT);
	u->backlog = backlog;
	u->state = UNIX_LISTEN;
	s->listening = true;
	s->peercred = c->cred;
	s->has_peercred = true;
	return 0;
}

static bool acceptq_full(const struct unix_sock *l)
{
	return l->nacc > l->backlog;
}

/* Connects stream/seqpacket @u to the listener at @addr: an embryo socket joins the
 * listener's queue, connected to @u. -EAGAIN (c->wait: the listener's peer queue) when
 * the backlog is full. */
static int unix_stream_connect(struct unix_sock *u, struct net_call *c, const void *addr,
			       socklen_t len)
{
	struct unix_sock *l;
	int err = addr_validate(addr, len);
	if (err)
		return err;
	if (u->sock.passcred && !u->addrlen && (err = unix_autobind(u)))
		return err;
	err = find_other(c, addr, len, u->sock.type, &l);
	if (err)
		return err;
	if (l->state != UNIX_LISTEN || (l->sock.shutdown & NET_RCV_SHUTDOWN))
		return -ECONNREFUSED;
	if (acceptq_full(l)) {
		c->wait = &l->peer_wq;
		c->wait_events = EPOLLOUT;
		return -EAGAIN;
	}
	if (u->state == UNIX_ESTABLISHED)
		return -EISCONN;
	if (u->state != UNIX_CLOSE)
		return -EINVAL;
	struct unix_sock *e = unix_alloc(u->sock.type);
	if (!e)
		return -ENOMEM;
	e->state = UNIX_ESTABLISHED;
	e->addr = l->addr;
	e->addrlen = l->addrlen;
	e->sock.passcred = l->sock.passcred; /* unix_sock_inherit_flags */
	e->sock.peercred = c->cred;
	e->sock.has_peercred = true;
	e->sock.owner = l->sock.owner;
	u->sock.peercred = l->sock.peercred;
	u->sock.has_peercred = true;
	/* e (one reference) goes to the listener's queue; each end holds the other. */
	unix_get(e);
	u->peer = e;
	unix_get(u);
	e->peer = u;
	u->state = UNIX_ESTABLISHED;
	list_add_tail(&e->acc_link, &l->acceptq);
	l->nacc++;
	net_socket_wake(&l->sock, EPOLLIN | EPOLLRDNORM);
	net_socket_wake(&u->sock, EPOLLOUT | EPOLLWRNORM);
	return 0;
}

/* Disconnects datagram @u from its peer (or connects it to @to, reference taken). */
static void dgram_set_peer(struct unix_sock *u, struct unix_sock *to)
{
	struct unix_sock *old = u->peer;
	if (to)
		unix_get(to);
	u->peer = to;
	u->state = to ? UNIX_ESTABLISHED : UNIX_CLOSE;
	if (old && old != to) {
		/* unix_dgram_disconnected: our queue is dropped; a peer that pointed back at
		 * us learns it with ECONNRESET. */
		if (u->rcvq_count) {
			rcvq_purge(u);
			waitq_wake(&u->peer_wq, EPOLLOUT);
			if (!old->dead && old->peer == u) {
				old->sock.err = ECONNRESET;
				net_socket_wake(&old->sock, EPOLLERR);
			}
		}
	}
	unix_put(old);
}

static int unix_connect(struct net_socket *s, struct net_call *c, const void *addr, socklen_t len)
{
	struct unix_sock *u = U(s), *o;
	if (is_conn_type(u))
		return unix_stream_connect(u, c, addr, len);
	if (len < (socklen_t)sizeof(sa_family_t))
		return -EINVAL;
	if (((const struct sockaddr *)addr)->sa_family == AF_UNSPEC) {
		dgram_set_peer(u, NULL);
		return 0;
	}
	int err = addr_validate(addr, len);
	if (err)
		return err;
	if (s->passcred && !u->addrlen && (err = unix_autobind(u)))
		return err;
	err = find_other(c, addr, len, s->type, &o);
	if (err)
		return err;
	if (o->peer && o->peer != u)
		return -EPERM;
	dgram_set_peer(u, o);
	net_socket_wake(s, EPOLLOUT | EPOLLWRNORM);
	return 0;
}

/* implements accept(2) for AF_UNIX: the first embryo of the queue, a new reference. */
static int unix_accept(struct net_socket *s, struct net_call *c, struct net_socket **out)
{
	struct unix_sock *l = U(s);
	if (!is_conn_type(l))
		return -EOPNOTSUPP;
	if (l->state != UNIX_LISTEN)
		return -EINVAL;
	if (s->err)
		return net_socket_take_error(s);
	if (list_empty(&l->acceptq))
		return -EAGAIN;
	struct unix_sock *e = list_first_entry(&l->acceptq, struct unix_sock, acc_link);
	list_del(&e->acc_link);
	l->nacc--;
	waitq_wake(&l->peer_wq, EPOLLOUT);
	*out = &e->sock; /* the queue's reference goes to the caller */
	return 0;
}

static int unix_getname(struct net_socket *s, struct sockaddr_storage *addr, bool peer)
{
	struct unix_sock *u = U(s);
	if (peer) {
		u = u->peer;
		if (!u)
			return -ENOTCONN;
	}
	memset(addr, 0, sizeof(*addr));
	if (!u->addrlen) {
		((struct sockaddr_un *)addr)->sun_family = AF_UNIX;
		return (int)SUN_PATH_OFF;
	}
	memcpy(addr, &u->addr, u->addrlen);
	return (int)u->addrlen;
}

/* ---- sending ---- */

static const struct net_ucred *msg_cred(struct net_call *c, struct net_msg *m)
{
	return m->has_cred ? &m->cred : &c->cred;
}

static ssize_t unix_stream_sendmsg(struct unix_sock *u, struct net_call *c, struct net_msg *m)
{
	struct net_socket *s = &u->sock;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->name && m->namelen)
		return u->state == UNIX_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
	struct unix_sock *peer = u->peer;
	if (u->state != UNIX_ESTABLISHED || !peer)
		return -ENOTCONN;
	if (s->shutdown & NET_SEND_SHUTDOWN)
		return -EPIPE;
	size_t sent = 0;
	ssize_t err = 0;
	while (sent < m->len) {
		if (s->err) {
			err = net_socket_take_error(s);
			break;
		}
		if (u->wmem >= (size_t)s->sndbuf) {
			err = -EAGAIN;
			break;
		}
		if (peer->dead || (peer->sock.shutdown & NET_RCV_SHUTDOWN)) {
			err = -EPIPE;
			break;
		}
		size_t size = m->len - sent;
		size_t cap = (size_t)s->sndbuf / 2 - 64;
		if (size > cap)
			size = cap;
		if (size > UNIX_STREAM_CHUNK)
			size = UNIX_STREAM_CHUNK;
		struct unix_skb *skb = skb_new(u, (char *)m->buf + sent, size, msg_cred(c, m));
		if (!skb) {
			err = -ENOMEM;
			break;
		}
		if (sent == 0 && skb_attach_files(skb, m->files, m->nfiles)) {
			skb_free(skb);
			err = -ENOMEM;
			break;
		}
		skb_queue(peer, skb);
		sent += size;
	}
	if (sent)
		net_socket_wake(&peer->sock, EPOLLIN | EPOLLRDNORM);
	return sent ? (ssize_t)sent : err;
}

static bool dgram_recvq_full(const struct unix_sock *o)
{
	return o->rcvq_count > UNIX_MAX_DGRAM_QLEN;
}

/* Datagram and seqpacket sends (unix_dgram_sendmsg). */
static ssize_t unix_dgram_sendmsg(struct unix_sock *u, struct net_call *c, struct net_msg *m)
{
	struct net_socket *s = &u->sock;
	struct unix_sock *o = NULL;
	int err;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->type == SOCK_SEQPACKET) {
		if (u->state != UNIX_ESTABLISHED)
			return -ENOTCONN;
		m->namelen = 0;
	}
	if (m->name && m->namelen) {
		err = addr_validate(m->name, m->namelen);
		if (err)
			return err;
	} else if (!u->peer) {
		return -ENOTCONN;
	}
	if (s->passcred && !u->addrlen && (err = unix_autobind(u)))
		return err;
	if (m->len > (size_t)s->sndbuf - 32)
		return -EMSGSIZE;
	if (s->err)
		return net_socket_take_error(s);
	if (s->shutdown & NET_SEND_SHUTDOWN)
		return -EPIPE;
	if (u->wmem >= (size_t)s->sndbuf)
		return -EAGAIN;
	if (m->name && m->namelen) {
		err = find_other(c, m->name, m->namelen, s->type, &o);
		if (err)
			return err;
	} else {
		o = u->peer;
	}
	if (o->peer && o->peer != u)
		return -EPERM;
	if (o->dead) {
		if (s->type == SOCK_SEQPACKET)
			return -EPIPE;
		if (u->peer == o) {
			dgram_set_peer(u, NULL);
			return -ECONNREFUSED;
		}
		return -ECONNREFUSED;
	}
	if (o->sock.shutdown & NET_RCV_SHUTDOWN)
		return -EPIPE;
	if (o != u && o->peer != u && dgram_recvq_full(o)) {
		c->wait = &o->peer_wq;
		c->wait_events = EPOLLOUT;
		return -EAGAIN;
	}
	struct unix_skb *skb = skb_new(u, m->buf, m->len, msg_cred(c, m));
	if (!skb)
		return -ENOMEM;
	if (skb_attach_files(skb, m->files, m->nfiles)) {
		skb_free(skb);
		return -ENOMEM;
	}
	skb_queue(o, skb);
	net_socket_wake(&o->sock, EPOLLIN | EPOLLRDNORM);
	return (ssize_t)m->len;
}

static ssize_t unix_sendmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct unix_sock *u = U(s);
	return s->type == SOCK_STREAM ? unix_stream_sendmsg(u, c, m) : unix_dgram_sendmsg(u, c, m);
}

/* ---- receiving ---- */

static void copy_from_addr(struct net_msg *m, struct unix_sock *from)
{
	if (from->addrlen) {
		memcpy(&m->from, &from->addr, from->addrlen);
		m->fromlen = from->addrlen;
	} else {
		m->fromlen = 0;
	}
}

/* Hands @skb's files to @m: moved, or duplicated for MSG_PEEK. */
static int take_files(struct net_msg *m, struct unix_skb *skb, bool peek)
{
	if (!skb->nfiles)
		return 0;
	struct vfs_file **v = malloc(sizeof(*v) * (size_t)skb->nfiles);
	if (!v)
		return -ENOMEM;
	for (int i = 0; i < skb->nfiles; i++) {
		v[i] = skb->files[i];
		if (peek)
			vfs_file_get(v[i]);
	}
	m->files = v;
	m->nfiles = skb->nfiles;
	if (!peek) {
		free(skb->files);
		skb->files = NULL;
		skb->nfiles = 0;
	}
	return 0;
}

static bool cred_eq(const struct net_ucred *a, const struct net_ucred *b)
{
	return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

static ssize_t unix_stream_recvmsg(struct unix_sock *u, struct net_call *c, struct net_msg *m)
{
	struct net_socket *s = &u->sock;
	bool peek = m->flags & MSG_PEEK;
	if (u->state != UNIX_ESTABLISHED)
		return -EINVAL;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	size_t copied = 0;
	bool check_creds = false, addr_done = false;
	struct unix_skb *skb =
	    list_empty(&u->rcvq) ? NULL : list_first_entry(&u->rcvq, struct unix_skb, link);
	if (!skb) {
		int err = net_socket_take_error(s);
		if (err)
			return err;
		if (s->shutdown & NET_RCV_SHUTDOWN)
			return 0;
		return -EAGAIN;
	}
	while (skb && copied < m->len) {
		if (check_creds) {
			if (!cred_eq(&skb->cred, &m->cred))
				break;
		} else if (s->passcred) {
			m->cred = skb->cred;
			m->has_cred = true;
			check_creds = true;
		}
		if (!addr_done) {
			copy_from_addr(m, skb->sender);
			addr_done = true;
		}
		size_t chunk = skb->len - skb->off;
		if (chunk > m->len - copied)
			chunk = m->len - copied;
		memcpy((char *)m->buf + copied, skb->data + skb->off, chunk);
		copied += chunk;
		bool had_files = skb->nfiles > 0;
		if (had_files && take_files(m, skb, peek))
			return copied ? (ssize_t)copied : -ENOMEM;
		struct unix_skb *next = skb->link.next == &u->rcvq
					    ? NULL
					    : list_entry(skb->link.next, struct unix_skb, link);
		if (!peek) {
			skb->off += chunk;
			if (skb->off < skb->len)
				break;
			skb_unlink(u, skb);
			skb_free(skb);
		}
		if (had_files)
			break;
		skb = next;
	}
	return (ssize_t)copied;
}

/* Datagram and seqpacket receives (__unix_dgram_recvmsg): one message per call; the
 * output flags (MSG_TRUNC) replace m->flags. */
static ssize_t unix_dgram_recvmsg(struct unix_sock *u, struct net_call *c, struct net_msg *m)
{
	struct net_socket *s = &u->sock;
	int in = m->flags;
	bool peek = in & MSG_PEEK;
	m->flags = 0;
	if (in & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->type == SOCK_SEQPACKET && u->state != UNIX_ESTABLISHED)
		return -ENOTCONN;
	int err = net_socket_take_error(s);
	if (err)
		return err;
	if (list_empty(&u->rcvq)) {
		if ((s->shutdown & NET_RCV_SHUTDOWN) &&
		    (s->type == SOCK_SEQPACKET || !(in & MSG_DONTWAIT)))
			return 0;
		return -EAGAIN;
	}
	struct unix_skb *skb = list_first_entry(&u->rcvq, struct unix_skb, link);
	size_t size = m->len;
	if (size > skb->len)
		size = skb->len;
	else if (size < skb->len)
		m->flags |= MSG_TRUNC;
	if (take_files(m, skb, peek))
		return -ENOMEM;
	copy_from_addr(m, skb->sender);
	memcpy(m->buf, skb->data, size);
	if (s->passcred) {
		m->cred = skb->cred;
		m->has_cred = true;
	}
	ssize_t ret = (in & MSG_TRUNC) ? (ssize_t)skb->len : (ssize_t)size;
	if (!peek) {
		skb_unlink(u, skb);
		skb_free(skb);
		waitq_wake(&u->peer_wq, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	}
	return ret;
}

static ssize_t unix_recvmsg(struct net_socket *s, struct net_call *c, struct net_msg *m)
{
	struct unix_sock *u = U(s);
	if (s->type != SOCK_STREAM)
		return unix_dgram_recvmsg(u, c, m);
	ssize_t n = unix_stream_recvmsg(u, c, m);
	m->flags = 0;
	return n;
}

/* ---- shutdown, poll, ioctl ---- */

static int unix_shutdown(struct net_socket *s, int how)
{
	struct unix_sock *u = U(s);
	unsigned mode = (unsigned)(how + 1) & NET_SHUTDOWN_MASK;
	s->shutdown |= mode;
	net_socket_wake(s, EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM | EPOLLRDHUP | EPOLLHUP);
	struct unix_sock *o = u->peer;
	if (o && is_conn_type(u)) {
		unsigned pm = 0;
		if (mode & NET_RCV_SHUTDOWN)
			pm |= NET_SEND_SHUTDOWN;
		if (mode & NET_SEND_SHUTDOWN)
			pm |= NET_RCV_SHUTDOWN;
		o->sock.shutdown |= pm;
		net_socket_wake(&o->sock, EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM |
					      EPOLLRDHUP | EPOLLHUP);
	}
	return 0;
}

static uint32_t unix_poll(struct net_socket *s)
{
	struct unix_sock *u = U(s);
	uint32_t mask = 0;
	if (s->err)
		mask |= EPOLLERR;
	if (s->shutdown == NET_SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (s->shutdown & NET_RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (!list_empty(&u->rcvq) || !list_empty(&u->acceptq))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (s->type == SOCK_STREAM) {
		if (u->state == UNIX_CLOSE)
			mask |= EPOLLHUP;
		if (unix_writable(u))
			mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
		return mask;
	}
	if (s->type == SOCK_SEQPACKET && u->state == UNIX_CLOSE)
		mask |= EPOLLHUP;
	bool writable = unix_writable(u);
	struct unix_sock *o = u->peer;
	if (writable && o && o->peer != u && !o->dead && dgram_recvq_full(o))
		writable = false;
	if (writable)
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	return mask;
}

static long unix_ioctl(struct net_socket *s, unsigned int cmd, int *out)
{
	struct unix_sock *u = U(s);
	struct unix_skb *skb;
	size_t amount = 0;
	switch (cmd) {
	case SIOCOUTQ:
		*out = (int)u->woutq;
		return 0;
	case SIOCINQ:
		if (u->state == UNIX_LISTEN)
			return -EINVAL;
		if (s->type == SOCK_DGRAM) {
			if (!list_empty(&u->rcvq))
				amount = list_first_entry(&u->rcvq, struct unix_skb, link)->len;
		} else {
			list_for_each_entry(skb, &u->rcvq, link) amount += skb->len - skb->off;
		}
		*out = amount > INT32_MAX ? INT32_MAX : (int)amount;
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

/* ---- close and free ---- */

/* Closes @u (unix_release_sock): unbinds, tells the peer, drops queued data and pending
 * connections. @embryo: @u was never accepted. */
static void unix_close(struct unix_sock *u, bool embryo)
{
	struct net_socket *s = &u->sock;
	if (u->dead)
		return;
	u->dead = true;
	s->shutdown = NET_SHUTDOWN_MASK;
	if (u->in_table) {
		list_del(&u->bind_link);
		u->in_table = false;
	}
	bool had_data = !list_empty(&u->rcvq);
	struct unix_sock *o = u->peer;
	u->peer = NULL;
	u->state = UNIX_CLOSE;
	if (o) {
		if (is_conn_type(u)) {
			o->sock.shutdown = NET_SHUTDOWN_MASK;
			if (had_data || embryo)
				o->sock.err = ECONNRESET;
		}
		net_socket_wake(&o->sock, EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM |
					      EPOLLHUP | EPOLLRDHUP | (o->sock.err ? EPOLLERR : 0));
		waitq_wake(&o->peer_wq, EPOLLOUT);
	}
	/* Pending connections die with the listener; their clients see ECONNRESET. */
	struct list_head pending;
	list_init(&pending);
	list_move_all(&u->acceptq, &pending);
	u->nacc = 0;
	rcvq_purge(u);
	while (!list_empty(&pending)) {
		struct unix_sock *e = list_first_entry(&pending, struct unix_sock, acc_link);
		list_del(&e->acc_link);
		unix_close(e, true);
		unix_put(e);
	}
	waitq_wake(&s->wq, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR | EPOLLRDHUP);
	waitq_wake(&u->peer_wq, EPOLLOUT | EPOLLHUP);
	unix_put(o);
}

static void unix_release(struct net_socket *s)
{
	unix_close(U(s), false);
}

static void unix_destroy(struct net_socket *s)
{
	struct unix_sock *u = U(s);
	/* A socket freed without a close (an embryo whose accept failed early) still
	 * leaves cleanly. */
	unix_close(u, false);
	while (!list_empty(&u->peer_wq.waiters))
		waiter_remove(list_first_entry(&u->peer_wq.waiters, struct waiter, link));
	free(u);
}

const struct net_family_ops net_unix_family = {
    .family = AF_UNIX,
    .create = unix_create,
    .socketpair = unix_socketpair,
    .bind = unix_bind,
    .listen = unix_listen,
    .accept = unix_accept,
    .connect = unix_connect,
    .getname = unix_getname,
    .sendmsg = unix_sendmsg,
    .recvmsg = unix_recvmsg,
    .shutdown = unix_shutdown,
    .poll = unix_poll,
    .ioctl = unix_ioctl,
    .release = unix_release,
    .destroy = unix_destroy,
};
