/*
 * clock_gettime.c - a PASS-class call: syscall(SYS_clock_gettime) made as a real syscall
 * (not through the vDSO), which a sandbox may let through its seccomp filter untrapped.
 */
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "micro.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 2000000);
	struct timespec ts;

	MICRO_LOOP(iters, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts));
	return 0;
}
