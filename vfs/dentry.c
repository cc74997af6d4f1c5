/* vfs/dentry.c - dentries and the dentry cache.
 *
 * A dentry names an inode (or nothing: negative) under a parent. Used dentries are found
 * through a hash of (parent, name); unused positive ones stay cached on an LRU list,
 * bounded (vfs_dcache_set_limit), and are freed from the cold end. Negative dentries and
 * deleted ones are freed as soon as they are unused. Must not know any filesystem. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vfs/internal.h"

#define DHASH_BITS 16
static struct list_head dhash[1 << DHASH_BITS];
static bool dhash_ready;
static struct list_head dlru = LIST_HEAD_INIT(dlru);
long vfs_live_dentries, vfs_unused_dentries;
static long dcache_limit = 50000;

static unsigned dhash_of(const struct vfs_dentry *parent, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ (uintptr_t)parent;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
	return (unsigned)(h ^ (h >> 29)) & ((1 << DHASH_BITS) - 1);
}

static void dhash_init(void)
{
	if (dhash_ready)
		return;
	for (size_t i = 0; i < (size_t)(1 << DHASH_BITS); i++)
		list_init(&dhash[i]);
	dhash_ready = true;
}

static void d_hash(struct vfs_dentry *d)
{
	dhash_init();
	list_add(&d->hash_link, &dhash[dhash_of(d->parent, d->name, d->namelen)]);
	d->hashed = true;
}

static void d_unhash(struct vfs_dentry *d)
{
	if (d->hashed)
		list_del(&d->hash_link);
	d->hashed = false;
}

static struct vfs_dentry *d_alloc(struct vfs_sb *sb, struct vfs_dentry *parent, const char *name,
				  size_t len)
{
	struct vfs_dentry *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->name = strndup(name, len);
	if (!d->name) {
		free(d);
		return NULL;
	}
	d->namelen = len;
	d->refs = 1;
	d->sb = sb;
	vfs_sb_get(sb);
	list_init(&d->hash_link);
	list_init(&d->lru);
	if (parent) {
		d->parent = parent;
		vfs_dentry_get(parent);
	} else {
		d->parent = d;
	}
	vfs_live_dentries++;
	return d;
}

/* Returns a new root dentry for @inode (consumed), or NULL (inode dropped). */
struct vfs_dentry *vfs_dentry_new_root(struct vfs_sb *sb, struct vfs_inode *inode)
{
	struct vfs_dentry *d = d_alloc(sb, NULL, "/", 1);
	if (!d) {
		vfs_inode_put(inode);
		return NULL;
	}
	d->inode = inode;
	return d;
}

void vfs_dentry_get(struct vfs_dentry *d)
{
	if (d->refs++ == 0 && !list_empty(&d->lru)) {
		list_del(&d->lru);
		vfs_unused_dentries--;
	}
}

/* Frees @d (refs 0, not on the LRU) and returns its parent to put, or NULL. */
static struct vfs_dentry *d_free(struct vfs_dentry *d)
{
	struct vfs_dentry *parent = d->parent != d ? d->parent : NULL;
	d_unhash(d);
	if (d->inode)
		vfs_inode_put(d->inode);
	vfs_sb_put(d->sb);
	free(d->name);
	free(d);
	vfs_live_dentries--;
	return parent;
}

static void d_put_chain(struct vfs_dentry *d);

static void d_evict_one(void)
{
	struct vfs_dentry *d = list_entry(dlru.prev, struct vfs_dentry, lru);
	list_del(&d->lru);
	vfs_unused_dentries--;
	d_put_chain(d_free(d));
}

static void d_put_chain(struct vfs_dentry *d)
{
	while (d) {
		if (--d->refs > 0)
			return;
		if (d->hashed && !d->dead && d->inode && d->parent != d) {
			list_add(&d->lru, &dlru);
			vfs_unused_dentries++;
			if (vfs_unused_dentries > dcache_limit)
				d_evict_one();
			return;
		}
		d = d_free(d);
	}
}

/* Drops a reference; an unused dentry stays cached when it still names something. */
void vfs_dentry_put(struct vfs_dentry *d)
{
	if (d)
		d_put_chain(d);
}

void vfs_dcache_shrink(long keep)
{
	while (vfs_unused_dentries > keep && !list_empty(&dlru))
		d_evict_one();
}

void vfs_dcache_set_limit(long limit)
{
	dcache_limit = limit;
	vfs_dcache_shrink(limit);
}

static struct vfs_dentry *d_find(struct vfs_dentry *dir, const char *name, size_t len)
{
	struct vfs_dentry *d;
	dhash_init();
	list_for_each_entry(d, &dhash[dhash_of(dir, name, len)], hash_link)
	{
		if (d->parent == dir && d->namelen == len && !memcmp(d->name, name, len))
			return d;
	}
	return NULL;
}

/* See internal.h. @dir must be a positive directory dentry. */
int vfs_lookup_one(struct vfs_dentry *dir, const char *name, size_t len, struct vfs_dentry **out)
{
	struct vfs_inode *di = dir->inode;
	struct vfs_dentry *d = d_find(dir, name, len);
	if (d) {
		if (!d->inode || !di->iops->revalidate || di->iops->revalidate(d)) {
			vfs_dentry_get(d);
			*out = d;
			return 0;
		}
		vfs_dentry_get(d);
		vfs_d_delete(d);
		vfs_dentry_put(d);
	}
	if (!di->iops || !di->iops->lookup)
		return -ENOTDIR;
	d = d_alloc(dir->sb, dir, name, len);
	if (!d)
		return -ENOMEM;
	int err = di->iops->lookup(dir, d);
	if (err && err != -ENOENT) {
		vfs_dentry_put(d);
		return err;
	}
	d_hash(d);
	*out = d;
	return 0;
}

void vfs_d_instantiate(struct vfs_dentry *d, struct vfs_inode *inode)
{
	if (d->inode)
		vfs_inode_put(d->inode);
	d->inode = inode;
}

void vfs_d_delete(struct vfs_dentry *d)
{
	d_unhash(d);
	d->dead = true;
}

/* Renames @d to @name under @newdir in the cache. Returns 0 or -ENOMEM. */
int vfs_d_move(struct vfs_dentry *d, struct vfs_dentry *newdir, const char *name)
{
	char *n = strdup(name);
	if (!n)
		return -ENOMEM;
	d_unhash(d);
	free(d->name);
	d->name = n;
	d->namelen = strlen(n);
	if (d->parent != newdir) {
		struct vfs_dentry *old = d->parent;
		vfs_dentry_get(newdir);
		d->parent = newdir;
		vfs_dentry_put(old);
	}
	d_hash(d);
	return 0;
}

/* RENAME_EXCHANGE: @a and @b swap names and parents. */
void vfs_d_exchange(struct vfs_dentry *a, struct vfs_dentry *b)
{
	d_unhash(a);
	d_unhash(b);
	struct vfs_dentry *pa = a->parent;
	char *na = a->name;
	size_t la = a->namelen;
	a->parent = b->parent;
	a->name = b->name;
	a->namelen = b->namelen;
	b->parent = pa;
	b->name = na;
	b->namelen = la;
	d_hash(a);
	d_hash(b);
}

/* True when @anc is @d or one of its ancestors (same superblock). */
bool vfs_d_is_ancestor(struct vfs_dentry *anc, struct vfs_dentry *d)
{
	for (;;) {
		if (d == anc)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}
