/* prctl_name.c - PR_SET_NAME/PR_GET_NAME: truncated to 15 chars, shown in /proc/self/comm. */
/* syscalls: prctl */
#include "tap.h"
#include <sys/prctl.h>

int main(void)
{
	char name[32] = { 0 }, comm[32];

	TAP_PLAN(4);
	TAP_OK(prctl(PR_SET_NAME, "compat-name") == 0, "PR_SET_NAME");
	TAP_OK(prctl(PR_GET_NAME, name) == 0 && !strcmp(name, "compat-name"), "PR_GET_NAME");
	prctl(PR_SET_NAME, "a-very-long-thread-name");
	prctl(PR_GET_NAME, name);
	TAP_OK(strlen(name) == 15 && !strncmp(name, "a-very-long-thr", 15), "truncated to 15");
	TAP_OK(tap_read_file("/proc/self/comm", comm, sizeof(comm)) > 0 && !strcmp(comm, "a-very-long-thr\n"),
	       "/proc/self/comm matches");
	return TAP_DONE();
}
