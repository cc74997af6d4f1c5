/* seccomp_eacces.c - installing a filter needs no_new_privs or CAP_SYS_ADMIN: EACCES for
 * an unprivileged task without no_new_privs (seccomp and prctl), fine with it, and fine
 * for root without it. */
/* syscalls: seccomp prctl setresuid setresgid setgroups */
#include "tap.h"
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
static struct sock_fprog prog = {1, allow};

static int unprivileged(void)
{
	int fails = 0;
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return 255;
	errno = 0;
	if (!(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == -1 && errno == EACCES))
		fails |= 1;
	errno = 0;
	if (!(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == -1 && errno == EACCES))
		fails |= 2;
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
		fails |= 4;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		fails |= 8;
	return fails;
}

int main(void)
{
	pid_t pid;
	int st;

	if (geteuid() != 0)
		TAP_SKIP_ALL("needs root to drop to nobody");
	TAP_PLAN(5);
	pid = fork();
	if (pid == 0)
		_exit(unprivileged());
	st = tap_wait(pid);
	static const char *names[] = {"seccomp(SET_MODE_FILTER) as nobody: EACCES",
				      "prctl(PR_SET_SECCOMP) as nobody: EACCES",
				      "no filter was installed", "with no_new_privs it succeeds"};
	for (int i = 0; i < 4; i++)
		TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 255 && !(WEXITSTATUS(st) & (1 << i)),
		       "%s", names[i]);
	pid = fork();
	if (pid == 0)
		_exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0 &&
			      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0 &&
			      prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2
			  ? 0
			  : 1);
	TAP_OK(tap_exited(tap_wait(pid), 0), "root (CAP_SYS_ADMIN) without no_new_privs: ok");
	return TAP_DONE();
}
