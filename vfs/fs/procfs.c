/* vfs/fs/procfs.c - the tree engine behind procfs and sysfs, and procfs's superblock.
 *
 * A tree is a table of struct proc_entry (static names) plus dynamic directories (pids,
 * tids, fds). Every dentry gets its own inode whose priv is a struct proc_node: the entry
 * and the process/thread/fd it is about. Cached dentries are revalidated against the
 * provider (a dead pid, a closed fd, a reused pid drop out). Files are rendered into a
 * buffer at open (a snapshot: reads at any offset agree); writes go to the entry's
 * ->write one call at a time. Links answer readlink with text and, when the VFS walks
 * them, jump to the real path (get_link: "magic links", see the report on namei.c).
 *
 * Owns: the tree's inodes/dentries/open files. Must not include sentry headers, never
 * shows a host path, never blocks. */
#include <dirent.h>
#include <net/if.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vfs/fs/procfs.h"
#include "vfs/ops.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define DYN_KEY_BASE 0x10000 /* getdents offsets of dynamic names: base + number */

static const struct vfs_inode_ops proc_iops, proc_magic_iops;
static const struct vfs_sb_ops proc_sb_ops;
static const struct vfs_file_ops proc_file_ops, proc_dir_ops, proc_proxy_ops;

/* ---- small helpers ---- */

void proc_buf_add(struct proc_buf *b, const void *data, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *n = realloc(b->data, cap);
		if (!n) {
			b->failed = true;
			return;
		}
		b->data = n;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = 0;
}

