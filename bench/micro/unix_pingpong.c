/*
 * unix_pingpong.c - one-byte ping-pong between two processes over an AF_UNIX stream
 * socketpair; one operation is a round trip.
 */
#include <sys/socket.h>
#include "pingpong.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 10000);
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		micro_die("socketpair");
	return pingpong_run(iters, sv[0], sv[0], sv[1], sv[1], sv[0], -1);
}
