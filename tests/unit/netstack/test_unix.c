/* Unit tests for netstack/unix.c and the socket layer below the syscall handlers: stream
 * bytes and buffer limits, datagram and seqpacket boundaries, MSG_PEEK/MSG_TRUNC,
 * shutdown and close semantics, poll bits and wakeups, listen/connect/accept with
 * abstract and filesystem names, SCM_RIGHTS reference counts, credentials, options.
 * Every test ends with no socket, queued message, name or VFS object alive. */
#include "tests/unit/vfs/vfs_test.h"
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/sockios.h>
#include "netstack/socket.h"
#include "netstack/unix.h"

static struct net_call call(void)
{
	struct net_call c = {
	    .cred = {.pid = 7, .uid = 1000, .gid = 1001, .euid = 1000, .egid = 1001}};
	return c;
}

/* A socket and its file (the file holds the socket). */
struct sk {
	struct net_socket *s;
	struct vfs_file *f;
};

static struct sk mk(int type)
{
	struct sk k;
	assert_int_equal(net_socket_create(AF_UNIX, type, 0, &k.s), 0);
	k.f = net_socket_file_new(k.s, 0);
	assert_non_null(k.f);
	return k;
}

static void pair(int type, struct sk *a, struct sk *b)
{
	struct net_call c = call();
	*a = mk(type);
	*b = mk(type);
	assert_int_equal(a->s->ops->socketpair(a->s, b->s, &c), 0);
}

static void sk_close(struct sk *k)
{
	vfs_file_put(k->f);
	k->f = NULL;
	k->s = NULL;
}

static ssize_t snd(struct sk *k, const void *buf, size_t len, int flags)
{
	struct net_call c = call();
	struct net_msg m = {.buf = (void *)buf, .len = len, .flags = flags | MSG_DONTWAIT};
	return k->s->ops->sendmsg(k->s, &c, &m);
}

static ssize_t rcv(struct sk *k, void *buf, size_t len, int flags, int *oflags)
{
	struct net_call c = call();
	struct net_msg m = {.buf = buf, .len = len, .flags = flags | MSG_DONTWAIT};
	ssize_t n = k->s->ops->recvmsg(k->s, &c, &m);
	if (oflags)
		*oflags = m.flags;
	for (int i = 0; i < m.nfiles; i++)
		vfs_file_put(m.files[i]);
	free(m.files);
	return n;
}

static uint32_t pollb(struct sk *k)
{
	return vfs_file_poll(k->f);
}

static void check_clean(void)
{
	assert_int_equal(net_live_sockets, 0);
	assert_int_equal(unix_live_skbs, 0);
	assert_int_equal(unix_bound_count(), 0);
	assert_no_leaks();
}

/* Counts wakeups of a queue. */
struct wcount {
	struct waiter w;
	int n;
	uint32_t last;
};
static void wfn(struct waiter *w, uint32_t ev)
{
	struct wcount *wc = w->priv;
	wc->n++;
	wc->last = ev;
}
static void watch(struct wcount *wc, struct sk *k, uint32_t mask)
{
	memset(wc, 0, sizeof(*wc));
	waiter_init(&wc->w, wfn, wc);
	waiter_add(vfs_file_waitq(k->f), &wc->w, mask);
}

