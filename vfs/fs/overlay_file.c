/* vfs/fs/overlay_file.c - overlay open files: merged directory listings (upper entries,
 * then each lower layer's from the top, a name shown once, whiteouts of any layer hiding
 * it below) and regular files forwarded to the real file of the layer that holds the
 * data. Never modifies the lower layers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "vfs/internal.h"
#include "vfs/ops.h"
#include "vfs/fs/overlay.h"

/* Names in merged directory @d. */
struct ovl_ent {
	char *name;
	uint64_t ino;
	unsigned char type;
};
struct ovl_dirlist {
	struct ovl_ent *e;
	size_t n, cap;
};

static bool list_has(struct ovl_dirlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->e[i].name, name))
			return true;
	return false;
}

static int list_add_ent(struct ovl_dirlist *l, const char *name, uint64_t ino, unsigned char type)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ovl_ent *e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	l->e[l->n].name = strdup(name);
	if (!l->e[l->n].name)
		return -ENOMEM;
	l->e[l->n].ino = ino;
	l->e[l->n].type = type;
	l->n++;
	return 0;
}

static void list_free(struct ovl_dirlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].name);
	free(l->e);
	free(l);
}

/* Reads layer directory @dir: names not yet in @out nor @hidden go to @out, whiteouts to
 * @hidden. */
static int read_layer(struct vfs_mount *mnt, struct vfs_dentry *dir, struct ovl_dirlist *out,
		      struct ovl_dirlist *hidden)
{
	struct vfs_file *f;
	int err = vfs_open_dentry(mnt, dir, O_RDONLY | O_DIRECTORY, &f);
	if (err)
		return err;
	char *buf = malloc(32768);
	if (!buf) {
		vfs_file_put(f);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = vfs_file_getdents64(f, buf, 32768);
		if (n <= 0) {
			err = (int)n;
			break;
		}
		for (ssize_t o = 0; o < n;) {
			uint64_t ino;
			uint16_t reclen;
			memcpy(&ino, buf + o, 8);
			memcpy(&reclen, buf + o + 16, 2);
			unsigned char type = (unsigned char)buf[o + 18];
			const char *name = buf + o + 19;
			o += reclen;
			if (list_has(out, name) || list_has(hidden, name))
				continue;
			if (type == DT_CHR) {
				struct vfs_dentry *c;
				if (!vfs_lookup_one(dir, name, strlen(name), &c)) {
					bool wh = is_whiteout(c);
					vfs_dentry_put(c);
					if (wh) {
						list_add_ent(hidden, name, 0, 0);
						continue;
					}
				}
			}
			if (list_add_ent(out, name, ino, type))
				break;
		}
	}
	free(buf);
	vfs_file_put(f);
	return err;
}

static int merged_list(struct vfs_dentry *d, struct ovl_dirlist **out)
{
	struct ovl_inode *oi = OI(d->inode);
	struct ovl_dirlist *l = calloc(1, sizeof(*l)), hidden = { 0 };
	if (!l)
		return -ENOMEM;
	int err = 0;
	if (oi->upper)
		err = read_layer(OS(d->sb)->upper.mnt, oi->upper, l, &hidden);
	for (int k = 0; !err && !oi->opaque && k < oi->nlower; k++)
		err = read_layer(ovl_lower_mnt(d->sb, &oi->lower[k]), oi->lower[k].d, l, &hidden);
	for (size_t i = 0; i < hidden.n; i++)
		free(hidden.e[i].name);
	free(hidden.e);
	if (err) {
		list_free(l);
		return err;
	}
	*out = l;
	return 0;
}

int ovl_check_empty(struct vfs_dentry *d)
{
	struct ovl_dirlist *l;
	int err = merged_list(d, &l);
	if (err)
		return err;
	for (size_t i = 0; i < l->n && !err; i++)
		if (strcmp(l->e[i].name, ".") && strcmp(l->e[i].name, ".."))
			err = -ENOTEMPTY;
	list_free(l);
	return err;
}

/* Empties upper directory @u of its whiteouts so that it can be removed. */
int ovl_clear_upper_dir(struct vfs_sb *sb, struct vfs_dentry *u)
{
	struct ovl_dirlist *l = calloc(1, sizeof(*l)), hidden = { 0 };
	if (!l)
		return -ENOMEM;
	int err = read_layer(OS(sb)->upper.mnt, u, l, &hidden);
	for (size_t i = 0; !err && i < hidden.n; i++) {
		struct vfs_dentry *w;
		err = vfs_lookup_one(u, hidden.e[i].name, strlen(hidden.e[i].name), &w);
		if (!err && w->inode) {
			err = u->inode->iops->unlink(u, w);
			if (!err)
				vfs_d_delete(w);
		}
		if (!err)
			vfs_dentry_put(w);
	}
	for (size_t i = 0; i < hidden.n; i++)
		free(hidden.e[i].name);
	free(hidden.e);
	list_free(l);
	return err;
}

/* Removes @d (a positive child of @dir on @mnt), as Linux's ovl_workdir_cleanup: a
 * non-directory, or anything below level 1, is removed directly; a non-empty directory at
 * level 0 or 1 is emptied first (so what is left of earlier mounts, two levels deep, goes;
 * a deeper tree makes the rmdir fail with -ENOTEMPTY). */
