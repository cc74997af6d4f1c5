/* sysinfo_basic.c - sysinfo: uptime, RAM and process counts are plausible. */
/* syscalls: sysinfo */
#include "tap.h"
#include <sys/syscall.h>
#include <sys/sysinfo.h>

int main(void)
{
	struct sysinfo si;

	TAP_PLAN(3);
	TAP_OK(sysinfo(&si) == 0 && si.uptime > 0, "uptime > 0");
	TAP_OK(si.totalram > 0 && si.freeram <= si.totalram && si.mem_unit > 0 && si.procs > 0, "ram and procs");
	TAP_ERRNO(syscall(SYS_sysinfo, tap_badptr()), EFAULT, "bad pointer -> EFAULT");
	return TAP_DONE();
}
