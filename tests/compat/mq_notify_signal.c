/* mq_notify_signal.c - mq_notify: SIGEV_SIGNAL fires once on an empty → non-empty
 * change (si_code SI_MESGQ, si_value, si_pid of the sender), then the registration is
 * gone; a second registration is EBUSY; none while a receiver is blocked; NULL removes
 * it; the status line shows the registration. */
/* syscalls: mq_open mq_notify mq_timedsend mq_timedreceive rt_sigtimedwait */
#include "mq_setup.h"
#include <signal.h>
#include <time.h>

int main(void)
{
	mq_setup();
	const char *name = mq_name("notify");
	struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 32};
	char buf[32], line[128] = "", want[128];
	sigset_t set;
	siginfo_t si;
	struct timespec zero = {0, 0}, sec = {2, 0};
	TAP_PLAN(12);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	mqd_t q = mq_open(name, O_RDWR | O_CREAT, 0600, &attr);
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	ev.sigev_value.sival_int = 4242;
	TAP_OK(q >= 0 && mq_notify(q, &ev) == 0, "registering SIGEV_SIGNAL");
	TAP_ERRNO(mq_notify(q, &ev), EBUSY, "a second registration is EBUSY");
	ssize_t n = pread((int)q, line, sizeof(line) - 1, 0);
	if (n > 0)
		line[n] = 0;
	snprintf(want, sizeof(want), "QSIZE:0          NOTIFY:0     SIGNO:%-5d NOTIFY_PID:%-6d\n",
		 SIGUSR1, (int)getpid());
	TAP_OK(!strcmp(line, want), "the status line shows it");

	pid_t child = fork();
	if (child == 0) {
		mqd_t c = mq_open(name, O_WRONLY);
		_exit(c >= 0 && mq_send(c, "a", 1, 0) == 0 ? 0 : 1);
	}
	TAP_OK(sigtimedwait(&set, &si, &sec) == SIGUSR1, "a send to the empty queue signals");
	TAP_OK(si.si_code == SI_MESGQ && si.si_value.sival_int == 4242 && si.si_pid == child,
	       "si_code SI_MESGQ, si_value, si_pid of the sender");
	tap_wait(child);
	TAP_OK(mq_send(q, "b", 1, 0) == 0 && mq_receive(q, buf, sizeof(buf), NULL) == 1 &&
		   mq_receive(q, buf, sizeof(buf), NULL) == 1 && mq_send(q, "c", 1, 0) == 0,
	       "more traffic");
	TAP_ERRNO(sigtimedwait(&set, &si, &zero), EAGAIN, "the registration was used up");
	mq_receive(q, buf, sizeof(buf), NULL);

	TAP_OK(mq_notify(q, &ev) == 0 && mq_notify(q, NULL) == 0, "register, then NULL removes");
	mq_send(q, "d", 1, 0);
	TAP_ERRNO(sigtimedwait(&set, &si, &zero), EAGAIN, "no signal after removal");
	mq_receive(q, buf, sizeof(buf), NULL);

	/* a receiver blocked in mq_receive takes the message: no notification */
	TAP_OK(mq_notify(q, &ev) == 0, "registered again");
	child = fork();
	if (child == 0) {
		mqd_t c = mq_open(name, O_RDONLY);
		_exit(c >= 0 && mq_receive(c, buf, sizeof(buf), NULL) == 1 ? 0 : 1);
	}
	usleep(200000); /* the child blocks in mq_receive */
	mq_send(q, "e", 1, 0);
	TAP_OK(tap_exited(tap_wait(child), 0), "the blocked receiver got the message");
	TAP_ERRNO(sigtimedwait(&set, &si, &zero), EAGAIN, "and no notification was sent");
	mq_close(q);
	return TAP_DONE();
}