void proc_buf_printf(struct proc_buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		proc_buf_add(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	proc_buf_add(b, big, (size_t)n);
	free(big);
}

void proc_buf_free(struct proc_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int proc_read_host(const char *path, struct proc_buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		proc_buf_add(b, chunk, (size_t)n);
	int err = n < 0 ? -errno : 0;
	close(fd);
	return err ? err : b->failed ? -ENOMEM : 0;
}

long proc_parse_num(const char *s, size_t len)
{
	if (!len || len > 9 || (s[0] == '0' && len > 1))
		return -1;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

const struct vfs_proc_ops *proc_ops(void)
{
	return vfs_host ? vfs_host->proc : NULL;
}

void proc_view(struct vfs_sb *sb)
{
	const struct vfs_proc_ops *ops = proc_ops();
	if (ops && ops->set_view)
		ops->set_view(sb && sb->ops == &proc_sb_ops ? sb->priv : NULL);
}

int proc_node_task(const struct proc_node *n, struct vfs_proc_task *t)
{
	const struct vfs_proc_ops *ops = proc_ops();
	if (!ops || !ops->task || !n->pid)
		return -ESRCH;
	memset(t, 0, sizeof(*t));
	return ops->task(n->pid, n->tid, t);
}

/* ---- inodes ---- */

static struct proc_node *NODE(struct vfs_inode *i)
{
	return i->priv;
}

static uint64_t node_ino(const struct proc_node *n)
{
	uint64_t h = 1469598103934665603ULL ^ (uintptr_t)n->ent;
	h = (h ^ (uint64_t)n->pid) * 1099511628211ULL;
	h = (h ^ (uint64_t)n->tid) * 1099511628211ULL;
	h = (h ^ (uint64_t)(n->fd + 1)) * 1099511628211ULL;
	return (h ^ (h >> 32)) & 0x7fffffffULL; /* fits 32-bit stat users */
}

static struct vfs_inode *node_inode(struct vfs_sb *sb, const struct proc_node *n, mode_t mode)
{
	struct proc_node *p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	struct vfs_inode *i = vfs_inode_new(sb, mode);
	if (!i) {
		free(p);
		return NULL;
	}
	*p = *n; /* an nsref passes to the inode */
	if (p->target)
		vfs_file_get(p->target);
	i->priv = p;
	i->iops = S_ISLNK(mode) && n->ent->get_link ? &proc_magic_iops : &proc_iops;
	i->fops = S_ISDIR(mode) ? &proc_dir_ops : &proc_file_ops;
	i->ino = node_ino(n);
	return i;
}

static void proc_evict(struct vfs_inode *i)
{
	struct proc_node *n = NODE(i);
	const struct vfs_proc_ops *ops = proc_ops();
	if (n && n->target)
		vfs_file_put(n->target);
	if (n && n->nsref && ops && ops->ns_put)
		ops->ns_put((enum vfs_proc_ns)n->ent->arg, n->nsref);
	free(n);
	i->priv = NULL;
}

static int proc_statfs(struct vfs_sb *sb, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = (long)sb->magic;
	st->f_bsize = 4096;
	st->f_namelen = 255;
	st->f_frsize = 4096;
	return 0;
}

/* A procfs superblock's pid namespace goes with it. */
static void proc_put_super(struct vfs_sb *sb)
{
	const struct vfs_proc_ops *ops = proc_ops();
	if (sb->priv && ops && ops->pidns_put)
		ops->pidns_put(sb->priv);
	sb->priv = NULL;
}

static const struct vfs_sb_ops proc_sb_ops = { .statfs = proc_statfs, .evict = proc_evict,
					       .put_super = proc_put_super };

/* ---- dynamic directories ---- */

/* The group's fd table (new reference) or NULL. */
static struct vfs_fdtable *node_fdt(const struct proc_node *n)
{
	const struct vfs_proc_ops *ops = proc_ops();
	return ops && ops->fdtable ? ops->fdtable(n->pid) : NULL;
}

static bool fd_is_open(const struct proc_node *n, int fd)
{
	struct vfs_fdtable *fdt = node_fdt(n);
	if (!fdt)
		return false;
	bool open = fd >= 0 && (unsigned)fd < fdt->size && fdt->files[fd];
	vfs_fdtable_put(fdt);
	return open;
}

/* The next dynamic name of @dir after number @after (-1: from the start): the number,
 * or -1 when none. */
static long dyn_next(const struct proc_node *dir, long after)
{
	const struct vfs_proc_ops *ops = proc_ops();
	switch (dir->ent->dyn) {
	case PROC_DYN_PIDS: {
		if (!ops || !ops->next_pid)
			return -1;
		int p = ops->next_pid(after < 0 ? 0 : (int)after);
		return p > 0 ? p : -1;
	}
	case PROC_DYN_TIDS: {
		if (!ops || !ops->next_tid)
			return -1;
		int t = ops->next_tid(dir->pid, after < 0 ? 0 : (int)after);
		return t > 0 ? t : -1;
	}
	case PROC_DYN_NETDEVS:
		return proc_net_dev_next(after);
	case PROC_DYN_FDS:
	case PROC_DYN_FDINFO: {
		struct vfs_fdtable *fdt = node_fdt(dir);
		long found = -1;
		for (unsigned fd = (unsigned)(after + 1); fdt && fd < fdt->size; fd++)
			if (fdt->files[fd]) {
				found = fd;
				break;
			}
		if (fdt)
			vfs_fdtable_put(fdt);
		return found;
	}
	default:
		return -1;
	}
}

/* Fills @child for dynamic name @num of @dir; -ENOENT when it does not exist. */
static int dyn_child(const struct proc_node *dir, long num, struct proc_node *child)
{
	const struct vfs_proc_ops *ops = proc_ops();
	struct vfs_proc_task t;
	*child = (struct proc_node){ .pid = dir->pid, .tid = dir->tid, .fd = -1,
				     .start_ns = dir->start_ns, .ifindex = dir->ifindex };
	switch (dir->ent->dyn) {
	case PROC_DYN_PIDS:
		if (!ops || !ops->task || num <= 0 || ops->task((int)num, 0, &t))
			return -ENOENT;
		child->ent = &proc_pid_dir;
		child->pid = (int)num;
		child->start_ns = t.start_ns;
		return 0;
	case PROC_DYN_TIDS:
		if (!ops || !ops->task || num <= 0 || ops->task(dir->pid, (int)num, &t))
			return -ENOENT;
		child->ent = &proc_tid_dir;
		child->tid = (int)num;
		return 0;
	case PROC_DYN_FDS:
	case PROC_DYN_FDINFO:
		if (!fd_is_open(dir, (int)num))
			return -ENOENT;
		child->ent = dir->ent->dyn == PROC_DYN_FDS ? &proc_fd_link : &proc_fdinfo_file;
		child->fd = (int)num;
		return 0;
	case PROC_DYN_NETDEVS: {
		char name[IFNAMSIZ];
		if (!proc_net_dev_name(num, name, sizeof(name)))
			return -ENOENT;
		child->ent = &proc_net_conf_dev_dir;
		child->ifindex = (int)num;
		return 0;
	}
	default:
		return -ENOENT;
	}
}

/* ---- inode operations ---- */

static int proc_lookup(struct vfs_dentry *dir, struct vfs_dentry *d)
{
	const struct proc_node *dn = NODE(dir->inode);
	proc_view(dir->sb);
	struct proc_node child;
	const struct proc_entry *e;
	for (e = dn->ent->children; e && e->name; e++)
		if (strlen(e->name) == d->namelen && !memcmp(e->name, d->name, d->namelen))
			break;
	if (e && e->name) {
		child = *dn;
		child.ent = e;
		child.target = NULL;
		child.nsref = NULL;
	} else {
		long num = dn->ent->dyn == PROC_DYN_NETDEVS
				   ? proc_net_dev_index(d->name, d->namelen)
				   : proc_parse_num(d->name, d->namelen);
		if (num < 0 || dyn_child(dn, num, &child))
			return -ENOENT;
	}
	struct vfs_inode *i = node_inode(dir->sb, &child, child.ent->mode);
	if (!i)
		return -ENOMEM;
	vfs_d_instantiate(d, i);
	return 0;
}

/* A cached name is still right when its process (same start), thread and fd exist, and
 * its interface has that name in the caller's network namespace. */
static bool proc_revalidate(struct vfs_dentry *d)
{
	const struct proc_node *n = NODE(d->inode);
	if (n && n->ifindex && n->ent == &proc_net_conf_dev_dir &&
	    proc_net_dev_index(d->name, d->namelen) != n->ifindex)
		return false;
	if (!n || !n->pid)
		return true;
	proc_view(d->sb);
	struct vfs_proc_task t;
	const struct vfs_proc_ops *ops = proc_ops();
	if (!ops || !ops->task || ops->task(n->pid, 0, &t) || t.start_ns != n->start_ns)
		return false;
	if (n->tid && ops->task(n->pid, n->tid, &t))
		return false;
	if (n->fd >= 0 && (n->ent == &proc_fd_link || n->ent == &proc_fdinfo_file) &&
	    !fd_is_open(n, n->fd))
		return false;
	return true;
}

static int proc_getattr(struct vfs_dentry *d, struct stat *st)
{
	struct vfs_inode *i = d->inode;
	const struct proc_node *n = NODE(i);
	proc_view(d->sb);
	vfs_inode_fill_stat(i, st);
	st->st_size = 0;
	st->st_blocks = 0;
	st->st_blksize = 1024;
	if (S_ISDIR(i->mode))
		st->st_nlink = 2;
	if (n->target) /* a followed fd/N of an anonymous file: the object itself, as Linux */
		return vfs_file_stat(n->target, st);
	if (!n->pid)
		return 0;
	struct vfs_proc_task t;
	if (proc_node_task(n, &t))
		return n->target || n->nsref ? 0 : -ENOENT; /* open files outlive the process */
	if ((n->ent->flags & PE_TASK) && t.dumpable) {
		st->st_uid = t.owner_uid;
		st->st_gid = t.owner_gid;
	}
	if (n->ent->flags & PE_FDLINK) {
		struct vfs_fdtable *fdt = node_fdt(n);
		struct vfs_file *f = fdt ? vfs_fdtable_lookup(fdt, n->fd) : NULL;
		if (fdt)
			vfs_fdtable_put(fdt);
		if (!f)
			return -ENOENT;
		int acc = f->flags & O_ACCMODE;
		st->st_mode = S_IFLNK;
		if (!(f->flags & O_PATH) && acc != O_WRONLY)
			st->st_mode |= S_IRUSR | S_IXUSR;
		if (!(f->flags & O_PATH) && acc != O_RDONLY)
			st->st_mode |= S_IWUSR | S_IXUSR;
		st->st_size = 64;
		vfs_file_put(f);
	}
	return 0;
}

/* Truncation (open with O_TRUNC: `echo 1 > /proc/self/oom_score_adj`, `> /dev/stdout`) is
 * accepted and ignored, as Linux's procfs does; anything else is -EPERM. */
static int proc_setattr(struct vfs_dentry *d, const struct vfs_iattr *ia)
{
	if (ia->valid & ~(VFS_ATTR_SIZE | VFS_ATTR_MTIME | VFS_ATTR_CTIME | VFS_ATTR_ATIME))
		return -EPERM;
	return 0;
}

static ssize_t proc_readlink(struct vfs_dentry *d, char *buf, size_t size)
{
	const struct proc_node *n = NODE(d->inode);
	if (!n->ent->readlink)
		return -EINVAL;
	proc_view(d->sb);
	char tmp[VFS_PATH_MAX + 64];
	int len = n->ent->readlink(n, tmp, sizeof(tmp));
	if (len < 0)
		return len;
	size_t c = (size_t)len < size ? (size_t)len : size;
	memcpy(buf, tmp, c);
	return (ssize_t)c;
}

#ifdef VFS_HAVE_GET_LINK
/* Magic links: the VFS's walk calls this instead of walking the readlink text (needs
 * the get_link inode op in vfs/internal.h; see procfs's report). */
static int proc_get_link(struct vfs_ctx *c, const struct vfs_path *link, struct vfs_path *out)
{
	const struct proc_node *n = NODE(link->dentry->inode);
	if (!n->ent->get_link)
		return -EINVAL;
	proc_view(link->dentry->sb);
	return n->ent->get_link(c, n, link, out);
}
#endif

struct proc_open {
	struct proc_buf buf;
};

static int proc_open(struct vfs_dentry *d, struct vfs_file *f)
{
	const struct proc_node *n = NODE(d->inode);
	proc_view(d->sb);
	if (S_ISDIR(d->inode->mode)) {
		f->ops = &proc_dir_ops;
		return 0;
	}
	if (n->target) { /* a reopened anonymous file (fd/N of a pipe, a tty...) */
		f->ops = &proc_proxy_ops;
		f->priv = n->target;
		vfs_file_get(n->target);
		return 0;
	}
	struct proc_open *po = calloc(1, sizeof(*po));
	if (!po)
		return -ENOMEM;
	int acc = f->flags & O_ACCMODE;
	if (acc != O_WRONLY && n->ent->show) {
		int err = n->ent->show(n, &po->buf);
		if (!err && po->buf.failed)
			err = -ENOMEM;
		if (err) {
			proc_buf_free(&po->buf);
			free(po);
			return err;
		}
	}
	f->ops = &proc_file_ops;
	f->priv = po;
	return 0;
}

static const struct vfs_inode_ops proc_iops = {
	.lookup = proc_lookup,
	.readlink = proc_readlink,
	.getattr = proc_getattr,
	.setattr = proc_setattr,
	.open = proc_open,
	.revalidate = proc_revalidate,
};

/* Links that stand for an object (self, fd/N, cwd, exe, ns/...): the walk follows them
 * with get_link; readlink(2) still sees their text. */
static const struct vfs_inode_ops proc_magic_iops = {
	.readlink = proc_readlink,
	.getattr = proc_getattr,
	.revalidate = proc_revalidate,
#ifdef VFS_HAVE_GET_LINK
	.get_link = proc_get_link,
#endif
};

/* ---- files ---- */

static ssize_t pf_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct proc_open *po = f->priv;
	if (!po)
		return -EINVAL;
	off_t off = pos ? *pos : 0;
	if (off < 0)
		return -EINVAL;
	if ((size_t)off >= po->buf.len)
		return 0;
	size_t n = po->buf.len - (size_t)off;
	if (n > len)
		n = len;
	memcpy(buf, po->buf.data + off, n);
	if (pos)
		*pos += (off_t)n;
	return (ssize_t)n;
}

static ssize_t pf_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	const struct proc_node *n = NODE(f->dentry->inode);
	if (!n->ent->write)
		return -EINVAL;
	proc_view(f->dentry->sb);
	ssize_t r = n->ent->write(n, buf, len);
	if (r > 0 && pos)
		*pos += r;
	return r;
}

static off_t pf_llseek(struct vfs_file *f, off_t off, int whence)
{
	struct proc_open *po = f->priv;
	return vfs_generic_llseek(f, off, whence, po ? (off_t)po->buf.len : 0);
}

static void pf_release(struct vfs_file *f)
{
	struct proc_open *po = f->priv;
	if (po) {
		proc_buf_free(&po->buf);
		free(po);
	}
}

/* nsfs's ioctls on an open ns file (proc_ns.c). */
static long pf_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	proc_view(f->dentry->sb);
	return proc_ns_file_ioctl(f, NODE(f->dentry->inode), c, cmd, arg);
}

