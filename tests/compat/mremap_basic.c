/* mremap_basic.c - mremap grows in place or moves with MREMAP_MAYMOVE, keeping contents. */
/* syscalls: mremap mmap munmap */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char *m, *n, *fix;

	TAP_PLAN(4);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy(m, "keep me");
	n = mremap(m, 4096, 64 * 4096, MREMAP_MAYMOVE);
	TAP_OK(n != MAP_FAILED && !strcmp(n, "keep me"), "grow with MAYMOVE keeps data");
	n[63 * 4096] = 1;
	TAP_OK(mremap(n, 64 * 4096, 4096, 0) == n, "shrink in place");
	fix = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TAP_OK(mremap(n, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, fix) == fix && !strcmp(fix, "keep me"),
	       "MREMAP_FIXED moves to the given address");
	TAP_ERRNO((long)mremap(fix, 4096, 8192, 0x80), EINVAL, "bad flags -> EINVAL");
	return TAP_DONE();
}
