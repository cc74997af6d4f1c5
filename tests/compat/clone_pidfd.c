/* clone_pidfd.c - clone(CLONE_PIDFD) returns a pidfd in the parent_tid slot, clone3 in
 * cl_args.pidfd: close-on-exec, O_RDWR, only in the parent's table, usable with poll,
 * waitid(P_PIDFD) and pidfd_send_signal; EINVAL with CLONE_PARENT_SETTID on the same slot
 * or CLONE_DETACHED, EFAULT for a bad slot, EMFILE with no free fd (clone(2)). */
/* syscalls: clone clone3 waitid pidfd_send_signal poll */
#include "tap.h"
#include <stdint.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long raw_clone(unsigned long flags, int *ptid)
{
	return syscall(SYS_clone, flags, 0, ptid, 0, 0);
}

static long raw_clone3(struct clone_args *ca)
{
	return syscall(SYS_clone3, ca, sizeof(*ca));
}

int main(void)
{
	TAP_PLAN(16);
	int sync[2], pfd = -1;
	if (pipe(sync) < 0)
		return 1;

	long pid = raw_clone(CLONE_PIDFD | SIGCHLD, &pfd);
	if (pid == 0) {
		char b;
		/* the child's table was copied before the pidfd was made */
		int has = fcntl(pfd, F_GETFD) >= 0;
		close(sync[1]);
		if (read(sync[0], &b, 1) != 1)
			_exit(1);
		_exit(has ? 2 : 7);
	}
	TAP_OK(pid > 0 && pfd >= 0 && pfd != sync[0] && pfd != sync[1],
	       "clone(CLONE_PIDFD) writes a new fd in the parent_tid slot (%d)", pfd);
	TAP_OK(fcntl(pfd, F_GETFD) == FD_CLOEXEC && (fcntl(pfd, F_GETFL) & O_ACCMODE) == O_RDWR,
	       "the pidfd is close-on-exec and O_RDWR");
	struct pollfd p = { .fd = pfd, .events = POLLIN };
	TAP_OK(poll(&p, 1, 0) == 0, "not readable while the child runs");
	write(sync[1], "x", 1);
	TAP_OK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "readable once the child exited");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int r = (int)syscall(SYS_waitid, P_PIDFD, pfd, &si, WEXITED, NULL);
	TAP_OK(r == 0 && si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 7,
	       "waitid(P_PIDFD) reaps it: the child did not have the pidfd (status %d)",
	       si.si_status);
	close(pfd);

	/* clone3: the pidfd in its own field, the tid in parent_tid */
	int pidfd3 = -1, ptid3 = 0;
	struct clone_args ca = { .flags = CLONE_PIDFD | CLONE_PARENT_SETTID,
				 .pidfd = (uint64_t)(uintptr_t)&pidfd3,
				 .parent_tid = (uint64_t)(uintptr_t)&ptid3,
				 .exit_signal = SIGCHLD };
	pid = raw_clone3(&ca);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	TAP_OK(pid > 0 && pidfd3 >= 0 && ptid3 == pid,
	       "clone3: pidfd in cl_args.pidfd, the tid in parent_tid");
	TAP_OK(fcntl(pidfd3, F_GETFD) == FD_CLOEXEC, "clone3's pidfd is close-on-exec");
	TAP_OK(syscall(SYS_pidfd_send_signal, pidfd3, SIGTERM, NULL, 0) == 0,
	       "pidfd_send_signal through it");
	memset(&si, 0, sizeof(si));
	r = (int)syscall(SYS_waitid, P_PIDFD, pidfd3, &si, WEXITED, NULL);
	TAP_OK(r == 0 && si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGTERM,
	       "waitid(P_PIDFD): killed by SIGTERM");
	close(pidfd3);

	/* errors */
	int slot = -1;
	TAP_ERRNO(raw_clone(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, &slot), EINVAL,
		  "clone: CLONE_PIDFD with CLONE_PARENT_SETTID");
	TAP_ERRNO(raw_clone(CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, &slot), EINVAL,
		  "clone: CLONE_PIDFD with CLONE_DETACHED");
	struct clone_args same = { .flags = CLONE_PIDFD | CLONE_PARENT_SETTID,
				   .pidfd = (uint64_t)(uintptr_t)&slot,
				   .parent_tid = (uint64_t)(uintptr_t)&slot,
				   .exit_signal = SIGCHLD };
	TAP_ERRNO(raw_clone3(&same), EINVAL, "clone3: pidfd and parent_tid the same slot");
	TAP_ERRNO(raw_clone(CLONE_PIDFD | SIGCHLD, tap_badptr()), EFAULT,
		  "clone: an unwritable pidfd slot");
	struct clone_args bad = { .flags = CLONE_PIDFD,
				  .pidfd = (uint64_t)(uintptr_t)tap_badptr(),
				  .exit_signal = SIGCHLD };
	TAP_ERRNO(raw_clone3(&bad), EFAULT, "clone3: an unwritable pidfd slot");
	TAP_OK(slot == -1 && waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	       "the failed clones made no child and wrote nothing");

	/* no free fd under RLIMIT_NOFILE: EMFILE, no child */
	pid_t tester = fork();
	if (tester == 0) {
		for (int fd = 3; fd < 64; fd++)
			close(fd);
		struct rlimit rl = { 3, 3 };
		setrlimit(RLIMIT_NOFILE, &rl);
		errno = 0;
		long c = raw_clone(CLONE_PIDFD | SIGCHLD, &slot);
		if (c == 0)
			_exit(0);
		int ok = c == -1 && errno == EMFILE && waitpid(-1, NULL, WNOHANG) < 0;
		_exit(ok ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(tester), 0), "EMFILE with no free fd, and no child");
	return TAP_DONE();
}
