/* netstack/socket.c - the socket layer: the family registry, the generic part of every
 * socket (references, wait queue, SOL_SOCKET options) and socket files.
 *
 * Owns: struct net_socket's generic fields and the vfs_file_ops of socket files.
 * Must not: know any family's internals, touch guest memory (except the ioctl argument,
 * through platform/guest_mem.h), or block. */
#include "netstack/socket.h"
#include "netstack/hostinet.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <linux/sockios.h>
#include "platform/guest_mem.h"
#include "vfs/file.h"

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif
#ifndef SO_RCVTIMEO_NEW
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#endif

long net_live_sockets;

/* Families, referenced weakly: a family that is not linked in answers EAFNOSUPPORT. */
extern const struct net_family_ops net_unix_family __attribute__((weak));
extern const struct net_family_ops net_inet_family __attribute__((weak));
extern const struct net_family_ops net_inet6_family __attribute__((weak));
extern const struct net_family_ops net_netlink_family __attribute__((weak));
extern const struct net_family_ops net_packet_family __attribute__((weak));

const struct net_family_ops *net_family_lookup(int family)
{
	switch (family) {
	case AF_UNIX:
		return &net_unix_family;
	case AF_INET:
		return &net_inet_family;
	case AF_INET6:
		return &net_inet6_family;
	/* --network=host: the netstack's interfaces are not the host's, whose sockets the
	 * app uses: netlink is the host's (read-only), packet sockets would show the wrong
	 * network */
	case AF_NETLINK:
		return hostinet_enabled() ? hostinet_netlink_family() : &net_netlink_family;
	case AF_PACKET:
		return hostinet_enabled() ? NULL : &net_packet_family;
	default:
		return NULL;
	}
}

void net_socket_init(struct net_socket *s, const struct net_family_ops *ops, int type, int protocol)
{
	s->refs = 1;
	s->ops = ops;
	s->family = ops->family;
	s->type = type;
	s->protocol = protocol;
	waitq_init(&s->wq);
	s->sndbuf = NET_SNDBUF_DEFAULT;
	s->rcvbuf = NET_RCVBUF_DEFAULT;
	s->rcvtimeo_ns = s->sndtimeo_ns = NET_TIMEO_INF;
	s->rcvlowat = 1;
	s->peercred.uid = s->peercred.gid = (uint32_t)-1;
	s->peercred.euid = s->peercred.egid = (uint32_t)-1;
	net_live_sockets++;
}

int net_socket_create(int family, int type, int protocol, struct net_socket **out)
{
	const struct net_family_ops *ops = net_family_lookup(family);
	if (!ops || !ops->create)
		return -EAFNOSUPPORT;
	return ops->create(type, protocol, out);
}

void net_socket_get(struct net_socket *s)
{
	s->refs++;
}

void net_socket_put(struct net_socket *s)
{
	if (!s || --s->refs > 0)
		return;
	/* Nobody can be queued on a socket nobody references, but be safe. */
	while (!list_empty(&s->wq.waiters))
		waiter_remove(list_first_entry(&s->wq.waiters, struct waiter, link));
	net_live_sockets--;
	s->ops->destroy(s);
}

void net_socket_wake(struct net_socket *s, uint32_t events)
{
	waitq_wake(&s->wq, events);
}

int net_socket_take_error(struct net_socket *s)
{
	int err = s->err;
	s->err = 0;
	return -err;
}

void net_msg_put_cmsg(struct net_msg *m, int level, int type, const void *data, size_t len)
{
	size_t room = m->cmsg_out_cap - m->cmsg_out_len;
	size_t cmlen = CMSG_LEN(len);
	if (!m->cmsg_out || m->cmsg_out_len > m->cmsg_out_cap || room < sizeof(struct cmsghdr)) {
		m->cmsg_trunc = true;
		return;
	}
	if (room < cmlen) {
		m->cmsg_trunc = true;
		cmlen = room;
	}
	struct cmsghdr h = {.cmsg_len = cmlen, .cmsg_level = level, .cmsg_type = type};
	char *at = (char *)m->cmsg_out + m->cmsg_out_len;
	memcpy(at, &h, sizeof(h));
	memcpy(at + sizeof(h), data, cmlen - sizeof(h));
	size_t adv = CMSG_SPACE(len) < room ? CMSG_SPACE(len) : room;
	memset(at + cmlen, 0, adv - cmlen);
	m->cmsg_out_len += adv;
}

