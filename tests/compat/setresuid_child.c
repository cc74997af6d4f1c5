/* setresuid_child.c - dropping ids in a child: setresuid/setresgid/setuid/setgid semantics. */
/* syscalls: setresuid setresgid setuid setgid setreuid setregid setfsuid getresuid */
#include "tap.h"
#include <sys/fsuid.h>

int main(void)
{
	pid_t pid;
	int st;

	TAP_PLAN(5);
	pid = fork();
	if (pid == 0) {
		uid_t r, e, s;
		int bits = 0;

		if (setresgid(100, 100, 100) == 0 && getgid() == 100)
			bits |= 1;
		if (setresuid(1000, 1000, 0) == 0 && getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1000 && s == 0)
			bits |= 2;
		if (setreuid(-1, 0) == 0 && geteuid() == 0 && setuid(1000) == 0 && getuid() == 1000)
			bits |= 4;
		if (setuid(0) == -1 && errno == EPERM)
			bits |= 8;
		if (setgid(0) == -1 && errno == EPERM && setregid(1, 1) == -1)
			bits |= 16;
		_exit(bits);
	}
	st = tap_wait(pid);
	TAP_OK(WIFEXITED(st) && (WEXITSTATUS(st) & 1), "setresgid(100,100,100)");
	TAP_OK(WIFEXITED(st) && (WEXITSTATUS(st) & 2), "setresuid keeps saved 0");
	TAP_OK(WIFEXITED(st) && (WEXITSTATUS(st) & 4), "regain euid 0 from saved, then setuid drops all");
	TAP_OK(WIFEXITED(st) && (WEXITSTATUS(st) & 8), "after full drop setuid(0) -> EPERM");
	TAP_OK(WIFEXITED(st) && (WEXITSTATUS(st) & 16), "setgid(0) unprivileged -> EPERM");
	return TAP_DONE();
}
