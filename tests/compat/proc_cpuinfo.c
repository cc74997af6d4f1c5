/* proc_cpuinfo.c - /proc/cpuinfo lists processors, as many as sysconf reports configured. */
/* syscalls: openat read */
#include "tap.h"

int main(void)
{
	static char buf[1 << 20];
	int n = 0;

	TAP_PLAN(3);
	TAP_OK(tap_read_file("/proc/cpuinfo", buf, sizeof(buf)) > 0, "readable");
	for (char *p = buf; (p = strstr(p, "processor\t:")); p++)
		n++;
	TAP_OK(n >= 1 && n >= sysconf(_SC_NPROCESSORS_ONLN), "processor entries (%d)", n);
	TAP_OK(strstr(buf, "flags") || strstr(buf, "vendor_id"), "has flags/vendor_id");
	return TAP_DONE();
}