/* ---- socket files ---- */

static const struct vfs_file_ops net_socket_fops;

struct net_socket *net_socket_from_file(struct vfs_file *f)
{
	return f && f->ops == &net_socket_fops ? f->priv : NULL;
}

bool net_file_is_socket(struct vfs_file *f)
{
	return net_socket_from_file(f) != NULL;
}

/* The file ops have no task: read(2)/write(2) act for the socket's last known caller. */
static void file_call(struct net_socket *s, struct net_call *c)
{
	memset(c, 0, sizeof(*c));
	c->cred = s->last;
}

static ssize_t sock_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct net_socket *s = f->priv;
	struct net_call c;
	/* The op never blocks; MSG_DONTWAIT only tells it how a blocking read would end. */
	struct net_msg m = {
	    .buf = buf, .len = len, .flags = (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0};
	if (!s->ops->recvmsg)
		return -EOPNOTSUPP;
	file_call(s, &c);
	ssize_t n = s->ops->recvmsg(s, &c, &m);
	/* read(2) has no control buffer: passed files are closed (MSG_CTRUNC). */
	for (int i = 0; i < m.nfiles; i++)
		vfs_file_put(m.files[i]);
	free(m.files);
	return n;
}

static ssize_t sock_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct net_socket *s = f->priv;
	struct net_call c;
	struct net_msg m = {.buf = (void *)buf, .len = len, .flags = MSG_DONTWAIT | MSG_NOSIGNAL};
	if (!s->ops->sendmsg)
		return -EOPNOTSUPP;
	file_call(s, &c);
	return s->ops->sendmsg(s, &c, &m);
}

static uint32_t sock_poll(struct vfs_file *f)
{
	struct net_socket *s = f->priv;
	return s->ops->poll ? s->ops->poll(s) : 0;
}

static struct waitq *sock_waitq(struct vfs_file *f)
{
	struct net_socket *s = f->priv;
	return &s->wq;
}

/* The interface ioctls (netstack/netdev_ioctl.c), weak: the socket layer links without
 * the IP core (unit tests of AF_UNIX). */
long netdev_ioctl(const struct vfs_ctx *c, unsigned int cmd, uint64_t arg) __attribute__((weak));

static long sock_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	struct net_socket *s = f->priv;
	int v = 0;
	long r;
	/* SIOCGIFCONF, SIOCGIF*, SIOCSIF*: on any socket, as Linux's sock_ioctl; not in
	 * --network=host mode, where the netstack's interfaces are not the host's (ENOTTY) */
	if (netdev_ioctl && !hostinet_enabled() && (r = netdev_ioctl(c, cmd, arg)) != -ENOIOCTLCMD)
		return r;
	r = s->ops->ioctl ? s->ops->ioctl(s, cmd, &v) : -ENOIOCTLCMD;
	if (r == -ENOIOCTLCMD)
		return -ENOTTY;
	if (r < 0)
		return r;
	return guest_copy_out(c->mem, arg, &v, sizeof(v));
}

static int sock_stat(struct vfs_file *f, struct stat *st)
{
	struct net_socket *s = f->priv;
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(0, 8); /* sockfs */
	st->st_ino = f->anon_ino;
	st->st_mode = S_IFSOCK;
	st->st_nlink = 1;
	st->st_blksize = 4096;
	vfs_anon_attr_fill(&s->inode, st);
	return 0;
}

/* fchmod/fchown/futimens change the sockfs inode (the VFS checked permissions); a new
 * owner is also the socket's uid, as Linux's sockfs_setattr sets sk_uid. */
static int sock_setattr(struct vfs_file *f, const struct vfs_iattr *ia)
{
	struct net_socket *s = f->priv;
	vfs_anon_attr_set(&s->inode, ia);
	s->owner.euid = s->inode.uid;
	return 0;
}

static void sock_release(struct vfs_file *f)
{
	struct net_socket *s = f->priv;
	s->file = NULL;
	if (s->ops->release)
		s->ops->release(s);
	net_socket_put(s);
}

