/* sentry/syscalls/sys_sockmsg.c - moving messages: sendto(2), recvfrom(2), sendmsg(2),
 * recvmsg(2), sendmmsg(2), recvmmsg(2), with control messages (SCM_RIGHTS,
 * SCM_CREDENTIALS here; the family's own records, e.g. IP_PKTINFO, IP_TTL, SO_TIMESTAMP,
 * IP_RECVERR, through net_msg.cmsg_in/cmsg_out).
 *
 * Data goes through the Sentry's bounce buffer. A stream send that cannot finish parks
 * with the count sent so far in the call scratch (word 0) and goes on when woken; a
 * receive with MSG_WAITALL does the same (word 3). Word 1 holds the SO_*TIMEO deadline,
 * word 2 the mmsg index, word 4 the recvmmsg timeout deadline.
 * Must not: look inside a family's socket object. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include "netstack/socket.h"
#include "platform/guest_mem.h"
#include "sentry/syscall.h"
#include "sentry/task.h"
#include "vfs/fdtable.h"
#include "vfs/file.h"

#define UIO_MAXIOV 1024
#define OPTMEM_MAX 131072
#define SYS_BOUNCE_SIZE (1024 * 1024)
#define CAP_SETGID_BIT 6
#define CAP_SETUID_BIT 7
#define CAP_SYS_ADMIN_BIT 21
#define MSG_WAITFORONE_ 0x10000
#define SCR_SENT 0
#define SCR_DEADLINE 1
#define SCR_INDEX 2
#define SCR_GOT 3
#define SCR_MMSG_DEADLINE 4

/* Shared with sys_socket.c (defined there). */
void sys_sock_call(struct task *t, struct net_call *c, struct vfs_ctx *vc);
struct net_socket *sys_sock_lookup(struct task *t, int fd, struct net_call *c, struct vfs_file **fp,
				   long *err);
long sys_sock_park(struct task *t, struct net_socket *s, struct net_call *c, uint32_t events,
		   int64_t timeo_ns, int slot, long done);
int sys_sockaddr_in(struct task *t, uint64_t gaddr, uint64_t len, struct sockaddr_storage *ss);
int sys_sockaddr_out(struct task *t, const struct sockaddr_storage *ss, int klen,
		     uint64_t addr_gaddr, uint64_t len_gaddr);
/* The bounce buffer (sentry/syscalls/sys_file.c). */
void *sys_bounce(void);

/* struct msghdr / struct mmsghdr as the app lays them out (x86-64). */
struct g_msghdr {
	uint64_t name;
	int32_t namelen;
	int32_t pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags;
	int32_t pad1;
};
struct g_mmsghdr {
	struct g_msghdr hdr;
	uint32_t len;
	uint32_t pad;
};
struct g_iovec {
	uint64_t base, len;
};

/* One message being sent or received: the iovecs copied in. */
struct iomsg {
	struct g_iovec iov[UIO_MAXIOV];
	int iovcnt;
	size_t total;
};

static struct iomsg iomsg_buf; /* single-threaded Sentry: one is enough */

static int iov_in(struct task *t, uint64_t gaddr, uint64_t cnt, struct iomsg *io)
{
	if (cnt > UIO_MAXIOV)
		return -EMSGSIZE;
	io->iovcnt = (int)cnt;
	io->total = 0;
	if (cnt && guest_copy_in(task_mem(t), io->iov, gaddr, cnt * sizeof(struct g_iovec)))
		return -EFAULT;
	for (uint64_t i = 0; i < cnt; i++) {
		if (io->iov[i].len > (uint64_t)SSIZE_MAX)
			return -EINVAL;
		io->total += io->iov[i].len;
		if (io->total > (size_t)SSIZE_MAX)
			return -EINVAL;
	}
	if (io->total > 0x7ffff000UL)
		io->total = 0x7ffff000UL;
	return 0;
}

/* Copies @len bytes between @buf and the iovecs, @skip bytes into them. */
static int iov_xfer(struct task *t, const struct iomsg *io, size_t skip, void *buf, size_t len,
		    bool to_guest)
{
	size_t done = 0;
	for (int i = 0; i < io->iovcnt && done < len; i++) {
		if (skip >= io->iov[i].len) {
			skip -= io->iov[i].len;
			continue;
		}
		size_t n = io->iov[i].len - skip;
		if (n > len - done)
			n = len - done;
		int err =
		    to_guest
			? guest_copy_out(task_mem(t), io->iov[i].base + skip, (char *)buf + done, n)
			: guest_copy_in(task_mem(t), (char *)buf + done, io->iov[i].base + skip, n);
		if (err)
			return err;
		done += n;
		skip = 0;
	}
	return 0;
}

