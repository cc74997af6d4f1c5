/* tests/unit/vfs/test_cgroupfs.c - cgroupfs (cgroup2) against a fake Sentry: the root's
 * and a child's files, mkdir/rmdir with their limits and EBUSY, subtree_control's rules
 * (syntax, ENOENT, the no-internal-process rule, disabling under a child), cgroup.procs
 * migration, pids charges, the settings files' parsers, the freezer's calls, two mounts
 * of the one hierarchy (revalidation), /proc/<pid>/cgroup; no leaks (VFS objects and
 * cgroups). */
#include "vfs_test.h"
#include "vfs/fs/cgroupfs.h"

/* ---- the fake Sentry: processes 7 and 9, each with a cgroup ---- */
static struct cgroup *proc_cg[10];
static bool frozen_answer;
static int freeze_syncs;
static struct cgroup *killed;

static void set_cg(int pid, struct cgroup *cg)
{
	if (proc_cg[pid]) {
		cgroup_proc_leave(proc_cg[pid]);
		cgroup_pids_uncharge(proc_cg[pid]);
		cgroup_put(proc_cg[pid]);
	}
	proc_cg[pid] = cg;
	if (cg) {
		cgroup_get(cg);
		cgroup_proc_enter(cg);
		cgroup_pids_force_charge(cg);
	}
}

static void f_list(struct cgroup *cg, bool threads, struct proc_buf *b)
{
	for (int pid = 7; pid <= 9; pid += 2)
		if (proc_cg[pid] == cg)
			proc_buf_printf(b, "%d\n", pid);
}

static int f_attach(struct cgroup *cg, int pid, bool thread)
{
	if (pid == 0)
		pid = 7;
	if (pid != 7 && pid != 9)
		return -ESRCH;
	if (thread)
		return proc_cg[pid] == cg ? 0 : -EOPNOTSUPP;
	set_cg(pid, cg);
	return 0;
}

static void f_usage(struct cgroup *cg, struct cgroup_usage *u)
{
	for (int pid = 7; pid <= 9; pid += 2)
		if (proc_cg[pid] && cgroup_is_ancestor(cg, proc_cg[pid])) {
			u->rss += 1 << 20;
			u->anon += 1 << 19;
			u->user_usec += 1000;
			u->system_usec += 500;
		}
}

static void f_freeze_sync(void)
{
	freeze_syncs++;
}

static bool f_subtree_frozen(struct cgroup *cg)
{
	return frozen_answer;
}

static void f_kill(struct cgroup *cg)
{
	killed = cg;
}

static struct cgroup *f_of_pid(int pid)
{
	if ((pid != 7 && pid != 9) || !proc_cg[pid])
		return NULL;
	cgroup_get(proc_cg[pid]);
	return proc_cg[pid];
}

static const struct cgroupfs_host_ops fake = {
    .list = f_list,
    .attach = f_attach,
    .usage = f_usage,
    .freeze_sync = f_freeze_sync,
    .subtree_frozen = f_subtree_frozen,
    .kill = f_kill,
    .of_pid = f_of_pid,
};

static void mount_cg(struct tctx *t, const char *path)
{
	struct vfs_path at;
	struct vfs_sb *sb;
	assert_int_equal(vfs_mkdirat(&t->c, AT_FDCWD, path, 0755), 0);
	assert_int_equal(vfs_walk(&t->c, AT_FDCWD, path, LOOKUP_DIRECTORY, &at, NULL), 0);
	assert_int_equal(cgroupfs_create_sb(0, NULL, &sb), 0);
	assert_int_equal(vfs_mount_sb_at(&at, sb, 0), 0);
	vfs_sb_kill(sb);
	vfs_path_put(&at);
}

/* A tmpfs root with the hierarchy on /cg and again on /cg2; both processes at the root. */
static void setup(struct tctx *t)
{
	tctx_init_tmpfs(t);
	cgroupfs_set_host_ops(&fake);
	frozen_answer = false;
	freeze_syncs = 0;
	mount_cg(t, "/cg");
	mount_cg(t, "/cg2");
	set_cg(7, cgroup_root());
	set_cg(9, cgroup_root());
}

static void teardown(struct tctx *t)
{
	set_cg(7, NULL);
	set_cg(9, NULL);
	tctx_fini(t);
	cgroupfs_set_host_ops(NULL);
	vfs_dcache_shrink(0);
	cgroup_tree_reset();
}