static const struct vfs_file_ops net_socket_fops = {
    .read = sock_read,
    .write = sock_write,
    .poll = sock_poll,
    .waitq = sock_waitq,
    .ioctl = sock_ioctl,
    .stat = sock_stat,
    .setattr = sock_setattr,
    .release = sock_release,
};

struct vfs_file *net_socket_file_new(struct net_socket *s, int flags)
{
	s->inode = (struct vfs_anon_attr){ .mode = 0777, .uid = s->owner.euid,
					   .gid = s->owner.egid };
	struct vfs_file *f =
	    vfs_file_new_anon(&net_socket_fops, s, O_RDWR | (flags & O_NONBLOCK), "socket");
	if (!f) {
		if (s->ops->release)
			s->ops->release(s);
		net_socket_put(s);
		return NULL;
	}
	s->file = f;
	return f;
}

/* ---- SOL_SOCKET options ---- */

static int64_t timeval_to_timeo(const struct timeval *tv)
{
	if (tv->tv_sec < 0)
		return 0;
	if (tv->tv_sec == 0 && tv->tv_usec == 0)
		return NET_TIMEO_INF;
	if (tv->tv_sec >= INT64_MAX / 1000000000LL - 1)
		return NET_TIMEO_INF;
	return (int64_t)tv->tv_sec * 1000000000LL + (int64_t)tv->tv_usec * 1000;
}

static void timeo_to_timeval(int64_t ns, struct timeval *tv)
{
	if (ns == NET_TIMEO_INF) {
		tv->tv_sec = tv->tv_usec = 0;
		return;
	}
	tv->tv_sec = ns / 1000000000LL;
	tv->tv_usec = (ns % 1000000000LL) / 1000;
}

static bool *bool_opt(struct net_socket *s, int name)
{
	switch (name) {
	case SO_REUSEADDR:
		return &s->reuseaddr;
	case SO_REUSEPORT:
		return &s->reuseport;
	case SO_KEEPALIVE:
		return &s->keepalive;
	case SO_BROADCAST:
		return &s->broadcast;
	case SO_OOBINLINE:
		return &s->oobinline;
	case SO_DONTROUTE:
		return &s->dontroute;
	case SO_DEBUG:
		return &s->debug;
	case SO_TIMESTAMP:
		return &s->timestamp;
	case SO_PASSCRED:
		return &s->passcred;
	default:
		return NULL;
	}
}

/* Implements the SOL_SOCKET part of setsockopt(2) (net/core/sock.c sk_setsockopt). */
int net_socket_setsockopt(struct net_socket *s, struct net_call *c, int level, int name,
			  const void *val, socklen_t len)
{
	if (level != SOL_SOCKET)
		return s->ops->setsockopt ? s->ops->setsockopt(s, level, name, val, len)
					  : -EOPNOTSUPP;
	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO || name == SO_RCVTIMEO_NEW ||
	    name == SO_SNDTIMEO_NEW) {
		struct timeval tv;
		if (len < (socklen_t)sizeof(tv))
			return -EINVAL;
		memcpy(&tv, val, sizeof(tv));
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EDOM;
		int64_t t = timeval_to_timeo(&tv);
		if (name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW)
			s->rcvtimeo_ns = t;
		else
			s->sndtimeo_ns = t;
		return 0;
	}
	if (s->ops->own_sol_socket)
		return s->ops->setsockopt(s, level, name, val, len);
	if (name == SO_LINGER) {
		if (len < (socklen_t)sizeof(struct linger))
			return -EINVAL;
		memcpy(&s->linger, val, sizeof(s->linger));
		s->linger.l_onoff = !!s->linger.l_onoff;
		return 0;
	}
	/* a device name of any length (sock_setbindtodevice): the family's, before the int
	 * length rule */
	if (name == SO_BINDTODEVICE)
		return s->ops->setsockopt ? s->ops->setsockopt(s, level, name, val, len)
					  : -ENOPROTOOPT;
	if (len < (socklen_t)sizeof(int))
		return -EINVAL;
	int v;
	memcpy(&v, val, sizeof(v));
	bool *b = bool_opt(s, name);
	if (b) {
		*b = v != 0;
		return 0;
	}
	switch (name) {
	case SO_SNDBUF: {
		unsigned u = (unsigned)v < NET_WMEM_MAX ? (unsigned)v : NET_WMEM_MAX;
		s->sndbuf = (int)u * 2 > NET_SNDBUF_MIN ? (int)u * 2 : NET_SNDBUF_MIN;
		net_socket_wake(s, EPOLLOUT | EPOLLWRNORM);
		return 0;
	}
	case SO_RCVBUF: {
		unsigned u = (unsigned)v < NET_RMEM_MAX ? (unsigned)v : NET_RMEM_MAX;
		s->rcvbuf = (int)u * 2 > NET_RCVBUF_MIN ? (int)u * 2 : NET_RCVBUF_MIN;
		return 0;
	}
	case SO_PRIORITY:
		if ((v < 0 || v > 6))
			return -EPERM;
		s->priority = v;
		return 0;
	case SO_RCVLOWAT:
		s->rcvlowat = v < 0 ? INT32_MAX : (v ? v : 1);
		return 0;
	case SO_MARK:
		return -EPERM;
	case SO_TYPE:
	case SO_DOMAIN:
	case SO_PROTOCOL:
	case SO_ERROR:
	case SO_ACCEPTCONN:
	case SO_PEERCRED:
		return -ENOPROTOOPT;
	default:
		return s->ops->setsockopt ? s->ops->setsockopt(s, level, name, val, len)
					  : -ENOPROTOOPT;
	}
}

