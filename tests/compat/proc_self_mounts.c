/* proc_self_mounts.c - /proc/self/mounts has a root entry and /proc of type proc. */
/* syscalls: openat read */
#include "tap.h"

int main(void)
{
	static char buf[1 << 16];
	char dev[256], dir[256], type[64];
	int root = 0, proc = 0, lines = 0;
	FILE *f;

	TAP_PLAN(3);
	f = fopen("/proc/self/mounts", "r");
	TAP_OK(f != NULL, "open");
	while (f && fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%255s %255s %63s", dev, dir, type) != 3)
			continue;
		lines++;
		root |= !strcmp(dir, "/");
		proc |= !strcmp(dir, "/proc") && !strcmp(type, "proc");
	}
	TAP_OK(root && lines > 1, "root mount listed");
	TAP_OK(proc, "/proc is type proc");
	return TAP_DONE();
}
