/* prctl_pdeathsig.c - PR_SET_PDEATHSIG: the child gets the signal when its parent thread dies. */
/* syscalls: prctl fork wait4 */
#include "tap.h"
#include <signal.h>
#include <sys/prctl.h>

int main(void)
{
	int p[2], sig = 0;
	pid_t mid;

	TAP_PLAN(3);
	TAP_OK(prctl(PR_SET_PDEATHSIG, SIGUSR1) == 0 && prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGUSR1,
	       "set/get pdeathsig");
	prctl(PR_SET_PDEATHSIG, 0);
	pipe(p);
	mid = fork();
	if (mid == 0) {
		int q[2];

		pipe(q);
		if (fork() == 0) {
			sigset_t set;
			struct timespec ts = { 5, 0 };

			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			sigprocmask(SIG_BLOCK, &set, NULL);
			prctl(PR_SET_PDEATHSIG, SIGUSR1);
			write(q[1], "r", 1);
			int got = sigtimedwait(&set, NULL, &ts);
			write(p[1], &got, sizeof(got));
			_exit(0);
		}
		read(q[0], &sig, 1);
		_exit(0);
	}
	tap_wait(mid);
	sig = 0;
	TAP_OK(read(p[0], &sig, sizeof(sig)) == sizeof(sig), "grandchild reported");
	TAP_OK(sig == SIGUSR1, "grandchild got SIGUSR1 when its parent died");
	return TAP_DONE();
}
