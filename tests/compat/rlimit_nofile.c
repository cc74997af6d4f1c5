/* rlimit_nofile.c - RLIMIT_NOFILE is enforced: open past the limit -> EMFILE; dup too. */
/* syscalls: getrlimit setrlimit openat dup */
#include "tap.h"
#include <sys/resource.h>

int main(void)
{
	struct rlimit rl = { 16, 16 }, got;
	int fd, last = -1, err = 0;

	TAP_PLAN(5);
	TAP_OK(setrlimit(RLIMIT_NOFILE, &rl) == 0, "set NOFILE 16");
	TAP_OK(getrlimit(RLIMIT_NOFILE, &got) == 0 && got.rlim_cur == 16 && got.rlim_max == 16, "read back");
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	err = errno;
	TAP_OK(err == EMFILE && last == 15, "open fails with EMFILE after fd 15 (last %d)", last);
	TAP_ERRNO(dup(0), EMFILE, "dup -> EMFILE");
	rl.rlim_max = 1 << 30;
	rl.rlim_cur = 1 << 30;
	TAP_ERRNO(setrlimit(RLIMIT_NOFILE, &rl), EPERM, "raising above nr_open -> EPERM");
	return TAP_DONE();
}
