/* vfs/mount_sys.c - mount(2) and umount2(2) as the VFS implements them: the flag
 * decoding and the checks of Linux's path_mount / path_umount in their order (new mounts,
 * bind and rbind, remount, remount of per-mount flags, propagation changes, MS_MOVE),
 * and the option checks of the filesystems we create (tmpfs).
 *
 * Works on the caller's mount namespace only (vfs_ctx.mntns). Must not touch guest memory
 * (the handler copies the strings in) nor build trees itself (mount_tree.c does). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "vfs/internal.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#define MS_ATIME_MASK (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
#define MS_PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

/* Is @m a mount of the caller's namespace (Linux's check_mnt)? */
static bool check_mnt(const struct vfs_ctx *c, const struct vfs_mount *m)
{
	return m->attached && m->ns && (!c->mntns || m->ns == c->mntns);
}

static bool path_mounted(const struct vfs_path *p)
{
	return p->dentry == p->mnt->root;
}

/* A size as tmpfs's memparse reads it: digits, an optional k/m/g/t/p/e suffix, or a
 * percentage when @pct_ok. */
static bool valid_size(const char *v, bool pct_ok)
{
	char *end;
	if (!isdigit((unsigned char)*v))
		return false;
	strtoull(v, &end, 0);
	if (*end && strchr("kKmMgGtTpPeE", *end))
		end++;
	else if (*end == '%' && pct_ok)
		end++;
	return !*end;
}

static bool valid_number(const char *v, int base)
{
	char *end;
	if (!*v)
		return false;
	strtoul(v, &end, base);
	return !*end;
}

/* Options the VFS itself takes from mount data (Linux's vfs_parse_sb_flag). */
static bool is_sb_flag_option(const char *o)
{
	static const char *const names[] = {"ro",      "rw",	   "sync",	 "async",
					    "dirsync", "lazytime", "nolazytime", "mand",
					    "nomand",  "silent",   "loud",	 NULL};
	for (int i = 0; names[i]; i++)
		if (!strcmp(o, names[i]))
			return true;
	return false;
}

/* tmpfs(5) options as Linux's shmem_parse_one checks them: -EINVAL for an unknown key or
 * a bad value. size= and nr_inodes= are accepted but not enforced (vfs/README.md). */
static int check_tmpfs_opts(const char *data)
{
	if (!data || !*data)
		return 0;
	char *copy = strdup(data), *save = NULL;
	int err = 0;
	if (!copy)
		return -ENOMEM;
	for (char *o = strtok_r(copy, ",", &save); o && !err; o = strtok_r(NULL, ",", &save)) {
		char *v = strchr(o, '=');
		if (v)
			*v++ = 0;
		if (!v) {
			if (!is_sb_flag_option(o) && strcmp(o, "inode32") && strcmp(o, "inode64") &&
			    strcmp(o, "noswap"))
				err = -EINVAL;
		} else if (!strcmp(o, "size")) {
			err = valid_size(v, true) ? 0 : -EINVAL;
		} else if (!strcmp(o, "nr_blocks") || !strcmp(o, "nr_inodes")) {
			err = valid_size(v, false) ? 0 : -EINVAL;
		} else if (!strcmp(o, "mode")) {
			err = valid_number(v, 8) ? 0 : -EINVAL;
		} else if (!strcmp(o, "uid") || !strcmp(o, "gid")) {
			err = valid_number(v, 10) ? 0 : -EINVAL;
		} else if (!strcmp(o, "huge") || !strcmp(o, "mpol")) {
			err = 0;
		} else {
			err = -EINVAL;
		}
	}
	free(copy);
	return err;
}

/* The per-mount flags of a mount(2) call (Linux's path_mount): relatime unless noatime or
 * strictatime; a remount without atime flags keeps the mount's. */
static unsigned long mount_flags(unsigned long flags, const struct vfs_mount *m)
{
	unsigned long mf =
	    flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME);
	if (!(flags & MS_NOATIME))
		mf |= MS_RELATIME;
	if (flags & MS_STRICTATIME)
		mf = (mf & ~(MS_RELATIME | MS_NOATIME)) | MS_STRICTATIME;
	if ((flags & MS_REMOUNT) && !(flags & MS_ATIME_MASK))
		mf = (mf & ~MS_ATIME_MASK) | (m->flags & MS_ATIME_MASK);
	return mf;
}

/* MS_REMOUNT|MS_BIND: only the mount's own flags change. */
static int reconfigure_mnt(struct vfs_ctx *c, struct vfs_path *p, unsigned long mf)
{
	if (!check_mnt(c, p->mnt) || !path_mounted(p))
		return -EINVAL;
	p->mnt->flags = mf;
	return 0;
}

