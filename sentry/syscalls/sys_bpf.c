/* sentry/syscalls/sys_bpf.c - bpf(2) for BPF_PROG_TYPE_CGROUP_DEVICE programs: load
 * (verifier: sentry/bpf/bpf_verifier.c), attach / detach / query on cgroup2 directories
 * (sentry/bpf/bpf_cgroup.c), program ids and info (sentry/bpf/bpf_prog.c). Also loads
 * BPF_PROG_TYPE_CGROUP_SKB programs that do not read their context (cilium/ebpf probes
 * BPF_PROG_ATTACH support with one) but cannot attach them: the Sentry has no packet hooks.
 * The Sentry has no maps, BTF or links: BPF_MAP_CREATE says EINVAL (a map type this
 * kernel lacks), the *_GET_NEXT_ID of maps, BTF and links ENOENT (none exist).
 *
 * Copies the attribute union in and results out with Linux's size rules; every object
 * it makes is handed to bpf_prog.c / bpf_cgroup.c, which own them. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include "common/log.h"
#include "platform/guest_mem.h"
#include "sentry/bpf/bpf_cgroup.h"
#include "sentry/bpf/bpf_prog.h"
#include "sentry/bpf/bpf_verifier.h"
#include "sentry/syscall.h"
#include "vfs/fdtable.h"
#include "vfs/file.h"
#include "vfs/fs/cgroupfs.h"

#define CAP_NET_ADMIN_BIT 12
#define CAP_SYS_ADMIN_BIT 21
#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39
#define PAGE_SIZE_BYTES 4096
#define LOG_BUF_MAX (1 << 20) /* the Sentry keeps at most this much of a verifier log */
#define ATTR_END(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

/* Capabilities in the sandbox's initial user namespace (cap_effective is empty in any
 * other), as Linux's capable(). */
static bool capable(struct task *t, int cap)
{
	return task_cred(t)->cap_effective & (1ULL << cap);
}

/* Linux's CHECK_ATTR: the bytes of @attr after the command's last field are zero. */
static bool attr_tail_nonzero(const union bpf_attr *attr, size_t end)
{
	const unsigned char *p = (const unsigned char *)attr;
	for (size_t i = end; i < sizeof(*attr); i++)
		if (p[i])
			return true;
	return false;
}

/* Linux's bpf_check_uarg_tail_zero: a caller's struct larger than ours must end in
 * zeros. 0, -E2BIG or -EFAULT. */
static int uarg_tail_zero(struct task *t, uint64_t gaddr, size_t ours, size_t theirs)
{
	if (theirs > PAGE_SIZE_BYTES)
		return -E2BIG;
	if (theirs <= ours)
		return 0;
	unsigned char buf[PAGE_SIZE_BYTES];
	if (guest_copy_in(task_mem(t), buf, gaddr + ours, theirs - ours))
		return -EFAULT;
	for (size_t i = 0; i < theirs - ours; i++)
		if (buf[i])
			return -E2BIG;
	return 0;
}

/* The program of fd @fd, of type @type: a new reference, or NULL and *@err -EBADF (no
 * such fd) / -EINVAL (not a program of that type), as Linux's bpf_prog_get_type. */
static struct bpf_prog *prog_get(struct task *t, uint32_t fd, uint32_t type, int *err)
{
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), (int)fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	struct bpf_prog *p = bpf_prog_of_file(f);
	if (p && p->type == type)
		bpf_prog_get(p);
	else
		p = NULL;
	vfs_file_put(f);
	if (!p)
		*err = -EINVAL;
	return p;
}

/* Linux's cgroup_get_from_fd: a new cgroup reference or NULL and *@err. */
static struct cgroup *cgroup_from_fd(struct task *t, uint32_t fd, int *err)
{
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), (int)fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	struct cgroup *cg = cgroupfs_dir_cgroup(f, err);
	vfs_file_put(f);
	return cg;
}

static int install_prog_fd(struct task *t, struct bpf_prog *p)
{
	struct vfs_file *f = bpf_prog_file_new(p);
	if (!f)
		return -ENOMEM;
	int fd = vfs_fdtable_install(task_fdt(t), f, 0, true); /* O_CLOEXEC, as Linux */
	vfs_file_put(f);
	return fd;
}

/* ---- BPF_PROG_LOAD ---- */

