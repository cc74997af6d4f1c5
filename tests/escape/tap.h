/* tests/escape/tap.h - TAP output for the escape programs: each check prints
 * `ok N - what` when the escape attempt FAILED (the sandbox held), `not ok N - what` with
 * the reason when it did not; the exit status counts the escapes. */
#ifndef CVISOR_TESTS_ESCAPE_TAP_H
#define CVISOR_TESTS_ESCAPE_TAP_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_bad;

/* @held: the attempt was refused (or harmless). @why: printed when it was not. */
static __attribute__((unused)) void tap(int held, const char *what, const char *why)
{
	tap_n++;
	if (held) {
		printf("ok %d - %s\n", tap_n, what);
	} else {
		tap_bad++;
		printf("not ok %d - %s # %s\n", tap_n, what, why ? why : "");
	}
	fflush(stdout);
}

/* A call that must fail with one of two errnos: @r is its result, errno as it left it. */
static __attribute__((unused)) void tap_errno(long r, int want1, int want2, const char *what)
{
	char why[128];
	int e = errno;
	snprintf(why, sizeof(why), "returned %ld, errno %d (%s); want errno %d or %d", r, e,
		 strerror(e), want1, want2);
	tap(r < 0 && (e == want1 || e == want2), what, why);
}

/* A call that must fail, with any errno (ESRCH, EPERM, ENOSYS where not emulated). */
static __attribute__((unused)) void tap_fails(long r, const char *what)
{
	char why[64];
	snprintf(why, sizeof(why), "returned %ld", r);
	tap(r < 0, what, why);
}

static __attribute__((unused)) int tap_end(void)
{
	printf("1..%d\n", tap_n);
	return tap_bad;
}
#endif