/* MS_REMOUNT: the superblock's read-only state and the mount's flags. A host directory
 * the sandbox was given read-only can never become writable (-EACCES, as a
 * write-protected device). */
static int remount(struct vfs_ctx *c, struct vfs_path *p, unsigned long flags, unsigned long mf,
		   const char *data)
{
	struct vfs_sb *sb = p->mnt->sb;
	if (!check_mnt(c, p->mnt) || !path_mounted(p))
		return -EINVAL;
	if (!strcmp(sb->type, "tmpfs")) {
		int err = check_tmpfs_opts(data);
		if (err)
			return err;
	}
	if (flags & MS_RDONLY) {
		if (!(sb->flags & VFS_SB_RDONLY))
			sb->flags |= VFS_SB_RDONLY | VFS_SB_RDONLY_REMOUNTED;
	} else if (sb->flags & VFS_SB_RDONLY) {
		if (!(sb->flags & VFS_SB_RDONLY_REMOUNTED) && !strcmp(sb->type, "hostfs"))
			return -EACCES;
		if (overlay_is_lower_only(sb))
			return -EROFS; /* no upper layer to write to */
		sb->flags &= ~(VFS_SB_RDONLY | VFS_SB_RDONLY_REMOUNTED);
	}
	p->mnt->flags = mf;
	return 0;
}

/* Attaches the new tree @top at @at (the topmost mount there). Consumes @top's reference
 * into the tree on success; drops it on failure. */
static int graft(struct vfs_mount *top, struct vfs_path *at)
{
	struct vfs_inode *mi = at->dentry->inode, *ri = top->root->inode;
	int err = 0;
	if (!mi || !ri)
		err = -ENOENT;
	else if (S_ISDIR(mi->mode) != S_ISDIR(ri->mode))
		err = -ENOTDIR;
	else if (at->dentry->dead)
		err = -ENOENT;
	if (err) {
		vfs_mount_detach_tree(top);
		vfs_mount_put(top);
		return err;
	}
	vfs_mount_attach(top, at->mnt, at->dentry);
	vfs_mount_set_ns(top, at->mnt->ns);
	vfs_mount_prop_graft(top, at->mnt);
	vfs_mount_propagate(top);
	return 0;
}

/* MS_BIND [MS_REC]: a copy of the mount (tree) at @source, rooted at that directory or
 * file, on @at. */
static int do_bind(struct vfs_ctx *c, struct vfs_path *at, const char *source, bool rec)
{
	struct vfs_path old;
	if (!source || !*source)
		return -EINVAL;
	int err = vfs_walk(c, AT_FDCWD, source, LOOKUP_FOLLOW, &old, NULL);
	if (err)
		return err;
	struct vfs_mount *top = NULL;
	if (!check_mnt(c, at->mnt) || old.mnt->unbindable || !check_mnt(c, old.mnt))
		err = -EINVAL;
	else
		err = vfs_mount_copy_tree(old.mnt, old.dentry, rec, true, &top);
	if (top)
		vfs_mount_clear_copies(old.mnt);
	vfs_path_put(&old);
	return err ? err : graft(top, at);
}

static bool tree_has_unbindable(struct vfs_mount *m)
{
	if (m->unbindable)
		return true;
	struct vfs_mount *c;
	list_for_each_entry(c, &m->children, sibling)
		if (tree_has_unbindable(c))
			return true;
	return false;
}

/* MS_MOVE (Linux's do_move_mount): the mount at @source with its submounts goes to @at. */
static int do_move(struct vfs_ctx *c, struct vfs_path *at, const char *source)
{
	struct vfs_path old;
	if (!source || !*source)
		return -EINVAL;
	int err = vfs_walk(c, AT_FDCWD, source, LOOKUP_FOLLOW, &old, NULL);
	if (err)
		return err;
	struct vfs_mount *m = old.mnt, *p = at->mnt;
	err = -EINVAL;
	if (!check_mnt(c, p) || !m->parent || !check_mnt(c, m) || !path_mounted(&old))
		goto out;
	if (!at->dentry->inode ||
	    S_ISDIR(at->dentry->inode->mode) != S_ISDIR(old.dentry->inode->mode))
		goto out;
	if (vfs_mount_is_shared(m->parent))
		goto out;
	if (vfs_mount_is_shared(p) && tree_has_unbindable(m))
		goto out;
	err = -ELOOP;
	for (struct vfs_mount *q = p; q; q = q->parent)
		if (q == m)
			goto out;
	err = at->dentry->dead ? -ENOENT : 0;
	if (err)
		goto out;
	vfs_mount_unhash(m);
	vfs_mount_attach(m, p, at->dentry);
	vfs_mount_prop_graft(m, p);
	vfs_mount_propagate(m);
out:
	vfs_path_put(&old);
	return err;
}

