/* vfs/mount_propagate.c - mount and umount events travelling along propagation
 * relations (Linux's propagate_mnt / propagate_umount): a tree grafted on a mount of a
 * peer group is copied onto every peer (as peers of the new tree) and every slave (as
 * slaves of it, recursively, shared again where the slave is shared) whose root can see
 * the mount point; an unmount removes the copies at the same place that have no
 * submounts. Peers in other mount namespaces receive too (unshare -m without making /
 * private).
 *
 * The receivers are collected first (breadth first, each once), then copies are made,
 * so the rings and lists being extended are never walked at the same time. Must not
 * know about paths or filesystems; the trees are built by mount_tree.c. */
#include <errno.h>
#include <stdlib.h>
#include "vfs/internal.h"

#define PROP_MAX_RECEIVERS 4096

struct receiver {
	struct vfs_mount *m;
	int from;  /* index of the receiver it gets the event from (-1: the origin) */
	bool slave;
	struct vfs_mount *copy; /* what it received (borrowed: the tree owns it) */
};

struct receivers {
	struct receiver *v;
	int n, cap;
};

static uint64_t prop_event;

static bool push(struct receivers *r, struct vfs_mount *m, int from, bool slave)
{
	if (m->prop_seen == prop_event || r->n >= PROP_MAX_RECEIVERS)
		return true;
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 16;
		struct receiver *v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return false;
		r->v = v;
		r->cap = cap;
	}
	m->prop_seen = prop_event;
	r->v[r->n++] = (struct receiver){ m, from, slave, NULL };
	return true;
}

static void mark_tree(struct vfs_mount *m)
{
	m->prop_seen = prop_event;
	struct vfs_mount *c;
	list_for_each_entry(c, &m->children, sibling)
		mark_tree(c);
}

/* Everything that receives events from @dest: its peers, their slaves, the slaves'
 * peers... (index 0 is @dest itself). Returns 0 or -ENOMEM. */
static int collect(struct vfs_mount *dest, struct receivers *r)
{
	if (!push(r, dest, -1, false))
		return -ENOMEM;
	for (int i = 0; i < r->n; i++) {
		struct vfs_mount *x = r->v[i].m, *p, *s;
		list_for_each_entry(p, &x->share, share)
			if (!push(r, p, i, false))
				return -ENOMEM;
		list_for_each_entry(s, &x->slaves, slave)
			if (!push(r, s, i, true))
				return -ENOMEM;
	}
	return 0;
}

static bool sees(struct vfs_mount *m, struct vfs_dentry *mp)
{
	return m->attached && m->sb == mp->sb && vfs_d_is_ancestor(m->root, mp);
}

/* Each copy in the tree of @src's copies becomes a slave of the mount it copies. */
static void make_slaves(struct vfs_mount *src)
{
	struct vfs_mount *c = src->copy, *s;
	list_del(&c->share);
	c->group_id = 0;
	list_del(&c->slave);
	c->master = src;
	list_add_tail(&c->slave, &src->slaves);
	list_for_each_entry(s, &src->children, sibling)
		if (s->copy)
			make_slaves(s);
}

/* A copy of @src attached at (@m, @mp), as a peer or a slave of it; NULL when none. */
static struct vfs_mount *receive(struct vfs_mount *m, struct vfs_dentry *mp, struct vfs_mount *src,
				 bool slave)
{
	struct vfs_mount *copy;
	if (!src || !sees(m, mp) || vfs_mount_copy_tree(src, src->root, true, false, &copy))
		return NULL;
	if (slave)
		make_slaves(src);
	vfs_mount_clear_copies(src);
	mark_tree(copy);
	vfs_mount_attach(copy, m, mp);
	vfs_mount_set_ns(copy, m->ns);
	if (slave && vfs_mount_is_shared(m))
		vfs_mount_prop_graft(copy, m);
	return copy;
}

/* See internal.h. */
void vfs_mount_propagate(struct vfs_mount *src)
{
	struct vfs_mount *dest = src->parent;
	struct receivers r = { 0 };
	if (!dest || (!dest->group_id && list_empty(&dest->slaves)))
		return;
	prop_event++;
	mark_tree(src);
	if (collect(dest, &r) == 0) {
		r.v[0].copy = src;
		for (int i = 1; i < r.n; i++) {
			struct receiver *x = &r.v[i];
			x->copy = receive(x->m, src->mountpoint, r.v[x->from].copy, x->slave);
		}
	}
	free(r.v);
}

/* The propagated copy of @m on receiver @r, or NULL. */
static struct vfs_mount *copy_on(struct vfs_mount *r, struct vfs_mount *m)
{
	struct vfs_mount *c = vfs_mount_lookup(r, m->mountpoint);
	return c && c != m && c->sb == m->sb && c->root == m->root ? c : NULL;
}

/* See internal.h. */
int vfs_mount_propagate_umount(struct vfs_mount *m, bool lazy)
{
	struct vfs_mount *dest = m->parent;
	struct receivers r = { 0 };
	if (!dest || (!dest->group_id && list_empty(&dest->slaves)))
		return 0;
	prop_event++;
	m->prop_seen = prop_event;
	int err = collect(dest, &r);
	for (int i = 1; i < r.n && !err && !lazy; i++) {
		struct vfs_mount *c = copy_on(r.v[i].m, m);
		if (c && list_empty(&c->children) && c->refs > 1)
			err = -EBUSY; /* an open file or a cwd in a copy */
	}
	for (int i = 1; i < r.n && !err; i++) {
		struct vfs_mount *c = copy_on(r.v[i].m, m);
		if (c && list_empty(&c->children))
			vfs_mount_detach_tree(c);
	}
	free(r.v);
	return err;
}
