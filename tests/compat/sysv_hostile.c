/* sysv_hostile.c - SysV IPC calls with hostile arguments get Linux's errno: huge sizes
 * (shmget ENOMEM/EINVAL, msgsnd/msgrcv EINVAL), bad pointers (EFAULT), absurd counts
 * (semop E2BIG), addresses beyond the user range (shmat), LONG_MIN message types. */
/* syscalls: shmget shmat shmdt semget semop semctl msgget msgsnd msgrcv msgctl */
#include "sysv_setup.h"
#include <limits.h>

int main(void)
{
	sysv_setup();
	TAP_PLAN(15);
	TAP_ERRNO(shmget(IPC_PRIVATE, (size_t)tap_opaque(LONG_MAX), 0600), ENOMEM,
		  "shmget of 2^63 bytes: ENOMEM (more than RAM + swap)");
	TAP_ERRNO(shmget(IPC_PRIVATE, (size_t)tap_opaque(-1L), 0600), EINVAL,
		  "shmget of SIZE_MAX: above shmmax, EINVAL");
	int id = shmget(IPC_PRIVATE, 4096, 0600);
	TAP_ERRNO(shmat(id, (void *)tap_opaque(0x7ffffffff000L << 4), 0), ENOMEM,
		  "shmat at a non-canonical address: ENOMEM");
	TAP_ERRNO(shmat(id, (void *)tap_opaque(-4096L), 0), EINVAL,
		  "shmat wrapping around the address space: EINVAL");
	TAP_ERRNO(shmat(id, (void *)tap_opaque(-4096L), SHM_REMAP), ENOMEM,
		  "the same with SHM_REMAP: ENOMEM (mmap's answer)");
	TAP_ERRNO(shmdt((void *)tap_opaque(1)), EINVAL, "shmdt of an unaligned address: EINVAL");
	TAP_ERRNO(shmctl(id, IPC_STAT, tap_badptr()), EFAULT, "shmctl IPC_STAT to a bad pointer");

	int s = semget(IPC_PRIVATE, 4, 0600);
	TAP_ERRNO(syscall(SYS_semop, s, tap_opaque(0), tap_opaque(LONG_MAX)), E2BIG,
		  "semop with LONG_MAX operations: E2BIG");
	union semun arg = { .array = tap_badptr() };
	TAP_ERRNO(semctl(s, 0, SETALL, arg), EFAULT, "SETALL from a bad pointer: EFAULT");
	TAP_ERRNO(semctl(s, 0, GETALL, arg), EFAULT, "GETALL to a bad pointer: EFAULT");
	TAP_ERRNO(semctl(s, -1, GETVAL), EINVAL, "a negative semnum: EINVAL");

	int q = msgget(IPC_PRIVATE, 0600);
	struct {
		long type;
		char text[8];
	} m = { 5, "x" };
	TAP_ERRNO(syscall(SYS_msgsnd, q, &m, tap_opaque(-1L), IPC_NOWAIT), EINVAL,
		  "msgsnd of a negative size: EINVAL");
	TAP_ERRNO(syscall(SYS_msgrcv, q, &m, tap_opaque(-1L), 0, IPC_NOWAIT), EINVAL,
		  "msgrcv of a negative size: EINVAL");
	msgsnd(q, &m, 2, 0);
	TAP_OK(msgrcv(q, &m, sizeof(m.text), LONG_MIN, IPC_NOWAIT) == 2 && m.type == 5,
	       "msgrcv with type LONG_MIN takes any type");
	TAP_ERRNO(msgrcv(q, tap_badptr(), 8, 0, IPC_NOWAIT), ENOMSG,
		  "an empty queue answers ENOMSG before touching the buffer");
	return TAP_DONE();
}
