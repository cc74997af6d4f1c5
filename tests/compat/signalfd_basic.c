/* signalfd_basic.c - signalfd: a blocked signal is read as siginfo, then no longer pending. */
/* syscalls: signalfd4 signalfd rt_sigprocmask kill read */
#include "tap.h"
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

int main(void)
{
	struct signalfd_siginfo si;
	sigset_t set, pend;
	int fd, fd2;

	TAP_PLAN(6);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	TAP_OK(fd >= 0, "signalfd");
	TAP_ERRNO(read(fd, &si, sizeof(si)), EAGAIN, "nothing pending -> EAGAIN");
	kill(getpid(), SIGUSR1);
	TAP_OK(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1 && si.ssi_pid == (uint32_t)getpid() &&
		       si.ssi_code == SI_USER, "reads SIGUSR1 from self, SI_USER");
	sigpending(&pend);
	TAP_OK(!sigismember(&pend, SIGUSR1), "consumed: not pending");
	TAP_ERRNO(read(fd, &si, 8), EINVAL, "small buffer -> EINVAL");
	fd2 = syscall(SYS_signalfd, -1, &set, 8);
	TAP_OK(fd2 >= 0, "legacy signalfd");
	return TAP_DONE();
}
