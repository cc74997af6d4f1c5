/* mmap_file_private.c - MAP_PRIVATE file map: sees file data, writes are copy-on-write. */
/* syscalls: mmap munmap openat pread64 */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char buf[8] = { 0 }, *m;
	int fd;

	TAP_PLAN(4);
	tap_write_file(tap_path("f"), "original");
	fd = open(tap_path("f"), O_RDWR);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	TAP_OK(m != MAP_FAILED && !memcmp(m, "original", 8), "map shows file content");
	TAP_OK(m[8] == 0 && m[4095] == 0, "tail of the last page is zero");
	m[0] = 'X';
	TAP_OK(pread(fd, buf, 8, 0) == 8 && buf[0] == 'o', "private write does not reach the file");
	munmap(m, 4096);
	m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096 * 16);
	TAP_OK(m != MAP_FAILED, "mapping beyond EOF is allowed (faults on access)");
	return TAP_DONE();
}
