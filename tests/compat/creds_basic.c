/* creds_basic.c - credentials as root: getuid/geteuid/getgid/getegid/getresuid/getresgid. */
/* syscalls: getuid geteuid getgid getegid getresuid getresgid */
#include "tap.h"

int main(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	TAP_PLAN(4);
	TAP_OK(getuid() == 0 && geteuid() == 0, "uid/euid 0 (suite runs as root)");
	TAP_OK(getgid() == 0 && getegid() == 0, "gid/egid 0");
	TAP_OK(getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "getresuid");
	TAP_OK(getresgid(&gr, &ge, &gs) == 0 && gr == 0 && ge == 0 && gs == 0, "getresgid");
	return TAP_DONE();
}
