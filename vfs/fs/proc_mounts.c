/* vfs/fs/proc_mounts.c - /proc/<pid>/mounts and mountinfo from the VFS mount tree of the
 * process's namespace, seen from its root (mounts outside the root are not shown, as in
 * Linux), with mount ids, parent ids, per-mount options and propagation fields. Must not show host paths: sources are filesystem names, never host dirs. */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include "vfs/fs/procfs.h"

/* Is the mount's root reachable from @root? */
static bool mount_visible(struct vfs_mount *m, const struct vfs_path *root)
{
	struct vfs_dentry *d = m->root;
	for (;;) {
		if (m == root->mnt)
			return vfs_d_is_ancestor(root->dentry, d);
		if (!m->parent)
			return false;
		d = m->mountpoint;
		m = m->parent;
	}
}

/* Octal escapes for the characters that split fields (as Linux's seq_escape). */
static void add_escaped(struct proc_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			proc_buf_printf(b, "\\%03o", (unsigned char)*s);
		else
			proc_buf_add(b, s, 1);
	}
}

static const char *fs_type(const struct vfs_sb *sb)
{
	return !strcmp(sb->type, "devfs") ? "tmpfs" : sb->type;
}

static const char *fs_source(const struct vfs_mount *m)
{
	const struct vfs_sb *sb = m->sb;
	const char *t = fs_type(sb);
	if (m->devname)
		return m->devname;
	if (!strcmp(t, "hostfs"))
		return "none";
	return t;
}

static void mount_opts(struct proc_buf *b, const struct vfs_mount *m)
{
	proc_buf_printf(b, "%s", vfs_mount_is_rdonly(m) ? "ro" : "rw");
	if (m->flags & MS_NOSUID)
		proc_buf_printf(b, ",nosuid");
	if (m->flags & MS_NODEV)
		proc_buf_printf(b, ",nodev");
	if (m->flags & MS_NOEXEC)
		proc_buf_printf(b, ",noexec");
	if (m->flags & MS_NOATIME)
		proc_buf_printf(b, ",noatime");
	else if (!(m->flags & MS_STRICTATIME))
		proc_buf_printf(b, ",relatime");
	if (m->flags & MS_NODIRATIME)
		proc_buf_printf(b, ",nodiratime");
}

/* mountinfo's optional fields (Linux's show_mountinfo): the peer group, the master's
 * group, unbindable. */
static void prop_fields(struct proc_buf *b, const struct vfs_mount *m)
{
	if (m->group_id)
		proc_buf_printf(b, " shared:%llu", (unsigned long long)m->group_id);
	if (m->master && m->master->group_id)
		proc_buf_printf(b, " master:%llu", (unsigned long long)m->master->group_id);
	if (m->unbindable)
		proc_buf_printf(b, " unbindable");
}

/* The path of dentry @d inside its own superblock ("/" for the root). */
static void sb_relative(struct vfs_dentry *d, char *buf, size_t size)
{
	char tmp[VFS_PATH_MAX];
	size_t pos = sizeof(tmp) - 1;
	tmp[pos] = 0;
	while (d->parent != d && pos > d->namelen + 1) {
		pos -= d->namelen;
		memcpy(tmp + pos, d->name, d->namelen);
		tmp[--pos] = '/';
		d = d->parent;
	}
	snprintf(buf, size, "%s", tmp[pos] ? tmp + pos : "/");
}

static void render_one(struct proc_buf *b, struct vfs_mount *m, const struct vfs_path *root,
		       bool info)
{
	char mp[VFS_PATH_MAX + 16];
	struct vfs_path p = { m, m->root };
	if (vfs_path_to_string(&p, root, mp, sizeof(mp)) < 0)
		return;
	if (!info) {
		add_escaped(b, fs_source(m));
		proc_buf_add(b, " ", 1);
		add_escaped(b, mp);
		proc_buf_printf(b, " %s ", fs_type(m->sb));
		mount_opts(b, m);
		proc_buf_printf(b, " 0 0\n");
		return;
	}
	char rel[VFS_PATH_MAX];
	sb_relative(m->root, rel, sizeof(rel));
	uint64_t parent = m->parent ? m->parent->id : 1;
	proc_buf_printf(b, "%llu %llu %u:%u ", (unsigned long long)m->id,
			(unsigned long long)parent, major(m->sb->dev), minor(m->sb->dev));
	add_escaped(b, rel);
	proc_buf_add(b, " ", 1);
	add_escaped(b, mp);
	proc_buf_add(b, " ", 1);
	mount_opts(b, m);
	prop_fields(b, m);
	proc_buf_printf(b, " - %s ", fs_type(m->sb));
	add_escaped(b, fs_source(m));
	proc_buf_printf(b, " %s\n", (m->sb->flags & VFS_SB_RDONLY) ? "ro" : "rw");
}

static void walk_tree(struct proc_buf *b, struct vfs_mount *m, const struct vfs_path *root,
		      bool info, int depth)
{
	if (depth > 64)
		return;
	if (mount_visible(m, root))
		render_one(b, m, root, info);
	struct vfs_mount *c;
	list_for_each_entry(c, &m->children, sibling)
	{
		walk_tree(b, c, root, info, depth + 1);
	}
}

/* See procfs.h. */
void proc_render_mounts(struct proc_buf *b, struct vfs_mntns *ns, const struct vfs_path *root,
			bool mountinfo)
{
	if (ns && ns->root)
		walk_tree(b, ns->root, root, mountinfo, 0);
}
