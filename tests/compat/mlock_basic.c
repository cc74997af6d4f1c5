/* mlock_basic.c - mlock/munlock/mlockall on anon memory (root); ENOMEM on unmapped range. */
/* syscalls: mlock munlock mlockall munlockall mlock2 */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char *m;

	TAP_PLAN(5);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TAP_OK(mlock(m, 8192) == 0 && munlock(m, 8192) == 0, "mlock/munlock");
	TAP_OK(mlock2(m, 4096, MLOCK_ONFAULT) == 0, "mlock2 MLOCK_ONFAULT");
	TAP_OK(mlockall(MCL_CURRENT) == 0 && munlockall() == 0, "mlockall/munlockall");
	munmap(m, 8192);
	TAP_ERRNO(mlock(m, 4096), ENOMEM, "unmapped -> ENOMEM");
	TAP_ERRNO(mlockall(0), EINVAL, "no flags -> EINVAL");
	return TAP_DONE();
}
