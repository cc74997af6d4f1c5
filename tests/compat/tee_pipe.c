/* tee_pipe.c - tee(2) duplicates pipe data without consuming it. */
/* syscalls: tee */
#include "tap.h"

int main(void)
{
	char a[8] = { 0 }, b[8] = { 0 };
	int p[2], q[2], fd;

	TAP_PLAN(4);
	pipe(p);
	pipe(q);
	write(p[1], "hello", 5);
	TAP_OK(tee(p[0], q[1], 100, 0) == 5, "tee copies 5 bytes");
	TAP_OK(read(p[0], a, 8) == 5 && !strcmp(a, "hello"), "source still has the data");
	TAP_OK(read(q[0], b, 8) == 5 && !strcmp(b, "hello"), "target got a copy");
	fd = open("/dev/null", O_WRONLY);
	TAP_ERRNO(tee(p[0], fd, 1, 0), EINVAL, "non-pipe target -> EINVAL");
	return TAP_DONE();
}
