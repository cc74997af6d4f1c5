/* vfs/namei.c - path walks: component by component, symlinks (40 at most), mounts,
 * "..", trailing slashes, dirfds, chroot-aware roots. Path strings from the app are walked
 * here and only here; filesystems see single names. Must not touch guest memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "vfs/internal.h"

void vfs_path_get(struct vfs_path *p)
{
	if (p->mnt)
		vfs_mount_get(p->mnt);
	if (p->dentry)
		vfs_dentry_get(p->dentry);
}

void vfs_path_put(struct vfs_path *p)
{
	if (p->dentry)
		vfs_dentry_put(p->dentry);
	if (p->mnt)
		vfs_mount_put(p->mnt);
	p->dentry = NULL;
	p->mnt = NULL;
}

/* Copies @src into @dst taking new references; drops what @dst held. */
void vfs_path_set(struct vfs_path *dst, const struct vfs_path *src)
{
	struct vfs_path old = *dst;
	*dst = *src;
	vfs_path_get(dst);
	vfs_path_put(&old);
}

struct walk {
	struct vfs_ctx *c;
	struct vfs_path root; /* borrowed */
	struct vfs_path cur;  /* owned */
	unsigned flags;
	int nlinks;
	int link_depth; /* > 0 while walking a symlink's text */
	bool must_dir;
	struct vfs_last *last;
};

static void cur_replace(struct walk *w, struct vfs_mount *m, struct vfs_dentry *d)
{
	struct vfs_path p = { m, d };
	vfs_path_set(&w->cur, &p);
}

static void follow_mounts(struct vfs_path *p)
{
	struct vfs_mount *m;
	while (p->dentry->mounted && (m = vfs_mount_lookup(p->mnt, p->dentry))) {
		struct vfs_path np = { m, m->root };
		vfs_path_set(p, &np);
	}
}

/* See internal.h. */
void vfs_path_follow_mounts(struct vfs_path *p)
{
	follow_mounts(p);
}

static bool at_root(struct walk *w)
{
	return w->cur.mnt == w->root.mnt && w->cur.dentry == w->root.dentry;
}

static int walk_dotdot(struct walk *w)
{
	for (;;) {
		if (at_root(w))
			return (w->flags & LOOKUP_BENEATH) ? -EXDEV : 0;
		if (w->cur.dentry != w->cur.mnt->root) {
			cur_replace(w, w->cur.mnt, w->cur.dentry->parent);
			break;
		}
		if (!w->cur.mnt->parent)
			return 0;
		if (w->flags & LOOKUP_NO_XDEV)
			return -EXDEV;
		cur_replace(w, w->cur.mnt->parent, w->cur.mnt->mountpoint);
	}
	follow_mounts(&w->cur);
	return 0;
}

static int walk_string(struct walk *w, const char *path, bool final_ctx);

static int follow_link(struct walk *w, struct vfs_path *link, bool is_last)
{
	if (w->flags & LOOKUP_NO_SYMLINKS)
		return -ELOOP;
	if (++w->nlinks > VFS_MAXSYMLINKS)
		return -ELOOP;
	struct vfs_inode *inode = link->dentry->inode;
	if (inode->iops && inode->iops->get_link) {
		/* a magic link (procfs): a jump, never allowed by openat2's scoped lookups
		 * (nd_jump_link) */
		if (w->flags & LOOKUP_NO_MAGICLINKS)
			return -ELOOP;
		if (w->flags & (LOOKUP_BENEATH | LOOKUP_IN_ROOT))
			return -EXDEV;
		struct vfs_path p;
		int err = inode->iops->get_link(w->c, link, &p);
		if (err)
			return err;
		if ((w->flags & LOOKUP_NO_XDEV) && p.mnt != w->cur.mnt) {
			vfs_path_put(&p);
			return -EXDEV;
		}
		vfs_path_put(&w->cur);
		w->cur = p;
		return 0;
	}
	if (!inode->iops || !inode->iops->readlink)
		return -EINVAL;
	char *target = malloc(VFS_PATH_MAX + 1);
	if (!target)
		return -ENOMEM;
	ssize_t n = inode->iops->readlink(link->dentry, target, VFS_PATH_MAX);
	int err = n < 0 ? (int)n : 0;
	if (!err) {
		target[n] = 0;
		w->link_depth++;
		err = walk_string(w, target, is_last);
		w->link_depth--;
	}
	free(target);
	return err;
}