static bool capable(struct task *t, int cap)
{
	return t->tg->cred.cap_effective & (1ULL << cap);
}

/* ---- control messages in ---- */

struct scm_in {
	struct vfs_file *files[NET_SCM_MAX_FD];
	int nfiles;
	bool has_cred;
	struct net_ucred cred;
};

static void scm_in_release(struct scm_in *scm)
{
	for (int i = 0; i < scm->nfiles; i++)
		vfs_file_put(scm->files[i]);
	scm->nfiles = 0;
}

/* scm_check_creds: the app may claim its own ids, or others with the capability. */
static int check_creds(struct task *t, const struct ucred *uc)
{
	const struct vfs_cred *cr = &t->tg->cred;
	if (uc->uid == (uid_t)-1 || uc->gid == (gid_t)-1)
		return -EINVAL;
	bool pid_ok = uc->pid == task_vpid(t) || capable(t, CAP_SYS_ADMIN_BIT);
	bool uid_ok = uc->uid == cr->uid || uc->uid == cr->euid || uc->uid == cr->suid ||
		      capable(t, CAP_SETUID_BIT);
	bool gid_ok = uc->gid == cr->gid || uc->gid == cr->egid || uc->gid == cr->sgid ||
		      capable(t, CAP_SETGID_BIT);
	if (!(pid_ok && uid_ok && gid_ok))
		return -EPERM;
	if (uc->pid != task_vpid(t) && !tg_by_vpid(uc->pid))
		return -ESRCH;
	return 0;
}

/* Parses the control data of a send (__scm_send). Takes file references into @scm. */
static int scm_parse(struct task *t, struct net_socket *s, const char *ctl, size_t len,
		     struct scm_in *scm)
{
	size_t off = 0;
	while (len >= sizeof(struct cmsghdr) && off + sizeof(struct cmsghdr) <= len) {
		struct cmsghdr h;
		memcpy(&h, ctl + off, sizeof(h));
		if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > len - off)
			return -EINVAL;
		const char *data = ctl + off + CMSG_ALIGN(sizeof(struct cmsghdr));
		if (h.cmsg_level == SOL_SOCKET) {
			if (h.cmsg_type == SCM_RIGHTS) {
				if (s->family != AF_UNIX)
					return -EINVAL;
				long num = ((long)h.cmsg_len - (long)CMSG_ALIGN(sizeof(h))) /
					   (long)sizeof(int);
				if (num > 0) {
					if (num > NET_SCM_MAX_FD ||
					    scm->nfiles + num > NET_SCM_MAX_FD)
						return -EINVAL;
					for (long i = 0; i < num; i++) {
						int fd;
						memcpy(&fd, data + i * (long)sizeof(int),
						       sizeof(fd));
						struct vfs_file *f =
						    vfs_fdtable_lookup(task_fdt(t), fd);
						if (!f)
							return -EBADF;
						scm->files[scm->nfiles++] = f;
					}
				}
			} else if (h.cmsg_type == SCM_CREDENTIALS) {
				struct ucred uc;
				if (h.cmsg_len != CMSG_LEN(sizeof(uc)))
					return -EINVAL;
				memcpy(&uc, data, sizeof(uc));
				int err = check_creds(t, &uc);
				if (err)
					return err;
				scm->has_cred = true;
				scm->cred.pid = uc.pid;
				scm->cred.uid = uc.uid;
				scm->cred.gid = uc.gid;
				scm->cred.euid = uc.uid;
				scm->cred.egid = uc.gid;
			} else {
				return -EINVAL;
			}
		}
		size_t next = off + CMSG_ALIGN(h.cmsg_len);
		if (next <= off || next + sizeof(struct cmsghdr) > len)
			break;
		off = next;
	}
	return 0;
}

/* sock_cmsg_send for the families that take no control data of their own (TCP, whose
 * tcp_sendmsg turns any failure into EINVAL, and AF_PACKET): SOL_SOCKET records are
 * SO_MARK (CAP_NET_ADMIN), SO_TIMESTAMPING or SCM_TXTIME (accepted, no effect),
 * SCM_RIGHTS/SCM_CREDENTIALS (ignored: "semantically SOL_UNIX"), anything else is
 * EINVAL; other levels are ignored. */
