/* sentry/exec.h - state of an exec in progress (exec.c, exec_load.c). */
#ifndef CVISOR_SENTRY_EXEC_H
#define CVISOR_SENTRY_EXEC_H
#include <elf.h>
#include <stdbool.h>
#include "vfs/vfs.h"

struct exec_binary {
	struct vfs_file *file; /* reference held */
	Elf64_Ehdr ehdr;
	Elf64_Phdr *phdrs;
	uint64_t bias;
};

struct exec_state {
	char **argv, **envp;  /* Sentry copies */
	struct exec_binary exe, interp;
	char execfn[4096];    /* the path as the app gave it (AT_EXECFN) */
	char exe_path[4096];  /* absolute path in the VFS (/proc/self/exe) */
	bool boot;            /* the sandbox's first exec: the stub's own execveat */
	uint64_t held_sigs;   /* signals that stopped the loader image: sent again after */
};

void exec_state_free(struct exec_state *es);

/* exec_layout.c: the load bias Linux gives the PIE @b run with an interpreter
 * (ELF_ET_DYN_BASE, randomized under ASLR); 0 when @b has nothing to load. */
uint64_t exec_layout_pie_bias(const struct thread_group *tg, const struct exec_binary *b);
/* Moves the stub's program break just after the new program's bss (randomized under
 * ASLR as Linux does) and records its code, data, stack, argument and environment bounds
 * (prctl PR_SET_MM_MAP injected into @t, at its stack pointer @sp). 0 or -errno: the
 * break then stays where the host put it for the loader image. */
int exec_layout_set_mm(struct task *t, const struct exec_state *es, uint64_t sp);

#endif
