/*
 * futex_wake.c - FUTEX_WAKE on a private futex nobody waits on: the cheapest futex call,
 * the fast path of every mutex unlock under contention.
 */
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "micro.h"

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 2000000);
	static uint32_t word;

	MICRO_LOOP(iters, syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	return 0;
}
