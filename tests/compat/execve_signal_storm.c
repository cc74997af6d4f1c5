/* execve_signal_storm.c - signals that arrive while execve replaces the image (here an
 * ignored-by-default SIGURG, which Go's runtime sends to preempt: runc's init is exec'ing
 * the container's program then) neither kill the process nor get lost. */
/* syscalls: execve kill wait4 */
#include "tap.h"
#include <signal.h>

int main(int argc, char **argv)
{
	if (argc == 2) {
		int n = atoi(argv[1]);
		char b[16];
		if (n == 0)
			return 0;
		snprintf(b, sizeof(b), "%d", n - 1);
		execl("/proc/self/exe", "execve_signal_storm", b, (char *)NULL);
		return 1;
	}
	TAP_PLAN(2);
	pid_t pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "execve_signal_storm", "100", (char *)NULL);
		_exit(1);
	}
	int st = 0, sent = 0;
	pid_t r;
	while ((r = waitpid(pid, &st, WNOHANG)) == 0) {
		kill(pid, SIGURG);
		sent++;
	}
	TAP_OK(r == pid && tap_exited(st, 0), "100 execs under a SIGURG storm exit 0 (status %#x)",
	       st);
	TAP_OK(sent > 0, "signals were sent during the execs");
	return TAP_DONE();
}
