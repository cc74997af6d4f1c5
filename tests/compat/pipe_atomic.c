/* pipe_atomic.c - writes <= PIPE_BUF from concurrent writers are never interleaved. */
/* syscalls: pipe2 write read fork wait4 */
#include "tap.h"
#include <limits.h>

#define WRITERS 4
#define ROUNDS 64

int main(void)
{
	char chunk[PIPE_BUF], buf[PIPE_BUF];
	int p[2], bad = 0, got = 0, counts[WRITERS] = { 0 };
	pid_t pids[WRITERS];

	TAP_PLAN(3);
	pipe2(p, 0);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			close(p[0]);
			memset(chunk, 'A' + w, sizeof(chunk));
			for (int i = 0; i < ROUNDS; i++)
				if (write(p[1], chunk, sizeof(chunk)) != sizeof(chunk))
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	for (;;) {
		ssize_t n, have = 0;

		while (have < PIPE_BUF && (n = read(p[0], buf + have, PIPE_BUF - have)) > 0)
			have += n;
		if (have == 0)
			break;
		if (have != PIPE_BUF || buf[0] < 'A' || buf[0] >= 'A' + WRITERS) {
			bad++;
			break;
		}
		for (int i = 1; i < PIPE_BUF; i++)
			if (buf[i] != buf[0])
				bad++;
		counts[buf[0] - 'A']++;
		got++;
	}
	for (int w = 0; w < WRITERS; w++)
		tap_wait(pids[w]);
	TAP_OK(bad == 0, "no interleaving inside a PIPE_BUF chunk");
	TAP_OK(got == WRITERS * ROUNDS, "all %d chunks received (%d)", WRITERS * ROUNDS, got);
	TAP_OK(counts[0] == ROUNDS && counts[WRITERS - 1] == ROUNDS, "per-writer counts");
	return TAP_DONE();
}
