/* madvise_dontneed.c - MADV_DONTNEED zeroes private anon pages; advice errors; mincore. */
/* syscalls: madvise mincore mmap */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	unsigned char vec[4];
	char *m;

	TAP_PLAN(5);
	m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 'x', 4 * 4096);
	TAP_OK(mincore(m, 4 * 4096, vec) == 0 && (vec[0] & 1) && (vec[3] & 1), "mincore: pages resident");
	TAP_OK(madvise(m, 4096, MADV_DONTNEED) == 0 && m[0] == 0 && m[4096] == 'x', "DONTNEED zeroes only page 0");
	TAP_OK(madvise(m, 4 * 4096, MADV_WILLNEED) == 0 && madvise(m, 4096, MADV_NORMAL) == 0, "WILLNEED/NORMAL");
	TAP_ERRNO(madvise(m + 1, 4096, MADV_NORMAL), EINVAL, "unaligned -> EINVAL");
	TAP_ERRNO(madvise(m, 4096, 12345), EINVAL, "unknown advice -> EINVAL");
	return TAP_DONE();
}