static int sock_cmsg_check(struct task *t, struct net_socket *s, const char *ctl, size_t len)
{
	size_t off = 0;
	int err = 0;
	while (!err && off + sizeof(struct cmsghdr) <= len) {
		struct cmsghdr h;
		memcpy(&h, ctl + off, sizeof(h));
		if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > len - off)
			err = -EINVAL;
		else if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SO_MARK)
			err = capable(t, 12 /* CAP_NET_ADMIN */) ? 0 : -EPERM;
		else if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SO_PRIORITY) {
			uint32_t prio = 0;
			if (h.cmsg_len != CMSG_LEN(sizeof(prio)))
				err = -EINVAL;
			else
				memcpy(&prio, ctl + off + CMSG_ALIGN(sizeof(h)), sizeof(prio));
			if (!err && prio > 6 && !capable(t, 12) && !capable(t, 13))
				err = -EPERM;
		}
		else if (h.cmsg_level == SOL_SOCKET && h.cmsg_type != SO_TIMESTAMPING &&
			 h.cmsg_type != SCM_TXTIME && h.cmsg_type != SCM_RIGHTS &&
			 h.cmsg_type != SCM_CREDENTIALS)
			err = -EINVAL;
		size_t next = off + CMSG_ALIGN(h.cmsg_len);
		if (next <= off)
			break;
		off = next;
	}
	return err && s->type == SOCK_STREAM ? -EINVAL : err;
}

/* ---- control messages out ---- */

/* Most control data one receive produces (the app's msg_controllen is capped to it:
 * credentials, 253 fds and every SOL_IP/SOL_SOCKET record fit many times over). */
#define CMSG_OUT_MAX 65536

struct scm_out {
	char *buf;    /* the family's records first (net_msg.cmsg_out), then ours */
	size_t room;  /* msg_controllen left */
	size_t used;  /* bytes written to buf */
	int flags;    /* MSG_CTRUNC */
	bool present; /* the app gave a control buffer */
};

/* put_cmsg: one control message, truncated (MSG_CTRUNC) to the room left. */
static void put_cmsg(struct scm_out *o, int level, int type, const void *data, size_t len)
{
	size_t cmlen = CMSG_LEN(len);
	if (!o->present || o->room < sizeof(struct cmsghdr)) {
		o->flags |= MSG_CTRUNC;
		return;
	}
	if (o->room < cmlen) {
		o->flags |= MSG_CTRUNC;
		cmlen = o->room;
	}
	struct cmsghdr h = {.cmsg_len = cmlen, .cmsg_level = level, .cmsg_type = type};
	memcpy(o->buf + o->used, &h, sizeof(h));
	memcpy(o->buf + o->used + sizeof(h), data, cmlen - sizeof(h));
	size_t adv = CMSG_SPACE(len) < o->room ? CMSG_SPACE(len) : o->room;
	o->used += adv;
	o->room -= adv;
}

/* scm_detach_fds: installs as many received files as the room allows; the rest are
 * closed (MSG_CTRUNC). Consumes the references in @m. */
static void put_files(struct task *t, struct scm_out *o, struct net_msg *m, bool cloexec)
{
	int fds[NET_SCM_MAX_FD];
	int fdmax = 0, i = 0;
	if (o->present && o->room > sizeof(struct cmsghdr))
		fdmax = (int)((o->room - sizeof(struct cmsghdr)) / sizeof(int));
	if (fdmax > m->nfiles)
		fdmax = m->nfiles;
	for (; i < fdmax; i++) {
		int fd = vfs_fdtable_install(task_fdt(t), m->files[i], 0, cloexec);
		if (fd < 0)
			break;
		fds[i] = fd;
	}
	if (i > 0) {
		size_t cmlen = CMSG_LEN((size_t)i * sizeof(int));
		struct cmsghdr h = {
		    .cmsg_len = cmlen, .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS};
		memcpy(o->buf + o->used, &h, sizeof(h));
		memcpy(o->buf + o->used + sizeof(h), fds, (size_t)i * sizeof(int));
		size_t adv = CMSG_SPACE((size_t)i * sizeof(int));
		if (adv > o->room)
			adv = o->room;
		o->used += adv;
		o->room -= adv;
	}
	if (i < m->nfiles)
		o->flags |= MSG_CTRUNC;
	for (int j = 0; j < m->nfiles; j++)
		vfs_file_put(m->files[j]);
	free(m->files);
	m->files = NULL;
	m->nfiles = 0;
}