static void test_stream_basic(void **state)
{
	struct sk a, b;
	char buf[64];
	int fl;
	pair(SOCK_STREAM, &a, &b);
	assert_int_equal(pollb(&a) & (EPOLLIN | EPOLLOUT | EPOLLHUP), EPOLLOUT);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), -EAGAIN);
	struct wcount wc;
	watch(&wc, &b, EPOLLIN);
	assert_int_equal(snd(&a, "hello", 5, 0), 5);
	assert_int_equal(snd(&a, " world", 6, 0), 6);
	assert_int_equal(wc.n, 2);
	assert_true(pollb(&b) & EPOLLIN);
	int v;
	assert_int_equal(b.s->ops->ioctl(b.s, SIOCINQ, &v), 0);
	assert_int_equal(v, 11);
	assert_int_equal(a.s->ops->ioctl(a.s, SIOCOUTQ, &v), 0);
	assert_int_equal(v, 11);
	/* peek crosses messages and consumes nothing */
	assert_int_equal(rcv(&b, buf, 8, MSG_PEEK, NULL), 8);
	assert_memory_equal(buf, "hello wo", 8);
	assert_int_equal(rcv(&b, buf, 3, 0, &fl), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), 8);
	assert_memory_equal(buf, "lo world", 8);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), -EAGAIN);
	assert_false(pollb(&b) & EPOLLIN);
	assert_int_equal(a.s->ops->ioctl(a.s, SIOCOUTQ, &v), 0);
	assert_int_equal(v, 0);
	waiter_remove(&wc.w);
	/* the file ops: write(2)/read(2) */
	assert_int_equal(vfs_file_write(b.f, "xy", 2), 2);
	assert_int_equal(vfs_file_read(a.f, buf, sizeof(buf)), 2);
	struct stat st;
	assert_int_equal(vfs_file_stat(a.f, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	sk_close(&a);
	sk_close(&b);
	check_clean();
}

static void test_stream_buffer_limit(void **state)
{
	struct sk a, b;
	static char big[300000], out[300000];
	memset(big, 'z', sizeof(big));
	pair(SOCK_STREAM, &a, &b);
	ssize_t total = 0, n;
	while ((n = snd(&a, big, sizeof(big), 0)) > 0)
		total += n;
	assert_int_equal(n, -EAGAIN);
	/* ~208 KiB per direction, like Linux's default */
	assert_true(total >= 200000 && total <= 300000);
	assert_false(pollb(&a) & EPOLLOUT);
	struct wcount wc;
	watch(&wc, &a, EPOLLOUT);
	assert_int_equal(rcv(&b, out, 1000, 0, NULL), 1000);
	assert_false(pollb(&a) & EPOLLOUT); /* writable again only below a quarter */
	ssize_t left = total - 1000;
	while (left > 0) {
		n = rcv(&b, out, sizeof(out), 0, NULL);
		assert_true(n > 0);
		left -= n;
	}
	assert_true(wc.n >= 1);
	assert_true(pollb(&a) & EPOLLOUT);
	waiter_remove(&wc.w);
	sk_close(&a);
	sk_close(&b);
	check_clean();
}

static void test_dgram_boundaries(void **state)
{
	struct sk a, b;
	char buf[16];
	int fl;
	pair(SOCK_DGRAM, &a, &b);
	assert_int_equal(snd(&a, "one", 3, 0), 3);
	assert_int_equal(snd(&a, "three", 5, 0), 5);
	assert_int_equal(snd(&a, "", 0, 0), 0);
	int v;
	assert_int_equal(b.s->ops->ioctl(b.s, SIOCINQ, &v), 0);
	assert_int_equal(v, 3); /* the next datagram only */
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, &fl), 3);
	assert_int_equal(fl, 0);
	assert_int_equal(rcv(&b, buf, 2, MSG_PEEK, &fl), 2);
	assert_int_equal(fl, MSG_TRUNC);
	assert_int_equal(rcv(&b, buf, 2, MSG_TRUNC, &fl), 5);
	assert_int_equal(fl, MSG_TRUNC);
	assert_memory_equal(buf, "th", 2);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), 0);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), -EAGAIN);
	/* too big for the send buffer */
	static char huge[300000];
	assert_int_equal(snd(&a, huge, sizeof(huge), 0), -EMSGSIZE);
	/* peer closed: datagram sockets get ECONNREFUSED, then ENOTCONN */
	sk_close(&b);
	assert_int_equal(snd(&a, "x", 1, 0), -ECONNREFUSED);
	assert_int_equal(snd(&a, "x", 1, 0), -ENOTCONN);
	sk_close(&a);
	check_clean();
}

