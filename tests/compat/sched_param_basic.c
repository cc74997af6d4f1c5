/* sched_param_basic.c - scheduler queries: SCHED_OTHER, priority range, nice via get/setpriority. */
/* syscalls: sched_getscheduler sched_getparam sched_get_priority_max sched_get_priority_min getpriority setpriority */
#include "tap.h"
#include <sched.h>
#include <sys/resource.h>

int main(void)
{
	struct sched_param sp;

	TAP_PLAN(5);
	TAP_OK(sched_getscheduler(0) == SCHED_OTHER, "SCHED_OTHER");
	TAP_OK(sched_getparam(0, &sp) == 0 && sp.sched_priority == 0, "priority 0");
	TAP_OK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1, "FIFO 1..99");
	TAP_OK(setpriority(PRIO_PROCESS, 0, 5) == 0 && getpriority(PRIO_PROCESS, 0) == 5, "nice 5");
	TAP_ERRNO(sched_get_priority_max(12345), EINVAL, "bad policy -> EINVAL");
	return TAP_DONE();
}
