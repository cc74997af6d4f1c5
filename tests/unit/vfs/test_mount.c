/* Unit tests for mount(2)/umount2(2)/pivot_root(2) in the VFS (vfs/mount_sys.c,
 * vfs/mount_tree.c, vfs/mount_prop.c, vfs/mount_propagate.c): namespace copies with root
 * and cwd translated, propagation records and what mountinfo shows of them, mount and
 * umount events reaching peers and slaves, umount busy checks, pivot_root
 * with the ".", "." idiom. Every test ends with no live mount, sb, dentry or file. */
#include "tests/unit/vfs/vfs_test.h"
#include "vfs/fs/procfs.h"
#include <sys/mount.h>

/* The mount on top of @path (borrowed: the tree keeps it), or NULL. */
static struct vfs_mount *mnt_at(struct tctx *t, const char *path)
{
	struct vfs_path p;
	if (vfs_walk(&t->c, AT_FDCWD, path, LOOKUP_FOLLOW, &p, NULL))
		return NULL;
	struct vfs_mount *m = p.dentry == p.mnt->root ? p.mnt : NULL;
	vfs_path_put(&p);
	return m;
}

static int count_mounts(struct vfs_mount *m)
{
	int n = 1;
	struct vfs_mount *c;
	list_for_each_entry(c, &m->children, sibling)
		n += count_mounts(c);
	return n;
}

static void render(struct tctx *t, char *out, size_t size)
{
	struct proc_buf b = {0};
	proc_render_mounts(&b, t->c.mntns, &t->fs->root, true);
	snprintf(out, size, "%.*s", (int)b.len, b.data ? b.data : "");
	proc_buf_free(&b);
}