static int work_cleanup(struct vfs_mount *mnt, struct vfs_dentry *dir, struct vfs_dentry *d,
			int level)
{
	const struct vfs_inode_ops *ops = dir->inode->iops;
	if (!S_ISDIR(d->inode->mode) || level > 1)
		return S_ISDIR(d->inode->mode) ? ops->rmdir(dir, d) : ops->unlink(dir, d);
	int err = ops->rmdir(dir, d);
	if (err != -ENOTEMPTY)
		return err;
	struct ovl_dirlist names = { 0 }, wh = { 0 };
	err = read_layer(mnt, d, &names, &wh);
	for (size_t i = 0; !err && i < names.n + wh.n; i++) {
		const char *n = i < names.n ? names.e[i].name : wh.e[i - names.n].name;
		struct vfs_dentry *c;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		err = vfs_lookup_one(d, n, strlen(n), &c);
		if (err)
			break;
		if (c->inode)
			err = work_cleanup(mnt, d, c, level + 1);
		if (!err && c->inode)
			vfs_d_delete(c);
		vfs_dentry_put(c);
	}
	for (size_t i = 0; i < names.n; i++)
		free(names.e[i].name);
	for (size_t i = 0; i < wh.n; i++)
		free(wh.e[i].name);
	free(names.e);
	free(wh.e);
	return err ? err : ops->rmdir(dir, d);
}

/* See internal.h. */
int overlay_make_workdir(struct vfs_path *work, uint32_t uid, uint32_t gid)
{
	struct vfs_dentry *w, *dir = work->dentry;
	const struct vfs_inode_ops *ops = dir->inode->iops;
	int err = vfs_lookup_one(dir, "work", 4, &w);
	if (err)
		return err;
	if (w->inode) {
		err = work_cleanup(work->mnt, dir, w, 0);
		if (!err)
			vfs_d_delete(w);
		vfs_dentry_put(w);
		if (err)
			return err;
		err = vfs_lookup_one(dir, "work", 4, &w);
		if (err)
			return err;
	}
	err = ops->mkdir ? ops->mkdir(dir, w, S_IFDIR | 0, uid, gid) : -EPERM;
	vfs_dentry_put(w);
	return err;
}

/* ---- open files: forwarded to the real file ---- */
#define IN(f) ((struct vfs_file *)(f)->priv)

static ssize_t of_read(struct vfs_file *f, void *buf, size_t len, off_t *pos)
{
	struct vfs_file *in = IN(f);
	if (pos != &f->pos)
		return in->ops->read(in, buf, len, pos);
	in->pos = f->pos;
	ssize_t r = in->ops->read(in, buf, len, &in->pos);
	f->pos = in->pos;
	return r;
}

static ssize_t of_write(struct vfs_file *f, const void *buf, size_t len, off_t *pos)
{
	struct vfs_file *in = IN(f);
	if (!in->ops->write)
		return -EINVAL;
	if (pos != &f->pos)
		return in->ops->write(in, buf, len, pos);
	in->pos = f->pos;
	ssize_t r = in->ops->write(in, buf, len, &in->pos);
	f->pos = in->pos;
	return r;
}

static off_t of_llseek(struct vfs_file *f, off_t off, int whence)
{
	struct vfs_file *in = IN(f);
	in->pos = f->pos;
	off_t r = in->ops->llseek ? in->ops->llseek(in, off, whence) : -ESPIPE;
	if (r >= 0)
		f->pos = in->pos;
	return r;
}

static int of_truncate(struct vfs_file *f, off_t len)
{
	struct vfs_file *in = IN(f);
	return in->ops->truncate ? in->ops->truncate(in, len) : -EINVAL;
}

static int of_fsync(struct vfs_file *f, bool datasync)
{
	struct vfs_file *in = IN(f);
	return in->ops->fsync ? in->ops->fsync(in, datasync) : 0;
}

static int of_fallocate(struct vfs_file *f, int mode, off_t off, off_t len)
{
	struct vfs_file *in = IN(f);
	return in->ops->fallocate ? in->ops->fallocate(in, mode, off, len) : -EOPNOTSUPP;
}

static int of_host_fd(struct vfs_file *f, bool writable)
{
	return vfs_file_host_fd(IN(f), writable);
}

static int of_setfl(struct vfs_file *f, int flags)
{
	IN(f)->flags = flags;
	return 0;
}

static void of_release(struct vfs_file *f)
{
	if (f->priv)
		vfs_file_put(IN(f));
}

const struct vfs_file_ops ovl_file_ops = {
	.read = of_read,
	.write = of_write,
	.llseek = of_llseek,
	.truncate = of_truncate,
	.fsync = of_fsync,
	.fallocate = of_fallocate,
	.host_fd = of_host_fd,
	.setfl = of_setfl,
	.release = of_release,
};

/* Merged directories: the list is built at the first getdents and kept until rewind. */
static ssize_t od_getdents64(struct vfs_file *f, void *buf, size_t len)
{
	struct ovl_dirlist *l = f->priv;
	if (!l || f->pos == 0) {
		if (l)
			list_free(l);
		f->priv = NULL;
		int err = merged_list(f->dentry, &l);
		if (err)
			return err;
		f->priv = l;
	}
	size_t used = 0;
	while ((size_t)f->pos < l->n) {
		struct ovl_ent *e = &l->e[f->pos];
		uint64_t ino = e->ino;
		if (!strcmp(e->name, "."))
			ino = f->dentry->inode->ino;
		size_t n = vfs_dirent_pack((char *)buf + used, len - used, e->name, strlen(e->name),
					   ino, e->type, f->pos + 1);
		if (!n)
			return used ? (ssize_t)used : -EINVAL;
		used += n;
		f->pos++;
	}
	return (ssize_t)used;
}

static off_t od_llseek(struct vfs_file *f, off_t off, int whence)
{
	if (whence == SEEK_CUR)
		off += f->pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	return f->pos = off;
}

static void od_release(struct vfs_file *f)
{
	if (f->priv)
		list_free(f->priv);
}

const struct vfs_file_ops ovl_dir_ops = {
	.getdents64 = od_getdents64,
	.llseek = od_llseek,
	.release = od_release,
};