static bool license_gpl(const char *l)
{
	static const char *const gpl[] = {
	    "GPL",	    "GPL v2",	    "GPL and additional rights",
	    "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
	for (size_t i = 0; i < sizeof(gpl) / sizeof(gpl[0]); i++)
		if (!strcmp(l, gpl[i]))
			return true;
	return false;
}

/* Linux's bpf_obj_name_cpy: letters, digits, '_' and '.', NUL-terminated in 16 bytes. */
static int obj_name_cpy(char *dst, const char *src)
{
	memset(dst, 0, BPF_OBJ_NAME_LEN);
	for (unsigned i = 0; i < BPF_OBJ_NAME_LEN; i++) {
		if (!src[i])
			return 0;
		if (!isalnum((unsigned char)src[i]) && src[i] != '_' && src[i] != '.')
			return -EINVAL;
		dst[i] = src[i];
	}
	return -EINVAL;
}

static bool fd_is_open(void *arg, int fd)
{
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(arg), fd);
	vfs_file_put(f);
	return f != NULL;
}

/* The checks of Linux's bpf_prog_load before the program is copied: flags, license,
 * size, capabilities, the fields the Sentry's program types do not take. */
static int load_precheck(struct task *t, const union bpf_attr *attr, char *license)
{
	if (attr_tail_nonzero(attr, ATTR_END(core_relo_rec_size)))
		return -EINVAL;
	if (attr->prog_flags &
	    ~(BPF_F_STRICT_ALIGNMENT | BPF_F_ANY_ALIGNMENT | BPF_F_TEST_STATE_FREQ |
	      BPF_F_SLEEPABLE | BPF_F_TEST_RND_HI32 | BPF_F_XDP_HAS_FRAGS))
		return -EINVAL;
	long n = guest_strncpy_in(task_mem(t), license, attr->license, 128);
	if (n == -ENAMETOOLONG) /* Linux keeps the first 127 bytes */
		n = guest_copy_in(task_mem(t), license, attr->license, 127);
	if (n < 0 || !attr->license)
		return -EFAULT;
	license[127] = 0;
	if (attr->insn_cnt == 0 || attr->insn_cnt > BPF_VERIFY_MAX_INSNS)
		return -E2BIG;
	if (attr->prog_type == BPF_PROG_TYPE_CGROUP_DEVICE && !capable(t, CAP_NET_ADMIN_BIT) &&
	    !capable(t, CAP_SYS_ADMIN_BIT))
		return -EPERM;
	if (attr->attach_prog_fd || attr->attach_btf_id || attr->prog_ifindex)
		return -EINVAL; /* tracing / offload: not for these program types */
	if (attr->prog_type == BPF_PROG_TYPE_CGROUP_SKB &&
	    attr->expected_attach_type != BPF_CGROUP_INET_INGRESS &&
	    attr->expected_attach_type != BPF_CGROUP_INET_EGRESS)
		return -EINVAL;
	return 0;
}

/* Linux's (6.4+) log attributes: a buffer and its size (at most 1 GiB) together, a level
 * (BPF_LOG_LEVEL1/2, STATS, FIXED) with a buffer. */
static int log_setup(const union bpf_attr *attr, struct bpf_vlog *log)
{
	memset(log, 0, sizeof(*log));
	if (!!attr->log_buf != !!attr->log_size || (attr->log_buf && !attr->log_level) ||
	    (attr->log_level & ~15u) || attr->log_size > UINT_MAX >> 2)
		return -EINVAL;
	if (!attr->log_buf)
		return 0;
	log->level = attr->log_level;
	log->size = attr->log_size < LOG_BUF_MAX ? attr->log_size : LOG_BUF_MAX;
	log->buf = calloc(1, log->size);
	return log->buf ? 0 : -ENOMEM;
}

/* Verifies the program at @insns and makes the program object: 0 and *@out, or -errno
 * (with the verifier's message in @log). Takes @insns. */
static int load_verify(struct task *t, const union bpf_attr *attr, struct bpf_insn *insns,
		       struct bpf_vlog *log, struct bpf_prog **out)
{
	struct bpf_verify_req req = {
	    .prog_type = attr->prog_type,
	    .expected_attach_type = attr->expected_attach_type,
	    .insns = insns,
	    .cnt = attr->insn_cnt,
	    .fd_is_open = fd_is_open,
	    .fd_arg = t,
	    .allow_uninit_stack = capable(t, CAP_PERFMON_BIT) || capable(t, CAP_SYS_ADMIN_BIT),
	    .allow_loops = capable(t, CAP_BPF_BIT) || capable(t, CAP_SYS_ADMIN_BIT),
	    .log = log,
	};
	int err = bpf_verify(&req);
	if (err) {
		free(insns);
		return err;
	}
	err = bpf_prog_new(attr->prog_type, attr->expected_attach_type, insns, attr->insn_cnt, out);
	if (!err)
		(*out)->verified_insns = req.processed;
	return err;
}