/* ---- sending ---- */

/* The name and control areas of a message, as the app gave them. */
static int msghdr_in(struct task *t, uint64_t gaddr, struct g_msghdr *mh, struct iomsg *io)
{
	if (guest_copy_in(task_mem(t), mh, gaddr, sizeof(*mh)))
		return -EFAULT;
	if (!mh->name)
		mh->namelen = 0;
	if (mh->namelen < 0)
		return -EINVAL;
	if ((size_t)mh->namelen > sizeof(struct sockaddr_storage))
		mh->namelen = sizeof(struct sockaddr_storage);
	return iov_in(t, mh->iov, mh->iovlen, io);
}

static void raise_sigpipe(struct task *t, struct net_socket *s, int flags)
{
	if (s->type == SOCK_STREAM && !(flags & MSG_NOSIGNAL))
		task_signal_self(t, SIGPIPE);
}

/* Sends the message (@io, and @mh's name and control) on @s. Returns the bytes sent,
 * -errno, or SYSRET_PARK. @done: what a signal makes the call return when earlier
 * messages went out (sendmmsg). */
static long send_one(struct task *t, struct net_socket *s, struct vfs_file *f,
		     const struct iomsg *io, const struct g_msghdr *mh, int flags, long done)
{
	struct sockaddr_storage name;
	struct net_call c;
	struct vfs_ctx vc;
	struct scm_in scm = {.nfiles = 0};
	uint64_t *scratch = task_call_scratch(t);
	bool has_name = mh->name && mh->namelen;
	long err;
	sys_sock_call(t, &c, &vc);
	if (has_name && (err = sys_sockaddr_in(t, mh->name, (uint64_t)mh->namelen, &name)))
		return err;
	if (mh->controllen > INT_MAX || mh->controllen > OPTMEM_MAX)
		return -ENOBUFS;
	/* Control data rides with the first piece only: a re-run after a partial stream
	 * send does not parse it again. SCM_RIGHTS/SCM_CREDENTIALS are parsed here for the
	 * families that take them (__scm_send); the family gets the records as given
	 * (cmsg_in) and parses its own levels (IP_PKTINFO, IP_TTL...). */
	char *ctl = NULL;
	size_t ctl_len = 0;
	if (mh->controllen && !scratch[SCR_SENT]) {
		ctl = malloc(mh->controllen);
		if (!ctl)
			return -ENOBUFS;
		ctl_len = mh->controllen;
		err = guest_copy_in(task_mem(t), ctl, mh->control, mh->controllen) ? -EFAULT : 0;
		if (!err && (s->family == AF_UNIX || s->family == AF_NETLINK))
			err = scm_parse(t, s, ctl, mh->controllen, &scm);
		else if (!err && ((s->family == AF_INET && s->type == SOCK_STREAM) ||
				  s->family == AF_PACKET))
			err = sock_cmsg_check(t, s, ctl, mh->controllen);
		if (err) {
			free(ctl);
			scm_in_release(&scm);
			return err;
		}
	}
	bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
	bool stream = s->type == SOCK_STREAM;
	size_t sent = scratch[SCR_SENT];
	char *buf = sys_bounce();
	if (!stream && io->total > SYS_BOUNCE_SIZE) {
		free(ctl);
		scm_in_release(&scm);
		return -EMSGSIZE;
	}
	err = 0;
	do {
		size_t chunk = io->total - sent;
		if (chunk > SYS_BOUNCE_SIZE)
			chunk = SYS_BOUNCE_SIZE;
		if (iov_xfer(t, io, sent, buf, chunk, false)) {
			err = -EFAULT;
			break;
		}
		struct net_msg m = {
		    .buf = buf,
		    .len = chunk,
		    .name = has_name ? &name : NULL,
		    .namelen = has_name ? (socklen_t)mh->namelen : 0,
		    .flags = flags | MSG_DONTWAIT,
		    .files = sent ? NULL : scm.files,
		    .nfiles = sent ? 0 : scm.nfiles,
		    .has_cred = scm.has_cred,
		    .cred = scm.cred,
		    .cmsg_in = sent ? NULL : ctl,
		    .cmsg_in_len = sent ? 0 : ctl_len,
		};
		ssize_t n = s->ops->sendmsg ? s->ops->sendmsg(s, &c, &m) : -EOPNOTSUPP;
		if (n < 0) {
			err = n;
			break;
		}
		sent += (size_t)n;
	} while (stream && sent < io->total);
	free(ctl);
	scm_in_release(&scm);
	/* AF_INET datagram sends never wait for room: their EAGAIN is the autobind's "no
	 * ephemeral port left", which Linux returns at once */
	bool never_waits = s->family == AF_INET && s->type != SOCK_STREAM;
	if (err == -EAGAIN && !nonblock && !never_waits) {
		scratch[SCR_SENT] = sent;
		return sys_sock_park(t, s, &c, EPOLLOUT | EPOLLERR | EPOLLHUP, s->sndtimeo_ns,
				     SCR_DEADLINE, sent ? (long)sent : done);
	}
	scratch[SCR_SENT] = 0;
	if (sent)
		return (long)sent;
	if (err == -EPIPE)
		raise_sigpipe(t, s, flags);
	return err;
}

