/* msync_basic.c - msync flags: MS_SYNC/MS_ASYNC ok; both -> EINVAL; unmapped -> ENOMEM. */
/* syscalls: msync mmap munmap */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char *m;
	int fd;

	TAP_PLAN(4);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	ftruncate(fd, 8192);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m[0] = 1;
	TAP_OK(msync(m, 8192, MS_SYNC) == 0 && msync(m, 4096, MS_ASYNC | MS_INVALIDATE) == 0, "MS_SYNC, MS_ASYNC");
	TAP_ERRNO(msync(m, 4096, MS_SYNC | MS_ASYNC), EINVAL, "SYNC|ASYNC -> EINVAL");
	TAP_ERRNO(msync(m + 1, 4096, MS_SYNC), EINVAL, "unaligned -> EINVAL");
	munmap(m, 8192);
	TAP_ERRNO(msync(m, 4096, MS_SYNC), ENOMEM, "unmapped -> ENOMEM");
	return TAP_DONE();
}