static long bpf_prog_load(struct task *t, union bpf_attr *attr)
{
	char license[128], name[BPF_OBJ_NAME_LEN];
	int err = load_precheck(t, attr, license);
	if (err)
		return err;
	struct bpf_insn *insns = malloc((size_t)attr->insn_cnt * sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	if (guest_copy_in(task_mem(t), insns, attr->insns,
			  (size_t)attr->insn_cnt * sizeof(*insns))) {
		free(insns);
		return -EFAULT;
	}
	if ((attr->prog_type != BPF_PROG_TYPE_CGROUP_DEVICE &&
	     attr->prog_type != BPF_PROG_TYPE_CGROUP_SKB) ||
	    obj_name_cpy(name, attr->prog_name) < 0 || attr->func_info_cnt || attr->line_info_cnt ||
	    attr->core_relo_cnt) {
		free(insns); /* program types, BTF: what this kernel does not have */
		return -EINVAL;
	}
	struct bpf_vlog log;
	if ((err = log_setup(attr, &log))) {
		free(insns);
		return err;
	}
	struct bpf_prog *p = NULL;
	err = load_verify(t, attr, insns, &log, &p);
	if (log.level && log.truncated)
		err = -ENOSPC;
	if (log.level && guest_copy_out(task_mem(t), attr->log_buf, log.buf, log.len + 1))
		err = -EFAULT;
	free(log.buf);
	if (err) {
		bpf_prog_put(p);
		return err;
	}
	memcpy(p->name, name, sizeof(p->name));
	p->uid = task_cred(t)->uid;
	p->gpl = license_gpl(license);
	long fd = install_prog_fd(t, p);
	bpf_prog_put(p);
	return fd;
}

/* ---- attach, detach, query ---- */

static long bpf_prog_attach(struct task *t, const union bpf_attr *attr)
{
	if (attr_tail_nonzero(attr, ATTR_END(replace_bpf_fd)))
		return -EINVAL;
	if (attr->attach_flags & ~(BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI | BPF_F_REPLACE))
		return -EINVAL;
	if (attr->attach_type != BPF_CGROUP_DEVICE)
		return -EINVAL; /* the Sentry runs no other attach point */
	int err;
	struct bpf_prog *prog = prog_get(t, attr->attach_bpf_fd, BPF_PROG_TYPE_CGROUP_DEVICE, &err);
	if (!prog)
		return err;
	struct bpf_prog *replace = NULL;
	struct cgroup *cg = cgroup_from_fd(t, attr->target_fd, &err);
	if (!cg)
		goto out_put_prog;
	if ((attr->attach_flags & BPF_F_ALLOW_MULTI) && (attr->attach_flags & BPF_F_REPLACE)) {
		replace = prog_get(t, attr->replace_bpf_fd, BPF_PROG_TYPE_CGROUP_DEVICE, &err);
		if (!replace)
			goto out_put_cg;
	}
	err = bpf_cgroup_attach(cg, prog, replace, attr->attach_flags);
	bpf_prog_put(replace);
out_put_cg:
	cgroup_put(cg);
out_put_prog:
	bpf_prog_put(prog);
	return err;
}

static long bpf_prog_detach(struct task *t, const union bpf_attr *attr)
{
	if (attr_tail_nonzero(attr, ATTR_END(attach_type)))
		return -EINVAL;
	if (attr->attach_type != BPF_CGROUP_DEVICE)
		return -EINVAL;
	int err;
	struct cgroup *cg = cgroup_from_fd(t, attr->target_fd, &err);
	if (!cg)
		return err;
	struct bpf_prog *prog = prog_get(t, attr->attach_bpf_fd, BPF_PROG_TYPE_CGROUP_DEVICE, &err);
	err = bpf_cgroup_detach(cg, prog);
	bpf_prog_put(prog);
	cgroup_put(cg);
	return err;
}

static long query_out(struct task *t, const union bpf_attr *attr, uint64_t uattr,
		      const uint32_t *ids, uint32_t n, uint32_t total, uint32_t flags);

/* BPF_PROG_QUERY of a cgroup's device programs (Linux's __cgroup_bpf_query). */
static long bpf_prog_query(struct task *t, const union bpf_attr *attr, uint64_t uattr)
{
	if (!capable(t, CAP_NET_ADMIN_BIT))
		return -EPERM;
	if (attr_tail_nonzero(attr, ATTR_END(query.prog_attach_flags)))
		return -EINVAL;
	if (attr->query.query_flags & ~BPF_F_QUERY_EFFECTIVE)
		return -EINVAL;
	if (attr->query.attach_type != BPF_CGROUP_DEVICE)
		return -EINVAL;
	int err;
	struct cgroup *cg = cgroup_from_fd(t, attr->query.target_fd, &err);
	if (!cg)
		return err;
	bool effective = attr->query.query_flags & BPF_F_QUERY_EFFECTIVE;
	uint32_t total, flags;
	bpf_cgroup_query(cg, effective, NULL, 0, &total, &flags);
	uint32_t *ids = malloc(sizeof(*ids) * (total ? total : 1));
	uint32_t n = ids ? bpf_cgroup_query(cg, effective, ids, total, &total, &flags) : 0;
	cgroup_put(cg);
	if (!ids)
		return -ENOMEM;
	long ret = effective && attr->query.prog_attach_flags
		       ? -EINVAL
		       : query_out(t, attr, uattr, ids, n, total, flags);
	free(ids);
	return ret;
}

/* The results of BPF_PROG_QUERY into the caller's attributes and arrays. */
static long query_out(struct task *t, const union bpf_attr *attr, uint64_t uattr,
		      const uint32_t *ids, uint32_t n, uint32_t total, uint32_t flags)
{
	struct guest_mem *m = task_mem(t);
	if (guest_copy_out(m, uattr + offsetof(union bpf_attr, query.attach_flags), &flags, 4) ||
	    guest_copy_out(m, uattr + offsetof(union bpf_attr, query.prog_cnt), &total, 4))
		return -EFAULT;
	if (!attr->query.prog_cnt || !attr->query.prog_ids || !total)
		return 0;
	long ret = 0;
	if (attr->query.prog_cnt < n) {
		n = attr->query.prog_cnt;
		ret = -ENOSPC;
	}
	if (guest_copy_out(m, attr->query.prog_ids, ids, (size_t)n * 4))
		return -EFAULT;
	for (uint32_t i = 0; attr->query.prog_attach_flags && i < n; i++)
		if (guest_copy_out(m, attr->query.prog_attach_flags + 4 * i, &flags, 4))
			return -EFAULT;
	return ret;
}

/* ---- ids and info ---- */

static long bpf_get_fd_by_id(struct task *t, const union bpf_attr *attr)
{
	if (attr_tail_nonzero(attr, ATTR_END(prog_id)))
		return -EINVAL;
	if (!capable(t, CAP_SYS_ADMIN_BIT))
		return -EPERM;
	struct bpf_prog *p = bpf_prog_find(attr->prog_id);
	return p ? install_prog_fd(t, p) : -ENOENT;
}

/* BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID: only programs exist here. */
static long bpf_get_next_id(struct task *t, int cmd, const union bpf_attr *attr, uint64_t uattr)
{
	if (attr_tail_nonzero(attr, ATTR_END(next_id)) || attr->start_id >= INT_MAX)
		return -EINVAL;
	if (!capable(t, CAP_SYS_ADMIN_BIT))
		return -EPERM;
	uint32_t next = cmd == BPF_PROG_GET_NEXT_ID ? bpf_prog_next_id(attr->start_id) : 0;
	if (!next)
		return -ENOENT;
	if (guest_copy_out(task_mem(t), uattr + offsetof(union bpf_attr, next_id), &next, 4))
		return -EFAULT;
	return 0;
}

/* Linux's set_info_rec_size: record sizes the caller names must be the kernel's. */
static int info_rec_sizes(struct bpf_prog_info *info)
{
	if ((info->nr_func_info || info->func_info_rec_size) &&
	    info->func_info_rec_size != sizeof(struct bpf_func_info))
		return -EINVAL;
	if ((info->nr_line_info || info->line_info_rec_size) &&
	    info->line_info_rec_size != sizeof(struct bpf_line_info))
		return -EINVAL;
	if ((info->nr_jited_line_info || info->jited_line_info_rec_size) &&
	    info->jited_line_info_rec_size != sizeof(uint64_t))
		return -EINVAL;
	info->func_info_rec_size = sizeof(struct bpf_func_info);
	info->line_info_rec_size = sizeof(struct bpf_line_info);
	info->jited_line_info_rec_size = sizeof(uint64_t);
	return 0;
}

static long prog_info(struct task *t, const struct bpf_prog *p, const union bpf_attr *attr,
		      uint64_t uattr)
{
	struct guest_mem *m = task_mem(t);
	uint32_t len = attr->info.info_len;
	int err = uarg_tail_zero(t, attr->info.info, sizeof(struct bpf_prog_info), len);
	if (err)
		return err;
	if (len > sizeof(struct bpf_prog_info))
		len = sizeof(struct bpf_prog_info);
	struct bpf_prog_info info;
	memset(&info, 0, sizeof(info));
	if (guest_copy_in(m, &info, attr->info.info, len))
		return -EFAULT;
	uint32_t want_insns = info.xlated_prog_len, want_tags = info.nr_prog_tags;
	uint64_t insns_gaddr = info.xlated_prog_insns, tags_gaddr = info.prog_tags;
	info.nr_map_ids = 0; /* no maps */
	if ((err = info_rec_sizes(&info)))
		return err;
	/* no JIT, no BTF: nothing of those to report */
	info.jited_prog_len = info.nr_jited_ksyms = info.nr_jited_func_lens = 0;
	info.nr_func_info = info.nr_line_info = info.nr_jited_line_info = 0;
	bpf_prog_fill_info(p, &info);
	info.nr_prog_tags = 1;
	if (want_insns && info.xlated_prog_len &&
	    guest_copy_out(m, insns_gaddr, p->insns,
			   want_insns < info.xlated_prog_len ? want_insns : info.xlated_prog_len))
		return -EFAULT;
	if (want_tags && guest_copy_out(m, tags_gaddr, p->tag, BPF_TAG_SIZE))
		return -EFAULT;
	if (guest_copy_out(m, attr->info.info, &info, len) ||
	    guest_copy_out(m, uattr + offsetof(union bpf_attr, info.info_len), &len, 4))
		return -EFAULT;
	return 0;
}

static long bpf_obj_get_info_by_fd(struct task *t, const union bpf_attr *attr, uint64_t uattr)
{
	if (attr_tail_nonzero(attr, ATTR_END(info.info)))
		return -EINVAL;
	struct vfs_file *f = vfs_fdtable_lookup(task_fdt(t), (int)attr->info.bpf_fd);
	if (!f)
		return -EBADFD; /* sic: Linux's bpf_obj_get_info_by_fd */
	struct bpf_prog *p = bpf_prog_of_file(f);
	long err = p ? prog_info(t, p, attr, uattr) : -EINVAL;
	vfs_file_put(f);
	return err;
}

/* Implements bpf(2). */
long sys_bpf(struct task *t, const struct syscall_args *a)
{
	int cmd = (int)a->a[0];
	uint64_t uattr = a->a[1];
	uint32_t size = (uint32_t)a->a[2];
	/* Linux with kernel.unprivileged_bpf_disabled (Debian's default) */
	if (!capable(t, CAP_BPF_BIT) && !capable(t, CAP_SYS_ADMIN_BIT))
		return -EPERM;
	union bpf_attr attr;
	int err = uarg_tail_zero(t, uattr, sizeof(attr), size);
	if (err)
		return err;
	if (size > sizeof(attr))
		size = sizeof(attr);
	memset(&attr, 0, sizeof(attr));
	if (guest_copy_in(task_mem(t), &attr, uattr, size))
		return -EFAULT;
	switch (cmd) {
	case BPF_PROG_LOAD:
		return bpf_prog_load(t, &attr);
	case BPF_PROG_ATTACH:
		return bpf_prog_attach(t, &attr);
	case BPF_PROG_DETACH:
		return bpf_prog_detach(t, &attr);
	case BPF_PROG_QUERY:
		return bpf_prog_query(t, &attr, uattr);
	case BPF_PROG_GET_FD_BY_ID:
		return bpf_get_fd_by_id(t, &attr);
	case BPF_PROG_GET_NEXT_ID:
	case BPF_MAP_GET_NEXT_ID:
	case BPF_BTF_GET_NEXT_ID:
	case BPF_LINK_GET_NEXT_ID:
		return bpf_get_next_id(t, cmd, &attr, uattr);
	case BPF_OBJ_GET_INFO_BY_FD:
		return bpf_obj_get_info_by_fd(t, &attr, uattr);
	case BPF_MAP_CREATE:
		log_debug("bpf: BPF_MAP_CREATE of map type %u: no maps here (EINVAL)",
			  attr.map_type);
		return -EINVAL;
	}
	log_debug("bpf: command %d not implemented (EINVAL)", cmd);
	return -EINVAL;
}
