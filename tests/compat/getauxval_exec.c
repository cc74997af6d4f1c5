/* getauxval_exec.c - the auxv the loader passes: AT_RANDOM, AT_EXECFN, AT_PAGESZ, AT_PHDR... */
/* syscalls: execve */
#include "tap.h"
#include <elf.h>
#include <sys/auxv.h>

int main(int argc, char **argv)
{
	const unsigned char *rnd = (const void *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int nonzero = 0;

	TAP_PLAN(6);
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	TAP_OK(rnd && nonzero, "AT_RANDOM points at 16 random bytes");
	TAP_OK(execfn && strstr(execfn, "getauxval_exec"), "AT_EXECFN names the binary (%s)", execfn ? execfn : "");
	TAP_OK(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ 4096");
	TAP_OK(getauxval(AT_PHDR) != 0 && getauxval(AT_ENTRY) != 0, "AT_PHDR and AT_ENTRY set");
	TAP_OK(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() && getauxval(AT_SECURE) == 0,
	       "AT_UID/AT_EUID/AT_SECURE");
	TAP_OK(getauxval(AT_SYSINFO_EHDR) != 0 || getauxval(AT_SYSINFO_EHDR) == 0, "AT_SYSINFO_EHDR readable");
	return TAP_DONE();
}
