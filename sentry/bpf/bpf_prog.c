/* sentry/bpf/bpf_prog.c - loaded eBPF programs (bpf_prog.h): the id table, reference
 * counts, the "bpf-prog" anonymous files and their fdinfo, the info record, runs.
 *
 * Owns every struct bpf_prog. Knows nothing of cgroups (bpf_cgroup.c) nor of guest
 * memory (sys_bpf.c copies in and out). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/log.h"
#include "common/sha256.h"
#include "sentry/bpf/bpf_interp.h"
#include "sentry/bpf/bpf_prog.h"
#include "vfs/file.h"
#include "vfs/fs/procfs.h"

long bpf_prog_live;
static struct list_head progs = LIST_HEAD_INIT(progs); /* by id */
static uint32_t last_id;

int bpf_prog_new(uint32_t type, uint32_t expected_attach_type, struct bpf_insn *insns, uint32_t len,
		 struct bpf_prog **out)
{
	if (last_id >= INT32_MAX) { /* Linux's idr range [1, INT_MAX) */
		free(insns);
		return -ENOSPC;
	}
	struct bpf_prog *p = calloc(1, sizeof(*p));
	if (!p) {
		free(insns);
		return -ENOMEM;
	}
	p->refs = 1;
	p->id = ++last_id;
	p->type = type;
	p->expected_attach_type = expected_attach_type;
	p->insns = insns;
	p->len = len;
	uint8_t digest[32];
	sha256(insns, (size_t)len * sizeof(*insns), digest);
	memcpy(p->tag, digest, sizeof(p->tag));
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	p->load_time = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	list_add_tail(&p->link, &progs);
	bpf_prog_live++;
	*out = p;
	return 0;
}

void bpf_prog_get(struct bpf_prog *p)
{
	p->refs++;
}

void bpf_prog_put(struct bpf_prog *p)
{
	if (!p || --p->refs > 0)
		return;
	list_del(&p->link);
	free(p->insns);
	free(p);
	bpf_prog_live--;
}

struct bpf_prog *bpf_prog_find(uint32_t id)
{
	struct bpf_prog *p;
	list_for_each_entry(p, &progs, link) if (p->id == id) return p;
	return NULL;
}

uint32_t bpf_prog_next_id(uint32_t start)
{
	struct bpf_prog *p;
	list_for_each_entry(p, &progs, link) if (p->id > start) return p->id;
	return 0;
}

static void prog_release(struct vfs_file *f)
{
	bpf_prog_put(f->priv);
	f->priv = NULL;
}

/* Linux's bpf_prog_show_fdinfo (no JIT, no run-time statistics). */
static void prog_show_fdinfo(struct vfs_file *f, struct proc_buf *b)
{
	const struct bpf_prog *p = f->priv;
	char tag[2 * BPF_TAG_SIZE + 1];
	for (int i = 0; i < BPF_TAG_SIZE; i++)
		snprintf(tag + 2 * i, 3, "%02x", p->tag[i]);
	proc_buf_printf(b,
			"prog_type:\t%u\nprog_jited:\t0\nprog_tag:\t%s\nmemlock:\t%u\n"
			"prog_id:\t%u\nrun_time_ns:\t0\nrun_cnt:\t0\nrecursion_misses:\t0\n"
			"verified_insns:\t%u\n",
			p->type, tag, 4096 * ((p->len * 8 + 4095) / 4096), p->id,
			p->verified_insns);
}

static const struct vfs_file_ops prog_file_ops = {
    .release = prog_release,
    .show_fdinfo = prog_show_fdinfo,
};

struct vfs_file *bpf_prog_file_new(struct bpf_prog *p)
{
	struct vfs_file *f = vfs_file_new_anon(&prog_file_ops, p, O_RDWR, "bpf-prog");
	if (f)
		bpf_prog_get(p);
	return f;
}

struct bpf_prog *bpf_prog_of_file(struct vfs_file *f)
{
	return f && f->ops == &prog_file_ops ? f->priv : NULL;
}

void bpf_prog_fill_info(const struct bpf_prog *p, struct bpf_prog_info *info)
{
	info->type = p->type;
	info->id = p->id;
	memcpy(info->tag, p->tag, sizeof(info->tag));
	info->xlated_prog_len = p->len * (uint32_t)sizeof(struct bpf_insn);
	info->load_time = p->load_time;
	info->created_by_uid = p->uid;
	memcpy(info->name, p->name, sizeof(info->name));
	info->gpl_compatible = p->gpl;
	info->verified_insns = p->verified_insns;
}

uint64_t bpf_prog_run(const struct bpf_prog *p, const void *ctx, size_t size)
{
	int fault = 0;
	uint64_t r = bpf_interp_run(p->insns, p->len, ctx, size, &fault);
	if (fault)
		log_warn("bpf: program %u faulted (a verifier bug): denied", p->id);
	return r;
}
