/* inet_sockopt_errors.c - setsockopt/getsockopt on AF_INET sockets: Linux's errnos for bad
 * levels, names, lengths and values (IP_TTL range, one-byte options, short buffers,
 * IP_HDRINCL off raw sockets, IP_MTU unconnected, SO_BINDTODEVICE names). */
/* syscalls: socket setsockopt getsockopt connect */
#include "tap.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>

int main(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), v;
	socklen_t len;
	unsigned char b[8];

	TAP_PLAN(18);
	v = 0;
	TAP_ERRNO(setsockopt(s, SOL_IP, IP_TTL, &v, sizeof(v)), EINVAL, "IP_TTL 0");
	v = 256;
	TAP_ERRNO(setsockopt(s, SOL_IP, IP_TTL, &v, sizeof(v)), EINVAL, "IP_TTL 256");
	TAP_ERRNO(setsockopt(s, SOL_IP, IP_TTL, &v, 0), EINVAL, "IP_TTL with length 0");
	b[0] = 33;
	TAP_OK(setsockopt(s, SOL_IP, IP_TTL, b, 1) == 0, "IP_TTL as one byte");
	len = 1;
	TAP_OK(getsockopt(s, SOL_IP, IP_TTL, b, &len) == 0 && len == 1 && b[0] == 33,
	       "a one-byte buffer gets one byte");
	v = -1;
	len = sizeof(v);
	TAP_OK(setsockopt(s, SOL_IP, IP_TTL, &v, sizeof(v)) == 0 &&
		       getsockopt(s, SOL_IP, IP_TTL, &v, &len) == 0 && v == 64,
	       "IP_TTL -1 restores the default 64");
	len = (socklen_t)-1;
	TAP_ERRNO(getsockopt(s, SOL_IP, IP_TTL, &v, &len), EINVAL, "negative optlen");
	TAP_ERRNO(setsockopt(s, SOL_IP, IP_TTL, &v, (socklen_t)-1), EINVAL, "negative setsockopt length");
	v = 1;
	TAP_ERRNO(setsockopt(s, SOL_IP, IP_HDRINCL, &v, sizeof(v)), ENOPROTOOPT,
		  "IP_HDRINCL on a UDP socket");
	v = 6;
	TAP_ERRNO(setsockopt(s, SOL_IP, IP_MTU_DISCOVER, &v, sizeof(v)), EINVAL,
		  "IP_MTU_DISCOVER out of range");
	len = sizeof(v);
	TAP_ERRNO(getsockopt(s, SOL_IP, IP_MTU, &v, &len), ENOTCONN, "IP_MTU unconnected");
	TAP_ERRNO(setsockopt(s, SOL_IP, 12345, &v, sizeof(v)), ENOPROTOOPT, "unknown SOL_IP name");
	TAP_ERRNO(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)), ENOPROTOOPT,
		  "a TCP option on a UDP socket");
	TAP_ERRNO(setsockopt(s, SOL_UDP, UDP_CORK, &v, 2), EINVAL, "UDP_CORK with 2 bytes");
	TAP_ERRNO(setsockopt(s, 1234, 1, &v, sizeof(v)), ENOPROTOOPT, "unknown level");
	TAP_ERRNO(setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "nosuchdev0", 11), ENODEV,
		  "SO_BINDTODEVICE to a missing interface");
	char name[IFNAMSIZ];
	len = sizeof(name);
	TAP_OK(setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3) == 0 &&
		       getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &len) == 0 && len == 3 &&
		       strcmp(name, "lo") == 0,
	       "SO_BINDTODEVICE lo");
	len = 2;
	TAP_ERRNO(getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &len), EINVAL,
		  "SO_BINDTODEVICE into a short buffer");
	return TAP_DONE();
}
