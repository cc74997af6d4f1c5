/* sentry/exec_layout.c - where exec places the new program, as Linux's load_elf_binary on
 * x86-64: a PIE with an interpreter at ELF_ET_DYN_BASE (plus arch_mmap_rnd() under ASLR),
 * the program break just after the main binary's bss (one page further and randomized
 * under full ASLR; in the ELF_ET_DYN_BASE region for an ET_DYN without interpreter). The
 * host kernel placed the stub loader's own break; prctl(PR_SET_MM_MAP), injected into the
 * stub, moves it (it needs no capability). ASLR follows the host's randomize_va_space
 * (the host kernel places the stub's other mappings) and the process's personality
 * (ADDR_NO_RANDOMIZE). Owns nothing; must not touch anything but the exec'ing stub. */
#include "sentry/task.h"
#include "sentry/exec.h"
#include "platform/stub_layout.h"
#include "vfs/fs/procfs.h"
#include "common/log.h"
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/prctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>

#define PAGE_UP(x) (((x) + 4095UL) & ~4095UL)
#define PAGE_DOWN(x) ((x) & ~4095UL)
#define ELF_ET_DYN_BASE 0x555555554aaaUL /* DEFAULT_MAP_WINDOW / 3 * 2 */
#define BRK_RND_RANGE (1UL << 30)        /* arch_randomize_brk, 64-bit (older kernels: 32 MiB) */
#define MMAP_MIN_ADDR 65536UL
#define TASK_SIZE_MAX 0x7ffffffff000UL

/* A small integer sysctl of the host (under /proc, readable after confinement). */
static int host_sysctl_int(const char *path, int dflt)
{
	struct proc_buf b = { 0 };
	int v = dflt;
	if (proc_read_host(path, &b) == 0 && b.len) {
		char tmp[16] = { 0 };
		memcpy(tmp, b.data, b.len < sizeof(tmp) - 1 ? b.len : sizeof(tmp) - 1);
		v = atoi(tmp);
	}
	free(b.data);
	return v;
}

/* Linux's randomize_va_space for @tg's next program: 0 under ADDR_NO_RANDOMIZE. */
static int aslr_level(const struct thread_group *tg)
{
	static int level = -1;
	if (level < 0)
		level = host_sysctl_int("/proc/sys/kernel/randomize_va_space", 2);
	return (tg->personality & ADDR_NO_RANDOMIZE) ? 0 : level;
}

static uint64_t rnd64(void)
{
	uint64_t r = 0;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint64_t)sentry_now_ns() * 0x9e3779b97f4a7c15ULL;
	return r;
}

/* Linux's randomize_page: a page in [@start, @start + @range). */
static uint64_t randomize_page(uint64_t start, uint64_t range)
{
	if (start & 4095) {
		range -= PAGE_UP(start) - start;
		start = PAGE_UP(start);
	}
	range >>= 12;
	return range ? start + (rnd64() % range << 12) : start;
}

/* See exec.h. */
uint64_t exec_layout_pie_bias(const struct thread_group *tg, const struct exec_binary *b)
{
	static int rnd_bits = -1;
	uint64_t align = 4096, first = UINT64_MAX;
	for (int i = 0; i < b->ehdr.e_phnum; i++) {
		const Elf64_Phdr *p = &b->phdrs[i];
		if (p->p_type != PT_LOAD)
			continue;
		if (first == UINT64_MAX)
			first = p->p_vaddr;
		/* maximum_alignment: powers of two only */
		if (p->p_align && !(p->p_align & (p->p_align - 1)) && p->p_align > align)
			align = p->p_align;
	}
	if (first == UINT64_MAX || align > (1UL << 30))
		return 0;
	uint64_t bias = ELF_ET_DYN_BASE;
	if (aslr_level(tg)) {
		if (rnd_bits < 0)
			rnd_bits = host_sysctl_int("/proc/sys/vm/mmap_rnd_bits", 28);
		if (rnd_bits < 8 || rnd_bits > 32)
			rnd_bits = 28;
		bias += (rnd64() & ((1UL << rnd_bits) - 1)) << 12; /* arch_mmap_rnd */
	}
	bias &= ~(align - 1);
	return PAGE_DOWN(bias - first);
}

/* The code/data bounds and the end of the bss of @b, as load_elf_binary computes them. */
static void elf_bounds(const struct exec_binary *b, struct prctl_mm_map *m, uint64_t *elf_brk)
{
	uint64_t start_code = UINT64_MAX, end_code = 0, start_data = 0, end_data = 0, brk = 0;
	for (int i = 0; i < b->ehdr.e_phnum; i++) {
		const Elf64_Phdr *p = &b->phdrs[i];
		if (p->p_type != PT_LOAD)
			continue;
		uint64_t k = p->p_vaddr;
		if ((p->p_flags & PF_X) && k < start_code)
			start_code = k;
		if (start_data < k)
			start_data = k;
		k = p->p_vaddr + p->p_filesz;
		if ((p->p_flags & PF_X) && end_code < k)
			end_code = k;
		if (end_data < k)
			end_data = k;
		k = p->p_vaddr + p->p_memsz;
		if (k > brk)
			brk = k;
	}
	m->start_code = start_code + b->bias;
	m->end_code = end_code + b->bias;
	m->start_data = start_data + b->bias;
	m->end_data = end_data + b->bias;
	*elf_brk = PAGE_UP(brk + b->bias);
}

static bool user_addr_ok(uint64_t a)
{
	return a >= MMAP_MIN_ADDR && a < TASK_SIZE_MAX;
}

/* See exec.h. */
int exec_layout_set_mm(struct task *t, const struct exec_state *es, uint64_t sp)
{
	const struct thread_group *tg = t->tg;
	struct prctl_mm_map m;
	uint64_t brk;

	memset(&m, 0, sizeof(m));
	elf_bounds(&es->exe, &m, &brk);
	if (aslr_level(tg) > 1) {
		if (es->exe.ehdr.e_type == ET_DYN && !es->interp.file)
			brk = ELF_ET_DYN_BASE; /* out of the mmap region, as Linux */
		else
			brk += 4096; /* a gap between the bss and the break */
		brk = randomize_page(brk, BRK_RND_RANGE);
	}
	m.start_brk = m.brk = brk;
	m.start_stack = sp;
	m.arg_start = tg->arg_start ? tg->arg_start : sp;
	m.arg_end = tg->arg_start ? tg->arg_end : sp;
	m.env_start = tg->env_start ? tg->env_start : m.arg_end;
	m.env_end = tg->env_start ? tg->env_end : m.arg_end;
	m.exe_fd = (uint32_t)-1;
	/* PR_SET_MM_MAP's own checks; a binary without code keeps the loader's break */
	if (m.start_code >= m.end_code || m.start_data > m.end_data || !user_addr_ok(m.start_code) ||
	    !user_addr_ok(m.end_code) || !user_addr_ok(m.start_data) || !user_addr_ok(m.end_data) ||
	    !user_addr_ok(brk))
		return -EINVAL;
	int err = guest_copy_out_force(&t->mem, STUB_SCRATCH_ADDR, &m, sizeof(m));
	if (err)
		return err;
	long r = stub_inject(t, SYS_prctl, PR_SET_MM, PR_SET_MM_MAP, STUB_SCRATCH_ADDR, sizeof(m),
			     0, 0);
	return r < 0 ? (int)r : 0;
}
