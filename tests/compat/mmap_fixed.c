/* mmap_fixed.c - MAP_FIXED replaces a range; MAP_FIXED_NOREPLACE refuses with EEXIST. */
/* syscalls: mmap munmap */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char *base, *m;

	TAP_PLAN(4);
	base = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(base, 'a', 3 * 4096);
	m = mmap(base + 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	TAP_OK(m == base + 4096, "MAP_FIXED at the requested address");
	TAP_OK(m[0] == 0 && base[0] == 'a' && base[2 * 4096] == 'a', "only the middle page replaced");
	m = mmap(base, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	TAP_OK(m == MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE over a mapping -> EEXIST");
	TAP_ERRNO((long)mmap(base + 1, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL,
		  "unaligned MAP_FIXED -> EINVAL");
	return TAP_DONE();
}
