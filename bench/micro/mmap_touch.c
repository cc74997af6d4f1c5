/*
 * mmap_touch.c - mmap() 1 MiB anonymous, write one byte per 4 KiB page (256 faults),
 * munmap(); one operation is the whole cycle.
 */
#include <sys/mman.h>
#include "micro.h"

#define MAP_BYTES (1L << 20)
#define PAGE_BYTES 4096L

static void mmap_touch_unmap(void)
{
	char *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long off;

	if (p == MAP_FAILED)
		micro_die("mmap");
	for (off = 0; off < MAP_BYTES; off += PAGE_BYTES)
		p[off] = 1;
	if (munmap(p, MAP_BYTES) < 0)
		micro_die("munmap");
}

int main(int argc, char **argv)
{
	long iters = micro_iters(argc, argv, 1000);

	MICRO_LOOP(iters, mmap_touch_unmap());
	return 0;
}
