/* tcp_sockopts.c - SOL_TCP options: TCP_NODELAY, TCP_MAXSEG, SO_KEEPALIVE + TCP_KEEP*, TCP_INFO, TCP_CONGESTION, TCP_USER_TIMEOUT. */
/* syscalls: setsockopt getsockopt socket connect accept listen */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int geti(int fd, int level, int name)
{
	int v = -12345;
	socklen_t l = sizeof(v);
	if (getsockopt(fd, level, name, &v, &l) < 0)
		return -12345;
	return v;
}

static int seti(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct tcp_info ti;
	char cc[16] = { 0 };
	int l, c, s, f;

	TAP_PLAN(14);
	f = socket(AF_INET, SOCK_STREAM, 0);
	TAP_OK(geti(f, IPPROTO_TCP, TCP_NODELAY) == 0 && seti(f, IPPROTO_TCP, TCP_NODELAY, 1) == 0 &&
		       geti(f, IPPROTO_TCP, TCP_NODELAY) == 1, "TCP_NODELAY 0 -> 1");
	TAP_OK(geti(f, IPPROTO_TCP, TCP_MAXSEG) == 536, "TCP_MAXSEG unconnected: 536");
	TAP_ERRNO(seti(f, IPPROTO_TCP, TCP_MAXSEG, 10), EINVAL, "TCP_MAXSEG 10 -> EINVAL");
	TAP_OK(seti(f, IPPROTO_TCP, TCP_MAXSEG, 1200) == 0 && geti(f, IPPROTO_TCP, TCP_MAXSEG) == 1200,
	       "TCP_MAXSEG 1200 before connect");
	TAP_OK(seti(f, SOL_SOCKET, SO_KEEPALIVE, 1) == 0 && geti(f, SOL_SOCKET, SO_KEEPALIVE) == 1,
	       "SO_KEEPALIVE");
	TAP_OK(geti(f, IPPROTO_TCP, TCP_KEEPIDLE) == 7200 && geti(f, IPPROTO_TCP, TCP_KEEPINTVL) == 75 &&
		       geti(f, IPPROTO_TCP, TCP_KEEPCNT) == 9, "keepalive defaults 7200/75/9");
	TAP_OK(seti(f, IPPROTO_TCP, TCP_KEEPIDLE, 10) == 0 && seti(f, IPPROTO_TCP, TCP_KEEPINTVL, 3) == 0 &&
		       seti(f, IPPROTO_TCP, TCP_KEEPCNT, 4) == 0 && geti(f, IPPROTO_TCP, TCP_KEEPIDLE) == 10 &&
		       geti(f, IPPROTO_TCP, TCP_KEEPINTVL) == 3 && geti(f, IPPROTO_TCP, TCP_KEEPCNT) == 4,
	       "TCP_KEEPIDLE/INTVL/CNT set");
	TAP_ERRNO(seti(f, IPPROTO_TCP, TCP_KEEPIDLE, 0), EINVAL, "TCP_KEEPIDLE 0 -> EINVAL");
	TAP_OK(seti(f, IPPROTO_TCP, TCP_USER_TIMEOUT, 5000) == 0 && geti(f, IPPROTO_TCP, TCP_USER_TIMEOUT) == 5000,
	       "TCP_USER_TIMEOUT");
	len = sizeof(cc);
	TAP_OK(setsockopt(f, IPPROTO_TCP, TCP_CONGESTION, "reno", 4) == 0 &&
		       getsockopt(f, IPPROTO_TCP, TCP_CONGESTION, cc, &len) == 0 && !strcmp(cc, "reno"),
	       "TCP_CONGESTION reno");
	l = socket(AF_INET, SOCK_STREAM, 0);
	len = sizeof(a);
	bind(l, (void *)&a, sizeof(a));
	listen(l, 4);
	getsockname(l, (void *)&a, &len);
	len = sizeof(ti);
	TAP_OK(getsockopt(l, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 && ti.tcpi_state == 10, "TCP_INFO listener: LISTEN");
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	send(c, "hi", 2, 0);
	recv(s, cc, 2, MSG_WAITALL);
	len = sizeof(ti);
	TAP_OK(getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 && len > 100 && ti.tcpi_state == 1 &&
		       ti.tcpi_snd_mss > 0 && ti.tcpi_rto >= 200000 && ti.tcpi_snd_cwnd > 0,
	       "TCP_INFO: ESTABLISHED, mss %u, rto %u, cwnd %u", ti.tcpi_snd_mss, ti.tcpi_rto, ti.tcpi_snd_cwnd);
	TAP_OK(geti(c, IPPROTO_TCP, TCP_MAXSEG) > 500, "TCP_MAXSEG connected: %d", geti(c, IPPROTO_TCP, TCP_MAXSEG));
	TAP_OK(geti(s, SOL_SOCKET, SO_TYPE) == SOCK_STREAM && geti(s, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP,
	       "SO_TYPE/SO_PROTOCOL");
	return TAP_DONE();
}