static const struct vfs_file_ops proc_file_ops = {
	.read = pf_read,
	.write = pf_write,
	.ioctl = pf_ioctl,
	.llseek = pf_llseek,
	.release = pf_release,
};

/* ---- directories ---- */

static size_t nstatic(const struct proc_entry *e)
{
	size_t n = 0;
	while (e && e[n].name)
		n++;
	return n;
}

static uint64_t child_ino(const struct proc_node *dn, const struct proc_entry *e, long num)
{
	struct proc_node c = *dn;
	if (e) {
		c.ent = e;
	} else if (dyn_child(dn, num, &c)) {
		return 1;
	}
	return node_ino(&c);
}

/* Offsets: 0 ".", 1 "..", 2.. the static names, DYN_KEY_BASE + number the dynamic ones. */
static ssize_t pd_getdents64(struct vfs_file *f, void *buf, size_t len)
{
	struct vfs_dentry *d = f->dentry;
	const struct proc_node *dn = NODE(d->inode);
	size_t ns = nstatic(dn->ent->children), done = 0;
	proc_view(d->sb);
	char *out = buf;
	for (;;) {
		off_t pos = f->pos;
		char name[32];
		const char *nm;
		uint64_t ino;
		unsigned char type;
		off_t next;
		if (pos == 0 || pos == 1) {
			nm = pos == 0 ? "." : "..";
			ino = pos == 0 ? d->inode->ino : d->parent->inode->ino;
			type = DT_DIR;
			next = pos + 1;
		} else if (pos >= 2 && (size_t)(pos - 2) < ns) {
			const struct proc_entry *e = &dn->ent->children[pos - 2];
			nm = e->name;
			ino = child_ino(dn, e, 0);
			type = vfs_mode_to_dtype(e->mode);
			next = pos + 1;
		} else {
			long after = pos < DYN_KEY_BASE ? -1 : (long)(pos - DYN_KEY_BASE);
			long num = dyn_next(dn, after < 0 ? -1 : after - 1);
			if (num < 0)
				break;
			if (dn->ent->dyn != PROC_DYN_NETDEVS || !proc_net_dev_name(num, name, sizeof(name)))
				snprintf(name, sizeof(name), "%ld", num);
			nm = name;
			ino = child_ino(dn, NULL, num);
			type = dn->ent->dyn == PROC_DYN_FDS ? DT_LNK
			       : dn->ent->dyn == PROC_DYN_FDINFO ? DT_REG
								  : DT_DIR;
			pos = DYN_KEY_BASE + num;
			next = pos + 1;
		}
		size_t rl = vfs_dirent_pack(out + done, len - done, nm, strlen(nm), ino, type, next);
		if (!rl)
			return done ? (ssize_t)done : -EINVAL;
		done += rl;
		f->pos = next;
	}
	return (ssize_t)done;
}

