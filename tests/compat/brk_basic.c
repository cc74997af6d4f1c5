/* brk_basic.c - brk(2): query, grow (usable, zeroed), shrink; failure returns the old break. */
/* syscalls: brk */
#include "tap.h"
#include <stdint.h>
#include <sys/syscall.h>

int main(void)
{
	uintptr_t cur, grown;
	char *p;

	TAP_PLAN(4);
	cur = syscall(SYS_brk, 0);
	TAP_OK(cur != 0, "brk(0) returns the current break");
	grown = syscall(SYS_brk, cur + 65536);
	TAP_OK(grown == cur + 65536, "grow by 64 KiB");
	p = (char *)cur;
	TAP_OK(p[0] == 0 && p[65535] == 0 && (p[100] = 5) == 5, "new heap zeroed and writable");
	TAP_OK(syscall(SYS_brk, 1) == (long)grown, "invalid brk returns the unchanged break");
	syscall(SYS_brk, cur);
	return TAP_DONE();
}
