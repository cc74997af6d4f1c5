/* ns_errors.c - Linux's errors for namespace flags: EINVAL for CLONE_NEWPID or
 * CLONE_NEWUSER with CLONE_THREAD, CLONE_NEWUSER with CLONE_FS, a second
 * unshare(CLONE_NEWPID), unshare(CLONE_NEWUSER) in a multithreaded process, CLONE_PARENT
 * from a pid namespace's init, setns with a wrong nstype or a file that is no namespace;
 * EPERM without CAP_SYS_ADMIN (uts, ipc, pid, mount, setns). */
/* syscalls: clone unshare setns */
#include "ns_util.h"
#include <pthread.h>

static char stack[65536] __attribute__((aligned(16)));

static long raw_clone(unsigned long flags)
{
	return syscall(SYS_clone, flags, stack + sizeof(stack), 0, 0, 0);
}

static void *sleeper(void *arg)
{
	pause();
	return NULL;
}

static int as_root(void *arg)
{
	int bits = 0;
	bool pid_thread = raw_clone(CLONE_NEWPID | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM) == -1 &&
			  errno == EINVAL;
	bool user_thread =
	    raw_clone(CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM) == -1 &&
	    errno == EINVAL;
	bits |= (pid_thread && user_thread) << 0;
	long r = syscall(SYS_clone, CLONE_NEWUSER | CLONE_FS | SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	bits |= (r == -1 && errno == EINVAL) << 1;
	bits |= (unshare(CLONE_NEWPID) == 0 && unshare(CLONE_NEWPID) == -1 && errno == EINVAL) << 2;
	/* pid 1 of the new namespace may not CLONE_PARENT */
	pid_t init = fork();
	if (init == 0) {
		long c = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
		if (c == 0)
			_exit(0);
		_exit(c == -1 && errno == EINVAL ? 0 : 1);
	}
	bits |= tap_exited(tap_wait(init), 0) << 3;
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	bits |= (setns(fd, CLONE_NEWIPC) == -1 && errno == EINVAL) << 4;
	int nf = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	bits |= (setns(nf, 0) == -1 && errno == EINVAL) << 5;
	return bits;
}

static int two_threads(void *arg)
{
	pthread_t th;
	if (pthread_create(&th, NULL, sleeper, NULL) != 0)
		return 0;
	return unshare(CLONE_NEWUSER) == -1 && errno == EINVAL ? 1 : 0;
}

static int as_nobody(void *arg)
{
	int bits = 0;
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (ns_become_nobody() < 0)
		return 0;
	bits |= (unshare(CLONE_NEWUTS) == -1 && errno == EPERM) << 0;
	bits |= (unshare(CLONE_NEWIPC) == -1 && errno == EPERM) << 1;
	bits |= (unshare(CLONE_NEWPID) == -1 && errno == EPERM) << 2;
	bits |= (unshare(CLONE_NEWNS) == -1 && errno == EPERM) << 3;
	bits |= (fd >= 0 && setns(fd, CLONE_NEWUTS) == -1 && errno == EPERM) << 4;
	long r = syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	bits |= (r == -1 && errno == EPERM) << 5;
	return bits;
}

int main(void)
{
	TAP_PLAN(13);
	int bits = ns_bits(as_root, NULL);
	TAP_OK(ns_bit(bits, 0), "CLONE_NEWPID or CLONE_NEWUSER with CLONE_THREAD: EINVAL");
	TAP_OK(ns_bit(bits, 1), "CLONE_NEWUSER with CLONE_FS: EINVAL");
	TAP_OK(ns_bit(bits, 2), "a second unshare(CLONE_NEWPID): EINVAL");
	TAP_OK(ns_bit(bits, 3), "CLONE_PARENT from a pid namespace's init: EINVAL");
	TAP_OK(ns_bit(bits, 4), "setns with another type's nstype: EINVAL");
	TAP_OK(ns_bit(bits, 5), "setns with a file that is no namespace: EINVAL");
	TAP_OK(ns_bits(two_threads, NULL) == 1, "unshare(CLONE_NEWUSER) with two threads: EINVAL");
	bits = ns_bits(as_nobody, NULL);
	TAP_OK(ns_bit(bits, 0), "unshare(CLONE_NEWUTS) without CAP_SYS_ADMIN: EPERM");
	TAP_OK(ns_bit(bits, 1), "unshare(CLONE_NEWIPC) without CAP_SYS_ADMIN: EPERM");
	TAP_OK(ns_bit(bits, 2), "unshare(CLONE_NEWPID) without CAP_SYS_ADMIN: EPERM");
	TAP_OK(ns_bit(bits, 3), "unshare(CLONE_NEWNS) without CAP_SYS_ADMIN: EPERM");
	TAP_OK(ns_bit(bits, 4), "setns without CAP_SYS_ADMIN: EPERM");
	TAP_OK(ns_bit(bits, 5), "clone(CLONE_NEWUTS) without CAP_SYS_ADMIN: EPERM");
	return TAP_DONE();
}
