/* sched_policy.c - scheduling policy calls: SCHED_OTHER at priority 0 is accepted,
 * bad policies and priorities are rejected. */
/* syscalls: sched_setscheduler sched_getscheduler sched_setparam sched_getparam sched_rr_get_interval */
#include "tap.h"
#include <sched.h>

int main(void)
{
	struct sched_param p = {0};
	struct timespec ts;

	TAP_PLAN(7);
	TAP_OK(sched_setscheduler(0, SCHED_OTHER, &p) == 0, "setscheduler SCHED_OTHER prio 0");
	TAP_OK(sched_getscheduler(0) == SCHED_OTHER, "getscheduler is SCHED_OTHER");
	TAP_OK(sched_setparam(0, &p) == 0, "setparam prio 0");
	p.sched_priority = 5;
	TAP_ERRNO(sched_setparam(0, &p), EINVAL, "setparam prio 5 under SCHED_OTHER -> EINVAL");
	TAP_ERRNO(sched_setscheduler(0, 12345, &p), EINVAL, "bad policy -> EINVAL");
	TAP_ERRNO(sched_getscheduler(-1), EINVAL, "negative pid -> EINVAL");
	TAP_OK(sched_rr_get_interval(0, &ts) == 0, "sched_rr_get_interval answers");
	return TAP_DONE();
}