static int write_str(struct tctx *t, const char *path, const char *s)
{
	struct vfs_file *f;
	int err = vfs_openat(&t->c, AT_FDCWD, path, O_WRONLY, 0, 0, &f, NULL);
	if (err)
		return err;
	ssize_t n = vfs_file_write(f, s, strlen(s));
	vfs_file_put(f);
	return n < 0 ? (int)n : 0;
}

static void assert_file(struct tctx *t, const char *path, const char *want)
{
	char buf[1024];
	int n = get_file(t, path, buf, sizeof(buf));
	if (n < 0 || strcmp(buf, want))
		fprintf(stderr, "%s: got %d \"%s\", want \"%s\"\n", path, n, n < 0 ? "" : buf,
			want);
	assert_true(n >= 0);
	assert_string_equal(buf, want);
}

static void test_root_files(void **state)
{
	struct tctx t;
	char list[4096];
	setup(&t);
	assert_true(list_dir(&t, "/cg", list, sizeof(list)) > 0);
	const char *root_has[] = {
	    "cgroup.controllers",    "cgroup.max.depth", "cgroup.max.descendants",
	    "cgroup.procs",	     "cgroup.stat",	 "cgroup.subtree_control",
	    "cgroup.threads",	     "cpu.stat",	 "cpuset.cpus.effective",
	    "cpuset.mems.effective", "memory.stat"};
	for (size_t i = 0; i < sizeof(root_has) / sizeof(root_has[0]); i++)
		assert_true(listed(list, root_has[i]));
	const char *root_lacks[] = {"cgroup.freeze", "cgroup.events", "cgroup.type", "pids.max",
				    "memory.max",    "cpu.max",	      "cpuset.cpus"};
	for (size_t i = 0; i < sizeof(root_lacks) / sizeof(root_lacks[0]); i++)
		assert_false(listed(list, root_lacks[i]));
	assert_file(&t, "/cg/cgroup.controllers", "cpuset cpu io memory pids\n");
	assert_file(&t, "/cg/cgroup.subtree_control", "");
	assert_file(&t, "/cg/cgroup.procs", "7\n9\n");
	assert_file(&t, "/cg/cgroup.stat", "nr_descendants 0\nnr_dying_descendants 0\n");
	assert_file(&t, "/cg/cpu.stat", "usage_usec 3000\nuser_usec 2000\nsystem_usec 1000\n");
	assert_file(&t, "/cg/cpuset.mems.effective", "0\n");
	struct statfs sf;
	assert_int_equal(vfs_statfsat(&t.c, AT_FDCWD, "/cg", 0, &sf), 0);
	assert_int_equal(sf.f_type, 0x63677270);
	assert_int_equal(write_str(&t, "/cg/cgroup.stat", "1"), -EACCES);
	teardown(&t);
}

