/* mmap_file_shared.c - MAP_SHARED file map: stores visible via read(), writes visible in map. */
/* syscalls: mmap msync munmap pwrite64 pread64 */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char buf[8] = { 0 }, *m;
	int fd;

	TAP_PLAN(4);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	ftruncate(fd, 4096);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	TAP_OK(m != MAP_FAILED, "map shared");
	memcpy(m + 100, "shared", 6);
	TAP_OK(pread(fd, buf, 6, 100) == 6 && !memcmp(buf, "shared", 6), "store visible through read()");
	pwrite(fd, "WRITE", 5, 200);
	TAP_OK(!memcmp(m + 200, "WRITE", 5), "write() visible in the mapping");
	TAP_OK(msync(m, 4096, MS_SYNC) == 0 && munmap(m, 4096) == 0, "msync + munmap");
	return TAP_DONE();
}
