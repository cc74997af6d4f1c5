/* sysv_setup.h - System V IPC tests run in an IPC namespace of their own: natively (the
 * suite runs as root) nothing is left on the host, and under cvisor the same. */
#ifndef COMPAT_SYSV_SETUP_H
#define COMPAT_SYSV_SETUP_H
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* semctl's fourth argument (the caller defines it, semctl(2)). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

/* A fresh IPC namespace for this test (skips when the host refuses one). */
static inline void sysv_setup(void)
{
	if (unshare(CLONE_NEWIPC) < 0)
		TAP_SKIP_ALL("unshare(CLONE_NEWIPC) refused");
}

/* Drops to uid/gid 65534 (in a forked child). */
static inline int sysv_drop_ids(void)
{
	return setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) ? -1 : 0;
}

/* semop(2) of one operation. */
static inline int sysv_op1(int s, unsigned short num, short delta, short flg)
{
	struct sembuf b = { num, delta, flg };
	return semop(s, &b, 1);
}

/* Polls until @cond (an expression) holds, for up to ~2 s; true when it did. */
#define SYSV_WAIT_FOR(cond)                                                                \
	({                                                                                 \
		bool ok_ = false;                                                          \
		for (int i_ = 0; i_ < 400 && !(ok_ = (cond)); i_++)                        \
			usleep(5000);                                                      \
		ok_;                                                                       \
	})

static inline void sysv_noop_handler(int sig)
{
	(void)sig;
}

#endif
