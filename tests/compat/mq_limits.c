/* mq_limits.c - mq_open's limits: bad attributes (EINVAL), msg_max/msgsize_max for a
 * process without CAP_SYS_RESOURCE (EINVAL), RLIMIT_MSGQUEUE (EMFILE), bad names
 * (EACCES, ENOENT), access modes (EACCES for another user, EBADF for the wrong
 * direction), EMSGSIZE on a send above mq_msgsize. */
/* syscalls: mq_open mq_unlink mq_timedsend mq_timedreceive setrlimit */
#include "mq_setup.h"
#include <sys/resource.h>
#include <sys/syscall.h>

int main(void)
{
	mq_setup();
	struct mq_attr bad = {.mq_maxmsg = 0, .mq_msgsize = 16};
	struct mq_attr huge = {.mq_maxmsg = 70000, .mq_msgsize = 16};
	struct mq_attr small = {.mq_maxmsg = 2, .mq_msgsize = 16};
	char buf[32];
	TAP_PLAN(12);

	TAP_ERRNO(mq_open(mq_name("bad"), O_RDWR | O_CREAT, 0600, &bad), EINVAL,
		  "mq_maxmsg 0: EINVAL");
	TAP_ERRNO(mq_open(mq_name("huge"), O_RDWR | O_CREAT, 0600, &huge), EINVAL,
		  "mq_maxmsg above the hard limit: EINVAL");
	TAP_ERRNO(syscall(SYS_mq_open, "a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES,
		  "a name with a slash: EACCES");
	TAP_ERRNO(mq_open(mq_name("missing"), O_RDWR), ENOENT, "a missing queue: ENOENT");

	const char *name = mq_name("small");
	mqd_t q = mq_open(name, O_WRONLY | O_CREAT, 0600, &small);
	TAP_OK(q >= 0, "a small queue");
	TAP_ERRNO(mq_send(q, buf, 17, 0), EMSGSIZE, "a message above mq_msgsize: EMSGSIZE");
	TAP_ERRNO(mq_receive(q, buf, sizeof(buf), NULL), EBADF, "receive on O_WRONLY: EBADF");

	/* an unprivileged child: msg_max (10) and msgsize_max (8192), permissions */
	pid_t child = fork();
	if (child == 0) {
		struct mq_attr eleven = {.mq_maxmsg = 11, .mq_msgsize = 16};
		struct mq_attr big = {.mq_maxmsg = 1, .mq_msgsize = 8193};
		char n1[64], n2[64];
		snprintf(n1, sizeof(n1), "%s-u1", name);
		snprintf(n2, sizeof(n2), "%s-u2", name);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		if (mq_open(n1, O_RDWR | O_CREAT, 0600, &eleven) >= 0 || errno != EINVAL)
			_exit(1);
		if (mq_open(n2, O_RDWR | O_CREAT, 0600, &big) >= 0 || errno != EINVAL)
			_exit(2);
		if (mq_open(name, O_RDONLY) >= 0 || errno != EACCES)
			_exit(3);
		_exit(0);
	}
	int st = tap_wait(child);
	TAP_OK(tap_exited(st, 0), "unprivileged: msg_max, msgsize_max and mode bits hold (%d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	/* RLIMIT_MSGQUEUE: 819200 bytes hold 9 default queues (each 10 * 8192 + overhead) */
	child = fork();
	if (child == 0) {
		struct rlimit rl = {819200, 819200};
		struct mq_attr dflt = {.mq_maxmsg = 10, .mq_msgsize = 8192};
		char n[64];
		int made = 0, err = 0;
		if (setrlimit(RLIMIT_MSGQUEUE, &rl))
			_exit(100);
		for (int i = 0; i < 12; i++) {
			snprintf(n, sizeof(n), "%s-r%d", name, i);
			if (mq_open(n, O_RDWR | O_CREAT, 0600, &dflt) < 0) {
				err = errno;
				break;
			}
			made++;
		}
		for (int i = 0; i < made; i++) {
			snprintf(n, sizeof(n), "%s-r%d", name, i);
			mq_unlink(n);
		}
		_exit(err == EMFILE ? made : 99);
	}
	st = tap_wait(child);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 9,
	       "RLIMIT_MSGQUEUE: the 10th queue is EMFILE (%d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	TAP_OK(mq_unlink(name) == 0, "mq_unlink");
	TAP_ERRNO(mq_unlink(name), ENOENT, "a second mq_unlink: ENOENT");
	TAP_ERRNO(syscall(SYS_mq_getsetattr, 0, NULL, NULL), EBADF,
		  "mq_getsetattr on stdin: EBADF");
	mq_close(q);
	return TAP_DONE();
}
