/* getrusage_basic.c - getrusage(2), wait4(2)'s rusage and times(2): a process's CPU time
 * and page faults grow as it works; RUSAGE_CHILDREN counts only children reaped with
 * wait, whose CPU time and peak RSS wait4 reports; RUSAGE_THREAD; times' tms_cutime;
 * a bad `who` EINVAL, a bad pointer EFAULT. */
/* syscalls: getrusage wait4 times */
#include "tap.h"
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>

#define TOUCH (16 << 20)

static long us(struct timeval tv)
{
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

/* Spins until this process has used @ms of user CPU time. */
static void burn(long ms)
{
	struct rusage r;
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 1000000; i++)
			x += (unsigned long)i;
		getrusage(RUSAGE_SELF, &r);
	} while (us(r.ru_utime) < ms * 1000);
}

int main(void)
{
	struct rusage r0, r1, rc, rch;
	TAP_PLAN(10);
	TAP_OK(getrusage(RUSAGE_SELF, &r0) == 0 && r0.ru_minflt > 0 && r0.ru_maxrss > 0,
	       "a new process has page faults (%ld) and a peak RSS (%ld kB)", r0.ru_minflt,
	       r0.ru_maxrss);
	burn(60);
	TAP_OK(getrusage(RUSAGE_SELF, &r1) == 0 && us(r1.ru_utime) >= 60000,
	       "60 ms of work shows in ru_utime (%ld us)", us(r1.ru_utime));
	TAP_OK(getrusage(RUSAGE_THREAD, &r1) == 0 && us(r1.ru_utime) >= 50000,
	       "and in the thread's (%ld us)", us(r1.ru_utime));

	pid_t pid = fork();
	if (pid == 0) {
		volatile char *m = malloc(TOUCH);
		for (long i = 0; m && i < TOUCH; i += 4096)
			m[i] = 1;
		burn(60);
		_exit(0);
	}
	/* the child has not been waited for: not counted yet */
	struct timespec ts = {0, 200 * 1000 * 1000};
	nanosleep(&ts, NULL);
	TAP_OK(getrusage(RUSAGE_CHILDREN, &rch) == 0 && us(rch.ru_utime) == 0 && rch.ru_maxrss == 0,
	       "RUSAGE_CHILDREN is zero before the wait");
	int st;
	TAP_OK(wait4(pid, &st, 0, &rc) == pid && us(rc.ru_utime) >= 50000 &&
		   rc.ru_maxrss >= TOUCH / 1024,
	       "wait4 reports the child's CPU time (%ld us) and peak RSS (%ld kB)", us(rc.ru_utime),
	       rc.ru_maxrss);
	TAP_OK(getrusage(RUSAGE_CHILDREN, &rch) == 0 && us(rch.ru_utime) >= 50000 &&
		   rch.ru_maxrss >= TOUCH / 1024,
	       "RUSAGE_CHILDREN counts it after the wait (%ld us)", us(rch.ru_utime));
	struct tms tm;
	long hz = sysconf(_SC_CLK_TCK);
	TAP_OK(times(&tm) != (clock_t)-1 && tm.tms_utime >= 5 * hz / 100 &&
		   tm.tms_cutime >= 5 * hz / 100,
	       "times: tms_utime %ld, tms_cutime %ld ticks", (long)tm.tms_utime,
	       (long)tm.tms_cutime);
	/* a child that only waits for its own busy child: its rusage holds the grandchild's
	 * time once (reaped by it), not twice */
	struct rusage before, after;
	getrusage(RUSAGE_CHILDREN, &before);
	pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0) {
			burn(60);
			_exit(0);
		}
		waitpid(g, NULL, 0);
		_exit(0);
	}
	long mid = -1;
	if (wait4(pid, &st, 0, &rc) == pid)
		mid = us(rc.ru_utime);
	getrusage(RUSAGE_CHILDREN, &after);
	long delta = us(after.ru_utime) - us(before.ru_utime);
	TAP_OK(mid >= 50000 && mid < 110000 && delta >= 50000 && delta < 110000,
	       "a grandchild's time is counted once (%ld us, children +%ld us)", mid, delta);
	TAP_ERRNO(getrusage(42, &r1), EINVAL, "an unknown who is EINVAL");
	TAP_ERRNO(getrusage(RUSAGE_SELF, tap_badptr()), EFAULT, "a bad pointer is EFAULT");
	return TAP_DONE();
}
