/* execve_argv_envp.c - argv and envp reach the new image intact (re-execs itself). */
/* syscalls: execve fork wait4 */
#include "tap.h"

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--child")) {
		const char *v = getenv("COMPAT_VAR");

		return !strcmp(argv[2], "two words") && !strcmp(argv[3], "") && v && !strcmp(v, "a=b") &&
				       !getenv("HOME") ? 0 : 1;
	}
	char *cargv[] = { argv[0], "--child", "two words", "", NULL };
	char *envp[] = { "COMPAT_VAR=a=b", NULL };
	pid_t pid;

	TAP_PLAN(2);
	pid = fork();
	if (pid == 0) {
		execve("/proc/self/exe", cargv, envp);
		_exit(127);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "child saw exact argv and only the given env");
	pid = fork();
	if (pid == 0) {
		char *bad[] = { argv[0], "--child", "x", "y", NULL };

		execve("/proc/self/exe", bad, envp);
		_exit(127);
	}
	TAP_OK(tap_exited(tap_wait(pid), 1), "different argv is detected (exit 1)");
	return TAP_DONE();
}
