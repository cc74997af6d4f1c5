/* mq_basic.c - POSIX message queues: create with attributes, send and receive by
 * priority (FIFO within one), EAGAIN on a full or empty O_NONBLOCK queue, ETIMEDOUT of
 * mq_timedreceive/mq_timedsend, a blocked receiver woken by a send, poll readiness,
 * mq_getsetattr, O_EXCL, mq_unlink, and the status line read(2) gives. */
/* syscalls: mq_open mq_unlink mq_timedsend mq_timedreceive mq_getsetattr poll */
#include "mq_setup.h"
#include <poll.h>
#include <time.h>

static struct timespec in_ms(int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

int main(void)
{
	mq_setup();
	const char *name = mq_name("basic");
	struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64}, got;
	char buf[64];
	unsigned prio;
	TAP_PLAN(23);

	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, &attr);
	TAP_OK(q >= 0, "mq_open creates a queue");
	TAP_ERRNO(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr), EEXIST, "O_EXCL: EEXIST");
	TAP_OK(mq_getattr(q, &got) == 0 && got.mq_maxmsg == 4 && got.mq_msgsize == 64 &&
		   got.mq_curmsgs == 0 && (got.mq_flags & O_NONBLOCK),
	       "mq_getattr: maxmsg 4, msgsize 64, empty, O_NONBLOCK");
	TAP_ERRNO(mq_receive(q, buf, sizeof(buf), &prio), EAGAIN, "empty + O_NONBLOCK: EAGAIN");
	TAP_ERRNO(mq_receive(q, buf, 63, &prio), EMSGSIZE, "a buffer below msgsize: EMSGSIZE");
	TAP_OK(mq_send(q, "low", 3, 1) == 0 && mq_send(q, "high", 4, 9) == 0 &&
		   mq_send(q, "mid1", 4, 5) == 0 && mq_send(q, "mid2", 4, 5) == 0,
	       "four sends");
	TAP_ERRNO(mq_send(q, "x", 1, 0), EAGAIN, "full + O_NONBLOCK: EAGAIN");
	int fd = (int)q;
	char line[128] = "";
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	if (n > 0)
		line[n] = 0;
	TAP_OK(!strcmp(line, "QSIZE:15         NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"),
	       "read gives the status line");
	struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLOUT};
	TAP_OK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN, "poll: POLLIN only when full");
	n = mq_receive(q, buf, sizeof(buf), &prio);
	TAP_OK(n == 4 && !memcmp(buf, "high", 4) && prio == 9, "the highest priority first");
	n = mq_receive(q, buf, sizeof(buf), &prio);
	TAP_OK(n == 4 && !memcmp(buf, "mid1", 4) && prio == 5, "FIFO within a priority (1)");
	n = mq_receive(q, buf, sizeof(buf), &prio);
	TAP_OK(n == 4 && !memcmp(buf, "mid2", 4), "FIFO within a priority (2)");
	n = mq_receive(q, buf, sizeof(buf), &prio);
	TAP_OK(n == 3 && !memcmp(buf, "low", 3) && prio == 1, "the lowest last");
	TAP_ERRNO(mq_send(q, "x", 1, 32768), EINVAL, "priority MQ_PRIO_MAX: EINVAL");

	/* blocking calls */
	struct mq_attr nb = {.mq_flags = 0};
	TAP_OK(mq_setattr(q, &nb, &got) == 0 && (got.mq_flags & O_NONBLOCK) &&
		   mq_getattr(q, &got) == 0 && !(got.mq_flags & O_NONBLOCK),
	       "mq_setattr clears O_NONBLOCK");
	struct timespec ts = in_ms(50);
	TAP_ERRNO(mq_timedreceive(q, buf, sizeof(buf), &prio, &ts), ETIMEDOUT,
		  "mq_timedreceive on an empty queue: ETIMEDOUT");
	for (int i = 0; i < 4; i++)
		mq_send(q, "f", 1, 0);
	ts = in_ms(50);
	TAP_ERRNO(mq_timedsend(q, "x", 1, 0, &ts), ETIMEDOUT,
		  "mq_timedsend on a full queue: ETIMEDOUT");
	ts.tv_nsec = 2000000000L;
	TAP_ERRNO(mq_timedsend(q, "x", 1, 0, &ts), EINVAL, "a bad timeout: EINVAL");
	for (int i = 0; i < 4; i++)
		mq_receive(q, buf, sizeof(buf), &prio);
	pid_t child = fork();
	if (child == 0) {
		mqd_t c = mq_open(name, O_WRONLY);
		usleep(100000);
		_exit(c >= 0 && mq_send(c, "wake", 4, 3) == 0 ? 0 : 1);
	}
	ts = in_ms(5000);
	n = mq_timedreceive(q, buf, sizeof(buf), &prio, &ts);
	TAP_OK(n == 4 && !memcmp(buf, "wake", 4) && prio == 3, "a blocked receiver gets a send");
	TAP_OK(tap_exited(tap_wait(child), 0), "the sender succeeded");
	TAP_OK(mq_unlink(name) == 0, "mq_unlink");
	TAP_OK(mq_send(q, "still", 5, 0) == 0 && mq_receive(q, buf, sizeof(buf), NULL) == 5,
	       "an unlinked queue works while open");
	TAP_ERRNO(mq_open(name, O_RDWR), ENOENT, "and is gone by name");
	mq_close(q);
	return TAP_DONE();
}
