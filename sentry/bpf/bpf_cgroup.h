/* sentry/bpf/bpf_cgroup.h - BPF_CGROUP_DEVICE programs attached to cgroups (Linux's
 * kernel/bpf/cgroup.c for that one attach type): attach with flags 0 /
 * BPF_F_ALLOW_OVERRIDE / BPF_F_ALLOW_MULTI [| BPF_F_REPLACE], detach, query, the
 * effective programs of a cgroup, and the device check the VFS asks for on opens and
 * mknod of device nodes.
 *
 * References: each attachment holds one on its program. The attachments of a cgroup
 * hang off cg->bpf and are dropped when the cgroup is removed (bpf_cgroup_release). */
#ifndef CVISOR_SENTRY_BPF_CGROUP_H
#define CVISOR_SENTRY_BPF_CGROUP_H
#include <stdbool.h>
#include <stdint.h>

struct cgroup;
struct bpf_prog;

/* Linux's BPF_CGROUP_MAX_PROGS. */
#define BPF_CGROUP_MAX_PROGS 64

/* Attaches @prog to @cg (Linux's __cgroup_bpf_attach): @replace (with BPF_F_REPLACE)
 * names the attached program it takes the place of. 0, -EINVAL (bad flag combination,
 * @prog already attached in multi mode), -EPERM (the flags of @cg or an ancestor do not
 * allow it), -E2BIG (64 programs), -ENOENT (@replace not attached), -ENOMEM. Takes its
 * own reference on @prog. */
int bpf_cgroup_attach(struct cgroup *cg, struct bpf_prog *prog, struct bpf_prog *replace,
		      uint32_t flags);
/* Detaches @prog (NULL: an invalid fd) from @cg (Linux's __cgroup_bpf_detach). 0,
 * -ENOENT (not attached / nothing attached), -EINVAL (multi mode needs a program). */
int bpf_cgroup_detach(struct cgroup *cg, struct bpf_prog *prog);
/* BPF_PROG_QUERY: the ids of the programs attached to @cg (@effective: those that run
 * for its tasks, in run order) into @ids (room for @max), their number in *@total and
 * @cg's attach flags (0 for @effective) in *@flags. Returns how many were stored. */
uint32_t bpf_cgroup_query(struct cgroup *cg, bool effective, uint32_t *ids, uint32_t max,
			  uint32_t *total, uint32_t *flags);
/* Linux's __cgroup_bpf_check_dev_permission: runs the effective programs of @cg (NULL:
 * the root) on a device access (@type BPF_DEVCG_DEV_*, @access BPF_DEVCG_ACC_* bits).
 * 0, or -EPERM when one of them returns an even value. */
int bpf_cgroup_dev_check(struct cgroup *cg, unsigned type, unsigned major, unsigned minor,
			 unsigned access);
/* @cg was removed: detaches every program. */
void bpf_cgroup_release(struct cgroup *cg);

#endif
