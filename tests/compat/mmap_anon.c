/* mmap_anon.c - anonymous mappings: zero-filled, private across fork, shared with MAP_SHARED. */
/* syscalls: mmap munmap fork wait4 */
#include "tap.h"
#include <sys/mman.h>

int main(void)
{
	char *priv, *shr;
	int zero = 1;
	pid_t pid;

	TAP_PLAN(6);
	priv = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	TAP_OK(priv != MAP_FAILED && shr != MAP_FAILED && ((unsigned long)priv & 4095) == 0, "page-aligned maps");
	for (int i = 0; i < 8192; i++)
		zero &= priv[i] == 0;
	TAP_OK(zero, "zero-filled");
	priv[0] = 'p';
	shr[0] = 's';
	pid = fork();
	if (pid == 0) {
		priv[0] = 'c';
		shr[0] = 'c';
		_exit(0);
	}
	tap_wait(pid);
	TAP_OK(priv[0] == 'p', "MAP_PRIVATE: child's write invisible");
	TAP_OK(shr[0] == 'c', "MAP_SHARED anon: child's write visible");
	TAP_OK(munmap(priv, 8192) == 0, "munmap");
	TAP_ERRNO(munmap((void *)((unsigned long)shr + 1), 4096), EINVAL, "unaligned munmap -> EINVAL");
	return TAP_DONE();
}
