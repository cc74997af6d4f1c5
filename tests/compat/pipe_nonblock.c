/* pipe_nonblock.c - O_NONBLOCK pipes: EAGAIN on empty read and on full write. */
/* syscalls: pipe2 read write fcntl */
#include "tap.h"

int main(void)
{
	static char big[1 << 16];
	char c;
	ssize_t n, total = 0;
	int p[2];

	TAP_PLAN(4);
	pipe2(p, O_NONBLOCK);
	TAP_ERRNO(read(p[0], &c, 1), EAGAIN, "empty read -> EAGAIN");
	while ((n = write(p[1], big, sizeof(big))) > 0)
		total += n;
	TAP_OK(n < 0 && errno == EAGAIN, "write to full pipe -> EAGAIN");
	TAP_OK(total == fcntl(p[1], F_GETPIPE_SZ), "filled exactly the capacity (%zd)", total);
	n = 0;
	while (read(p[0], big, sizeof(big)) > 0)
		n++;
	TAP_OK(errno == EAGAIN && n >= 1, "drained back to EAGAIN");
	return TAP_DONE();
}