static void test_mkdir_rmdir(void **state)
{
	struct tctx t;
	char list[4096];
	setup(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a", 0755), -EEXIST);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/cgroup.procs", 0755), -EEXIST);
	assert_true(list_dir(&t, "/cg2", list, sizeof(list)) > 0);
	assert_true(listed(list, "a")); /* the other mount sees it */
	assert_true(list_dir(&t, "/cg/a", list, sizeof(list)) > 0);
	assert_true(listed(list, "cgroup.freeze"));
	assert_true(listed(list, "cgroup.events"));
	assert_false(listed(list, "pids.max")); /* no controller enabled above */
	assert_file(&t, "/cg/a/cgroup.type", "domain\n");
	assert_file(&t, "/cg/a/cgroup.controllers", "");
	assert_file(&t, "/cg/cgroup.stat", "nr_descendants 1\nnr_dying_descendants 0\n");

	/* limits: max.descendants of the root, max.depth of a */
	assert_int_equal(write_str(&t, "/cg/cgroup.max.descendants", "2"), 0);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.max.depth", "1"), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a/b", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a/b/c", 0755), -EAGAIN);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/d", 0755), -EAGAIN);
	assert_int_equal(write_str(&t, "/cg/cgroup.max.descendants", "-1"), -ERANGE);
	assert_int_equal(write_str(&t, "/cg/cgroup.max.descendants", "max"), 0);
	assert_file(&t, "/cg/cgroup.max.descendants", "max\n");

	/* nothing but directories can be made or removed */
	assert_int_equal(put_file(&t, "/cg/a/new", "x", 0644), -EPERM);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/cg/a/cgroup.procs", 0), -EPERM);

	/* busy: a child; a process */
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/cg/a", AT_REMOVEDIR), -EBUSY);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/cg/a/b", AT_REMOVEDIR), 0);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.procs", "9\n"), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/cg/a", AT_REMOVEDIR), -EBUSY);
	assert_int_equal(write_str(&t, "/cg/cgroup.procs", "9"), 0);

	/* the other mount's cached dentries go with the cgroup */
	struct stat st;
	assert_int_equal(stat_path(&t, "/cg2/a/cgroup.procs", &st), 0);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/cg/a", AT_REMOVEDIR), 0);
	assert_int_equal(stat_path(&t, "/cg2/a/cgroup.procs", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/cg2/a", &st), -ENOENT);
	teardown(&t);
}

static void test_procs_and_events(void **state)
{
	struct tctx t;
	char buf[256];
	setup(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a", 0755), 0);
	assert_file(&t, "/cg/a/cgroup.events", "populated 0\nfrozen 0\n");
	assert_int_equal(write_str(&t, "/cg/a/cgroup.procs", "9"), 0);
	assert_file(&t, "/cg/a/cgroup.procs", "9\n");
	assert_file(&t, "/cg/cgroup.procs", "7\n");
	assert_file(&t, "/cg/a/cgroup.events", "populated 1\nfrozen 0\n");
	assert_int_equal(write_str(&t, "/cg/a/cgroup.procs", "5"), -ESRCH);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.procs", "x"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.threads", "7"), -EOPNOTSUPP);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.threads", "9"), 0);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.type", "threaded"), -EOPNOTSUPP);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.type", "x"), -EINVAL);
	/* cgroup.kill: write-only, "1" */
	char tmp[8];
	assert_int_equal(get_file(&t, "/cg/a/cgroup.kill", tmp, sizeof(tmp)), -EACCES);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.kill", "2"), -ERANGE);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.kill", "1"), 0);
	assert_ptr_equal(killed, cgroup_child(cgroup_root(), "a", 1));

	/* /proc/<pid>/cgroup */
	struct proc_buf b = {0};
	cgroupfs_show_pid(9, &b);
	assert_string_equal(b.data, "0::/a\n");
	proc_buf_free(&b);
	cgroupfs_show_pid(7, &b);
	assert_string_equal(b.data, "0::/\n");
	proc_buf_free(&b);

	/* a re-read at offset 0 of an open file renders it again */
	struct vfs_file *f;
	assert_int_equal(
	    vfs_openat(&t.c, AT_FDCWD, "/cg/a/cgroup.events", O_RDONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(write_str(&t, "/cg/cgroup.procs", "9"), 0);
	ssize_t n = vfs_file_pread(f, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf, "populated 0\nfrozen 0\n");
	vfs_file_put(f);
	teardown(&t);
}

static void test_subtree_control(void **state)
{
	struct tctx t;
	char list[4096];
	setup(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a/b", 0755), 0);
	assert_int_equal(write_str(&t, "/cg/cgroup.subtree_control", "memory"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/cgroup.subtree_control", "+bogus"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.subtree_control", "+memory"), -ENOENT);
	/* the root is exempt from the no-internal-process rule */
	assert_int_equal(write_str(&t, "/cg/cgroup.subtree_control", "+memory +pids -io"), 0);
	assert_file(&t, "/cg/cgroup.subtree_control", "memory pids\n");
	assert_file(&t, "/cg/a/cgroup.controllers", "memory pids\n");
	assert_true(list_dir(&t, "/cg/a", list, sizeof(list)) > 0);
	assert_true(listed(list, "memory.max"));
	assert_true(listed(list, "pids.max"));
	assert_false(listed(list, "cpu.max"));

	/* a process in a: a domain controller cannot be enabled there, a threaded one can */
	assert_int_equal(write_str(&t, "/cg/a/cgroup.procs", "9"), 0);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.subtree_control", "+memory"), -EBUSY);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.subtree_control", "+pids"), 0);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.procs", "7"), 0); /* pids only: fine */
	assert_int_equal(write_str(&t, "/cg/a/b/cgroup.procs", "9"), 0);
	assert_int_equal(write_str(&t, "/cg/a/b/cgroup.procs", "7"), 0);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.subtree_control", "+memory"), 0);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.procs", "7"), -EBUSY);
	/* disabling under a child that enables it */
	assert_int_equal(write_str(&t, "/cg/cgroup.subtree_control", "-memory"), -EBUSY);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.subtree_control", "-memory -pids"), 0);
	assert_int_equal(write_str(&t, "/cg/cgroup.subtree_control", "-memory"), 0);
	struct stat st;
	assert_int_equal(stat_path(&t, "/cg/a/memory.max", &st), -ENOENT);
	assert_int_equal(write_str(&t, "/cg/cgroup.procs", "7"), 0);
	assert_int_equal(write_str(&t, "/cg/cgroup.procs", "9"), 0);
	teardown(&t);
}