static off_t pd_llseek(struct vfs_file *f, off_t off, int whence)
{
	if (whence == SEEK_SET && off >= 0)
		return f->pos = off;
	if (whence == SEEK_CUR && f->pos + off >= 0)
		return f->pos += off;
	return -EINVAL;
}

static const struct vfs_file_ops proc_dir_ops = {
	.getdents64 = pd_getdents64,
	.llseek = pd_llseek,
};

/* ---- reopened anonymous files: /proc/<pid>/fd/N of a pipe, a tty, an eventfd ---- */

static struct vfs_file *PT(struct vfs_file *f)
{
	return f->priv;
}

static ssize_t px_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct vfs_file *t = PT(f);
	if (!t->ops || !t->ops->read)
		return -EINVAL;
	return t->ops->read(t, buf, len, t->ops->llseek ? &t->pos : NULL);
}

static ssize_t px_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct vfs_file *t = PT(f);
	if (!t->ops || !t->ops->write)
		return -EINVAL;
	return t->ops->write(t, buf, len, t->ops->llseek ? &t->pos : NULL);
}

static uint32_t px_poll(struct vfs_file *f)
{
	return vfs_file_poll(PT(f));
}

static struct waitq *px_waitq(struct vfs_file *f)
{
	return vfs_file_waitq(PT(f));
}

