/* sentry/bpf/bpf_prog.h - loaded eBPF programs: the objects, their ids (Linux's prog_idr:
 * BPF_PROG_GET_FD_BY_ID, BPF_PROG_GET_NEXT_ID), their files ("anon_inode:bpf-prog" with
 * Linux's fdinfo), their info (BPF_OBJ_GET_INFO_BY_FD) and running them.
 *
 * References: each program file holds one on its program, each cgroup attachment
 * (bpf_cgroup.c) one; a program is freed, and its id released, with the last. */
#ifndef CVISOR_SENTRY_BPF_PROG_H
#define CVISOR_SENTRY_BPF_PROG_H
#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>
#include "common/list.h"

struct vfs_file;

struct bpf_prog {
	int refs;
	uint32_t id; /* 1.. in load order, never reused while the Sentry lives */
	uint32_t type, expected_attach_type;
	uint32_t len; /* insns */
	struct bpf_insn *insns;
	char name[BPF_OBJ_NAME_LEN];
	uint8_t tag[BPF_TAG_SIZE]; /* Linux 6.17+: the first bytes of the SHA-256 of the insns */
	uint64_t load_time;	   /* ns since boot */
	uint32_t uid;		   /* created_by_uid */
	bool gpl;
	uint32_t verified_insns;
	struct list_head link; /* the table, by id */
};

/* A new program (one reference) owning @insns (malloc'd, taken even on failure), with an
 * id. 0 and *@out, -ENOSPC (ids exhausted) or -ENOMEM. */
int bpf_prog_new(uint32_t type, uint32_t expected_attach_type, struct bpf_insn *insns, uint32_t len,
		 struct bpf_prog **out);
void bpf_prog_get(struct bpf_prog *p);
void bpf_prog_put(struct bpf_prog *p);
/* The live program of id @id (borrowed) or NULL. */
struct bpf_prog *bpf_prog_find(uint32_t id);
/* The smallest live id above @start, 0 when none. */
uint32_t bpf_prog_next_id(uint32_t start);
/* A new file (one reference) for @p, which it holds a reference on; NULL on ENOMEM. */
struct vfs_file *bpf_prog_file_new(struct bpf_prog *p);
/* The program of a program file (borrowed), NULL for any other file. */
struct bpf_prog *bpf_prog_of_file(struct vfs_file *f);
/* Fills @info (zeroed by the caller) with what BPF_OBJ_GET_INFO_BY_FD reports of @p. */
void bpf_prog_fill_info(const struct bpf_prog *p, struct bpf_prog_info *info);
/* Runs @p on @ctx (@size bytes). */
uint64_t bpf_prog_run(const struct bpf_prog *p, const void *ctx, size_t size);
/* Live programs (unit tests' leak check). */
extern long bpf_prog_live;

#endif
