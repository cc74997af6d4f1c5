/* platform/platform.c - choosing the backend (--platform, runsc's flag and names). */
#include "platform/platform.h"
#include <errno.h>
#include <string.h>

int plat_select(const char *name)
{
	if (!strcmp(name, "ptrace"))
		plat = &plat_ptrace_ops;
	else if (!strcmp(name, "seccomp-trap"))
		plat = &plat_seccomp_trap_ops;
	else
		return -EINVAL;
	return 0;
}
