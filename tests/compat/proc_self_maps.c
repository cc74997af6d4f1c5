/* proc_self_maps.c - /proc/self/maps shows a mapping just created, with perms and file. */
/* syscalls: mmap openat read munmap */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	static char buf[65536];
	char line[64];
	void *m, *f;
	int fd;

	TAP_PLAN(4);
	m = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_write_file(tap_path("mapped"), "x");
	fd = open(tap_path("mapped"), O_RDONLY);
	f = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	tap_read_file("/proc/self/maps", buf, sizeof(buf));
	snprintf(line, sizeof(line), "%lx-%lx r--p ", (unsigned long)m, (unsigned long)m + 3 * 4096);
	TAP_OK(strstr(buf, line) != NULL, "anon mapping listed: %s", line);
	snprintf(line, sizeof(line), "%lx-%lx r--s ", (unsigned long)f, (unsigned long)f + 4096);
	TAP_OK(strstr(buf, line) && strstr(buf, tap_path("mapped")), "file mapping listed with its path");
	TAP_OK(strstr(buf, "[stack]") && strstr(buf, "proc_self_maps"), "[stack] and the binary listed");
	munmap(m, 3 * 4096);
	tap_read_file("/proc/self/maps", buf, sizeof(buf));
	snprintf(line, sizeof(line), "%lx-", (unsigned long)m);
	TAP_OK(!strstr(buf, line), "gone after munmap");
	return TAP_DONE();
}