static int walk_component(struct walk *w, const char *name, size_t len, bool is_last,
			  bool trailing)
{
	struct vfs_dentry *dir = w->cur.dentry;
	if (!dir->inode || !S_ISDIR(dir->inode->mode))
		return dir->inode ? -ENOTDIR : -ENOENT;
	int err = vfs_dentry_permission(w->c->cred, dir, MAY_EXEC);
	if (err)
		return err;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return walk_dotdot(w);
	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	struct vfs_dentry *child;
	err = vfs_lookup_one(dir, name, len, &child);
	if (err)
		return err;
	struct vfs_path next = { w->cur.mnt, child };
	vfs_mount_get(next.mnt);
	if (!child->inode) {
		if (is_last && (w->flags & LOOKUP_CREATE)) {
			vfs_path_put(&w->cur);
			w->cur = next;
			return 0;
		}
		vfs_path_put(&next);
		return -ENOENT;
	}
	follow_mounts(&next);
	if ((w->flags & LOOKUP_NO_XDEV) && next.mnt != w->cur.mnt) {
		vfs_path_put(&next);
		return -EXDEV;
	}
	if (S_ISLNK(next.dentry->inode->mode) &&
	    (!is_last || (w->flags & LOOKUP_FOLLOW) || trailing)) {
		err = follow_link(w, &next, is_last);
		vfs_path_put(&next);
		return err;
	}
	vfs_path_put(&w->cur);
	w->cur = next;
	return 0;
}

static int walk_string(struct walk *w, const char *path, bool final_ctx)
{
	const char *p = path;
	if (!*p)
		return -ENOENT;
	if (*p == '/') {
		if (w->flags & LOOKUP_BENEATH)
			return -EXDEV;
		/* an absolute path argument is allowed; a symlink's jump across mounts is not */
		if ((w->flags & LOOKUP_NO_XDEV) && w->link_depth && w->cur.mnt != w->root.mnt)
			return -EXDEV;
		cur_replace(w, w->root.mnt, w->root.dentry);
		while (*p == '/')
			p++;
	}
	if (!*p && final_ctx && (w->flags & LOOKUP_PARENT)) {
		w->last->type = LAST_ROOT;
		w->last->len = 0;
		w->last->name[0] = 0;
		return 0;
	}
	while (*p) {
		const char *name = p;
		while (*p && *p != '/')
			p++;
		size_t len = p - name;
		bool trailing = false;
		while (*p == '/') {
			p++;
			trailing = true;
		}
		bool is_last = final_ctx && !*p;
		if (is_last && trailing)
			w->must_dir = true;
		if (is_last && (w->flags & LOOKUP_PARENT)) {
			if (len > VFS_NAME_MAX)
				return -ENAMETOOLONG;
			struct vfs_dentry *dir = w->cur.dentry;
			if (!S_ISDIR(dir->inode->mode))
				return -ENOTDIR;
			memcpy(w->last->name, name, len);
			w->last->name[len] = 0;
			w->last->len = len;
			w->last->trailing_slash = trailing;
			w->last->type = (len == 1 && name[0] == '.')		       ? LAST_DOT
					: (len == 2 && name[0] == '.' && name[1] == '.') ? LAST_DOTDOT
											 : LAST_NORM;
			return 0;
		}
		int err = walk_component(w, name, len, is_last, trailing);
		if (err)
			return err;
	}
	return 0;
}

