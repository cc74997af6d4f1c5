/*
 * tcp_pingpong.c - one-byte request/response between two processes over a TCP connection on
 * 127.0.0.1 (TCP_NODELAY); one operation is a round trip. The rate (req/s) goes to stderr.
 */
#include "pingpong.h"
#include "tcp_loopback.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 20000);
	int c, s;

	tcp_loopback_pair(&c, &s);
	return pingpong_run(iters, c, c, s, s, c, -1);
}
