/* udp_attach_filter.c - SO_ATTACH_FILTER on a UDP socket: the classic BPF program sees the
 * datagram from its UDP header (SKF_NET_OFF reaches the IP header), 0 drops it, a smaller
 * value cuts it; SO_GET_FILTER, SO_LOCK_FILTER, SO_DETACH_FILTER. */
/* syscalls: socket bind setsockopt getsockopt sendto recvfrom */
#include "tap.h"
#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static ssize_t rcv(int s, char *buf, size_t len)
{
	struct pollfd p = {.fd = s, .events = POLLIN};
	if (poll(&p, 1, 1000) != 1)
		return -1;
	return recv(s, buf, len, MSG_DONTWAIT);
}

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	char buf[64];
	int one = 1;

	TAP_PLAN(9);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(r, (void *)&a, sizeof(a));
	getsockname(r, (void *)&a, &len);
	/* drop datagrams whose first byte is 'x'; keep the UDP header and 3 bytes of the rest
	 * when the IP TTL (through SKF_NET_OFF) is 64; else all */
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'x', 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (uint32_t)SKF_NET_OFF + 8),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 64, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 8 + 3),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog fp = {.len = 7, .filter = code};
	TAP_OK(setsockopt(r, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) == 0, "attach");
	sendto(s, "xdropped", 8, 0, (void *)&a, sizeof(a));
	sendto(s, "kept-but-cut", 12, 0, (void *)&a, sizeof(a));
	ssize_t n = rcv(r, buf, sizeof(buf));
	TAP_OK(n == 3 && memcmp(buf, "kep", 3) == 0, "the 'x' datagram dropped, the next cut to 3 bytes");
	int ttl = 9;
	setsockopt(s, SOL_IP, IP_TTL, &ttl, sizeof(ttl));
	sendto(s, "whole", 5, 0, (void *)&a, sizeof(a));
	TAP_OK(rcv(r, buf, sizeof(buf)) == 5, "TTL 9: kept whole");
	socklen_t gl = 0;
	TAP_OK(getsockopt(r, SOL_SOCKET, SO_GET_FILTER, NULL, &gl) == 0 && gl == 7,
	       "SO_GET_FILTER with length 0: the instruction count");
	struct sock_filter back[8];
	gl = 8;
	TAP_OK(getsockopt(r, SOL_SOCKET, SO_GET_FILTER, back, &gl) == 0 && gl == 7 &&
		       memcmp(back, code, sizeof(code)) == 0,
	       "SO_GET_FILTER returns the program");
	TAP_OK(setsockopt(r, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof(one)) == 0, "lock");
	TAP_ERRNO(setsockopt(r, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof(one)), EPERM,
		  "a locked filter stays");
	TAP_OK(setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) == 0 &&
		       setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof(one)) == 0,
	       "detach an unlocked one");
	TAP_ERRNO(setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof(one)), ENOENT,
		  "detach without a filter");
	return TAP_DONE();
}
