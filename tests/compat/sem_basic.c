/* sem_basic.c - System V semaphores without waiting: semget (nsems checks, EEXIST,
 * ENOENT), semop atomicity (all or nothing), IPC_NOWAIT (EAGAIN), ERANGE above SEMVMX,
 * EFBIG, E2BIG (nsops > SEMOPM), EINVAL (nsops 0), semctl GETVAL/SETVAL/GETALL/SETALL/
 * GETPID/GETNCNT/GETZCNT/IPC_STAT/IPC_SET/IPC_RMID and their errors. */
/* syscalls: semget semop semctl */
#include "sysv_setup.h"

int main(void)
{
	sysv_setup();
	TAP_PLAN(27);
	union semun arg;
	struct semid_ds ds;

	TAP_ERRNO(semget(0x42, 3, 0600), ENOENT, "missing key without IPC_CREAT: ENOENT");
	TAP_ERRNO(semget(0x42, 0, IPC_CREAT | 0600), EINVAL, "creating 0 semaphores: EINVAL");
	TAP_ERRNO(semget(0x42, 32001, IPC_CREAT | 0600), EINVAL, "more than SEMMSL: EINVAL");
	int s = semget(0x42, 3, IPC_CREAT | 0600);
	TAP_OK(s >= 0, "semget creates a set of 3");
	TAP_OK(semget(0x42, 2, 0600) == s && semget(0x42, 0, 0) == s, "fewer or 0 finds it");
	TAP_ERRNO(semget(0x42, 4, 0600), EINVAL, "more than the set has: EINVAL");
	TAP_ERRNO(semget(0x42, 3, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "IPC_EXCL: EEXIST");

	TAP_OK(semctl(s, 0, GETVAL) == 0 && semctl(s, 2, GETVAL) == 0, "new semaphores are 0");
	arg.val = 5;
	TAP_OK(semctl(s, 1, SETVAL, arg) == 0 && semctl(s, 1, GETVAL) == 5 &&
		       semctl(s, 1, GETPID) == getpid(),
	       "SETVAL, GETVAL, GETPID");
	arg.val = 32768;
	TAP_ERRNO(semctl(s, 1, SETVAL, arg), ERANGE, "SETVAL above SEMVMX: ERANGE");
	arg.val = 1;
	TAP_ERRNO(semctl(s, 3, SETVAL, arg), EINVAL, "semnum out of range: EINVAL");
	unsigned short vals[3] = { 1, 2, 3 }, got[3] = { 0 };
	arg.array = vals;
	TAP_OK(semctl(s, 0, SETALL, arg) == 0, "SETALL");
	arg.array = got;
	TAP_OK(semctl(s, 0, GETALL, arg) == 0 && got[0] == 1 && got[1] == 2 && got[2] == 3,
	       "GETALL reads them back");

	struct sembuf two[2] = { { 0, -1, 0 }, { 2, -4, IPC_NOWAIT } };
	TAP_ERRNO(semop(s, two, 2), EAGAIN, "one op would wait under IPC_NOWAIT: EAGAIN");
	TAP_OK(semctl(s, 0, GETVAL) == 1, "and nothing was applied (all or nothing)");
	struct sembuf seq[3] = { { 0, -1, 0 }, { 0, 0, 0 }, { 1, 3, 0 } };
	TAP_OK(semop(s, seq, 3) == 0 && semctl(s, 0, GETVAL) == 0 && semctl(s, 1, GETVAL) == 5,
	       "operations apply in order (wait-for-zero sees the decrement)");
	TAP_ERRNO(sysv_op1(s, 0, 0, 0) == 0 ? sysv_op1(s, 1, 0, IPC_NOWAIT) : 0, EAGAIN,
		  "wait-for-zero of a non-zero semaphore with IPC_NOWAIT: EAGAIN");
	TAP_ERRNO(sysv_op1(s, 1, 32767, 0), ERANGE, "a result above SEMVMX: ERANGE");
	TAP_ERRNO(sysv_op1(s, 3, 1, 0), EFBIG, "sem_num beyond the set: EFBIG");
	struct sembuf many[501];
	memset(many, 0, sizeof(many));
	TAP_ERRNO(semop(s, many, 501), E2BIG, "more than SEMOPM operations: E2BIG");
	TAP_ERRNO(semop(s, many, 0), EINVAL, "no operation: EINVAL");
	TAP_ERRNO(semop(s, tap_badptr(), 1), EFAULT, "bad sops: EFAULT");
	TAP_OK(semctl(s, 0, GETNCNT) == 0 && semctl(s, 0, GETZCNT) == 0, "nobody waits");

	arg.buf = &ds;
	TAP_OK(semctl(s, 0, IPC_STAT, arg) == 0 && ds.sem_nsems == 3 && ds.sem_perm.mode == 0600 &&
		       ds.sem_perm.__key == 0x42 && ds.sem_otime > 0 && ds.sem_ctime > 0,
	       "IPC_STAT: nsems, mode, key, otime, ctime");
	ds.sem_perm.mode = 0644;
	TAP_OK(semctl(s, 0, IPC_SET, arg) == 0 && semctl(s, 0, IPC_STAT, arg) == 0 &&
		       ds.sem_perm.mode == 0644,
	       "IPC_SET changes the mode");
	TAP_OK(semctl(s, 0, IPC_RMID) == 0, "IPC_RMID");
	TAP_ERRNO(semctl(s, 0, GETVAL), EINVAL, "the removed id: EINVAL");
	return TAP_DONE();
}
