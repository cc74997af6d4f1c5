/* sched_getaffinity_basic.c - affinity mask: nonempty, matches nprocs; set to one CPU. */
/* syscalls: sched_getaffinity sched_setaffinity sched_yield getcpu */
#include "tap.h"
#include <sched.h>

int main(void)
{
	cpu_set_t set, one;
	int first = -1;
	unsigned cpu = 99;

	TAP_PLAN(5);
	TAP_OK(sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0, "affinity nonempty");
	TAP_OK(CPU_COUNT(&set) == sysconf(_SC_NPROCESSORS_ONLN) || CPU_COUNT(&set) <= sysconf(_SC_NPROCESSORS_ONLN),
	       "count <= online CPUs");
	for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
		if (CPU_ISSET(i, &set))
			first = i;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	TAP_OK(sched_setaffinity(0, sizeof(one), &one) == 0 && sched_yield() == 0, "pin to CPU %d", first);
	TAP_OK(getcpu(&cpu, NULL) == 0 && (int)cpu == first, "getcpu reports the pinned CPU");
	CPU_ZERO(&one);
	TAP_ERRNO(sched_setaffinity(0, sizeof(one), &one), EINVAL, "empty mask -> EINVAL");
	return TAP_DONE();
}
