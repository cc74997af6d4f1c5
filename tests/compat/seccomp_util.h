/* seccomp_util.h - helpers of the seccomp tests: cBPF that loads the syscall number and
 * returns a verdict when it matches (as a constant, or through A), installing a filter
 * under no_new_privs, a forked child's checks as bits of its exit code. Header-only;
 * include after tap.h. */
#ifndef CVISOR_TESTS_COMPAT_SECCOMP_UTIL_H
#define CVISOR_TESTS_COMPAT_SECCOMP_UTIL_H
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ON(nr, ret)                                                                                \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, (ret))
/* if nr matches: A = @ret, RET A */
#define ON_A(nr, ret)                                                                              \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 2), BPF_STMT(BPF_LD | BPF_IMM, (ret)),        \
	    BPF_STMT(BPF_RET | BPF_A, 0)

/* Whether @call returned -1 with errno @err (errno is cleared before the call). */
#define SC_FAILS(call, err) (errno = 0, (call) == -1 && errno == (err))

/* Runs @child in a forked process and reports entry i of @names as passed when bit i of
 * its exit code is clear (255: the filter could not be installed; a killed child fails
 * every entry). */
static inline void sc_report_child(int (*child)(void), const char *const *names, int n)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child());
	int st = tap_wait(pid);
	for (int i = 0; i < n; i++)
		TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) != 255 && !(WEXITSTATUS(st) & (1 << i)),
		       "%s", names[i]);
}

/* Sets no_new_privs and installs the @n instructions at @f; 0 or -1 with errno. */
static inline int seccomp_install(struct sock_filter *f, unsigned short n)
{
	struct sock_fprog p = {n, f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p);
}
#endif
