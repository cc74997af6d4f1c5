/*
 * pipe_pingpong.c - one-byte ping-pong between two processes over two pipes; one
 * operation is a round trip (two context switches through the sandbox's pipe code).
 */
#include "pingpong.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 10000);
	int down[2], up[2];

	if (pipe(down) < 0 || pipe(up) < 0)
		micro_die("pipe");
	return pingpong_run(iters, down[1], up[0], down[0], up[1], down[1], up[0]);
}
