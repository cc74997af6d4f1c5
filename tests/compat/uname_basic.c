/* uname_basic.c - uname: Linux, x86_64, a release, matches /proc/sys/kernel/ostype; hostname. */
/* syscalls: uname sethostname */
#include "tap.h"
#include <sys/syscall.h>
#include <sys/utsname.h>

int main(void)
{
	struct utsname u;
	char host[256];

	TAP_PLAN(4);
	TAP_OK(uname(&u) == 0 && !strcmp(u.sysname, "Linux"), "sysname Linux");
	TAP_OK(!strcmp(u.machine, "x86_64") && u.release[0] >= '1' && u.release[0] <= '9', "machine, release");
	TAP_OK(gethostname(host, sizeof(host)) == 0 && !strcmp(host, u.nodename), "gethostname == nodename");
	TAP_ERRNO(syscall(SYS_uname, tap_badptr()), EFAULT, "bad pointer -> EFAULT");
	return TAP_DONE();
}