/* A new filesystem of @fstype on @at. */
static int do_new_mount(struct vfs_ctx *c, struct vfs_path *at, const char *source,
			const char *fstype, unsigned long flags, unsigned long mf, const char *data)
{
	struct vfs_sb *sb;
	if (!fstype)
		return -EINVAL;
	if (vfs_live_mounts >= VFS_MOUNT_MAX)
		return -ENOSPC;
	if (!strcmp(fstype, "tmpfs")) {
		int err = check_tmpfs_opts(data);
		if (err)
			return err;
	}
	int err = vfs_fs_create(fstype, flags & MS_RDONLY, data, c, &sb);
	if (err)
		return err;
	if (!check_mnt(c, at->mnt))
		err = -EINVAL;
	else if (at->mnt->sb == sb && path_mounted(at))
		err = -EBUSY;
	if (!err) {
		struct vfs_mount *m = vfs_mount_new(sb, sb->root, 0);
		if (m) {
			m->flags = mf;
			if (source && *source)
				m->devname = strdup(source); /* NULL: the fs's name */
			err = graft(m, at);
		} else {
			err = -ENOMEM;
		}
	}
	vfs_sb_kill(sb);
	return err;
}

/* See vfs.h. */
int vfs_mount(struct vfs_ctx *c, const char *source, const char *target, const char *fstype,
	      unsigned long flags, const char *data)
{
	struct vfs_path at;
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	int err = vfs_walk(c, AT_FDCWD, target, LOOKUP_FOLLOW, &at, NULL);
	if (err)
		return err;
	if (flags & MS_NOUSER)
		err = -EINVAL;
	else if (c->cred && !vfs_capable(c->cred, VFS_CAP_SYS_ADMIN))
		err = -EPERM;
	if (err)
		goto out;
	unsigned long mf = mount_flags(flags, at.mnt);
	if ((flags & (MS_REMOUNT | MS_BIND)) == (MS_REMOUNT | MS_BIND)) {
		err = reconfigure_mnt(c, &at, mf);
	} else if (flags & MS_REMOUNT) {
		err = remount(c, &at, flags, mf, data);
	} else if (flags & MS_BIND) {
		vfs_path_follow_mounts(&at);
		err = do_bind(c, &at, source, flags & MS_REC);
	} else if (flags & MS_PROPAGATION) {
		unsigned long type = flags & ~(MS_REC | MS_SILENT);
		if (!path_mounted(&at) || type & (type - 1) || !(type & MS_PROPAGATION))
			err = -EINVAL;
		else
			vfs_mount_set_propagation(at.mnt, type, flags & MS_REC);
	} else if (flags & MS_MOVE) {
		vfs_path_follow_mounts(&at);
		err = do_move(c, &at, source);
	} else {
		vfs_path_follow_mounts(&at);
		err = do_new_mount(c, &at, source, fstype, flags, mf, data);
	}
out:
	vfs_path_put(&at);
	return err;
}

/* See vfs.h. "Unmounting" one's own root without MNT_DETACH makes its filesystem
 * read-only instead, as Linux's do_umount_root. */
int vfs_umount(struct vfs_ctx *c, const char *target, int flags)
{
	struct vfs_path p;
	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	unsigned lf = LOOKUP_MOUNTPOINT | ((flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW);
	int err = vfs_walk(c, AT_FDCWD, target, lf, &p, NULL);
	if (err)
		return err;
	bool own_root = c->fs && p.mnt == c->fs->root.mnt;
	if (c->cred && !vfs_capable(c->cred, VFS_CAP_SYS_ADMIN))
		err = -EPERM;
	else if (!path_mounted(&p) || !check_mnt(c, p.mnt))
		err = -EINVAL;
	else if (own_root && (flags & MNT_EXPIRE))
		err = -EINVAL;
	else if (own_root && !(flags & MNT_DETACH))
		p.mnt->sb->flags |= (p.mnt->sb->flags & VFS_SB_RDONLY)
					    ? 0
					    : VFS_SB_RDONLY | VFS_SB_RDONLY_REMOUNTED;
	else
		err = vfs_umount_path(&p, flags & ~UMOUNT_NOFOLLOW);
	vfs_path_put(&p);
	return err;
}
