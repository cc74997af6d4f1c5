/*
 * page_fault.c - page-fault rate: one anonymous 64 MiB mapping (not populated) is touched
 * once per 4 KiB page, then dropped with madvise(MADV_DONTNEED) so the next pass faults
 * again. One operation is one first-touch fault; the mapping calls are amortised over
 * 16384 faults. The iteration count is rounded up to whole passes.
 */
#include <sys/mman.h>
#include "micro.h"

#define MAP_BYTES (64L << 20)
#define PAGE_BYTES 4096L
#define PAGES_PER_PASS (MAP_BYTES / PAGE_BYTES)

static void touch_pass(char *p)
{
	long off;

	for (off = 0; off < MAP_BYTES; off += PAGE_BYTES)
		p[off] = 1;
	if (madvise(p, MAP_BYTES, MADV_DONTNEED) < 0)
		micro_die("madvise");
}

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 20 * PAGES_PER_PASS);
	long passes = (iters + PAGES_PER_PASS - 1) / PAGES_PER_PASS;
	char *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0;
	long i;

	if (p == MAP_FAILED)
		micro_die("mmap");
	touch_pass(p);
	t0 = micro_now_ns();
	for (i = 0; i < passes; i++)
		touch_pass(p);
	micro_report(micro_now_ns() - t0, passes * PAGES_PER_PASS);
	return 0;
}
