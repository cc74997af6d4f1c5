/*
 * getpid.c - trapped syscall round trip: syscall(SYS_getpid), which a sandbox must
 * intercept (TRACE class). The floor of every emulated syscall.
 */
#include <sys/syscall.h>
#include <unistd.h>
#include "micro.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 2000000);

	MICRO_LOOP(iters, syscall(SYS_getpid));
	return 0;
}
