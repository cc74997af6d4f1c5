/* netstack/nic_packet.c - an interface backed by a host AF_PACKET socket bound to one
 * host interface (--network=sandbox): frames the host interface receives become
 * net_frame_input calls, frames the netstack transmits are send(2)s.
 *
 * With PACKET_VNET_HDR (when the host kernel has it) every frame carries a virtio-net
 * header: received frames with a partial checksum (a veth peer offloading it) are
 * completed here, and GSO super-frames arrive whole (valid IPv4 beyond the MTU, which
 * ip4_input accepts). Without it, such frames fail their checksum and are dropped.
 *
 * Owns: the host socket (closed at destroy), the receive buffers. Must not: block (the
 * socket is non-blocking and read from the event loop). */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "common/log.h"
#include "common/waitq.h"
#include "netstack/ip4.h"
#include "netstack/link.h"
#include "sentry/task.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define NIC_BATCH 16
#define NIC_MAX_FRAME (65536 + ETH_HLEN + 64)
/* Frames read per wake-up before yielding to the rest of the loop (the rest are read
 * from a zero-deadline timer: the fd is edge-triggered). */
#define NIC_BUDGET 256

struct nic_packet {
	int fd;
	bool vnet;
	struct net_iface *ifc;
	struct waitq wq;
	struct waiter w;
	struct stimer more;
	uint8_t *bufs; /* NIC_BATCH * NIC_MAX_FRAME */
};

/* Completes a partial checksum as the device would have (csum_start/csum_offset). */
static void fix_csum(uint8_t *f, size_t len, const struct virtio_net_hdr *vh)
{
	size_t start = vh->csum_start, at = start + vh->csum_offset;
	if (start >= len || at + 2 > len)
		return;
	uint16_t c = inet_csum_fold(inet_csum_add(0, f + start, len - start));
	memcpy(f + at, &c, 2);
}

/* Reads what is queued on the socket, at most NIC_BUDGET frames. */
static void nic_rx(struct nic_packet *n)
{
	struct mmsghdr mm[NIC_BATCH];
	struct iovec iov[NIC_BATCH][2];
	struct virtio_net_hdr vh[NIC_BATCH];
	int done = 0;
	while (done < NIC_BUDGET) {
		for (int i = 0; i < NIC_BATCH; i++) {
			int k = 0;
			if (n->vnet)
				iov[i][k++] = (struct iovec){&vh[i], sizeof(vh[i])};
			iov[i][k++] = (struct iovec){n->bufs + (size_t)i * NIC_MAX_FRAME, NIC_MAX_FRAME};
			memset(&mm[i], 0, sizeof(mm[i]));
			mm[i].msg_hdr.msg_iov = iov[i];
			mm[i].msg_hdr.msg_iovlen = k;
		}
		int r = recvmmsg(n->fd, mm, NIC_BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0) {
			if (r < 0 && errno != EAGAIN && errno != EINTR)
				log_warn("netstack: %s: recvmmsg: errno %d", n->ifc->name, errno);
			return;
		}
		for (int i = 0; i < r; i++) {
			size_t len = mm[i].msg_len;
			uint8_t *f = n->bufs + (size_t)i * NIC_MAX_FRAME;
			if (n->vnet) {
				if (len < sizeof(vh[i])) {
					n->ifc->stats.rx_errors++;
					continue;
				}
				len -= sizeof(vh[i]);
				if (vh[i].flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
					fix_csum(f, len, &vh[i]);
			}
			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
				n->ifc->stats.rx_errors++;
				continue;
			}
			struct pkt *p = pkt_from(f, len);
			if (!p) {
				n->ifc->stats.rx_dropped++;
				continue;
			}
			net_frame_input(n->ifc, p);
		}
		done += r;
		if (r < NIC_BATCH)
			return;
	}
	/* budget spent with frames possibly left: go on soon, after others had a turn */
	stimer_arm(&n->more, 0);
}

static void nic_wake(struct waiter *w, uint32_t events)
{
	nic_rx(w->priv);
}

static void nic_more(struct stimer *tm)
{
	nic_rx(tm->priv);
}

static int nic_xmit(struct net_iface *ifc, struct pkt *p)
{
	struct nic_packet *n = ifc->priv;
	struct virtio_net_hdr vh = {.gso_type = VIRTIO_NET_HDR_GSO_NONE};
	struct iovec iov[2];
	int k = 0;
	if (n->vnet)
		iov[k++] = (struct iovec){&vh, sizeof(vh)};
	iov[k++] = (struct iovec){p->data, p->len};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = k};
	ssize_t r = sendmsg(n->fd, &mh, MSG_DONTWAIT);
	int err = r < 0 ? -errno : 0;
	pkt_put(p);
	if (err == -EAGAIN || err == -ENOBUFS) {
		ifc->stats.tx_dropped++;
		return 0; /* a full host queue drops, as a full qdisc would */
	}
	return err;
}

static void nic_destroy(struct net_iface *ifc)
{
	struct nic_packet *n = ifc->priv;
	stimer_cancel(&n->more);
	waiter_remove(&n->w);
	loop_unwatch_fd(n->fd);
	close(n->fd);
	free(n->bufs);
	free(n);
}

static const struct net_iface_ops nic_ops = {
    .xmit = nic_xmit,
    .destroy = nic_destroy,
};

/* See link.h. */
struct net_iface *nic_packet_create(struct netns *ns, int host_ifindex, const char *name,
				    const uint8_t mac[6], int mtu, int *err)
{
	struct nic_packet *n = calloc(1, sizeof(*n));
	int one = 1, rcvbuf = 4 << 20;
	if (!n || !(n->bufs = malloc((size_t)NIC_BATCH * NIC_MAX_FRAME))) {
		free(n);
		*err = -ENOMEM;
		return NULL;
	}
	n->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (n->fd < 0) {
		*err = -errno;
		goto out_free;
	}
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = host_ifindex};
	if (bind(n->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		*err = -errno;
		goto out_close;
	}
	if (setsockopt(n->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0)
		log_warn("netstack: %s: PACKET_IGNORE_OUTGOING: errno %d (own frames are seen)",
			 name, errno);
	n->vnet = setsockopt(n->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) == 0;
	if (setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	waitq_init(&n->wq);
	waiter_init(&n->w, nic_wake, n);
	stimer_init(&n->more, nic_more, n);
	n->ifc = net_iface_add(ns, name, ARPHRD_ETHER, &nic_ops, n);
	if (!n->ifc) {
		*err = -EEXIST;
		goto out_close;
	}
	memcpy(n->ifc->hwaddr, mac, 6);
	n->ifc->mtu = mtu;
	waiter_add(&n->wq, &n->w, 0);
	int r = loop_watch_fd(n->fd, EPOLLIN, &n->wq);
	if (r < 0) {
		*err = r;
		net_iface_remove(n->ifc); /* destroys n */
		return NULL;
	}
	/* frames may already be queued: the edge was before the watch */
	stimer_arm(&n->more, 0);
	return n->ifc;
out_close:
	close(n->fd);
out_free:
	free(n->bufs);
	free(n);
	return NULL;
}