static void test_seqpacket(void **state)
{
	struct sk a, b;
	char buf[4];
	int fl;
	pair(SOCK_SEQPACKET, &a, &b);
	assert_int_equal(snd(&a, "abcdefgh", 8, 0), 8);
	assert_int_equal(snd(&a, "xy", 2, 0), 2);
	assert_int_equal(rcv(&b, buf, 4, 0, &fl), 4);
	assert_int_equal(fl, MSG_TRUNC);
	assert_int_equal(rcv(&b, buf, 4, 0, &fl), 2);
	assert_memory_equal(buf, "xy", 2);
	sk_close(&a);
	assert_true(pollb(&b) & EPOLLHUP);
	assert_int_equal(rcv(&b, buf, 4, 0, NULL), 0); /* EOF */
	assert_int_equal(snd(&b, "x", 1, 0), -EPIPE);
	sk_close(&b);
	check_clean();
}

static void test_shutdown(void **state)
{
	struct sk a, b;
	char buf[8];
	pair(SOCK_STREAM, &a, &b);
	struct wcount wc;
	watch(&wc, &b, EPOLLRDHUP);
	assert_int_equal(a.s->ops->shutdown(a.s, SHUT_WR), 0);
	assert_int_equal(wc.n, 1);
	waiter_remove(&wc.w);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), 0);
	uint32_t pb = pollb(&b);
	assert_true(pb & EPOLLRDHUP && pb & EPOLLIN);
	assert_false(pb & EPOLLHUP);
	assert_int_equal(snd(&a, "x", 1, 0), -EPIPE);
	/* b can still talk to a */
	assert_int_equal(snd(&b, "ok", 2, 0), 2);
	assert_int_equal(rcv(&a, buf, sizeof(buf), 0, NULL), 2);
	assert_int_equal(b.s->ops->shutdown(b.s, SHUT_WR), 0);
	assert_true(pollb(&a) & EPOLLHUP);
	assert_true(pollb(&b) & EPOLLHUP);
	sk_close(&a);
	sk_close(&b);
	check_clean();
}

static void test_close_semantics(void **state)
{
	struct sk a, b;
	char buf[8];
	/* orderly: data then EOF, EPIPE on write */
	pair(SOCK_STREAM, &a, &b);
	assert_int_equal(snd(&a, "bye", 3, 0), 3);
	sk_close(&a);
	assert_true((pollb(&b) & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) ==
		    (EPOLLIN | EPOLLHUP | EPOLLRDHUP));
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), 3);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), 0);
	assert_int_equal(snd(&b, "x", 1, 0), -EPIPE);
	sk_close(&b);
	/* closing with unread data resets the peer */
	pair(SOCK_STREAM, &a, &b);
	assert_int_equal(snd(&a, "lost", 4, 0), 4);
	sk_close(&b);
	assert_true(pollb(&a) & EPOLLERR);
	assert_int_equal(rcv(&a, buf, sizeof(buf), 0, NULL), -ECONNRESET);
	assert_int_equal(rcv(&a, buf, sizeof(buf), 0, NULL), 0);
	sk_close(&a);
	check_clean();
}

static struct vfs_file *dummy_file(void)
{
	static const struct vfs_file_ops ops = {0};
	return vfs_file_new_anon(&ops, NULL, O_RDWR, "dummy");
}