static long px_ioctl(struct vfs_file *f, struct vfs_ctx *c, unsigned int cmd, uint64_t arg)
{
	struct vfs_file *t = PT(f);
	return t->ops && t->ops->ioctl ? t->ops->ioctl(t, c, cmd, arg) : -ENOTTY;
}

static int px_stat(struct vfs_file *f, struct stat *st)
{
	return vfs_file_stat(PT(f), st);
}

static void px_release(struct vfs_file *f)
{
	vfs_file_put(PT(f));
}

static const struct vfs_file_ops proc_proxy_ops;

struct vfs_file *proc_proxy_target(struct vfs_file *f)
{
	return f->ops == &proc_proxy_ops ? f->priv : NULL;
}

static const struct vfs_file_ops proc_proxy_ops = {
	.read = px_read,
	.write = px_write,
	.poll = px_poll,
	.waitq = px_waitq,
	.ioctl = px_ioctl,
	.stat = px_stat,
	.release = px_release,
};

/* ---- names and superblocks ---- */

int proc_anon_dentry(struct vfs_sb *sb, const struct proc_node *n, mode_t mode,
		     struct vfs_dentry **out)
{
	struct vfs_inode *i = node_inode(sb, n, mode);
	if (!i)
		return -ENOMEM;
	struct vfs_dentry *d = vfs_dentry_new_root(sb, i);
	if (!d)
		return -ENOMEM;
	d->dead = true; /* no name: never cached */
	*out = d;
	return 0;
}

