/* vfs/fs/proc_maps.c - /proc/<pid>/maps: the host's maps of the stub, translated.
 *
 * The stub loader (STUB_LOADER_BASE..) is hidden. A mapped host file is named by its path
 * inside the sandbox: the host path's suffixes are tried in the process's root and the one
 * whose inode is the mapping's wins (the sandbox root is a host directory R: a file under R
 * is found as its path relative to R). A host memfd (tmpfs files, memfd_create) is named by
 * the open file of the process that holds it, else kept as "/memfd:NAME (deleted)". A file
 * with no name in the sandbox shows only its last component: never a host directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "platform/stub_layout.h"
#include "vfs/fs/procfs.h"

#define STUB_HIDE_END (STUB_LOADER_BASE + 0x40000000ULL)
#define DELETED_SUFFIX " (deleted)"

/* See procfs.h. */
void proc_maps_translate(struct proc_buf *b, const char *in, size_t len,
			 proc_maps_resolve_fn resolve, void *arg)
{
	const char *p = in, *end = in + len;
	char *path = malloc(VFS_PATH_MAX + 32), *name = malloc(VFS_PATH_MAX + 32);
	if (!path || !name) {
		b->failed = true;
		goto out;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[VFS_PATH_MAX + 160];
		if (ll >= sizeof(line))
			ll = sizeof(line) - 1;
		memcpy(line, p, ll);
		line[ll] = 0;
		p += (nl ? ll + 1 : ll);
		unsigned long long start, stop, off, ino;
		unsigned maj, min;
		char perms[8];
		int pos = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu%n", &start, &stop, perms, &off, &maj,
			   &min, &ino, &pos) < 7)
			continue;
		if (start >= STUB_LOADER_BASE && start < STUB_HIDE_END)
			continue;
		const char *pp = line + pos;
		while (*pp == ' ')
			pp++;
		size_t prefix = (size_t)(pp - line);
		if (!*pp || *pp == '[') {
			proc_buf_add(b, line, ll);
			proc_buf_add(b, "\n", 1);
			continue;
		}
		snprintf(path, VFS_PATH_MAX + 32, "%s", pp);
		bool ok = resolve && resolve(arg, path, makedev(maj, min), ino, name, VFS_PATH_MAX + 32);
		if (!ok) {
			if (!strncmp(path, "/memfd:", 7)) {
				snprintf(name, VFS_PATH_MAX + 32, "%s", path);
			} else {
				size_t pl = strlen(path), sl = strlen(DELETED_SUFFIX);
				bool del = pl > sl && !strcmp(path + pl - sl, DELETED_SUFFIX);
				if (del)
					path[pl - sl] = 0;
				const char *base = strrchr(path, '/');
				snprintf(name, VFS_PATH_MAX + 32, "/%s%s", base ? base + 1 : path,
					 DELETED_SUFFIX);
			}
		}
		proc_buf_add(b, line, prefix);
		proc_buf_printf(b, "%s\n", name);
	}
out:
	free(path);
	free(name);
}

/* ---- resolving against a live process ---- */

struct maps_ctx {
	struct vfs_fs_ctx *fs;      /* the process's */
	struct vfs_fdtable *fdt;    /* the process's, for memfds */
	struct vfs_fs_ctx *shown;   /* the reader's root: names are shown from it */
	char last_host[VFS_PATH_MAX + 32], last_name[VFS_PATH_MAX + 32];
	uint64_t last_ino;
	bool last_ok;
};

static bool same_file(const struct stat *st, dev_t dev, uint64_t ino)
{
	return st->st_ino == ino;
}

/* An open file of the process whose host descriptor is the mapped memfd. */
static bool resolve_memfd(struct maps_ctx *mc, dev_t dev, uint64_t ino, char *out, size_t size)
{
	struct vfs_fdtable *fdt = mc->fdt;
	for (unsigned fd = 0; fdt && fd < fdt->size; fd++) {
		struct vfs_file *f = fdt->files[fd];
		if (!f || !f->dentry || (f->flags & O_PATH))
			continue;
		if (!vfs_file_is_tmpfs(f) && strcmp(f->dentry->sb->type, "overlay"))
			continue;
		int hfd = vfs_file_host_fd(f, false);
		struct stat st;
		if (hfd < 0 || fstat(hfd, &st) || !same_file(&st, dev, ino))
			continue;
		return proc_file_name(f, mc->shown ? mc->shown : mc->fs, out, size) > 0;
	}
	return false;
}

