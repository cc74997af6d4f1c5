/* prctl_securebits.c - PR_GET/SET_SECUREBITS (capabilities(7) "The securebits flags"):
 * KEEP_CAPS is PR_SET_KEEPCAPS's bit and is cleared by execve, locked bits cannot change,
 * NO_CAP_AMBIENT_RAISE refuses ambient raises, NO_SETUID_FIXUP keeps caps over setuid,
 * NOROOT gives root no capabilities at execve; setting bits needs CAP_SETPCAP. */
/* syscalls: prctl capget setresuid execve */
#include "tap.h"
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static unsigned long long cap_eff(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d))
		return ~0ULL;
	return d[0].effective | ((unsigned long long)d[1].effective << 32);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "keep"))
		_exit(prctl(PR_GET_SECUREBITS) == 0 ? 0 : 1);
	if (argc == 2 && !strcmp(argv[1], "noroot"))
		_exit(cap_eff() == 0 && (prctl(PR_GET_SECUREBITS) & SECBIT_NOROOT) ? 0 : 1);
	TAP_PLAN(8);
	TAP_OK(prctl(PR_GET_SECUREBITS) == 0, "no securebits at first");
	pid_t pid = fork();
	if (pid == 0) {
		int ok = prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0 &&
			 prctl(PR_GET_SECUREBITS) == SECBIT_KEEP_CAPS;
		if (!ok)
			_exit(2);
		execl("/proc/self/exe", argv[0], "keep", (char *)NULL);
		_exit(3);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "PR_SET_KEEPCAPS sets SECBIT_KEEP_CAPS; execve clears it");
	pid = fork();
	if (pid == 0) {
		int ok = prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0) == 0 &&
			 prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1 && errno == EPERM &&
			 prctl(PR_SET_SECUREBITS, 0, 0, 0, 0) == -1 && errno == EPERM;
		_exit(ok ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "a locked bit cannot change, a lock cannot be undone");
	pid = fork();
	if (pid == 0)
		_exit(prctl(PR_SET_SECUREBITS, 1u << 30, 0, 0, 0) == -1 && errno == EPERM ? 0 : 1);
	TAP_OK(tap_exited(tap_wait(pid), 0), "an unknown bit: EPERM");
	pid = fork();
	if (pid == 0) {
		int ok = prctl(PR_SET_SECUREBITS, SECBIT_NO_CAP_AMBIENT_RAISE, 0, 0, 0) == 0 &&
			 prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0) == -1 &&
			 errno == EPERM;
		_exit(ok ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "NO_CAP_AMBIENT_RAISE: PR_CAP_AMBIENT_RAISE is EPERM");
	pid = fork();
	if (pid == 0) {
		unsigned long long before = cap_eff();
		int ok = prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0, 0, 0) == 0 &&
			 setresuid(65534, 65534, 65534) == 0 && cap_eff() == before;
		_exit(ok ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "NO_SETUID_FIXUP: caps survive setuid to non-root");
	pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0))
			_exit(2);
		execl("/proc/self/exe", argv[0], "noroot", (char *)NULL);
		_exit(3);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "NOROOT: root's execve grants no capabilities");
	pid = fork();
	if (pid == 0) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0) == -1 && errno == EPERM
			      ? 0
			      : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "without CAP_SETPCAP: EPERM");
	return TAP_DONE();
}