static void test_scm_rights_refs(void **state)
{
	struct sk a, b;
	char buf[8];
	struct net_call c = call();
	pair(SOCK_STREAM, &a, &b);
	struct vfs_file *d1 = dummy_file(), *d2 = dummy_file();
	struct vfs_file *fs[2] = {d1, d2};
	struct net_msg m = {.buf = "ab", .len = 2, .flags = MSG_DONTWAIT, .files = fs, .nfiles = 2};
	assert_int_equal(a.s->ops->sendmsg(a.s, &c, &m), 2);
	assert_int_equal(snd(&a, "cd", 2, 0), 2);
	assert_int_equal(d1->refs, 2);
	assert_int_equal(d2->refs, 2);
	/* peek duplicates the references */
	struct net_msg r = {.buf = buf, .len = sizeof(buf), .flags = MSG_PEEK};
	assert_int_equal(b.s->ops->recvmsg(b.s, &c, &r), 2); /* stops after the files */
	assert_int_equal(r.nfiles, 2);
	assert_int_equal(d1->refs, 3);
	vfs_file_put(r.files[0]);
	vfs_file_put(r.files[1]);
	free(r.files);
	/* a real receive hands the in-flight references over */
	struct net_msg r2 = {.buf = buf, .len = sizeof(buf), .flags = 0};
	assert_int_equal(b.s->ops->recvmsg(b.s, &c, &r2), 2);
	assert_int_equal(r2.nfiles, 2);
	assert_ptr_equal(r2.files[0], d1);
	assert_int_equal(d1->refs, 2);
	vfs_file_put(r2.files[0]);
	vfs_file_put(r2.files[1]);
	free(r2.files);
	assert_int_equal(d1->refs, 1);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), 2);
	/* files never received are released with the receiver */
	m.len = 1;
	assert_int_equal(a.s->ops->sendmsg(a.s, &c, &m), 1);
	assert_int_equal(d2->refs, 2);
	sk_close(&b);
	assert_int_equal(d2->refs, 1);
	/* a socket in flight inside another socket's queue dies with it */
	struct sk x, y;
	pair(SOCK_DGRAM, &x, &y);
	struct vfs_file *xf[1] = {x.f};
	struct net_msg mx = {.buf = "s", .len = 1, .flags = MSG_DONTWAIT, .files = xf, .nfiles = 1};
	struct sk p, q;
	pair(SOCK_DGRAM, &p, &q);
	assert_int_equal(p.s->ops->sendmsg(p.s, &c, &mx), 1);
	sk_close(&x);
	sk_close(&y);
	assert_int_equal(
	    net_live_sockets,
	    6); /* a, p, q; x (in flight); b and y (closed, still held by their peers) */
	sk_close(&q);
	sk_close(&p);
	sk_close(&a);
	vfs_file_put(d1);
	vfs_file_put(d2);
	check_clean();
}

