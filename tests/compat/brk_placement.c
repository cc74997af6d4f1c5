/* brk_placement.c - where execve puts a dynamically linked PIE and its program break
 * (load_elf_binary): the break starts just after the bss (&end, page aligned) and the
 * program at ELF_ET_DYN_BASE (0x555555554000) under personality(ADDR_NO_RANDOMIZE); with
 * randomize_va_space 2 the break is randomized within 1 GiB (32 MiB on older kernels)
 * past the bss, and the base within the mmap randomization past ELF_ET_DYN_BASE. */
/* syscalls: brk execve personality */
#include "tap.h"
#include <link.h>
#include <stdint.h>
#include <sys/personality.h>

extern char end;

#define DYN_BASE 0x555555554000UL
#define PAGE_UP(x) (((x) + 4095UL) & ~4095UL)

static int phdr_cb(struct dl_phdr_info *i, size_t s, void *d)
{
	*(uintptr_t *)d = i->dlpi_addr;
	return 1; /* the first object is the program */
}

static uintptr_t load_base(void)
{
	uintptr_t base = 0;
	dl_iterate_phdr(phdr_cb, &base);
	return base;
}

static int randomize_level(void)
{
	char buf[8] = { 0 };
	int fd = open("/proc/sys/kernel/randomize_va_space", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

int main(int argc, char **argv)
{
	uintptr_t brk0 = (uintptr_t)sbrk(0); /* before anything allocates */
	uintptr_t bss_end = PAGE_UP((uintptr_t)&end);
	uintptr_t base = load_base();

	if (argc > 1 && strcmp(argv[1], "norandom") == 0)
		/* exit status: bit 0 brk, bit 1 base */
		return (brk0 == bss_end ? 0 : 1) | (base == DYN_BASE ? 0 : 2);
	if (base == 0)
		TAP_SKIP_ALL("not built as a PIE");

	TAP_PLAN(4);
	int level = randomize_level();
	TAP_OK(level >= 0 && level <= 2, "randomize_va_space is readable (%d)", level);
	if (level == 2)
		TAP_OK(brk0 >= bss_end && brk0 < bss_end + (1UL << 30) + 4096 && !(brk0 & 4095),
		       "the break starts within 1 GiB past the bss (+%#lx)",
		       (unsigned long)(brk0 - bss_end));
	else
		TAP_OK(brk0 == bss_end, "the break starts right after the bss");
	if (level >= 1)
		TAP_OK(base >= DYN_BASE && base < DYN_BASE + (1UL << 44) && !(base & 4095),
		       "the PIE sits in the ELF_ET_DYN_BASE region (%#lx)", (unsigned long)base);
	else
		TAP_OK(base == DYN_BASE, "the PIE sits at ELF_ET_DYN_BASE");

	pid_t pid = fork();
	if (pid == 0) {
		if (personality(PER_LINUX | ADDR_NO_RANDOMIZE) < 0)
			_exit(10);
		execl("/proc/self/exe", argv[0], "norandom", (char *)NULL);
		_exit(11);
	}
	int st = tap_wait(pid);
	TAP_OK(tap_exited(st, 0),
	       "ADDR_NO_RANDOMIZE: the break is &end page aligned, the PIE at 0x555555554000 "
	       "(status %d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return TAP_DONE();
}