static void setup_tree(struct tctx *t)
{
	tctx_init_tmpfs(t);
	t->c.mntns = t->ns;
	assert_int_equal(vfs_mkdirat(&t->c, AT_FDCWD, "/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t->c, AT_FDCWD, "/b", 0755), 0);
	assert_int_equal(vfs_mount(&t->c, "ta", "/a", "tmpfs", 0, NULL), 0);
	assert_int_equal(vfs_mkdirat(&t->c, AT_FDCWD, "/a/sub", 0755), 0);
	assert_int_equal(vfs_mount(&t->c, "tsub", "/a/sub", "tmpfs", 0, NULL), 0);
}

static void test_ns_copy(void **state)
{
	struct tctx t;
	struct stat st;
	setup_tree(&t);
	assert_int_equal(vfs_mount(&t.c, NULL, "/a", NULL, MS_SHARED, NULL), 0);
	assert_int_equal(vfs_chdir(&t.c, "/a/sub"), 0);
	struct vfs_mount *a = mnt_at(&t, "/a"), *oldcwd = t.fs->cwd.mnt;
	struct vfs_fs_ctx *fs2 = vfs_fs_ctx_clone(t.fs);
	struct vfs_mntns *ns2;
	assert_int_equal(vfs_mntns_copy(t.ns, fs2, &ns2), 0);
	assert_int_equal(count_mounts(ns2->root), count_mounts(t.ns->root));
	/* root and cwd moved into the copy; the original context is untouched */
	assert_ptr_equal(fs2->root.mnt, ns2->root);
	assert_ptr_equal(fs2->cwd.mnt->ns, ns2);
	assert_ptr_not_equal(fs2->cwd.mnt, oldcwd);
	assert_ptr_equal(fs2->cwd.mnt->sb, oldcwd->sb);
	assert_ptr_equal(t.fs->cwd.mnt, oldcwd);
	/* the shared mount's copy is its peer */
	struct tctx t2 = t;
	t2.fs = fs2;
	t2.c.fs = fs2;
	t2.c.mntns = ns2;
	struct vfs_mount *a2 = mnt_at(&t2, "/a");
	assert_non_null(a2);
	assert_ptr_not_equal(a2, a);
	assert_true(a->group_id != 0 && a2->group_id == a->group_id);
	assert_true(a2->id != a->id);
	/* a mount in the copy is not in the original */
	assert_int_equal(vfs_mount(&t2.c, "tb", "/b", "tmpfs", 0, NULL), 0);
	assert_int_equal(put_file(&t2, "/b/x", "x", 0644), 0);
	assert_int_equal(stat_path(&t, "/b/x", &st), -ENOENT);
	assert_null(mnt_at(&t, "/b"));
	assert_int_equal(vfs_umount(&t.c, "/a/sub", 0), -EBUSY); /* our own cwd is there */
	vfs_fs_ctx_put(fs2);
	vfs_mntns_put(ns2);
	assert_int_equal(a->group_id != 0, 1);
	tctx_fini(&t);
	assert_no_leaks();
}

static void test_propagation(void **state)
{
	struct tctx t;
	char info[8192], want[64];
	setup_tree(&t);
	struct vfs_mount *a = mnt_at(&t, "/a");
	assert_int_equal(vfs_mount(&t.c, NULL, "/a", NULL, MS_SHARED, NULL), 0);
	assert_int_equal(vfs_mount(&t.c, "/a", "/b", NULL, MS_BIND, NULL), 0);
	struct vfs_mount *b = mnt_at(&t, "/b");
	assert_int_equal(b->group_id, a->group_id);
	assert_null(mnt_at(&t, "/b/sub")); /* a plain bind leaves submounts out */
	assert_int_equal(vfs_mount(&t.c, NULL, "/b", NULL, MS_SLAVE, NULL), 0);
	assert_int_equal(b->group_id, 0);
	assert_ptr_equal(b->master, a);
	render(&t, info, sizeof(info));
	snprintf(want, sizeof(want), " master:%llu - ", (unsigned long long)a->group_id);
	assert_non_null(strstr(info, want));
	snprintf(want, sizeof(want), " shared:%llu - ", (unsigned long long)a->group_id);
	assert_non_null(strstr(info, want));
	/* the master goes private: its slave has nobody to follow */
	assert_int_equal(vfs_mount(&t.c, NULL, "/a", NULL, MS_PRIVATE, NULL), 0);
	assert_null(b->master);
	/* MS_REC reaches submounts; MS_UNBINDABLE refuses binds; rbind skips unbindable */
	assert_int_equal(vfs_mount(&t.c, NULL, "/", NULL, MS_SHARED | MS_REC, NULL), 0);
	assert_true(mnt_at(&t, "/a/sub")->group_id != 0);
	assert_int_equal(vfs_mount(&t.c, NULL, "/a/sub", NULL, MS_UNBINDABLE, NULL), 0);
	assert_int_equal(vfs_mount(&t.c, "/a/sub", "/b", NULL, MS_BIND, NULL), -EINVAL);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/c", 0755), 0);
	assert_int_equal(vfs_mount(&t.c, "/a", "/c", NULL, MS_BIND | MS_REC, NULL), 0);
	assert_null(mnt_at(&t, "/c/sub"));
	assert_int_equal(vfs_mount(&t.c, NULL, "/a", NULL, MS_SHARED | MS_SLAVE, NULL), -EINVAL);
	tctx_fini(&t);
	assert_no_leaks();
}

static void test_propagate_events(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	setup_tree(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/s", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/a/x", 0755), 0);
	assert_int_equal(vfs_mount(&t.c, NULL, "/a", NULL, MS_SHARED, NULL), 0);
	assert_int_equal(vfs_mount(&t.c, "/a", "/b", NULL, MS_BIND, NULL), 0);
	assert_int_equal(vfs_mount(&t.c, "/a", "/s", NULL, MS_BIND, NULL), 0);
	assert_int_equal(vfs_mount(&t.c, NULL, "/s", NULL, MS_SLAVE, NULL), 0);
	assert_int_equal(vfs_mount(&t.c, "ev", "/a/x", "tmpfs", 0, NULL), 0);
	struct vfs_mount *ax = mnt_at(&t, "/a/x"), *bx = mnt_at(&t, "/b/x"), *sx = mnt_at(&t, "/s/x");
	assert_non_null(bx);
	assert_non_null(sx);
	assert_ptr_equal(bx->sb, ax->sb);
	assert_true(ax->group_id != 0 && bx->group_id == ax->group_id);
	assert_int_equal(sx->group_id, 0);
	assert_ptr_equal(sx->master, ax);
	assert_string_equal(bx->devname, "ev");
	/* nothing goes back from the slave */
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/s/y", 0755), 0);
	assert_int_equal(vfs_mount(&t.c, "back", "/s/y", "tmpfs", 0, NULL), 0);
	assert_null(mnt_at(&t, "/a/y"));
	assert_null(mnt_at(&t, "/b/y"));
	/* a copy in use keeps the unmount from happening; lazily it goes */
	assert_int_equal(put_file(&t, "/a/x/f", "f", 0644), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/b/x/f", O_RDONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_umount(&t.c, "/a/x", 0), -EBUSY);
	assert_ptr_equal(mnt_at(&t, "/b/x"), bx);
	vfs_file_put(f);
	assert_int_equal(vfs_umount(&t.c, "/a/x", 0), 0);
	assert_null(mnt_at(&t, "/b/x"));
	assert_null(mnt_at(&t, "/s/x"));
	tctx_fini(&t);
	assert_no_leaks();
}

static void test_umount_busy(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	char buf[16];
	setup_tree(&t);
	assert_int_equal(put_file(&t, "/a/f", "data", 0644), 0);
	assert_int_equal(vfs_umount(&t.c, "/a", 0), -EBUSY); /* a submount */
	assert_int_equal(vfs_umount(&t.c, "/a/sub/", 0), 0);
	assert_int_equal(vfs_umount(&t.c, "/a/sub", 0), -EINVAL);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/a/f", O_RDONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_umount(&t.c, "/a", 0), -EBUSY); /* an open file */
	vfs_file_put(f);
	struct vfs_fs_ctx *other = vfs_fs_ctx_clone(t.fs);
	struct vfs_ctx oc = t.c;
	oc.fs = other;
	assert_int_equal(vfs_chdir(&oc, "/a"), 0);
	assert_int_equal(vfs_umount(&t.c, "/a", 0), -EBUSY); /* someone's cwd */
	vfs_fs_ctx_put(other);
	assert_int_equal(vfs_umount(&t.c, "/a", MNT_EXPIRE), -EAGAIN);
	assert_int_equal(vfs_umount(&t.c, "/a", MNT_EXPIRE | MNT_DETACH), -EINVAL);
	assert_int_equal(vfs_umount(&t.c, "/a", 0x100), -EINVAL);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/a/f", O_RDONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_umount(&t.c, "/a", MNT_DETACH), 0); /* lazy: busy is fine */
	assert_int_equal(vfs_file_read(f, buf, sizeof(buf)), 4);
	assert_null(mnt_at(&t, "/a"));
	vfs_file_put(f);
	assert_int_equal(vfs_umount(&t.c, "/", MNT_DETACH), -EBUSY); /* the namespace root */
	assert_int_equal(vfs_umount(&t.c, "/", MNT_EXPIRE), -EINVAL);
	assert_int_equal(vfs_umount(&t.c, "/", 0), 0); /* one's own root: read-only instead */
	assert_int_equal(put_file(&t, "/ro", "x", 0644), -EROFS);
	assert_int_equal(vfs_mount(&t.c, NULL, "/", NULL, MS_REMOUNT, NULL), 0);
	assert_int_equal(put_file(&t, "/rw", "x", 0644), 0);
	/* without CAP_SYS_ADMIN */
	t.cred.cap_effective = 0;
	assert_int_equal(vfs_mount(&t.c, "x", "/b", "tmpfs", 0, NULL), -EPERM);
	assert_int_equal(vfs_mount(&t.c, "x", "/nope", "tmpfs", 0, NULL), -ENOENT);
	assert_int_equal(vfs_umount(&t.c, "/", 0), -EPERM);
	tctx_fini(&t);
	assert_no_leaks();
}

static void test_pivot_root(void **state)
{
	struct tctx t;
	struct stat st;
	char buf[64];
	setup_tree(&t);
	assert_int_equal(put_file(&t, "/a/marker", "m", 0644), 0);
	struct vfs_mount *old_root = t.ns->root, *a = mnt_at(&t, "/a");
	assert_int_equal(vfs_pivot_root(&t.c, "/a/sub/..", "/b"), -EBUSY); /* put_old on root */
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/a/plain", 0755), 0);
	assert_int_equal(vfs_pivot_root(&t.c, "/a/plain", "/a/plain"), -EINVAL); /* no mount */
	assert_int_equal(vfs_pivot_root(&t.c, "/", "/a"), -EBUSY);  /* the root itself */
	assert_int_equal(vfs_pivot_root(&t.c, "/a", "/b"), -EBUSY); /* put_old on the root */
	assert_int_equal(vfs_mount(&t.c, "tb", "/b", "tmpfs", 0, NULL), 0);
	assert_int_equal(vfs_pivot_root(&t.c, "/a", "/b"), -EINVAL); /* put_old outside */
	assert_int_equal(vfs_chdir(&t.c, "/a"), 0);
	assert_int_equal(vfs_pivot_root(&t.c, ".", "."), 0);
	assert_ptr_equal(t.ns->root, a);
	assert_ptr_equal(t.fs->root.mnt, a);
	assert_ptr_equal(old_root->parent, a); /* the old root is stacked on the new one */
	assert_int_equal(vfs_umount(&t.c, ".", MNT_DETACH), 0);
	assert_int_equal(stat_path(&t, "/marker", &st), 0);
	assert_int_equal(stat_path(&t, "/sub", &st), 0);
	assert_int_equal(stat_path(&t, "/a", &st), -ENOENT);
	assert_true(vfs_getcwd(&t.c, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "/");
	t.cred.cap_effective = 0;
	assert_int_equal(vfs_pivot_root(&t.c, ".", "."), -EPERM);
	tctx_fini(&t);
	assert_no_leaks();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_copy),
		cmocka_unit_test(test_propagation),
		cmocka_unit_test(test_propagate_events),
		cmocka_unit_test(test_umount_busy),
		cmocka_unit_test(test_pivot_root),
		cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