static bool resolve_host(void *arg, const char *host_path, dev_t dev, uint64_t ino, char *out,
			 size_t size)
{
	struct maps_ctx *mc = arg;
	if (mc->last_ino == ino && !strcmp(mc->last_host, host_path)) {
		if (mc->last_ok)
			snprintf(out, size, "%s", mc->last_name);
		return mc->last_ok;
	}
	bool ok = false;
	if (!strncmp(host_path, "/memfd:", 7)) {
		ok = resolve_memfd(mc, dev, ino, out, size);
	} else if (mc->fs && host_path[0] == '/') {
		char path[VFS_PATH_MAX];
		snprintf(path, sizeof(path), "%s", host_path);
		size_t pl = strlen(path), sl = strlen(DELETED_SUFFIX);
		if (pl > sl && !strcmp(path + pl - sl, DELETED_SUFFIX))
			path[pl - sl] = 0;
		struct vfs_cred cr = { .cap_effective = ~0ULL };
		struct vfs_ctx c = { .cred = &cr, .fs = mc->fs };
		/* "/a/b/c", then "/b/c", then "/c" */
		for (const char *cand = path; cand && *cand && !ok; cand = strchr(cand + 1, '/')) {
			struct vfs_path res;
			struct stat st;
			if (vfs_walk_from(&c, &mc->fs->root, &mc->fs->root, cand, 0, &res, NULL))
				continue;
			if (res.dentry->inode && !vfs_getattr(res.dentry, &st) &&
			    S_ISREG(st.st_mode) && same_file(&st, dev, ino)) {
				const struct vfs_path *shown = mc->shown ? &mc->shown->root
									  : &mc->fs->root;
				ok = vfs_path_to_string(&res, shown, out, size) > 0;
			}
			vfs_path_put(&res);
		}
	}
	snprintf(mc->last_host, sizeof(mc->last_host), "%s", host_path);
	mc->last_ino = ino;
	mc->last_ok = ok;
	if (ok)
		snprintf(mc->last_name, sizeof(mc->last_name), "%s", out);
	return ok;
}

/* /proc/<pid>/maps (and task/<tid>/maps: the same address space). */
int proc_show_maps(const struct proc_node *n, struct proc_buf *b)
{
	const struct vfs_proc_ops *ops = proc_ops();
	struct vfs_proc_task t;
	if (proc_node_task(n, &t))
		return -ESRCH;
	if (!t.host_tid || t.state == 'Z')
		return 0;
	char hp[64];
	snprintf(hp, sizeof(hp), "/proc/%d/maps", (int)t.host_tid);
	struct proc_buf host = { 0 };
	int err = proc_read_host(hp, &host);
	if (err) {
		proc_buf_free(&host);
		return err == -ENOENT ? 0 : err;
	}
	struct maps_ctx *mc = calloc(1, sizeof(*mc));
	if (!mc) {
		proc_buf_free(&host);
		return -ENOMEM;
	}
	int cpid = 0, ctid = 0;
	if (ops->caller)
		ops->caller(&cpid, &ctid);
	mc->fs = ops->fs_ctx ? ops->fs_ctx(n->pid) : NULL;
	mc->fdt = ops->fdtable ? ops->fdtable(n->pid) : NULL;
	mc->shown = cpid && ops->fs_ctx ? ops->fs_ctx(cpid) : NULL;
	proc_maps_translate(b, host.data ? host.data : "", host.len, resolve_host, mc);
	if (mc->fs)
		vfs_fs_ctx_put(mc->fs);
	if (mc->shown)
		vfs_fs_ctx_put(mc->shown);
	if (mc->fdt)
		vfs_fdtable_put(mc->fdt);
	free(mc);
	proc_buf_free(&host);
	return 0;
}
