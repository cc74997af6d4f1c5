/* mq_setup.h - what every POSIX message queue test does first: its own IPC namespace
 * when it can make one (natively as root: the host's queues are never touched), else
 * queue names carrying the test's pid, unlinked at exit. */
#ifndef CVISOR_TESTS_COMPAT_MQ_SETUP_H
#define CVISOR_TESTS_COMPAT_MQ_SETUP_H
#include "tap.h"
#include <mqueue.h>
#include <sched.h>

static char mq_names[16][64];
static int mq_nnames;

static void mq_cleanup(void)
{
	if (getpid() != tap_owner)
		return;
	for (int i = 0; i < mq_nnames; i++)
		mq_unlink(mq_names[i]);
}

static inline void mq_setup(void)
{
	tap_owner = getpid();
	if (unshare(CLONE_NEWIPC) < 0)
		TAP_DIAG("no IPC namespace of our own (%s): pid-named queues", strerror(errno));
	atexit(mq_cleanup);
}

/* "/cvisor-compat-<pid>-@tag", unlinked at exit. */
static inline const char *mq_name(const char *tag)
{
	if (mq_nnames == 16)
		return "/cvisor-compat-too-many";
	char *p = mq_names[mq_nnames++];
	snprintf(p, sizeof(mq_names[0]), "/cvisor-compat-%d-%s", (int)getpid(), tag);
	return p;
}
#endif
