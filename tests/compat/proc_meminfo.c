/* proc_meminfo.c - /proc/meminfo: MemTotal >= MemFree, in kB, agrees with sysinfo. */
/* syscalls: openat read sysinfo */
#include "tap.h"
#include <sys/sysinfo.h>

int main(void)
{
	char buf[8192], *p;
	long total = -1, freem = -1;
	struct sysinfo si;

	TAP_PLAN(3);
	TAP_OK(tap_read_file("/proc/meminfo", buf, sizeof(buf)) > 0, "readable");
	if ((p = strstr(buf, "MemTotal:")))
		total = strtol(p + 9, NULL, 10);
	if ((p = strstr(buf, "MemFree:")))
		freem = strtol(p + 8, NULL, 10);
	TAP_OK(total > 0 && freem >= 0 && freem <= total && strstr(buf, " kB"), "MemTotal >= MemFree, kB");
	sysinfo(&si);
	TAP_OK(labs(total - (long)(si.totalram * si.mem_unit / 1024)) <= total / 100 + 4, "matches sysinfo totalram");
	return TAP_DONE();
}
