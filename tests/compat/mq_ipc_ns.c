/* mq_ipc_ns.c - POSIX message queues per IPC namespace: a queue made in one namespace is
 * not seen from a new one (mq_open ENOENT, the same name can be created again there), an
 * mqueue filesystem mounted in the new namespace lists its own queues only, setns(2)
 * back finds the first queue again; /proc/sys/fs/mqueue is each namespace's (a new one
 * starts from the defaults, msg_default applies to mq_open without attributes, values
 * out of Linux's ranges are EINVAL). Natively in IPC and mount namespaces of its own. */
/* syscalls: mq_open mq_unlink unshare setns mount */
#include "mq_setup.h"
#include "mount_isolate.h"
#include <dirent.h>
#include <sys/wait.h>

/* Whether directory @dir has an entry @name. */
static bool dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;
	while (d && (e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	if (d)
		closedir(d);
	return found;
}

int main(void)
{
	if (unshare(CLONE_NEWIPC) < 0)
		TAP_SKIP_ALL("no IPC namespace of our own");
	const char *base = mnt_isolate();
	TAP_PLAN(10);
	struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	int outer = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	mqd_t q = mq_open("/outer", O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	TAP_OK(q >= 0 && mq_send(q, "x", 1, 0) == 0, "a queue in the first namespace");
	TAP_OK(tap_write_file("/proc/sys/fs/mqueue/msg_default", "7") == 0 && tap_read_long("/proc/sys/fs/mqueue/msg_default") == 7,
	       "/proc/sys/fs/mqueue/msg_default is writable");
	TAP_ERRNO(tap_write_file("/proc/sys/fs/mqueue/msg_max", "0"), EINVAL, "msg_max 0: EINVAL");
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		int bits = 0;
		char mnt[600];
		snprintf(mnt, sizeof(mnt), "%s/mq", base);
		if (unshare(CLONE_NEWIPC) < 0)
			_exit(100);
		bits |= (mq_open("/outer", O_RDWR) < 0 && errno == ENOENT) << 0;
		mqd_t in = mq_open("/inner", O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		mqd_t again = mq_open("/outer", O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		bits |= (in >= 0 && again >= 0) << 1;
		bits |= (mkdir(mnt, 0755) == 0 && mount("mqueue", mnt, "mqueue", 0, NULL) == 0 &&
			 dir_has(mnt, "inner") && dir_has(mnt, "outer")) << 2;
		struct mq_attr got;
		bits |= (mq_getattr(again, &got) == 0 && got.mq_curmsgs == 0) << 3;
		mqd_t dflt = mq_open("/dflt", O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
		bits |= (tap_read_long("/proc/sys/fs/mqueue/msg_default") == 10 &&
			 tap_read_long("/proc/sys/fs/mqueue/queues_max") == 256 &&
			 dflt >= 0 && mq_getattr(dflt, &got) == 0 && got.mq_maxmsg == 10) << 6;
		bits |= (setns(outer, CLONE_NEWIPC) == 0 && mq_open("/inner", O_RDWR) < 0 &&
			 errno == ENOENT) << 4;
		mqd_t back = mq_open("/outer", O_RDWR);
		bits |= (back >= 0 && mq_getattr(back, &got) == 0 && got.mq_curmsgs == 1) << 5;
		_exit(bits);
	}
	int st = tap_wait(p);
	int bits = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	TAP_OK(bits & 1, "a new IPC namespace does not see it (ENOENT)");
	TAP_OK(bits & 2, "it can create its own queues, the same name too");
	TAP_OK(bits & 4, "an mqueue mount there lists the new namespace's queues");
	TAP_OK(bits & 8, "its /outer is another queue (empty)");
	TAP_OK(bits & 16, "setns back: the inner queue is not there");
	TAP_OK(bits & 32, "and /outer is the first one, with its message");
	TAP_OK(bits & 64, "the new namespace's limits are the defaults, and mq_open uses them");
	return TAP_DONE();
}
