/* dev_zero.c - /dev/zero reads zeros; a private mapping of it is zeroed anon memory. */
/* syscalls: openat read mmap */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char buf[4096];
	char *m;
	int fd, ok = 1;

	TAP_PLAN(3);
	memset(buf, 'x', sizeof(buf));
	fd = open("/dev/zero", O_RDONLY);
	TAP_OK(read(fd, buf, sizeof(buf)) == sizeof(buf), "full read");
	for (size_t i = 0; i < sizeof(buf); i++)
		ok &= buf[i] == 0;
	TAP_OK(ok, "all zero");
	close(fd);
	fd = open("/dev/zero", O_RDWR);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	TAP_OK(m != MAP_FAILED && m[0] == 0 && (m[1] = 1) == 1, "mmap /dev/zero");
	return TAP_DONE();
}
