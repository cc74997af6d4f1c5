/* vfs/mount_prop.c - mount propagation types as mount(2) sets them (MS_SHARED, MS_PRIVATE,
 * MS_SLAVE, MS_UNBINDABLE, with MS_REC): peer groups, masters and slaves, as Linux's
 * fs/pnode.c records them and /proc/<pid>/mountinfo shows them (shared:N, master:N,
 * unbindable).
 *
 * Groups survive namespace copies and bind mounts; slaves move to a peer or to the master
 * when their master leaves, as Linux's do_make_slave. The events themselves travel in
 * mount_propagate.c. No references: every link is undone by vfs_mount_prop_release
 * before a mount is detached or freed. Must not know about paths or filesystems. */
#include "vfs/internal.h"
#include <sys/mount.h>

static uint64_t next_group_id = 1;

bool vfs_mount_is_shared(const struct vfs_mount *m)
{
	return m && m->group_id != 0;
}

static struct vfs_mount *next_peer(struct vfs_mount *m)
{
	if (list_empty(&m->share))
		return NULL;
	return list_entry(m->share.next, struct vfs_mount, share);
}

/* Hands @m's slaves to @to (NULL: they become private) and leaves the peer ring. */
static void leave_group(struct vfs_mount *m, struct vfs_mount *to)
{
	while (!list_empty(&m->slaves)) {
		struct vfs_mount *s = list_first_entry(&m->slaves, struct vfs_mount, slave);
		list_del(&s->slave);
		s->master = to;
		if (to)
			list_add_tail(&s->slave, &to->slaves);
	}
	list_del(&m->share);
	m->group_id = 0;
}

static void leave_master(struct vfs_mount *m)
{
	list_del(&m->slave);
	m->master = NULL;
}

static void make_slave(struct vfs_mount *m)
{
	struct vfs_mount *peer = next_peer(m);
	struct vfs_mount *master = peer ? peer : m->master;
	leave_group(m, master);
	if (peer) {
		leave_master(m);
		m->master = peer;
		list_add_tail(&m->slave, &peer->slaves);
	}
}

/* See internal.h. */
void vfs_mount_prop_release(struct vfs_mount *m)
{
	struct vfs_mount *peer = next_peer(m);
	leave_group(m, peer ? peer : m->master);
	leave_master(m);
	m->unbindable = false;
	m->expiry_mark = false;
}

static void set_one(struct vfs_mount *m, unsigned long type)
{
	switch (type) {
	case MS_SHARED:
		if (!m->group_id)
			m->group_id = next_group_id++;
		m->unbindable = false;
		break;
	case MS_SLAVE:
		make_slave(m);
		m->unbindable = false;
		break;
	case MS_PRIVATE:
		vfs_mount_prop_release(m);
		break;
	case MS_UNBINDABLE:
		vfs_mount_prop_release(m);
		m->unbindable = true;
		break;
	}
}

/* See internal.h. @type is exactly one of the four (the caller checked). */
void vfs_mount_set_propagation(struct vfs_mount *m, unsigned long type, bool rec)
{
	set_one(m, type);
	if (!rec)
		return;
	struct vfs_mount *c;
	list_for_each_entry(c, &m->children, sibling)
		vfs_mount_set_propagation(c, type, true);
}

/* See internal.h. Linux's attach_recursive_mnt: a tree grafted under a shared mount gets
 * new peer groups for the mounts that are not shared yet (invent_group_ids). */
void vfs_mount_prop_graft(struct vfs_mount *top, struct vfs_mount *parent)
{
	if (!vfs_mount_is_shared(parent))
		return;
	if (!top->group_id) {
		top->group_id = next_group_id++;
		top->unbindable = false;
	}
	struct vfs_mount *c;
	list_for_each_entry(c, &top->children, sibling)
		vfs_mount_prop_graft(c, top);
}
