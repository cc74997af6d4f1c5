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

#endif
