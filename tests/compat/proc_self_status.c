/* proc_self_status.c - /proc/self/status: Name, Pid, PPid, Uid, Threads lines. */
/* syscalls: openat read */
#include "tap.h"

static long field(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

int main(void)
{
	char buf[4096];

	TAP_PLAN(4);
	TAP_OK(tap_read_file("/proc/self/status", buf, sizeof(buf)) > 0 && strstr(buf, "Name:\tproc_self_statu"),
	       "Name line");
	TAP_OK(field(buf, "\nPid:\t") == getpid() && field(buf, "\nPPid:\t") == getppid(), "Pid and PPid");
	TAP_OK(field(buf, "\nUid:\t") == (long)getuid(), "Uid");
	TAP_OK(field(buf, "\nThreads:\t") == 1, "Threads 1");
	return TAP_DONE();
}
