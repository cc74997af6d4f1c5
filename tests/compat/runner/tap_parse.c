/*
 * tap_parse.c - reads the TAP a compat test printed: plan, ok / not ok counts, and the first
 * failing line. Only lines that start with "1..", "ok" or "not ok" count; anything else
 * (diagnostics, a sandbox's own chatter) is ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/compat/runner/runner.h"

static bool starts_with(const char *s, size_t n, const char *pfx)
{
	size_t l = strlen(pfx);

	return n >= l && !memcmp(s, pfx, l);
}

/* Fills @sum from @len bytes of @out; @sum->first_fail is a new heap string or NULL. */
void tap_parse(const char *out, size_t len, struct tap_summary *sum)
{
	const char *p = out, *end = out + len;

	memset(sum, 0, sizeof(*sum));
	sum->plan = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (starts_with(p, n, "1..")) {
			sum->plan = atoi(p + 3);
			if (sum->plan == 0 && memmem(p, n, "SKIP", 4))
				sum->skip_all = true;
		} else if (starts_with(p, n, "not ok")) {
			sum->count++;
			sum->failed++;
			if (!sum->first_fail)
				sum->first_fail = strndup(p, n);
		} else if (starts_with(p, n, "ok ") || (n == 2 && starts_with(p, n, "ok"))) {
			sum->count++;
		}
		p += n + 1;
	}
}
