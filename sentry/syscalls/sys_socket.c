/* sentry/syscalls/sys_socket.c - socket(2), socketpair(2), bind(2), listen(2), accept(2),
 * accept4(2), connect(2), getsockname(2), getpeername(2), shutdown(2), setsockopt(2),
 * getsockopt(2); and the helpers the message calls (sys_sockmsg.c) share: finding the
 * socket behind an fd, the caller's credentials, parking with SO_RCVTIMEO/SO_SNDTIMEO.
 *
 * Owns no state: sockets live in netstack/. These handlers copy arguments in and out of
 * guest memory, turn the netstack's -EAGAIN into a park on the queue it names, and make
 * the checks that need the caller, which the families do not know: CAP_NET_RAW and
 * --net-raw for raw and packet sockets, net.ipv4.ping_group_range for ping sockets,
 * CAP_NET_BIND_SERVICE for low ports, the capability checks of a few options, the
 * copy-in of SO_ATTACH_FILTER programs, and the iptables options (IPT_SO_*: CAP_NET_ADMIN,
 * table blobs larger than the option buffer).
 * Must not: look inside a family's socket object. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "netstack/inet_sock.h"
#include "netstack/netfilter.h"
#include "netstack/netns.h"
#include "netstack/socket.h"
#include "platform/guest_mem.h"
#include "sentry/syscall.h"
#include "sentry/task.h"
#include "vfs/fdtable.h"
#include "vfs/file.h"

#define SOCK_TYPE_MASK 0xf
#define SOCK_MAX 11
#define OPT_MAX 512
/* Call scratch word set when connect/accept parked (the re-run is a "resumed" call). */
#define SCR_PARKED 2
#define CAP_NET_BIND_SERVICE_BIT 10
#define CAP_NET_ADMIN_BIT 12
#define CAP_NET_RAW_BIT 13
#define PROT_SOCK 1024 /* net.ipv4.ip_unprivileged_port_start */

static bool sock_capable(struct task *t, int cap)
{
	return t->tg->cred.cap_effective & (1ULL << cap);
}

/* ---- shared with sys_sockmsg.c ---- */

/* Fills @c for a socket call of @t; @vc receives the VFS context (path names). */
void sys_sock_call(struct task *t, struct net_call *c, struct vfs_ctx *vc)
{
	memset(c, 0, sizeof(*c));
	task_vfs_ctx(t, vc);
	c->vc = vc;
	c->cred.pid = task_vpid(t);
	c->cred.uid = t->tg->cred.uid;
	c->cred.gid = t->tg->cred.gid;
	c->cred.euid = t->tg->cred.euid;
	c->cred.egid = t->tg->cred.egid;
}

/* The socket at @fd of @t: returns it (borrowed from *@fp, a new file reference the caller
 * puts), or NULL with *@err = -EBADF / -ENOTSOCK. Records @c's credentials as the
 * socket's last caller. */
