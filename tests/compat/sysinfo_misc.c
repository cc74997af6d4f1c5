/* sysinfo_misc.c - resource usage, times, filesystem statistics, the FS base, membarrier,
 * domainname: what a program asks about itself and its machine. */
/* syscalls: getrusage times statfs fstatfs arch_prctl membarrier setdomainname uname */
#include "tap.h"
#include <asm/prctl.h>
#include <linux/membarrier.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/utsname.h>

static __thread int tls_var = 5;

int main(void)
{
	struct rusage ru;
	struct tms tm;
	struct statfs a, b;
	unsigned long fs = 0;
	struct utsname u;

	TAP_PLAN(10);
	TAP_OK(getrusage(RUSAGE_SELF, &ru) == 0, "getrusage(RUSAGE_SELF)");
	TAP_ERRNO(getrusage(42, &ru), EINVAL, "getrusage bad who -> EINVAL");
	TAP_OK(times(&tm) != (clock_t)-1, "times returns a tick count");
	TAP_OK(statfs("/", &a) == 0 && a.f_bsize > 0, "statfs / has a block size");
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	TAP_OK(fd >= 0 && fstatfs(fd, &b) == 0 && b.f_type == a.f_type, "fstatfs agrees with statfs");
	close(fd);
	TAP_ERRNO(statfs("/nonexistent-cvisor", &a), ENOENT, "statfs missing path -> ENOENT");
	TAP_OK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0 && fs != 0 && tls_var == 5,
	       "arch_prctl(ARCH_GET_FS) returns the TLS base");
	long q = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
	TAP_OK(q >= 0, "membarrier(QUERY) answers");
	/* natively this changes the host's domainname: restore it below */
	char saved[65] = "", longname[100];
	getdomainname(saved, sizeof(saved));
	memset(longname, 'x', sizeof(longname));
	TAP_OK(setdomainname("cvisor.test", 11) == 0 && uname(&u) == 0 &&
		       !strcmp(u.domainname, "cvisor.test"),
	       "setdomainname shows in uname");
	TAP_ERRNO(setdomainname(longname, sizeof(longname)), EINVAL,
		  "setdomainname too long -> EINVAL");
	setdomainname(saved, strlen(saved));
	return TAP_DONE();
}
