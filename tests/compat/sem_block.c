/* sem_block.c - semaphores across processes: a decrement waits (GETNCNT counts it) until
 * another process increments; wait-for-zero (GETZCNT); semtimedop's timeout (EAGAIN); a
 * signal with a handler ends the wait with EINTR; IPC_RMID wakes waiters with EIDRM;
 * SEM_UNDO adjustments are applied when the process exits; permissions. */
/* syscalls: semget semop semtimedop semctl */
#include "sysv_setup.h"
#include <time.h>

int main(void)
{
	sysv_setup();
	TAP_PLAN(13);
	int s = semget(IPC_PRIVATE, 2, 0600);
	union semun arg;

	pid_t p = fork();
	if (p == 0)
		_exit(sysv_op1(s, 0, -2, 0) == 0 ? 0 : 1);
	TAP_OK(SYSV_WAIT_FOR(semctl(s, 0, GETNCNT) == 1), "a waiting decrement counts in GETNCNT");
	sysv_op1(s, 0, 1, 0);
	usleep(20000);
	TAP_OK(semctl(s, 0, GETNCNT) == 1 && semctl(s, 0, GETVAL) == 1,
	       "one increment is not enough: still waiting");
	sysv_op1(s, 0, 1, 0);
	TAP_OK(tap_exited(tap_wait(p), 0) && semctl(s, 0, GETVAL) == 0 &&
		       semctl(s, 0, GETNCNT) == 0,
	       "the second lets it through");

	arg.val = 3;
	semctl(s, 1, SETVAL, arg);
	p = fork();
	if (p == 0)
		_exit(sysv_op1(s, 1, 0, 0) == 0 ? 0 : 1);
	TAP_OK(SYSV_WAIT_FOR(semctl(s, 1, GETZCNT) == 1), "a wait-for-zero counts in GETZCNT");
	sysv_op1(s, 1, -3, 0);
	TAP_OK(tap_exited(tap_wait(p), 0), "reaching zero wakes it");

	struct sembuf b = { 0, -1, 0 };
	struct timespec ts = { 0, 100 * 1000000L };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	TAP_ERRNO(semtimedop(s, &b, 1, &ts), EAGAIN, "semtimedop times out: EAGAIN");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	TAP_OK(ms >= 90, "after the timeout (%ld ms)", ms);
	ts.tv_nsec = 1000000000L;
	TAP_ERRNO(semtimedop(s, &b, 1, &ts), EINVAL, "tv_nsec out of range: EINVAL");

	struct sigaction sa = { .sa_handler = sysv_noop_handler, .sa_flags = SA_RESTART };
	sigaction(SIGUSR1, &sa, NULL);
	p = fork();
	if (p == 0)
		_exit(sysv_op1(s, 0, -1, 0) < 0 && errno == EINTR ? 0 : 1);
	SYSV_WAIT_FOR(semctl(s, 0, GETNCNT) == 1);
	kill(p, SIGUSR1);
	TAP_OK(tap_exited(tap_wait(p), 0) && semctl(s, 0, GETNCNT) == 0,
	       "a signal ends the wait with EINTR, even under SA_RESTART");

	/* SEM_UNDO */
	p = fork();
	if (p == 0) {
		if (sysv_op1(s, 0, 5, SEM_UNDO) || sysv_op1(s, 1, 2, SEM_UNDO) || sysv_op1(s, 1, -1, SEM_UNDO))
			_exit(1);
		_exit(semctl(s, 0, GETVAL) == 5 && semctl(s, 1, GETVAL) == 1 ? 0 : 2);
	}
	TAP_OK(tap_exited(tap_wait(p), 0) && semctl(s, 0, GETVAL) == 0 &&
		       semctl(s, 1, GETVAL) == 0,
	       "SEM_UNDO adjustments are undone at exit");
	p = fork();
	if (p == 0) {
		sysv_op1(s, 0, 4, SEM_UNDO);
		arg.val = 7;
		semctl(s, 0, SETVAL, arg); /* clears the adjustment */
		_exit(0);
	}
	TAP_OK(tap_exited(tap_wait(p), 0) && semctl(s, 0, GETVAL) == 7,
	       "SETVAL clears the pending adjustment");

	/* EIDRM */
	int s2 = semget(IPC_PRIVATE, 1, 0600);
	p = fork();
	if (p == 0)
		_exit(sysv_op1(s2, 0, -1, 0) < 0 && errno == EIDRM ? 0 : 1);
	SYSV_WAIT_FOR(semctl(s2, 0, GETNCNT) == 1);
	semctl(s2, 0, IPC_RMID);
	TAP_OK(tap_exited(tap_wait(p), 0), "IPC_RMID wakes a waiter with EIDRM");

	/* permissions */
	int ro = semget(0x99, 1, IPC_CREAT | 0644);
	fflush(stdout);
	p = fork();
	if (p == 0) {
		if (sysv_drop_ids() < 0)
			_exit(100);
		int bits = 0;
		bits |= (semctl(ro, 0, GETVAL) == 0) << 0;
		bits |= (sysv_op1(ro, 0, 1, IPC_NOWAIT) < 0 && errno == EACCES) << 1;
		bits |= (semctl(ro, 0, IPC_RMID) < 0 && errno == EPERM) << 2;
		_exit(bits);
	}
	int st = tap_wait(p);
	TAP_OK(WIFEXITED(st) && WEXITSTATUS(st) == 7,
	       "another uid reads a 0644 set, may not alter it (EACCES) nor remove it (EPERM)");
	return TAP_DONE();
}