/* implements sendto(2) */
long sys_sendto(struct task *t, const struct syscall_args *a)
{
	struct iomsg *io = &iomsg_buf;
	struct g_msghdr mh = {.name = a->a[4], .namelen = (int32_t)a->a[5]};
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	io->iovcnt = 1;
	io->iov[0].base = a->a[1];
	io->iov[0].len = a->a[2] > INT_MAX ? INT_MAX : a->a[2];
	io->total = io->iov[0].len;
	if (!mh.name)
		mh.namelen = 0;
	err = send_one(t, s, f, io, &mh, (int)a->a[3], 0);
	vfs_file_put(f);
	return err;
}

/* implements sendmsg(2) */
long sys_sendmsg(struct task *t, const struct syscall_args *a)
{
	struct iomsg *io = &iomsg_buf;
	struct g_msghdr mh;
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	err = msghdr_in(t, a->a[1], &mh, io);
	if (!err)
		err = send_one(t, s, f, io, &mh, (int)a->a[2], 0);
	vfs_file_put(f);
	return err;
}

/* implements sendmmsg(2): messages already sent are counted in the call scratch */
long sys_sendmmsg(struct task *t, const struct syscall_args *a)
{
	struct iomsg *io = &iomsg_buf;
	struct g_mmsghdr mm;
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err = 0;
	uint64_t *scratch = task_call_scratch(t);
	unsigned vlen = (unsigned)a->a[2];
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	unsigned i = (unsigned)scratch[SCR_INDEX];
	for (; i < vlen; i++) {
		uint64_t gaddr = a->a[1] + (uint64_t)i * sizeof(mm);
		err = msghdr_in(t, gaddr, &mm.hdr, io);
		if (!err)
			err = send_one(t, s, f, io, &mm.hdr, (int)a->a[3], (long)i);
		if (err == SYSRET_PARK)
			break;
		if (err < 0)
			break;
		uint32_t len = (uint32_t)err;
		if (guest_copy_out(task_mem(t), gaddr + offsetof(struct g_mmsghdr, len), &len,
				   sizeof(len))) {
			err = -EFAULT;
			break;
		}
		scratch[SCR_INDEX] = i + 1;
		scratch[SCR_DEADLINE] = 0;
	}
	vfs_file_put(f);
	if (err == SYSRET_PARK)
		return err;
	return i ? (long)i : err;
}

/* ---- receiving ---- */

/* Where a received message's name, control data and flags go. */
struct recv_out {
	uint64_t name_gaddr, namelen_gaddr; /* 0: not wanted */
	uint64_t control_gaddr;
	size_t controllen;
	size_t controllen_out;
	int flags_out;
};

/* Receives one message on @s into @io. Returns the count (or, with MSG_TRUNC on a
 * datagram, the real length), -errno, or SYSRET_PARK. @done: see send_one. */
