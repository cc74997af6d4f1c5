/* udp_sendmmsg.c - sendmmsg/recvmmsg on UDP: one datagram per message, lengths written
 * back, MSG_WAITFORONE, recvmmsg's MSG_TRUNC per message. */
/* syscalls: socket bind sendmmsg recvmmsg */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	char out[3][8] = {"one", "three", "fives"};
	size_t olen[3] = {3, 5, 5};
	char in[4][8];
	struct iovec oiov[3], iiov[4];
	struct mmsghdr om[3], im[4];

	TAP_PLAN(6);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(r, (void *)&a, sizeof(a));
	getsockname(r, (void *)&a, &len);
	memset(om, 0, sizeof(om));
	for (int i = 0; i < 3; i++) {
		oiov[i] = (struct iovec){out[i], olen[i]};
		om[i].msg_hdr.msg_iov = &oiov[i];
		om[i].msg_hdr.msg_iovlen = 1;
		om[i].msg_hdr.msg_name = &a;
		om[i].msg_hdr.msg_namelen = sizeof(a);
	}
	TAP_OK(sendmmsg(s, om, 3, 0) == 3, "sendmmsg sends 3");
	TAP_OK(om[0].msg_len == 3 && om[1].msg_len == 5 && om[2].msg_len == 5, "lengths");
	struct pollfd p = {.fd = r, .events = POLLIN};
	poll(&p, 1, 2000);
	memset(im, 0, sizeof(im));
	for (int i = 0; i < 4; i++) {
		iiov[i] = (struct iovec){in[i], i == 1 ? 3 : 8};
		im[i].msg_hdr.msg_iov = &iiov[i];
		im[i].msg_hdr.msg_iovlen = 1;
	}
	int n = recvmmsg(r, im, 4, MSG_WAITFORONE, NULL);
	TAP_OK(n == 3, "recvmmsg with MSG_WAITFORONE takes what is there (%d)", n);
	TAP_OK(im[0].msg_len == 3 && memcmp(in[0], "one", 3) == 0 && im[2].msg_len == 5 &&
		       memcmp(in[2], "fives", 5) == 0,
	       "one datagram per message");
	TAP_OK(im[1].msg_len == 3 && (im[1].msg_hdr.msg_flags & MSG_TRUNC) &&
		       !(im[0].msg_hdr.msg_flags & MSG_TRUNC),
	       "MSG_TRUNC on the short buffer only");
	TAP_ERRNO(recvmmsg(r, im, 4, MSG_DONTWAIT, NULL), EAGAIN, "then nothing");
	return TAP_DONE();
}
