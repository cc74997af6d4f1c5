/* pid_ids.c - getpid/getppid/gettid relations across fork. */
/* syscalls: getpid getppid gettid fork */
#include "tap.h"
#include <sys/syscall.h>

int main(void)
{
	int p[2];
	pid_t child, ids[3];

	TAP_PLAN(4);
	TAP_OK(getpid() > 0 && syscall(SYS_gettid) == getpid(), "tid == pid in main thread");
	pipe(p);
	child = fork();
	if (child == 0) {
		ids[0] = getpid();
		ids[1] = getppid();
		ids[2] = syscall(SYS_gettid);
		write(p[1], ids, sizeof(ids));
		_exit(0);
	}
	read(p[0], ids, sizeof(ids));
	tap_wait(child);
	TAP_OK(ids[0] == child, "child's getpid == fork return");
	TAP_OK(ids[1] == getpid(), "child's getppid == parent");
	TAP_OK(ids[2] == child, "child's gettid == its pid");
	return TAP_DONE();
}