struct net_socket *sys_sock_lookup(struct task *t, int fd, struct net_call *c, struct vfs_file **fp,
				   long *err)
{
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	struct net_socket *s = net_socket_from_file(f);
	if (!s) {
		vfs_file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	s->last = c->cred;
	*fp = f;
	return s;
}

/* Parks @t until the socket (or the queue the op named in @c) reports @events, with a
 * deadline @timeo_ns after the call began (kept in scratch word @slot across re-runs).
 * @done: what a signal makes the call return when something was already transferred
 * (0: nothing; the call restarts or fails with EINTR as Linux's sock_intr_errno).
 * Returns SYSRET_PARK, or -EAGAIN / @done when the timeout has passed. */
long sys_sock_park(struct task *t, struct net_socket *s, struct net_call *c, uint32_t events,
		   int64_t timeo_ns, int slot, long done)
{
	uint64_t *scratch = task_call_scratch(t);
	if (timeo_ns == 0 || task_timed_out(t))
		return done ? done : -EAGAIN;
	int64_t deadline = 0;
	if (timeo_ns != NET_TIMEO_INF) {
		if (!scratch[slot])
			scratch[slot] = (uint64_t)(sentry_now_ns() + timeo_ns);
		deadline = (int64_t)scratch[slot];
	}
	struct waitq *wq = c->wait ? c->wait : &s->wq;
	task_wait_on(t, wq, c->wait ? c->wait_events : events);
	long intr = done ? done : (timeo_ns == NET_TIMEO_INF ? -ERESTARTSYS : -EINTR);
	long r = task_block(t, deadline, intr);
	if (r == -ETIMEDOUT)
		return done ? done : -EAGAIN;
	return r;
}

/* Copies a socket address in (move_addr_to_kernel). */
int sys_sockaddr_in(struct task *t, uint64_t gaddr, uint64_t len, struct sockaddr_storage *ss)
{
	if ((int64_t)(int32_t)len < 0 || (uint32_t)len > sizeof(*ss))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (len && guest_copy_in(task_mem(t), ss, gaddr, (size_t)(uint32_t)len))
		return -EFAULT;
	return 0;
}

/* Copies @klen bytes of @ss out to (@addr_gaddr, *@len_gaddr) (move_addr_to_user):
 * at most the length the app offered; the real length is written back. */
int sys_sockaddr_out(struct task *t, const struct sockaddr_storage *ss, int klen,
		     uint64_t addr_gaddr, uint64_t len_gaddr)
{
	int32_t len;
	if (guest_copy_in(task_mem(t), &len, len_gaddr, sizeof(len)))
		return -EFAULT;
	if (len > klen)
		len = klen;
	if (len < 0)
		return -EINVAL;
	if (len && guest_copy_out(task_mem(t), addr_gaddr, ss, (size_t)len))
		return -EFAULT;
	if (guest_copy_out(task_mem(t), len_gaddr, &klen, sizeof(klen)))
		return -EFAULT;
	return 0;
}

/* ---- creating sockets ---- */

static int check_type(int domain, int *type, int *fflags, bool *cloexec)
{
	int flags = *type & ~SOCK_TYPE_MASK;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	*type &= SOCK_TYPE_MASK;
	if (domain < 0 || domain >= AF_MAX)
		return -EAFNOSUPPORT;
	if (*type < 0 || *type >= SOCK_MAX)
		return -EINVAL;
	*fflags = (flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0;
	*cloexec = flags & SOCK_CLOEXEC;
	return 0;
}

/* What creating a socket asks of the caller, checked before the family sees it (the
 * families know no task): raw IPv4 and AF_PACKET sockets need CAP_NET_RAW in the
 * effective set (inet_create, packet_create: EPERM) and the runtime's --net-raw (as
 * runsc, whose stack has no raw endpoint factory without it: EPERM); ICMP ping sockets
 * need a group in net.ipv4.ping_group_range (ping_init_sock: EACCES). Protocol errors
 * come first for AF_INET, as Linux's inetsw walk runs before the capability check. */
static int create_permission(struct task *t, int domain, int type, int protocol)
{
	const struct vfs_cred *cr = &t->tg->cred;
	bool raw = domain == AF_PACKET;
	if (domain == AF_INET) {
		int proto = protocol;
		if (inet_resolve_protocol(type, &proto) < 0)
			return 0; /* the family answers */
		if (type == SOCK_RAW)
			raw = true;
		else if (type == SOCK_DGRAM && proto == IPPROTO_ICMP &&
			 !inet_ping_group_allowed(net_current_ns(), cr->egid, cr->groups,
						  (int)cr->ngroups))
			return -EACCES;
	}
	if (raw && (!sock_capable(t, CAP_NET_RAW_BIT) || !sandbox.net_raw))
		return -EPERM;
	return 0;
}

/* Families Linux has that the netstack does not implement yet: socketpair(2) answers
 * EOPNOTSUPP for them as Linux does (none of them pairs). */
static bool is_unpaired_family(int domain)
{
	return domain == AF_INET || domain == AF_INET6 || domain == AF_NETLINK ||
	       domain == AF_PACKET;
}

/* implements socket(2) */
long sys_socket(struct task *t, const struct syscall_args *a)
{
	int domain = (int)a->a[0], type = (int)a->a[1], protocol = (int)a->a[2];
	int fflags;
	bool cloexec;
	struct net_socket *s;
	struct net_call c;
	struct vfs_ctx vc;
	int err = check_type(domain, &type, &fflags, &cloexec);
	if (err)
		return err;
	if ((err = create_permission(t, domain, type, protocol)))
		return err;
	err = net_socket_create(domain, type, protocol, &s);
	if (err)
		return err;
	sys_sock_call(t, &c, &vc);
	s->owner = s->last = c.cred;
	struct vfs_file *f = net_socket_file_new(s, fflags);
	if (!f)
		return -ENOMEM;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, cloexec);
	vfs_file_put(f);
	return fd;
}

/* implements socketpair(2): both fds installed, then copied out (closed on EFAULT) */
long sys_socketpair(struct task *t, const struct syscall_args *a)
{
	int domain = (int)a->a[0], type = (int)a->a[1], protocol = (int)a->a[2];
	int fflags;
	bool cloexec;
	struct net_socket *s1, *s2;
	struct net_call c;
	struct vfs_ctx vc;
	int err = check_type(domain, &type, &fflags, &cloexec);
	if (err)
		return err;
	if ((err = create_permission(t, domain, type, protocol)))
		return err;
	err = net_socket_create(domain, type, protocol, &s1);
	if (err)
		return err == -EAFNOSUPPORT && is_unpaired_family(domain) ? -EOPNOTSUPP : err;
	if (!s1->ops->socketpair) {
		net_socket_put(s1);
		return -EOPNOTSUPP;
	}
	err = net_socket_create(domain, type, protocol, &s2);
	if (err) {
		net_socket_put(s1);
		return err;
	}
	sys_sock_call(t, &c, &vc);
	s1->owner = s1->last = s2->owner = s2->last = c.cred;
	err = s1->ops->socketpair(s1, s2, &c);
	struct vfs_file *f1 = net_socket_file_new(s1, fflags);
	struct vfs_file *f2 = net_socket_file_new(s2, fflags);
	if (!err && (!f1 || !f2))
		err = -ENOMEM;
	int fds[2] = {-1, -1};
	if (!err && (fds[0] = vfs_fdtable_install(task_fdt(t), f1, 0, cloexec)) < 0)
		err = fds[0];
	if (!err && (fds[1] = vfs_fdtable_install(task_fdt(t), f2, 0, cloexec)) < 0)
		err = fds[1];
	if (!err && guest_copy_out(task_mem(t), a->a[3], fds, sizeof(fds)))
		err = -EFAULT;
	if (err) {
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				vfs_fdtable_close(task_fdt(t), fds[i]);
	}
	vfs_file_put(f1);
	vfs_file_put(f2);
	return err;
}

/* ---- addresses and connections ---- */

/* implements bind(2) */
long sys_bind(struct task *t, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	err = sys_sockaddr_in(t, a->a[1], a->a[2], &ss);
	if (!err && s->family == AF_INET && a->a[2] >= sizeof(struct sockaddr_in) &&
	    (s->protocol == IPPROTO_TCP || s->protocol == IPPROTO_UDP)) {
		/* inet_port_requires_bind_service (the family knows no capabilities; raw
		 * sockets have no port, ping identifiers are not checked) */
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
		unsigned port = ntohs(sin->sin_port);
		if ((sin->sin_family == AF_INET || sin->sin_family == AF_UNSPEC) && port &&
		    port < PROT_SOCK && !sock_capable(t, CAP_NET_BIND_SERVICE_BIT))
			err = -EACCES;
	}
	if (!err)
		err = s->ops->bind ? s->ops->bind(s, &c, &ss, (socklen_t)a->a[2]) : -EOPNOTSUPP;
	vfs_file_put(f);
	return err;
}

/* implements listen(2) */
long sys_listen(struct task *t, const struct syscall_args *a)
{
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	int backlog = (int)a->a[1];
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	if ((unsigned)backlog > NET_SOMAXCONN)
		backlog = NET_SOMAXCONN;
	err = s->ops->listen ? s->ops->listen(s, &c, backlog) : -EOPNOTSUPP;
	vfs_file_put(f);
	return err;
}

static long do_accept(struct task *t, int fd, uint64_t addr_gaddr, uint64_t len_gaddr, int flags)
{
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	struct net_socket *ns;
	long err;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	uint64_t *scratch = task_call_scratch(t);
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, fd, &c, &f, &err);
	if (!s)
		return err;
	c.nonblock = f->flags & O_NONBLOCK;
	c.resumed = scratch[SCR_PARKED] != 0;
	err = s->ops->accept ? s->ops->accept(s, &c, &ns) : -EOPNOTSUPP;
	if (err == -EAGAIN && !c.nonblock) {
		scratch[SCR_PARKED] = 1;
		err = sys_sock_park(t, s, &c, EPOLLIN | EPOLLERR | EPOLLHUP, s->rcvtimeo_ns, 1, 0);
		vfs_file_put(f);
		return err;
	}
	vfs_file_put(f);
	if (err)
		return err;
	ns->owner = ns->last = c.cred;
	struct vfs_file *nf = net_socket_file_new(ns, (flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
	if (!nf)
		return -ENOMEM;
	if (addr_gaddr) {
		struct sockaddr_storage ss;
		int len = ns->ops->getname(ns, &ss, true);
		err =
		    len < 0 ? -ECONNABORTED : sys_sockaddr_out(t, &ss, len, addr_gaddr, len_gaddr);
		if (err) {
			vfs_file_put(nf);
			return err;
		}
	}
	int nfd = vfs_fdtable_install(task_fdt(t), nf, 0, flags & SOCK_CLOEXEC);
	vfs_file_put(nf);
	return nfd;
}

/* implements accept(2) */
long sys_accept(struct task *t, const struct syscall_args *a)
{
	return do_accept(t, (int)a->a[0], a->a[1], a->a[2], 0);
}

/* implements accept4(2) */
long sys_accept4(struct task *t, const struct syscall_args *a)
{
	return do_accept(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}

/* implements connect(2). A connect that would block parks (SO_SNDTIMEO) and runs again
 * when woken: the family sees c.resumed and answers from the connection's state (TCP:
 * 0 once established, the error if it failed; a timeout gives c.timeo_err, EINPROGRESS). */
long sys_connect(struct task *t, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	uint64_t *scratch = task_call_scratch(t);
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	c.nonblock = f->flags & O_NONBLOCK;
	c.resumed = scratch[SCR_PARKED] != 0;
	err = sys_sockaddr_in(t, a->a[1], a->a[2], &ss);
	if (!err)
		err =
		    s->ops->connect ? s->ops->connect(s, &c, &ss, (socklen_t)a->a[2]) : -EOPNOTSUPP;
	if (err == -EAGAIN && !c.nonblock) {
		scratch[SCR_PARKED] = 1;
		err = sys_sock_park(t, s, &c, EPOLLOUT | EPOLLERR | EPOLLHUP, s->sndtimeo_ns, 1, 0);
		if (err == -EAGAIN && c.timeo_err)
			err = c.timeo_err;
	}
	vfs_file_put(f);
	return err;
}

static long do_getname(struct task *t, const struct syscall_args *a, bool peer)
{
	struct sockaddr_storage ss;
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	int len = s->ops->getname ? s->ops->getname(s, &ss, peer) : -EOPNOTSUPP;
	vfs_file_put(f);
	if (len < 0)
		return len;
	return sys_sockaddr_out(t, &ss, len, a->a[1], a->a[2]);
}

/* implements getsockname(2) */
long sys_getsockname(struct task *t, const struct syscall_args *a)
{
	return do_getname(t, a, false);
}

/* implements getpeername(2) */
long sys_getpeername(struct task *t, const struct syscall_args *a)
{
	return do_getname(t, a, true);
}

/* implements shutdown(2) */
long sys_shutdown(struct task *t, const struct syscall_args *a)
{
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	int how = (int)a->a[1];
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	if (how < SHUT_RD || how > SHUT_RDWR)
		err = -EINVAL;
	else
		err = s->ops->shutdown ? s->ops->shutdown(s, how) : -EOPNOTSUPP;
	vfs_file_put(f);
	return err;
}

/* ---- options ---- */

/* Options whose capability check Linux makes inside the protocol (which knows no task
 * here): IP_TRANSPARENT (CAP_NET_RAW or CAP_NET_ADMIN), re-binding a socket already bound
 * to a device (SO_BINDTODEVICE/SO_BINDTOIFINDEX: CAP_NET_RAW). */
static int setsockopt_permission(struct task *t, struct net_socket *s, struct net_call *c,
				 int level, int name, const char *val, size_t len)
{
	if (s->family != AF_INET && s->family != AF_PACKET)
		return 0;
	if (level == SOL_IP && name == IP_TRANSPARENT && s->family == AF_INET) {
		int v = 0;
		if (len >= sizeof(int))
			memcpy(&v, val, sizeof(v));
		else if (len >= 1)
			v = (unsigned char)val[0];
		if (v && !sock_capable(t, CAP_NET_RAW_BIT) && !sock_capable(t, CAP_NET_ADMIN_BIT))
			return -EPERM;
	}
	if (level == SOL_SOCKET && (name == SO_BINDTODEVICE || name == 62 /* SO_BINDTOIFINDEX */) &&
	    !sock_capable(t, CAP_NET_RAW_BIT)) {
		int idx = 0;
		socklen_t l = sizeof(idx);
		if (!net_socket_getsockopt(s, c, SOL_SOCKET, 62, &idx, &l) && idx)
			return -EPERM;
	}
	return 0;
}

/* SO_ATTACH_FILTER: struct sock_fprog names the program in guest memory; the family gets
 * a copy whose filter pointer is the Sentry's (sk_attach_filter's EINVAL for an empty or
 * oversized program, EFAULT for a bad pointer). */
static long attach_filter(struct task *t, struct net_socket *s, struct net_call *c,
			  const char *val, size_t len)
{
	struct {
		uint16_t len;
		uint16_t pad[3];
		uint64_t filter_gaddr;
	} gfp;
	if (len < sizeof(gfp))
		return -EINVAL;
	memcpy(&gfp, val, sizeof(gfp));
	if (!gfp.filter_gaddr || gfp.len == 0 || gfp.len > BPF_MAXINSNS)
		return -EINVAL;
	size_t bytes = (size_t)gfp.len * sizeof(struct sock_filter);
	struct sock_filter *insns = malloc(bytes);
	if (!insns)
		return -ENOMEM;
	long err = guest_copy_in(task_mem(t), insns, gfp.filter_gaddr, bytes) ? -EFAULT : 0;
	if (!err) {
		struct sock_fprog fp = {.len = gfp.len, .filter = insns};
		err = net_socket_setsockopt(s, c, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp));
	}
	free(insns);
	return err;
}

/* The namespace whose iptables an IPT_SO_* option at SOL_IP of @s names (Linux's
 * nf_sockopt on any AF_INET socket: the socket's namespace), or NULL when it is not one
 * (host sockets relay). */
static struct netns *ipt_sockopt_ns(struct net_socket *s, int level, int name, bool set)
{
	if (level != SOL_IP || !nf_is_ipt_sockopt(name, set))
		return NULL;
	return inet_sock_netns(s);
}

/* setsockopt(IPT_SO_SET_REPLACE / ADD_COUNTERS): EPERM without CAP_NET_ADMIN (do_ipt_set_ctl),
 * the whole blob copied in, the replaced table's counters written back. */
static long ipt_setsockopt(struct task *t, struct netns *ns, int name, uint64_t val_gaddr,
			   int len)
{
	if (!sock_capable(t, CAP_NET_ADMIN_BIT))
		return -EPERM;
	if ((size_t)len > NF_SOCKOPT_MAX)
		return -ENOMEM;
	void *buf = malloc(len ? (size_t)len : 1);
	if (!buf)
		return -ENOMEM;
	struct nf_old_counters old = {0};
	long err = len && guest_copy_in(task_mem(t), buf, val_gaddr, (size_t)len) ? -EFAULT : 0;
	if (!err)
		err = nf_ipt_setsockopt(ns, name, buf, (size_t)len, &old);
	if (!err && old.data && old.bytes)
		(void)guest_copy_out(task_mem(t), old.gaddr, old.data, old.bytes); /* as Linux */
	free(old.data);
	free(buf);
	return err;
}

/* getsockopt(IPT_SO_GET_*): EPERM without CAP_NET_ADMIN; the answer may be a whole table. */
static long ipt_getsockopt(struct task *t, struct netns *ns, int name, uint64_t val_gaddr,
			   int32_t len)
{
	if (!sock_capable(t, CAP_NET_ADMIN_BIT))
		return -EPERM;
	if ((size_t)len > NF_SOCKOPT_MAX)
		return -EINVAL;
	void *buf = calloc(1, len > NF_SOCKOPT_REQ ? (size_t)len : NF_SOCKOPT_REQ);
	if (!buf)
		return -ENOMEM;
	size_t in = len < NF_SOCKOPT_REQ ? (size_t)len : NF_SOCKOPT_REQ, n = (size_t)len;
	long err = in && guest_copy_in(task_mem(t), buf, val_gaddr, in) ? -EFAULT : 0;
	if (!err)
		err = nf_ipt_getsockopt(ns, name, buf, &n);
	if (!err && n && guest_copy_out(task_mem(t), val_gaddr, buf, n))
		err = -EFAULT;
	free(buf);
	return err;
}

/* implements setsockopt(2) */
long sys_setsockopt(struct task *t, const struct syscall_args *a)
{
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	char buf[OPT_MAX];
	int level = (int)a->a[1], name = (int)a->a[2];
	int len = (int)a->a[4];
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	if (len < 0) {
		err = -EINVAL;
		goto out;
	}
	struct netns *ipt_ns = ipt_sockopt_ns(s, level, name, true);
	if (ipt_ns) {
		err = ipt_setsockopt(t, ipt_ns, name, a->a[3], len);
		goto out;
	}
	size_t n = (size_t)len < sizeof(buf) ? (size_t)len : sizeof(buf);
	memset(buf, 0, sizeof(buf));
	if (n && guest_copy_in(task_mem(t), buf, a->a[3], n)) {
		err = -EFAULT;
		goto out;
	}
	if ((err = setsockopt_permission(t, s, &c, level, name, buf, (size_t)len)))
		goto out;
	if (level == SOL_SOCKET && name == SO_ATTACH_FILTER) {
		err = attach_filter(t, s, &c, buf, (size_t)len);
		goto out;
	}
	err = net_socket_setsockopt(s, &c, level, name, buf, (socklen_t)len);
out:
	vfs_file_put(f);
	return err;
}

/* SO_GET_FILTER (sk_get_filter): *optlen counts instructions; 0 asks for the count. */
static long get_filter(struct task *t, struct net_socket *s, struct net_call *c,
		       uint64_t val_gaddr, uint64_t len_gaddr, int32_t len)
{
	int32_t n = len < BPF_MAXINSNS ? len : BPF_MAXINSNS;
	struct sock_filter *insns = calloc((size_t)n + 1, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	socklen_t sl = (socklen_t)n;
	long err = net_socket_getsockopt(s, c, SOL_SOCKET, SO_GET_FILTER, insns, &sl);
	if (!err) {
		int32_t out = (int32_t)sl;
		if ((len && out &&
		     guest_copy_out(task_mem(t), val_gaddr, insns, (size_t)out * sizeof(*insns))) ||
		    guest_copy_out(task_mem(t), len_gaddr, &out, sizeof(out)))
			err = -EFAULT;
	}
	free(insns);
	return err;
}

/* implements getsockopt(2) */
long sys_getsockopt(struct task *t, const struct syscall_args *a)
{
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	char buf[OPT_MAX];
	int32_t len;
	int level = (int)a->a[1], name = (int)a->a[2];
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	if (guest_copy_in(task_mem(t), &len, a->a[4], sizeof(len))) {
		err = -EFAULT;
		goto out;
	}
	if (len < 0) {
		err = -EINVAL;
		goto out;
	}
	struct netns *ipt_ns = ipt_sockopt_ns(s, level, name, false);
	if (ipt_ns) {
		err = ipt_getsockopt(t, ipt_ns, name, a->a[3], len);
		goto out;
	}
	if (level == SOL_SOCKET && name == SO_GET_FILTER) {
		/* the length is in instructions: the program may be larger than buf */
		err = get_filter(t, s, &c, a->a[3], a->a[4], len);
		goto out;
	}
	socklen_t sl = (size_t)len < sizeof(buf) ? (socklen_t)len : sizeof(buf);
	memset(buf, 0, sizeof(buf));
	err = net_socket_getsockopt(s, &c, level, name, buf, &sl);
	if (err)
		goto out;
	len = (int32_t)sl;
	if ((sl && guest_copy_out(task_mem(t), a->a[3], buf, sl)) ||
	    guest_copy_out(task_mem(t), a->a[4], &len, sizeof(len)))
		err = -EFAULT;
out:
	vfs_file_put(f);
	return err;
}
