/* pidfd_basic.c - pidfd_open, poll for exit, pidfd_send_signal, waitid(P_PIDFD),
 * pidfd_getfd, and their errors (pidfd_open(2), pidfd_send_signal(2), pidfd_getfd(2)). */
/* syscalls: pidfd_open pidfd_send_signal pidfd_getfd waitid poll */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int pidfd_open(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

int main(void)
{
	TAP_PLAN(12);
	int sync[2];
	pipe(sync);
	pid_t pid = fork();
	if (pid == 0) {
		char b;
		close(sync[1]);
		read(sync[0], &b, 1); /* until the parent says exit */
		_exit(7);
	}
	int pfd = pidfd_open(pid, 0);
	TAP_OK(pfd >= 0 && (fcntl(pfd, F_GETFD) & FD_CLOEXEC), "pidfd_open: a close-on-exec fd");
	struct pollfd p = { .fd = pfd, .events = POLLIN };
	TAP_OK(poll(&p, 1, 0) == 0, "not readable while the process runs");
	int dup = (int)syscall(SYS_pidfd_getfd, pfd, sync[0], 0);
	TAP_OK(dup >= 0 && (fcntl(dup, F_GETFD) & FD_CLOEXEC), "pidfd_getfd duplicates one of its fds");
	if (dup >= 0)
		close(dup);
	close(sync[0]);
	write(sync[1], "x", 1);
	TAP_OK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "readable once it exited");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	TAP_OK(waitid(P_PIDFD, pfd, &si, WEXITED) == 0 && si.si_pid == pid && si.si_status == 7,
	       "waitid(P_PIDFD) reaps it with its status");
	TAP_ERRNO(syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0), ESRCH,
		  "pidfd_send_signal to a reaped process: ESRCH");
	TAP_ERRNO(waitid(P_PIDFD, pfd, &si, WEXITED), ECHILD, "waitid on it again: ECHILD");
	close(pfd);

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	pfd = pidfd_open(pid, O_NONBLOCK);
	TAP_ERRNO(waitid(P_PIDFD, pfd, &si, WEXITED), EAGAIN,
		  "waitid on a non-blocking pidfd of a live process: EAGAIN");
	int st = 0;
	TAP_OK(syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) == 0 &&
		       waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "pidfd_send_signal(SIGKILL) kills it");
	TAP_ERRNO(pidfd_open(0, 0), EINVAL, "pidfd_open(0): EINVAL");
	TAP_ERRNO(pidfd_open(getpid(), 1), EINVAL, "an unknown flag: EINVAL");
	int nfd = open("/dev/null", O_RDONLY);
	TAP_ERRNO(syscall(SYS_pidfd_send_signal, nfd, 0, NULL, 0), EBADF,
		  "pidfd_send_signal on a file that is not a pidfd: EBADF");
	return TAP_DONE();
}
