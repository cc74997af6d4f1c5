/*
 * tcp_loopback.h - a connected TCP pair over 127.0.0.1 for the TCP micro-benchmarks
 * (tcp_pingpong.c, tcp_stream.c). libc only, like micro.h.
 */
#ifndef BENCH_TCP_LOOPBACK_H
#define BENCH_TCP_LOOPBACK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include "micro.h"

/* tcp_loopback_pair - connects *@c to *@s over 127.0.0.1 (TCP_NODELAY on both); exits on error. */
static inline void tcp_loopback_pair(int *c, int *s)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int one = 1;
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (void *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (void *)&a, &len) < 0)
		micro_die("listen");
	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (void *)&a, sizeof(a)) < 0)
		micro_die("connect");
	*s = accept(l, NULL, NULL);
	if (*s < 0)
		micro_die("accept");
	close(l);
	setsockopt(*c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

#endif /* BENCH_TCP_LOOPBACK_H */