static void test_credentials(void **state)
{
	struct sk a, b;
	char buf[8];
	struct net_call c = call();
	pair(SOCK_STREAM, &a, &b);
	assert_true(b.s->has_peercred);
	assert_int_equal(b.s->peercred.pid, 7);
	int one = 1;
	assert_int_equal(net_socket_setsockopt(b.s, &c, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)),
			 0);
	c.cred.pid = 9;
	struct net_msg m = {.buf = "x", .len = 1, .flags = MSG_DONTWAIT};
	assert_int_equal(a.s->ops->sendmsg(a.s, &c, &m), 1);
	c.cred.pid = 10;
	assert_int_equal(a.s->ops->sendmsg(a.s, &c, &m), 1);
	struct net_msg r = {.buf = buf, .len = sizeof(buf)};
	/* never glue messages from different writers */
	assert_int_equal(b.s->ops->recvmsg(b.s, &c, &r), 1);
	assert_true(r.has_cred);
	assert_int_equal(r.cred.pid, 9);
	assert_int_equal(r.cred.uid, 1000);
	assert_int_equal(rcv(&b, buf, sizeof(buf), 0, NULL), 1);
	/* options */
	int v;
	socklen_t len = sizeof(v);
	assert_int_equal(net_socket_getsockopt(a.s, &c, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	assert_int_equal(v, SOCK_STREAM);
	len = sizeof(v);
	assert_int_equal(net_socket_getsockopt(a.s, &c, SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
	assert_int_equal(v, NET_SNDBUF_DEFAULT);
	v = 10000;
	assert_int_equal(net_socket_setsockopt(a.s, &c, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	len = sizeof(v);
	assert_int_equal(net_socket_getsockopt(a.s, &c, SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
	assert_int_equal(v, 20000);
	struct timeval tv = {1, 500000};
	assert_int_equal(net_socket_setsockopt(a.s, &c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
			 0);
	assert_int_equal(a.s->rcvtimeo_ns, 1500000000LL);
	tv.tv_usec = 2000000;
	assert_int_equal(net_socket_setsockopt(a.s, &c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
			 -EDOM);
	assert_int_equal(net_socket_setsockopt(a.s, &c, SOL_SOCKET, 9999, &v, sizeof(v)),
			 -ENOPROTOOPT);
	assert_int_equal(net_socket_setsockopt(a.s, &c, SOL_IP, 1, &v, sizeof(v)), -EOPNOTSUPP);
	sk_close(&a);
	sk_close(&b);
	check_clean();
}

static socklen_t abstract_addr(struct sockaddr_un *sun, const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static void test_listen_connect_abstract(void **state)
{
	struct net_call c = call();
	struct sockaddr_un sun;
	struct sockaddr_storage ss;
	char buf[8];
	socklen_t alen = abstract_addr(&sun, "cv-test");
	struct sk l = mk(SOCK_STREAM), c1 = mk(SOCK_STREAM), c2 = mk(SOCK_STREAM),
		  c3 = mk(SOCK_STREAM);
	assert_int_equal(l.s->ops->listen(l.s, &c, 1), -EINVAL); /* unbound */
	assert_int_equal(l.s->ops->bind(l.s, &c, &sun, alen), 0);
	assert_int_equal(c1.s->ops->bind(c1.s, &c, &sun, alen), -EADDRINUSE);
	assert_int_equal(l.s->ops->bind(l.s, &c, &sun, alen), -EINVAL);
	assert_int_equal(c1.s->ops->connect(c1.s, &c, &sun, alen), -ECONNREFUSED);
	assert_int_equal(l.s->ops->listen(l.s, &c, 1), 0);
	assert_false(pollb(&l) & (EPOLLIN | EPOLLOUT));
	assert_int_equal(c1.s->ops->connect(c1.s, &c, &sun, alen), 0);
	assert_int_equal(c1.s->ops->connect(c1.s, &c, &sun, alen), -EISCONN);
	assert_true(pollb(&l) & EPOLLIN);
	assert_int_equal(c2.s->ops->connect(c2.s, &c, &sun, alen), 0);
	c.wait = NULL;
	assert_int_equal(c3.s->ops->connect(c3.s, &c, &sun, alen), -EAGAIN);
	assert_non_null(c.wait); /* the listener's queue for connectors */
	/* data before accept goes to the embryo */
	assert_int_equal(snd(&c1, "hi", 2, 0), 2);
	struct net_socket *ns;
	assert_int_equal(l.s->ops->accept(l.s, &c, &ns), 0);
	struct sk s1 = {ns, net_socket_file_new(ns, 0)};
	assert_int_equal(rcv(&s1, buf, sizeof(buf), 0, NULL), 2);
	/* names: the accepted socket has the listener's, its peer is unbound */
	assert_int_equal(ns->ops->getname(ns, &ss, false), alen);
	assert_memory_equal(&ss, &sun, alen);
	assert_int_equal(ns->ops->getname(ns, &ss, true), offsetof(struct sockaddr_un, sun_path));
	assert_int_equal(c1.s->ops->getname(c1.s, &ss, true), alen);
	assert_int_equal(c3.s->ops->getname(c3.s, &ss, true), -ENOTCONN);
	/* backlog has room again */
	assert_int_equal(c3.s->ops->connect(c3.s, &c, &sun, alen), 0);
	/* listener dies with pending connections: clients are reset */
	sk_close(&l);
	assert_int_equal(rcv(&c2, buf, sizeof(buf), 0, NULL), -ECONNRESET);
	assert_int_equal(rcv(&c2, buf, sizeof(buf), 0, NULL), 0);
	struct sk c4 = mk(SOCK_STREAM);
	assert_int_equal(c4.s->ops->connect(c4.s, &c, &sun, alen), -ECONNREFUSED);
	/* autobind: an empty name gets "\0xxxxx" */
	assert_int_equal(c4.s->ops->bind(c4.s, &c, &sun, offsetof(struct sockaddr_un, sun_path)),
			 0);
	assert_int_equal(c4.s->ops->getname(c4.s, &ss, false),
			 offsetof(struct sockaddr_un, sun_path) + 6);
	assert_int_equal(((struct sockaddr_un *)&ss)->sun_path[0], 0);
	/* abstract names are per type: another type neither finds nor collides */
	struct sk d = mk(SOCK_DGRAM);
	socklen_t sl = offsetof(struct sockaddr_un, sun_path) + 6;
	assert_int_equal(d.s->ops->connect(d.s, &c, &ss, sl), -ECONNREFUSED);
	assert_int_equal(d.s->ops->bind(d.s, &c, &ss, sl), 0);
	sk_close(&d);
	sk_close(&c4);
	sk_close(&s1);
	sk_close(&c1);
	sk_close(&c2);
	sk_close(&c3);
	check_clean();
}

static void test_bind_path(void **state)
{
	struct tctx t;
	tctx_init_tmpfs(&t);
	struct net_call c = call();
	c.vc = &t.c;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	strcpy(sun.sun_path, "/sock");
	socklen_t alen = sizeof(sun);
	struct sockaddr_storage ss;
	struct sk l = mk(SOCK_DGRAM), l2 = mk(SOCK_DGRAM), cl = mk(SOCK_DGRAM);
	assert_int_equal(l.s->ops->bind(l.s, &c, &sun, alen), 0);
	struct stat st;
	assert_int_equal(stat_path(&t, "/sock", &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0755); /* umask 022 */
	assert_int_equal(l2.s->ops->bind(l2.s, &c, &sun, alen), -EADDRINUSE);
	struct sk ws = mk(SOCK_STREAM); /* a path bound by another type: EPROTOTYPE */
	assert_int_equal(ws.s->ops->connect(ws.s, &c, &sun, alen), -EPROTOTYPE);
	sk_close(&ws);
	assert_int_equal(l.s->ops->getname(l.s, &ss, false),
			 offsetof(struct sockaddr_un, sun_path) + 6);
	/* unconnected datagrams to a path carry the sender's name */
	struct sockaddr_un from = {.sun_family = AF_UNIX};
	strcpy(from.sun_path, "/from");
	assert_int_equal(cl.s->ops->bind(cl.s, &c, &from, sizeof(from)), 0);
	struct net_msg m = {
	    .buf = "dg", .len = 2, .name = &sun, .namelen = alen, .flags = MSG_DONTWAIT};
	assert_int_equal(cl.s->ops->sendmsg(cl.s, &c, &m), 2);
	char buf[8];
	struct net_msg r = {.buf = buf, .len = sizeof(buf), .flags = MSG_DONTWAIT};
	assert_int_equal(l.s->ops->recvmsg(l.s, &c, &r), 2);
	assert_int_equal(r.fromlen, offsetof(struct sockaddr_un, sun_path) + 6);
	assert_string_equal(((struct sockaddr_un *)&r.from)->sun_path, "/from");
	/* not a socket, missing */
	assert_int_equal(put_file(&t, "/plain", "x", 0644), 0);
	strcpy(sun.sun_path, "/plain");
	assert_int_equal(cl.s->ops->connect(cl.s, &c, &sun, alen), -ECONNREFUSED);
	strcpy(sun.sun_path, "/missing");
	assert_int_equal(cl.s->ops->connect(cl.s, &c, &sun, alen), -ENOENT);
	/* closed: the inode stays, nobody answers */
	strcpy(sun.sun_path, "/sock");
	sk_close(&l);
	assert_int_equal(cl.s->ops->connect(cl.s, &c, &sun, alen), -ECONNREFUSED);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/sock", 0), 0);
	assert_int_equal(l2.s->ops->bind(l2.s, &c, &sun, alen), 0);
	assert_int_equal(cl.s->ops->connect(cl.s, &c, &sun, alen), 0);
	sk_close(&l2);
	sk_close(&cl);
	tctx_fini(&t);
	check_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream_basic),
	    cmocka_unit_test(test_stream_buffer_limit),
	    cmocka_unit_test(test_dgram_boundaries),
	    cmocka_unit_test(test_seqpacket),
	    cmocka_unit_test(test_shutdown),
	    cmocka_unit_test(test_close_semantics),
	    cmocka_unit_test(test_scm_rights_refs),
	    cmocka_unit_test(test_credentials),
	    cmocka_unit_test(test_listen_connect_abstract),
	    cmocka_unit_test(test_bind_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
