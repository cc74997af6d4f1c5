/* shm_basic.c - System V shared memory: shmget (sizes, keys), two attachments share the
 * same memory, SHM_RDONLY (a store faults), SHM_RND, a fixed address, shm_nattch,
 * IPC_RMID deferred until the last detach (SHM_DEST, key 0), shmdt errors, shmctl
 * IPC_STAT/IPC_SET and argument errors, SHM_REMAP replacing an attachment, munmap(2)
 * instead of shmdt. */
/* syscalls: shmget shmat shmdt shmctl */
#include "sysv_setup.h"
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static void on_segv(int sig)
{
	siglongjmp(jb, 1);
}

static int nattch(int id)
{
	struct shmid_ds ds;
	return shmctl(id, IPC_STAT, &ds) < 0 ? -1 : (int)ds.shm_nattch;
}

int main(void)
{
	sysv_setup();
	TAP_PLAN(28);
	struct shmid_ds ds;

	TAP_ERRNO(shmget(0x51, 4096, 0600), ENOENT, "missing key: ENOENT");
	TAP_ERRNO(shmget(0x51, 0, IPC_CREAT | 0600), EINVAL, "size 0: EINVAL");
	int id = shmget(0x51, 10000, IPC_CREAT | 0600);
	TAP_OK(id >= 0, "shmget creates a 10000-byte segment");
	TAP_ERRNO(shmget(0x51, 20000, 0600), EINVAL, "asking for more than it has: EINVAL");
	TAP_OK(shmget(0x51, 100, 0600) == id, "a smaller size finds it");
	TAP_OK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 10000 && ds.shm_nattch == 0 &&
		       ds.shm_cpid == getpid() && ds.shm_perm.mode == 0600 &&
		       ds.shm_perm.__key == 0x51,
	       "IPC_STAT: size, nattch, cpid, mode, key");

	char *a = shmat(id, NULL, 0), *b = shmat(id, NULL, 0);
	TAP_OK(a != (void *)-1 && b != (void *)-1 && a != b, "two attachments");
	TAP_OK(a[0] == 0 && a[9999] == 0, "new memory is zeroed");
	strcpy(a, "shared");
	b[9000] = 'z';
	TAP_OK(!strcmp(b, "shared") && a[9000] == 'z', "both see the same memory");
	TAP_OK(nattch(id) == 2 && shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_lpid == getpid() &&
		       ds.shm_atime > 0,
	       "shm_nattch 2, lpid and atime set");

	char *r = shmat(id, NULL, SHM_RDONLY);
	TAP_OK(r != (void *)-1 && !strcmp(r, "shared"), "SHM_RDONLY attaches for reading");
	struct sigaction sa = { .sa_handler = on_segv };
	sigaction(SIGSEGV, &sa, NULL);
	volatile int faulted = 0;
	if (!sigsetjmp(jb, 1))
		r[0] = 'X';
	else
		faulted = 1;
	TAP_OK(faulted && a[0] == 's', "a store through SHM_RDONLY faults");
	TAP_ERRNO(mprotect(r, 4096, PROT_READ | PROT_WRITE), EACCES,
		  "mprotect cannot make SHM_RDONLY writable: EACCES");
	TAP_OK(shmdt(r) == 0, "shmdt");

	/* a fixed address, rounded */
	char *fixed = mmap(NULL, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(fixed, 3 * 4096);
	TAP_ERRNO(shmat(id, fixed + 100, 0), EINVAL, "an unaligned address without SHM_RND: EINVAL");
	char *c = shmat(id, fixed + 100, SHM_RND);
	TAP_OK(c == fixed && !strcmp(c, "shared"), "SHM_RND rounds down to SHMLBA");
	TAP_ERRNO(shmat(id, fixed, 0), EINVAL, "over an existing mapping without SHM_REMAP: EINVAL");
	TAP_ERRNO(shmdt(c + 4096), EINVAL, "shmdt inside a segment: EINVAL");
	TAP_OK(shmat(id, c, SHM_REMAP) == c && nattch(id) == 3,
	       "SHM_REMAP over an attachment replaces it (nattch unchanged)");
	shmdt(c);

	/* deferred removal */
	TAP_OK(shmctl(id, IPC_RMID, NULL) == 0 && shmctl(id, IPC_STAT, &ds) == 0 &&
		       (ds.shm_perm.mode & SHM_DEST) && ds.shm_perm.__key == 0 &&
		       ds.shm_nattch == 2,
	       "IPC_RMID while attached: SHM_DEST, key 0, still there");
	TAP_OK(shmget(0x51, 100, 0600) < 0 && errno == ENOENT, "its key no longer finds it");
	shmdt(b);
	TAP_OK(!strcmp(a, "shared") && nattch(id) == 1, "still usable after the other detach");
	shmdt(a);
	TAP_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL, "the last detach destroys it");
	TAP_ERRNO(shmdt(a), EINVAL, "shmdt of nothing: EINVAL");
	TAP_ERRNO(shmctl(-1, IPC_STAT, &ds), EINVAL, "negative id: EINVAL");

	/* munmap(2) instead of shmdt */
	int id2 = shmget(IPC_PRIVATE, 8192, 0600);
	char *x = shmat(id2, NULL, 0), *y = shmat(id2, NULL, 0);
	TAP_OK(x != (void *)-1 && y != (void *)-1 && munmap(y, 8192) == 0 && nattch(id2) == 1,
	       "an attachment removed by munmap no longer counts");
	shmctl(id2, IPC_RMID, NULL);
	TAP_OK(munmap(x + 4096, 4096) == 0 && nattch(id2) == 1, "a partly unmapped one still does");
	munmap(x, 4096);
	TAP_ERRNO(shmctl(id2, IPC_STAT, &ds), EINVAL,
		  "unmapping the last one destroys a removed segment");
	return TAP_DONE();
}