/* See internal.h. */
int vfs_walk_from(struct vfs_ctx *c, const struct vfs_path *root, const struct vfs_path *start,
		  const char *path, unsigned flags, struct vfs_path *out, struct vfs_last *last)
{
	struct vfs_last dummy;
	struct walk w = { .c = c, .root = *root, .flags = flags, .last = last ? last : &dummy };
	if (strlen(path) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (flags & (LOOKUP_IN_ROOT | LOOKUP_BENEATH))
		w.root = *start;
	w.cur = *start;
	vfs_path_get(&w.cur);
	int err;
	if (!*path) {
		err = (flags & LOOKUP_EMPTY) ? 0 : -ENOENT;
		if (!err && (flags & LOOKUP_PARENT))
			err = -ENOENT;
	} else {
		err = walk_string(&w, path, true);
	}
	if (!err && !(flags & LOOKUP_PARENT)) {
		struct vfs_inode *inode = w.cur.dentry->inode;
		if (inode && !S_ISDIR(inode->mode) && (w.must_dir || (flags & LOOKUP_DIRECTORY)))
			err = -ENOTDIR;
		else if (!inode && w.must_dir)
			err = -EISDIR;
		else if (inode && (flags & LOOKUP_MOUNTPOINT))
			follow_mounts(&w.cur); /* "." or a dirfd covered by a mount */
	}
	if (err) {
		vfs_path_put(&w.cur);
		return err;
	}
	*out = w.cur;
	return 0;
}

/* The starting point of a walk relative to @dirfd: a new reference in @out. */
static int walk_start(struct vfs_ctx *c, int dirfd, const char *path, unsigned flags,
		      struct vfs_path *out)
{
	bool empty_ok = flags & LOOKUP_EMPTY;
	bool scoped = flags & (LOOKUP_IN_ROOT | LOOKUP_BENEATH);
	if ((path[0] == '/' && !scoped) || dirfd == AT_FDCWD) {
		*out = c->fs->cwd;
		vfs_path_get(out);
		return 0;
	}
	struct vfs_file *f = c->fdt ? vfs_fdtable_lookup(c->fdt, dirfd) : NULL;
	if (!f)
		return -EBADF;
	int err = 0;
	if (!f->dentry)
		err = -ENOTDIR;
	else if (!(empty_ok && !*path) && (!f->dentry->inode || !S_ISDIR(f->dentry->inode->mode)))
		err = -ENOTDIR;
	if (!err) {
		out->mnt = f->mnt;
		out->dentry = f->dentry;
		vfs_path_get(out);
	}
	vfs_file_put(f);
	return err;
}

/* See internal.h. */
int vfs_walk(struct vfs_ctx *c, int dirfd, const char *path, unsigned flags, struct vfs_path *out,
	     struct vfs_last *last)
{
	struct vfs_path start;
	if (!*path && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	int err = walk_start(c, dirfd, path, flags, &start);
	if (err)
		return err;
	err = vfs_walk_from(c, &c->fs->root, &start, path, flags, out, last);
	vfs_path_put(&start);
	return err;
}

/* Writes the absolute path of @p as seen from @root. Returns the length or -ERANGE. */
int vfs_path_to_string(const struct vfs_path *p, const struct vfs_path *root, char *buf,
		       size_t size)
{
	char *tmp = malloc(VFS_PATH_MAX * 2);
	if (!tmp)
		return -ENOMEM;
	size_t pos = VFS_PATH_MAX * 2 - 1;
	tmp[pos] = 0;
	struct vfs_mount *m = p->mnt;
	struct vfs_dentry *d = p->dentry;
	bool deleted = d->dead;
	while (!(m == root->mnt && d == root->dentry)) {
		if (d == m->root) {
			if (!m->parent)
				break;
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		if (d->namelen + 1 > pos) {
			free(tmp);
			return -ENAMETOOLONG;
		}
		pos -= d->namelen;
		memcpy(tmp + pos, d->name, d->namelen);
		tmp[--pos] = '/';
		if (d->parent == d)
			break; /* an unnamed file (memfd, O_TMPFILE) */
		d = d->parent;
	}
	if (!tmp[pos])
		tmp[--pos] = '/';
	size_t len = strlen(tmp + pos);
	const char *suffix = deleted ? " (deleted)" : "";
	if (len + strlen(suffix) + 1 > size) {
		free(tmp);
		return -ERANGE;
	}
	strcpy(buf, tmp + pos);
	strcat(buf, suffix);
	free(tmp);
	return (int)strlen(buf);
}