static long recv_one(struct task *t, struct net_socket *s, struct vfs_file *f,
		     const struct iomsg *io, struct recv_out *out, int flags, long done)
{
	struct net_call c;
	struct vfs_ctx vc;
	uint64_t *scratch = task_call_scratch(t);
	/* the error queue never waits (ip_recv_error; AF_UNIX ignores the flag) */
	bool nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT) ||
			((flags & MSG_ERRQUEUE) && s->family != AF_UNIX);
	bool waitall = (flags & MSG_WAITALL) && !(flags & MSG_PEEK) && s->type == SOCK_STREAM;
	size_t got = scratch[SCR_GOT];
	char *buf = sys_bounce();
	long ret = 0;
	size_t ccap = out->control_gaddr ? out->controllen : 0;
	if (ccap > CMSG_OUT_MAX)
		ccap = CMSG_OUT_MAX;
	char *cbuf = ccap ? malloc(ccap) : NULL;
	if (ccap && !cbuf)
		return -ENOBUFS;
	sys_sock_call(t, &c, &vc);
	out->flags_out = flags & MSG_CMSG_CLOEXEC;
	out->controllen_out = 0;
	for (;;) {
		size_t chunk = io->total - got;
		if (chunk > SYS_BOUNCE_SIZE)
			chunk = SYS_BOUNCE_SIZE;
		struct net_msg m = {
		    .buf = buf,
		    .len = chunk,
		    .flags = (flags & ~MSG_WAITALL) | (nonblock ? MSG_DONTWAIT : 0),
		    .cmsg_out = cbuf,
		    .cmsg_out_cap = ccap,
		};
		ssize_t n = s->ops->recvmsg ? s->ops->recvmsg(s, &c, &m) : -EOPNOTSUPP;
		if (n == -EAGAIN && !nonblock) {
			free(cbuf);
			scratch[SCR_GOT] = got;
			return sys_sock_park(t, s, &c, EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR,
					     s->rcvtimeo_ns, SCR_DEADLINE, got ? (long)got : done);
		}
		if (n < 0) {
			ret = got ? (long)got : n;
			break;
		}
		size_t copy = (size_t)n < chunk ? (size_t)n : chunk;
		/* MSG_TRUNC on a stream socket discards: the user's buffer is left untouched */
		if ((flags & MSG_TRUNC) && s->type == SOCK_STREAM)
			copy = 0;
		if (copy && iov_xfer(t, io, got, buf, copy, true)) {
			for (int i = 0; i < m.nfiles; i++)
				vfs_file_put(m.files[i]);
			free(m.files);
			ret = got ? (long)got : -EFAULT;
			break;
		}
		if (!got && out->name_gaddr) {
			long e = sys_sockaddr_out(t, &m.from, (int)m.fromlen, out->name_gaddr,
						  out->namelen_gaddr);
			if (e) {
				ret = e;
				break;
			}
		}
		bool ctl = m.has_cred || m.nfiles || m.cmsg_out_len || m.cmsg_trunc;
		if (ctl) {
			struct scm_out so = {.buf = cbuf,
					     .used = m.cmsg_out_len,
					     .room = ccap - m.cmsg_out_len,
					     .flags = m.cmsg_trunc ? MSG_CTRUNC : 0,
					     .present = out->control_gaddr != 0};
			if (m.has_cred) {
				struct ucred uc = {m.cred.pid, m.cred.uid, m.cred.gid};
				put_cmsg(&so, SOL_SOCKET, SCM_CREDENTIALS, &uc, sizeof(uc));
			}
			if (m.nfiles)
				put_files(t, &so, &m, flags & MSG_CMSG_CLOEXEC);
			if (so.used &&
			    guest_copy_out(task_mem(t), out->control_gaddr, so.buf, so.used)) {
				ret = got ? (long)got : -EFAULT;
				break;
			}
			out->controllen_out = so.used;
			out->flags_out |= so.flags;
		}
		out->flags_out |= m.flags;
		got += (size_t)n;
		ret = (long)got;
		if (!waitall || n == 0 || got >= io->total || ctl)
			break;
	}
	free(cbuf);
	scratch[SCR_GOT] = 0;
	return ret;
}

/* implements recvfrom(2) */
long sys_recvfrom(struct task *t, const struct syscall_args *a)
{
	struct iomsg *io = &iomsg_buf;
	struct recv_out out = {.name_gaddr = a->a[4], .namelen_gaddr = a->a[5]};
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	io->iovcnt = 1;
	io->iov[0].base = a->a[1];
	io->iov[0].len = a->a[2] > INT_MAX ? INT_MAX : a->a[2];
	io->total = io->iov[0].len;
	err = recv_one(t, s, f, io, &out, (int)a->a[3], 0);
	vfs_file_put(f);
	return err;
}