static void test_pids(void **state)
{
	struct tctx t;
	setup(&t);
	assert_int_equal(write_str(&t, "/cg/cgroup.subtree_control", "+pids"), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a/b", 0755), 0);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.subtree_control", "+pids"), 0);
	struct cgroup *a = cgroup_child(cgroup_root(), "a", 1), *b = cgroup_child(a, "b", 1);
	assert_non_null(b);
	assert_file(&t, "/cg/a/pids.max", "max\n");
	assert_int_equal(write_str(&t, "/cg/a/pids.max", "-1"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/pids.max", "99999999"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/pids.max", "2"), 0);
	assert_file(&t, "/cg/a/pids.max", "2\n");
	assert_int_equal(write_str(&t, "/cg/a/b/cgroup.procs", "9"), 0); /* one task in b */
	assert_file(&t, "/cg/a/pids.current", "1\n");
	assert_int_equal(cgroup_pids_try_charge(b), 0);
	assert_int_equal(cgroup_pids_try_charge(b), -EAGAIN); /* a's limit, hierarchically */
	assert_file(&t, "/cg/a/b/pids.events", "max 1\n");
	assert_file(&t, "/cg/a/pids.events", "max 0\n");
	assert_file(&t, "/cg/a/pids.current", "2\n");
	cgroup_pids_uncharge(b);
	assert_int_equal(write_str(&t, "/cg/a/pids.max", "max"), 0);
	assert_int_equal(cgroup_pids_try_charge(b), 0);
	cgroup_pids_uncharge(b);
	assert_int_equal(write_str(&t, "/cg/cgroup.procs", "9"), 0);
	assert_file(&t, "/cg/a/pids.current", "0\n");
	teardown(&t);
}