/* Implements the SOL_SOCKET part of getsockopt(2) (net/core/sock.c sk_getsockopt). */
int net_socket_getsockopt(struct net_socket *s, struct net_call *c, int level, int name, void *val,
			  socklen_t *len)
{
	union {
		int i;
		struct timeval tv;
		struct linger lg;
		struct ucred uc;
	} v;
	socklen_t lv = sizeof(int);
	memset(&v, 0, sizeof(v));
	if (level != SOL_SOCKET)
		return s->ops->getsockopt ? s->ops->getsockopt(s, level, name, val, len)
					  : -EOPNOTSUPP;
	if (s->ops->own_sol_socket && name != SO_RCVTIMEO && name != SO_SNDTIMEO &&
	    name != SO_RCVTIMEO_NEW && name != SO_SNDTIMEO_NEW)
		return s->ops->getsockopt(s, level, name, val, len);
	bool *b = bool_opt(s, name);
	if (b) {
		v.i = *b;
	} else {
		switch (name) {
		case SO_TYPE:
			v.i = s->type;
			break;
		case SO_DOMAIN:
			v.i = s->family;
			break;
		case SO_PROTOCOL:
			v.i = s->protocol;
			break;
		case SO_ERROR:
			v.i = -net_socket_take_error(s);
			break;
		case SO_ACCEPTCONN:
			v.i = s->listening;
			break;
		case SO_SNDBUF:
			v.i = s->sndbuf;
			break;
		case SO_RCVBUF:
			v.i = s->rcvbuf;
			break;
		case SO_PRIORITY:
			v.i = s->priority;
			break;
		case SO_RCVLOWAT:
			v.i = s->rcvlowat;
			break;
		case SO_SNDLOWAT:
			v.i = 1;
			break;
		case SO_MARK:
			v.i = s->mark;
			break;
		case SO_RCVTIMEO:
		case SO_SNDTIMEO:
		case SO_RCVTIMEO_NEW:
		case SO_SNDTIMEO_NEW:
			timeo_to_timeval(name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW
					     ? s->rcvtimeo_ns
					     : s->sndtimeo_ns,
					 &v.tv);
			lv = sizeof(v.tv);
			break;
		case SO_LINGER:
			v.lg = s->linger;
			lv = sizeof(v.lg);
			break;
		case SO_PEERCRED:
			v.uc.pid = s->has_peercred ? s->peercred.pid : 0;
			v.uc.uid = s->has_peercred ? s->peercred.euid : (uint32_t)-1;
			v.uc.gid = s->has_peercred ? s->peercred.egid : (uint32_t)-1;
			lv = sizeof(v.uc);
			break;
		default:
			return s->ops->getsockopt ? s->ops->getsockopt(s, level, name, val, len)
						  : -ENOPROTOOPT;
		}
	}
	/* A shorter buffer gets the first bytes, as Linux answers. */
	if (*len > lv)
		*len = lv;
	memcpy(val, &v, *len);
	return 0;
}