int proc_lookup_path(struct vfs_dentry *dir, const char *name, struct vfs_dentry **out)
{
	struct vfs_dentry *cur = dir;
	vfs_dentry_get(cur);
	while (*name) {
		const char *end = strchr(name, '/');
		size_t len = end ? (size_t)(end - name) : strlen(name);
		struct vfs_dentry *next;
		int err = vfs_lookup_one(cur, name, len, &next);
		vfs_dentry_put(cur);
		if (err)
			return err;
		if (!next->inode) {
			vfs_dentry_put(next);
			return -ENOENT;
		}
		cur = next;
		name += len;
		while (*name == '/')
			name++;
	}
	*out = cur;
	return 0;
}

/* Is @f an open /proc/<pid>/ns/<name>? */
bool procfs_file_is_ns(struct vfs_file *f, enum vfs_proc_ns *ns, uint64_t *ino)
{
	if (!f->dentry || !f->dentry->inode || f->dentry->inode->iops != &proc_iops)
		return false;
	const struct proc_node *n = NODE(f->dentry->inode);
	if (!n || n->target || n->fd != -2)
		return false;
	if (ns)
		*ns = (enum vfs_proc_ns)n->ent->arg;
	if (ino)
		*ino = f->dentry->inode->ino;
	return true;
}

void *procfs_ns_file_object(struct vfs_file *f)
{
	if (!procfs_file_is_ns(f, NULL, NULL))
		return NULL;
	return NODE(f->dentry->inode)->nsref;
}

int proc_tree_create_sb(const char *type, unsigned long magic, const struct proc_entry *root,
			struct vfs_sb **out)
{
	struct vfs_sb *sb = vfs_sb_new(type, &proc_sb_ops, NULL);
	if (!sb)
		return -ENOMEM;
	sb->magic = magic;
	sb->flags |= VFS_SB_NO_DCACHE_NEG;
	struct proc_node n = { .ent = root, .fd = -1 };
	struct vfs_inode *i = node_inode(sb, &n, root->mode);
	if (!i || vfs_sb_set_root(sb, i)) {
		vfs_sb_put(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}

static const struct proc_entry proc_root = {
	.name = "/", .mode = S_IFDIR | 0555, .children = proc_root_children,
	.dyn = PROC_DYN_PIDS,
};

/* See procfs.h. Mount options (hidepid=, subset=) are accepted and ignored. The new
 * superblock shows the pid namespace of the task mounting it. */
int procfs_create_sb(unsigned long flags, const char *data, struct vfs_sb **out)
{
	const struct vfs_proc_ops *ops = proc_ops();
	proc_sys_init();
	int err = proc_tree_create_sb("proc", PROC_SUPER_MAGIC, &proc_root, out);
	if (!err && ops && ops->pidns_get)
		(*out)->priv = ops->pidns_get();
	return err;
}