/* Receives into the msghdr at @gaddr and writes its out fields back. */
static long recvmsg_at(struct task *t, struct net_socket *s, struct vfs_file *f, uint64_t gaddr,
		       int flags, long done)
{
	struct iomsg *io = &iomsg_buf;
	struct g_msghdr mh;
	long err = msghdr_in(t, gaddr, &mh, io);
	if (err)
		return err;
	struct recv_out out = {
	    .name_gaddr = mh.name,
	    .namelen_gaddr = mh.name ? gaddr + offsetof(struct g_msghdr, namelen) : 0,
	    .control_gaddr = mh.control,
	    .controllen = mh.controllen > INT_MAX ? INT_MAX : mh.controllen,
	};
	long n = recv_one(t, s, f, io, &out, flags, done);
	if (n < 0 || n == SYSRET_PARK)
		return n;
	int32_t fl = out.flags_out;
	uint64_t cl = out.controllen_out;
	if (guest_copy_out(task_mem(t), gaddr + offsetof(struct g_msghdr, flags), &fl,
			   sizeof(fl)) ||
	    guest_copy_out(task_mem(t), gaddr + offsetof(struct g_msghdr, controllen), &cl,
			   sizeof(cl)))
		return -EFAULT;
	return n;
}

/* implements recvmsg(2) */
long sys_recvmsg(struct task *t, const struct syscall_args *a)
{
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err;
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	err = recvmsg_at(t, s, f, a->a[1], (int)a->a[2], 0);
	vfs_file_put(f);
	return err;
}

/* implements recvmmsg(2); the timeout is checked after each message, as Linux does */
long sys_recvmmsg(struct task *t, const struct syscall_args *a)
{
	struct net_call c;
	struct vfs_ctx vc;
	struct vfs_file *f;
	long err = 0;
	uint64_t *scratch = task_call_scratch(t);
	unsigned vlen = (unsigned)a->a[2];
	int flags = (int)a->a[3];
	uint64_t ts_gaddr = a->a[4];
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	if (ts_gaddr && !scratch[SCR_MMSG_DEADLINE]) {
		struct timespec ts;
		if (guest_copy_in(task_mem(t), &ts, ts_gaddr, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		scratch[SCR_MMSG_DEADLINE] =
		    (uint64_t)(sentry_now_ns() + ts.tv_sec * 1000000000LL + ts.tv_nsec);
	}
	sys_sock_call(t, &c, &vc);
	struct net_socket *s = sys_sock_lookup(t, (int)a->a[0], &c, &f, &err);
	if (!s)
		return err;
	unsigned i = (unsigned)scratch[SCR_INDEX];
	for (; i < vlen; i++) {
		uint64_t gaddr = a->a[1] + (uint64_t)i * sizeof(struct g_mmsghdr);
		int fl = flags;
		if ((flags & MSG_WAITFORONE_) && i > 0)
			fl |= MSG_DONTWAIT;
		err = recvmsg_at(t, s, f, gaddr, fl & ~MSG_WAITFORONE_, (long)i);
		if (err == SYSRET_PARK || err < 0)
			break;
		uint32_t len = (uint32_t)err;
		if (guest_copy_out(task_mem(t), gaddr + offsetof(struct g_mmsghdr, len), &len,
				   sizeof(len))) {
			err = -EFAULT;
			break;
		}
		scratch[SCR_INDEX] = i + 1;
		scratch[SCR_DEADLINE] = 0;
		if (ts_gaddr && sentry_now_ns() >= (int64_t)scratch[SCR_MMSG_DEADLINE]) {
			i++;
			break;
		}
	}
	if (i && err < 0 && err != -EAGAIN)
		s->err = (int)-err; /* reported by the next call, as Linux */
	vfs_file_put(f);
	if (err == SYSRET_PARK)
		return err;
	if (ts_gaddr) {
		int64_t left = (int64_t)scratch[SCR_MMSG_DEADLINE] - sentry_now_ns();
		struct timespec ts = {0, 0};
		if (left > 0) {
			ts.tv_sec = left / 1000000000LL;
			ts.tv_nsec = left % 1000000000LL;
		}
		if (guest_copy_out(task_mem(t), ts_gaddr, &ts, sizeof(ts)))
			return -EFAULT;
	}
	return i ? (long)i : err;
}
