/* execve_script.c - execve of a #! script runs the interpreter with the script path and args. */
/* syscalls: execve fork wait4 */
#include "tap.h"

int main(void)
{
	char buf[256] = { 0 };
	int p[2], st;
	pid_t pid;

	TAP_PLAN(3);
	tap_write_file(tap_path("s.sh"), "#!/bin/sh -e\necho \"$0|$1|$2\"\nexit 3\n");
	chmod(tap_path("s.sh"), 0755);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "ignored", "a", "b c", NULL };
		char *envp[] = { NULL };

		dup2(p[1], 1);
		execve(tap_path("s.sh"), argv, envp);
		_exit(127);
	}
	close(p[1]);
	st = tap_wait(pid);
	read(p[0], buf, sizeof(buf) - 1);
	TAP_OK(tap_exited(st, 3), "script exit status 3");
	TAP_OK(strstr(buf, "s.sh|a|b c\n") != NULL, "interpreter got script path and args (%s)", buf);
	TAP_OK(strncmp(buf, tap_tmpdir(), strlen(tap_tmpdir())) == 0, "$0 is the script path");
	return TAP_DONE();
}
