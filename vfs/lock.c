/* vfs/lock.c - advisory locks kept in the Sentry, per inode: POSIX record locks (owner:
 * the fd table, released when the process closes any fd of the file), OFD locks (owner:
 * the file description) and flock(2) locks (owner: the file description, separate
 * namespace). Never blocks: a conflicting request returns -EAGAIN and the caller parks on
 * vfs_lock_waitq(), woken whenever a lock of the inode is released or changed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include "vfs/internal.h"
#include "vfs/lock.h"

struct vfs_lock {
	struct list_head link;
	void *owner;
	int kind;
	int type; /* F_RDLCK / F_WRLCK */
	off_t start, end; /* inclusive; VFS_LOCK_EOF: to the end */
	int pid;
};

struct vfs_lock_state {
	struct list_head locks;
	struct waitq wq;
};

static struct vfs_lock_state *lock_state(struct vfs_inode *inode)
{
	if (!inode->locks) {
		inode->locks = calloc(1, sizeof(*inode->locks));
		if (!inode->locks)
			return NULL;
		list_init(&inode->locks->locks);
		waitq_init(&inode->locks->wq);
	}
	return inode->locks;
}

struct waitq *vfs_lock_waitq(struct vfs_inode *inode)
{
	struct vfs_lock_state *s = lock_state(inode);
	return s ? &s->wq : NULL;
}

static bool same_space(int a, int b)
{
	return (a == VFS_LOCK_FLOCK) == (b == VFS_LOCK_FLOCK);
}

static bool conflicts(const struct vfs_lock *l, void *owner, int kind, int type, off_t s, off_t e)
{
	if (!same_space(l->kind, kind) || l->owner == owner)
		return false;
	if (l->end < s || l->start > e)
		return false;
	return l->type == F_WRLCK || type == F_WRLCK;
}

/* F_GETLK: the first lock conflicting with the request, or l_type F_UNLCK. */
int vfs_lock_test(struct vfs_inode *inode, void *owner, int kind, struct vfs_lock_req *req)
{
	struct vfs_lock *l;
	if (inode->locks) {
		list_for_each_entry(l, &inode->locks->locks, link)
		{
			if (conflicts(l, owner, kind, req->type, req->start, req->end)) {
				req->type = l->type;
				req->start = l->start;
				req->end = l->end;
				req->pid = l->kind == VFS_LOCK_POSIX ? l->pid : -1;
				return 0;
			}
		}
	}
	req->type = F_UNLCK;
	return 0;
}

static int add_lock(struct vfs_lock_state *s, void *owner, int kind, int type, off_t st, off_t e,
		    int pid)
{
	struct vfs_lock *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOLCK;
	*n = (struct vfs_lock){ .owner = owner, .kind = kind, .type = type, .start = st, .end = e,
				.pid = pid };
	list_add_tail(&n->link, &s->locks);
	return 0;
}

/* F_SETLK / flock: sets, changes or releases @owner's lock on [start, end]. Returns 0,
 * -EAGAIN on conflict (nothing changed) or -ENOLCK. */
int vfs_lock_set(struct vfs_inode *inode, void *owner, int kind, const struct vfs_lock_req *req)
{
	struct vfs_lock_state *s = lock_state(inode);
	struct vfs_lock *l, *tmp;
	if (!s)
		return -ENOLCK;
	off_t st = req->start, e = req->end;
	if (req->type != F_UNLCK) {
		list_for_each_entry(l, &s->locks, link)
			if (conflicts(l, owner, kind, req->type, st, e))
				return -EAGAIN;
	}
	list_for_each_entry_safe(l, tmp, &s->locks, link)
	{
		if (l->owner != owner || !same_space(l->kind, kind) || l->end < st || l->start > e)
			continue;
		if (l->start < st && l->end > e) { /* split */
			if (add_lock(s, owner, l->kind, l->type, e + 1, l->end, l->pid))
				return -ENOLCK;
			l->end = st - 1;
		} else if (l->start < st) {
			l->end = st - 1;
		} else if (l->end > e) {
			l->start = e + 1;
		} else {
			list_del(&l->link);
			free(l);
		}
	}
	int err = 0;
	if (req->type != F_UNLCK)
		err = add_lock(s, owner, kind, req->type, st, e, req->pid);
	waitq_wake(&s->wq, EPOLLIN);
	return err;
}

static void drop_owner(struct vfs_inode *inode, void *owner, int kind_mask)
{
	struct vfs_lock *l, *tmp;
	bool any = false;
	list_for_each_entry_safe(l, tmp, &inode->locks->locks, link)
	{
		if (l->owner == owner && ((1 << l->kind) & kind_mask)) {
			list_del(&l->link);
			free(l);
			any = true;
		}
	}
	if (any)
		waitq_wake(&inode->locks->wq, EPOLLIN);
}

void vfs_locks_owner_close(struct vfs_inode *inode, void *owner)
{
	if (inode->locks)
		drop_owner(inode, owner, 1 << VFS_LOCK_POSIX);
}

void vfs_locks_file_release(struct vfs_file *f)
{
	struct vfs_inode *inode = vfs_file_inode(f);
	if (inode && inode->locks)
		drop_owner(inode, f, (1 << VFS_LOCK_OFD) | (1 << VFS_LOCK_FLOCK));
}

void vfs_locks_free(struct vfs_inode *inode)
{
	struct vfs_lock *l, *tmp;
	if (!inode->locks)
		return;
	list_for_each_entry_safe(l, tmp, &inode->locks->locks, link)
		free(l);
	free(inode->locks);
	inode->locks = NULL;
}
