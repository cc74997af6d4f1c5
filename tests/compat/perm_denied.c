/* perm_denied.c - DAC checks for an unprivileged child: EACCES on open/mkdir/exec search. */
/* syscalls: openat mkdir setresuid setresgid chdir */
#include "tap.h"

static void child_expect(const char *what, int code)
{
	(void)what;
	_exit(code);
}

int main(void)
{
	pid_t pid;
	int st;

	TAP_PLAN(4);
	chmod(tap_tmpdir(), 0755);
	tap_write_file(tap_path("secret"), "s");
	chmod(tap_path("secret"), 0600);
	mkdir(tap_path("closed"), 0700);
	tap_write_file(tap_path("pub"), "p");
	chmod(tap_path("pub"), 0644);
	pid = fork();
	if (pid == 0) {
		int fails = 0;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			child_expect("drop", 10);
		if (!(open(tap_path("secret"), O_RDONLY) < 0 && errno == EACCES))
			fails |= 1;
		if (!(mkdir(tap_path("new"), 0700) < 0 && errno == EACCES))
			fails |= 2;
		if (!(chdir(tap_path("closed")) < 0 && errno == EACCES))
			fails |= 4;
		if (open(tap_path("pub"), O_RDONLY) < 0 || !(open(tap_path("pub"), O_WRONLY) < 0 && errno == EACCES))
			fails |= 8;
		_exit(fails);
	}
	st = tap_wait(pid);
	TAP_OK(WIFEXITED(st) && !(WEXITSTATUS(st) & 1) && WEXITSTATUS(st) != 10, "open 0600 root file -> EACCES");
	TAP_OK(WIFEXITED(st) && !(WEXITSTATUS(st) & 2), "mkdir in 0755 root dir -> EACCES");
	TAP_OK(WIFEXITED(st) && !(WEXITSTATUS(st) & 4), "chdir into 0700 dir -> EACCES");
	TAP_OK(WIFEXITED(st) && !(WEXITSTATUS(st) & 8), "0644: read ok, write EACCES");
	return TAP_DONE();
}
