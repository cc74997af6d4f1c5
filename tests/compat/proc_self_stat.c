/* proc_self_stat.c - /proc/self/stat: pid, comm in parens, state, ppid, pgrp fields. */
/* syscalls: openat read getpid getppid */
#include "tap.h"

int main(void)
{
	char buf[1024], comm[64], state;
	int pid, ppid, pgrp;

	TAP_PLAN(4);
	TAP_OK(tap_read_file("/proc/self/stat", buf, sizeof(buf)) > 0, "read /proc/self/stat");
	TAP_OK(sscanf(buf, "%d (%63[^)]) %c %d %d", &pid, comm, &state, &ppid, &pgrp) == 5, "parse");
	TAP_OK(pid == getpid() && ppid == getppid() && pgrp == getpgrp(), "pid, ppid, pgrp match");
	TAP_OK(!strcmp(comm, "proc_self_stat") && state == 'R', "comm and state R");
	return TAP_DONE();
}
