/* udp_fionread.c - FIONREAD on a UDP socket is the next datagram's size (0 for none or
 * an empty one), SIOCOUTQ nothing once sent; MSG_PEEK and MSG_TRUNC keep boundaries. */
/* syscalls: socket bind sendto recvfrom ioctl poll */
#include "tap.h"
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	char buf[64];
	int v = -1;

	TAP_PLAN(10);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(r, (void *)&a, sizeof(a));
	getsockname(r, (void *)&a, &len);
	TAP_OK(ioctl(r, FIONREAD, &v) == 0 && v == 0, "FIONREAD 0 when empty");
	sendto(s, "hello", 5, 0, (void *)&a, sizeof(a));
	sendto(s, "", 0, 0, (void *)&a, sizeof(a));
	sendto(s, "goodbye", 7, 0, (void *)&a, sizeof(a));
	struct pollfd p = {.fd = r, .events = POLLIN};
	TAP_OK(poll(&p, 1, 2000) == 1, "readable");
	TAP_OK(ioctl(r, FIONREAD, &v) == 0 && v == 5, "FIONREAD is the first datagram's size");
	TAP_OK(ioctl(s, SIOCOUTQ, &v) == 0 && v == 0, "SIOCOUTQ 0 on the sender");
	TAP_OK(recv(r, buf, 2, MSG_PEEK) == 2 && ioctl(r, FIONREAD, &v) == 0 && v == 5,
	       "a peek consumes nothing");
	TAP_OK(recv(r, buf, 2, MSG_TRUNC) == 5, "MSG_TRUNC returns the real length");
	TAP_OK(ioctl(r, FIONREAD, &v) == 0 && v == 0, "FIONREAD 0 for an empty datagram");
	TAP_OK(recv(r, buf, sizeof(buf), 0) == 0, "the empty datagram");
	TAP_OK(ioctl(r, FIONREAD, &v) == 0 && v == 7, "then the next one's size");
	TAP_OK(recv(r, buf, sizeof(buf), 0) == 7 && memcmp(buf, "goodbye", 7) == 0, "its data");
	return TAP_DONE();
}
