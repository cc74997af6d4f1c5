/* udp_icmp_refused.c - a datagram to a closed port: ECONNREFUSED on the connected socket
 * (SO_ERROR, then the next call), and with IP_RECVERR an extended error on the error
 * queue (MSG_ERRQUEUE, SO_EE_ORIGIN_ICMP, port unreachable, the original destination). */
/* syscalls: socket bind connect sendto recvfrom recvmsg getsockopt setsockopt poll */
#include "tap.h"
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

/* A loopback port nobody listens on: bound then closed. */
static struct sockaddr_in closed_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(s, (void *)&a, sizeof(a));
	getsockname(s, (void *)&a, &len);
	close(s);
	return a;
}

static bool wait_err(int s)
{
	struct pollfd p = {.fd = s, .events = 0};
	return poll(&p, 1, 2000) == 1 && (p.revents & POLLERR);
}

int main(void)
{
	struct sockaddr_in dst = closed_port();
	char buf[64], ctl[512];
	int v;
	socklen_t len;

	TAP_PLAN(12);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	TAP_OK(connect(s, (void *)&dst, sizeof(dst)) == 0, "connect to a closed port");
	TAP_OK(send(s, "x", 1, 0) == 1, "the first send goes out");
	TAP_OK(wait_err(s), "POLLERR once the ICMP error came back");
	len = sizeof(v);
	TAP_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == ECONNREFUSED,
	       "SO_ERROR is ECONNREFUSED (and clears it)");
	TAP_OK(send(s, "x", 1, 0) == 1 && wait_err(s), "second send, second error");
	TAP_ERRNO(recv(s, buf, sizeof(buf), MSG_DONTWAIT), ECONNREFUSED, "recv reports it");
	TAP_ERRNO(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN, "reported once");
	close(s);

	/* unconnected: nothing unless IP_RECVERR */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	v = 1;
	TAP_OK(setsockopt(s, SOL_IP, IP_RECVERR, &v, sizeof(v)) == 0, "IP_RECVERR");
	TAP_OK(sendto(s, "abc", 3, 0, (void *)&dst, sizeof(dst)) == 3 && wait_err(s),
	       "sendto a closed port, error queued");
	struct sockaddr_in from;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	ssize_t n = recvmsg(s, &mh, MSG_ERRQUEUE);
	struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
	struct sock_extended_err ee = {0};
	if (h)
		memcpy(&ee, CMSG_DATA(h), sizeof(ee));
	TAP_OK(n == 3 && memcmp(buf, "abc", 3) == 0 && (mh.msg_flags & MSG_ERRQUEUE) &&
		       from.sin_port == dst.sin_port,
	       "MSG_ERRQUEUE returns the payload and the original destination");
	TAP_OK(h && h->cmsg_level == SOL_IP && h->cmsg_type == IP_RECVERR &&
		       ee.ee_errno == ECONNREFUSED && ee.ee_origin == SO_EE_ORIGIN_ICMP &&
		       ee.ee_type == 3 && ee.ee_code == 3,
	       "IP_RECVERR: ECONNREFUSED from ICMP port unreachable");
	TAP_ERRNO(recvmsg(s, &mh, MSG_ERRQUEUE), EAGAIN, "error queue empty");
	return TAP_DONE();
}