static void test_settings(void **state)
{
	struct tctx t;
	setup(&t);
	assert_int_equal(write_str(&t, "/cg/cgroup.subtree_control", "+cpu +memory +io +cpuset"),
			 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a", 0755), 0);
	/* memory: bytes rounded down to pages, suffixes, "max" */
	assert_file(&t, "/cg/a/memory.max", "max\n");
	assert_int_equal(write_str(&t, "/cg/a/memory.max", "1M"), 0);
	assert_file(&t, "/cg/a/memory.max", "1048576\n");
	assert_int_equal(write_str(&t, "/cg/a/memory.high", "1000000"), 0);
	assert_file(&t, "/cg/a/memory.high", "999424\n");
	assert_int_equal(write_str(&t, "/cg/a/memory.max", "1Q"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/memory.swap.max", "max"), 0);
	assert_file(&t, "/cg/a/memory.low", "0\n");
	assert_file(&t, "/cg/a/memory.events",
		    "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
	assert_int_equal(write_str(&t, "/cg/a/cgroup.procs", "9"), 0);
	assert_file(&t, "/cg/a/memory.current", "1048576\n");
	assert_int_equal(write_str(&t, "/cg/cgroup.procs", "9"), 0);
	/* cpu */
	assert_file(&t, "/cg/a/cpu.max", "max 100000\n");
	assert_int_equal(write_str(&t, "/cg/a/cpu.max", "50000 200000"), 0);
	assert_file(&t, "/cg/a/cpu.max", "50000 200000\n");
	assert_int_equal(write_str(&t, "/cg/a/cpu.max", "max"), 0);
	assert_file(&t, "/cg/a/cpu.max", "max 200000\n");
	assert_int_equal(write_str(&t, "/cg/a/cpu.max", "500"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/cpu.max", "5000 2000000"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/cpu.weight", "0"), -ERANGE);
	assert_int_equal(write_str(&t, "/cg/a/cpu.weight", "200"), 0);
	assert_file(&t, "/cg/a/cpu.weight", "200\n");
	/* io.max */
	assert_int_equal(write_str(&t, "/cg/a/io.max", "8:0 rbps=1048576 wiops=120"), 0);
	assert_file(&t, "/cg/a/io.max", "8:0 rbps=1048576 wbps=max riops=max wiops=120\n");
	assert_int_equal(write_str(&t, "/cg/a/io.max", "8:0 bogus=1"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/io.max", "8:0 rbps=max wiops=max"), 0);
	assert_file(&t, "/cg/a/io.max", "");
	/* cpuset */
	assert_file(&t, "/cg/a/cpuset.cpus", "\n");
	assert_int_equal(write_str(&t, "/cg/a/cpuset.cpus", "0"), 0);
	assert_file(&t, "/cg/a/cpuset.cpus", "0\n");
	assert_file(&t, "/cg/a/cpuset.cpus.effective", "0\n");
	assert_int_equal(write_str(&t, "/cg/a/cpuset.cpus", "100000"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/cpuset.mems", "1"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/cpuset.mems", "0"), 0);
	assert_file(&t, "/cg/a/cpuset.mems.effective", "0\n");
	teardown(&t);
}

static void test_freeze(void **state)
{
	struct tctx t;
	setup(&t);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&t.c, AT_FDCWD, "/cg/a/b", 0755), 0);
	assert_file(&t, "/cg/a/cgroup.freeze", "0\n");
	assert_int_equal(write_str(&t, "/cg/a/cgroup.freeze", "2"), -ERANGE);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.freeze", "x"), -EINVAL);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.freeze", "1"), 0);
	assert_int_equal(freeze_syncs, 1);
	assert_int_equal(write_str(&t, "/cg/a/cgroup.freeze", "1"), 0);
	assert_int_equal(freeze_syncs, 1); /* no change, no call */
	struct cgroup *a = cgroup_child(cgroup_root(), "a", 1);
	assert_true(cgroup_freeze_effective(cgroup_child(a, "b", 1)));
	assert_file(&t, "/cg/a/b/cgroup.freeze", "0\n");
	assert_file(&t, "/cg/a/b/cgroup.events", "populated 0\nfrozen 0\n"); /* tasks not yet */
	frozen_answer = true;
	assert_file(&t, "/cg/a/b/cgroup.events", "populated 0\nfrozen 1\n");
	assert_int_equal(write_str(&t, "/cg/a/cgroup.freeze", "0"), 0);
	assert_int_equal(freeze_syncs, 2);
	assert_file(&t, "/cg/a/b/cgroup.events", "populated 0\nfrozen 0\n");
	teardown(&t);
}

/* Paths as a cgroup namespace rooted at /a/b sees them (Linux's cgroup_path_ns). */
static void test_path_from(void **state)
{
	struct cgroup *a, *b, *c, *d, *e;
	char p[64];
	assert_int_equal(cgroup_mkdir(cgroup_root(), "a", 1, &a), 0);
	assert_int_equal(cgroup_mkdir(a, "b", 1, &b), 0);
	assert_int_equal(cgroup_mkdir(b, "c", 1, &c), 0);
	assert_int_equal(cgroup_mkdir(a, "d", 1, &d), 0);
	assert_int_equal(cgroup_mkdir(cgroup_root(), "e", 1, &e), 0);
	struct {
		struct cgroup *cg;
		const char *want;
	} cases[] = {{b, "/"}, {c, "/c"}, {d, "/../d"}, {a, "/.."}, {e, "/../../e"},
		     {cgroup_root(), "/../.."}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(cgroup_path_from(cases[i].cg, b, p, sizeof(p)),
				 (int)strlen(cases[i].want));
		assert_string_equal(p, cases[i].want);
	}
	assert_int_equal(cgroup_path_from(c, NULL, p, sizeof(p)), 6);
	assert_string_equal(p, "/a/b/c");
	assert_int_equal(cgroup_path_from(e, b, p, 8), -ENAMETOOLONG);
	for (struct cgroup *x[] = {c, b, d, a, e}, **y = x; y < x + 5; y++)
		assert_int_equal(cgroup_rmdir(*y), 0);
	cgroup_tree_reset();
}

static void test_no_cgroup_leaks(void **state)
{
	assert_no_leaks();
	assert_int_equal(cgroup_live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_root_files),
	    cmocka_unit_test(test_mkdir_rmdir),
	    cmocka_unit_test(test_procs_and_events),
	    cmocka_unit_test(test_subtree_control),
	    cmocka_unit_test(test_pids),
	    cmocka_unit_test(test_settings),
	    cmocka_unit_test(test_freeze),
	    cmocka_unit_test(test_path_from),
	    cmocka_unit_test(test_no_cgroup_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
