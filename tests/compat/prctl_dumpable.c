/* prctl_dumpable.c - PR_SET_DUMPABLE/PR_GET_DUMPABLE; EINVAL for values other than 0/1. */
/* syscalls: prctl */
#include "tap.h"
#include <sys/prctl.h>

int main(void)
{
	TAP_PLAN(4);
	TAP_OK(prctl(PR_GET_DUMPABLE) == 1, "dumpable by default");
	TAP_OK(prctl(PR_SET_DUMPABLE, 0) == 0 && prctl(PR_GET_DUMPABLE) == 0, "set 0");
	TAP_OK(prctl(PR_SET_DUMPABLE, 1) == 0 && prctl(PR_GET_DUMPABLE) == 1, "set 1");
	TAP_ERRNO(prctl(PR_SET_DUMPABLE, 2), EINVAL, "2 -> EINVAL");
	return TAP_DONE();
}
