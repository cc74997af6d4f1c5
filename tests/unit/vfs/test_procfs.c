/* tests/unit/vfs/test_procfs.c - procfs and sysfs against a fake provider: the static
 * tree (lookup, readdir), pid directories, stat/status rendering, self links, fd links,
 * permissions, revalidation of dead pids, the maps translation, sysfs; no leaks. */
#include "vfs_test.h"
#include <sys/mount.h>
#include "platform/stub_layout.h"
#include "vfs/fs/procfs.h"
#include "vfs/pipe.h"

/* ---- the fake provider: pids 7 (root, the caller) and 9 (uid 1000) ---- */
static bool pid9_alive = true;
static struct tctx *cur; /* the fd table / fs context the fake hands out */

static void f_caller(int *pid, int *tid)
{
	*pid = 7;
	*tid = 7;
}

static int f_task(int pid, int tid, struct vfs_proc_task *o)
{
	if (pid != 7 && !(pid == 9 && pid9_alive))
		return -ESRCH;
	if (tid && tid != pid)
		return -ESRCH;
	memset(o, 0, sizeof(*o));
	o->pid = o->tid = pid;
	o->ppid = pid == 7 ? 1 : 7;
	o->pgid = o->sid = 7;
	o->tpgid = -1;
	o->state = pid == 7 ? 'R' : 'S';
	snprintf(o->comm, sizeof(o->comm), "%s", pid == 7 ? "init" : "worker");
	for (int i = 0; i < 4; i++)
		o->uid[i] = o->gid[i] = pid == 7 ? 0 : 1000;
	o->owner_uid = o->owner_gid = pid == 7 ? 0 : 1000;
	o->nthreads = 1;
	o->start_ns = pid * 1000000000LL;
	o->dumpable = 1;
	o->exit_signal = 17;
	o->umask = 022;
	o->cap_eff = pid == 7 ? 0x1ffffffffffULL : 0;
	o->sig_ign = 1ULL << 12; /* SIGPIPE */
	for (int r = 0; r < RLIM_NLIMITS; r++)
		o->rlim[r].rlim_cur = o->rlim[r].rlim_max = RLIM_INFINITY;
	return 0;
}

static int f_next_pid(int after)
{
	if (after < 7)
		return 7;
	if (after < 9 && pid9_alive)
		return 9;
	return 0;
}

static int f_next_tid(int pid, int after)
{
	return after < pid ? pid : 0;
}

static struct vfs_fdtable *f_fdtable(int pid)
{
	vfs_fdtable_get(cur->fdt);
	return cur->fdt;
}

static struct vfs_fs_ctx *f_fs_ctx(int pid)
{
	vfs_fs_ctx_get(cur->fs);
	return cur->fs;
}

static struct vfs_mntns *f_mntns(int pid)
{
	vfs_mntns_get(cur->ns);
	return cur->ns;
}

static long f_read_mem(int pid, uint64_t gaddr, void *buf, size_t len)
{
	return -EFAULT;
}

static uint64_t f_ns_ino(int pid, enum vfs_proc_ns ns)
{
	return 4026531834ULL + (uint64_t)ns;
}

static int64_t f_uptime(void)
{
	return 12340000000LL;
}

static const struct vfs_proc_ops fake_ops = {
	.caller = f_caller, .task = f_task, .next_pid = f_next_pid, .next_tid = f_next_tid,
	.fdtable = f_fdtable, .fs_ctx = f_fs_ctx, .mntns = f_mntns, .read_mem = f_read_mem,
	.ns_ino = f_ns_ino, .uptime_ns = f_uptime,
};
static const struct vfs_host_ops host = { .proc = &fake_ops };

/* A tmpfs root with proc on /proc and sysfs on /sys. */
static void setup(struct tctx *t)
{
	tctx_init_tmpfs(t);
	cur = t;
	pid9_alive = true;
	vfs_set_host_ops(&host);
	assert_int_equal(vfs_mkdirat(&t->c, AT_FDCWD, "/proc", 0555), 0);
	assert_int_equal(vfs_mkdirat(&t->c, AT_FDCWD, "/sys", 0555), 0);
	struct vfs_path at;
	struct vfs_sb *sb;
	assert_int_equal(vfs_walk(&t->c, AT_FDCWD, "/proc", LOOKUP_DIRECTORY, &at, NULL), 0);
	assert_int_equal(procfs_create_sb(0, NULL, &sb), 0);
	assert_int_equal(vfs_mount_sb_at(&at, sb, 0), 0);
	vfs_sb_kill(sb);
	vfs_path_put(&at);
	assert_int_equal(vfs_walk(&t->c, AT_FDCWD, "/sys", LOOKUP_DIRECTORY, &at, NULL), 0);
	assert_int_equal(sysfs_create_sb(0, NULL, &sb), 0);
	assert_int_equal(vfs_mount_sb_at(&at, sb, 0), 0);
	vfs_sb_kill(sb);
	vfs_path_put(&at);
}

static void teardown(struct tctx *t)
{
	tctx_fini(t);
	vfs_set_host_ops(NULL);
	cur = NULL;
}

static void test_root_listing(void **state)
{
	struct tctx t;
	char list[4096];
	setup(&t);
	assert_true(list_dir(&t, "/proc", list, sizeof(list)) > 10);
	for (const char *n = "cpuinfo\0meminfo\0self\0thread-self\0sys\0uptime\0mounts\0"
			     "7\0009\0";
	     *n; n += strlen(n) + 1)
		assert_true(listed(list, n));
	assert_false(listed(list, "8"));
	assert_true(list_dir(&t, "/proc/7", list, sizeof(list)) > 10);
	assert_true(listed(list, "status") && listed(list, "fd") && listed(list, "task"));
	assert_false(listed(list, "attr"));
	assert_true(list_dir(&t, "/proc/7/task", list, sizeof(list)) == 1 && listed(list, "7"));
	struct stat st;
	assert_int_equal(stat_path(&t, "/proc/8", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/proc/07", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/proc/7/attr", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/proc/sys/kernel/pid_max", &st), 0);
	assert_true(S_ISREG(st.st_mode) && st.st_size == 0);
	assert_int_equal(stat_path(&t, "/proc/sys/kernel/threads-max", &st), 0);
	struct statfs sf;
	assert_int_equal(vfs_statfsat(&t.c, AT_FDCWD, "/proc", 0, &sf), 0);
	assert_int_equal(sf.f_type, 0x9fa0);
	teardown(&t);
}

static void test_self_links(void **state)
{
	struct tctx t;
	char buf[256];
	setup(&t);
	ssize_t n = vfs_readlinkat(&t.c, AT_FDCWD, "/proc/self", buf, sizeof(buf));
	assert_int_equal(n, 1);
	assert_memory_equal(buf, "7", 1);
	n = vfs_readlinkat(&t.c, AT_FDCWD, "/proc/thread-self", buf, sizeof(buf));
	assert_int_equal(n, 8);
	assert_memory_equal(buf, "7/task/7", 8);
	assert_true(get_file(&t, "/proc/self/comm", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "init\n");
	assert_true(get_file(&t, "/proc/thread-self/comm", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "init\n");
	n = vfs_readlinkat(&t.c, AT_FDCWD, "/proc/self/cwd", buf, sizeof(buf));
	assert_int_equal(n, 1);
	n = vfs_readlinkat(&t.c, AT_FDCWD, "/proc/7/ns/mnt", buf, sizeof(buf));
	buf[n > 0 ? n : 0] = 0;
	assert_string_equal(buf, "mnt:[4026531836]");
	teardown(&t);
}

static void test_stat_status(void **state)
{
	struct tctx t;
	char buf[4096];
	setup(&t);
	assert_true(get_file(&t, "/proc/9/stat", buf, sizeof(buf)) > 0);
	int pid, ppid, pgrp, sid, nf = 0;
	char comm[32], st;
	assert_int_equal(sscanf(buf, "%d (%31[^)]) %c %d %d %d", &pid, comm, &st, &ppid, &pgrp,
				&sid),
			 6);
	assert_int_equal(pid, 9);
	assert_string_equal(comm, "worker");
	assert_int_equal(st, 'S');
	assert_int_equal(ppid, 7);
	for (char *p = strrchr(buf, ')'); p && *p; p++)
		nf += *p == ' ';
	assert_int_equal(nf + 2, 52); /* Linux's 52 fields */
	assert_true(get_file(&t, "/proc/9/status", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "Name:\tworker\n"));
	assert_non_null(strstr(buf, "State:\tS (sleeping)\n"));
	assert_non_null(strstr(buf, "\nPid:\t9\nPPid:\t7\n"));
	assert_non_null(strstr(buf, "\nUid:\t1000\t1000\t1000\t1000\n"));
	assert_non_null(strstr(buf, "\nSigIgn:\t0000000000001000\n"));
	assert_non_null(strstr(buf, "\nCapEff:\t0000000000000000\n"));
	assert_non_null(strstr(buf, "\nThreads:\t1\n"));
	assert_true(get_file(&t, "/proc/uptime", buf, sizeof(buf)) > 0);
	assert_int_equal(strncmp(buf, "12.34 ", 6), 0);
	assert_true(get_file(&t, "/proc/7/cgroup", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "0::/\n");
	teardown(&t);
}

static void test_render_stat(void **state)
{
	struct vfs_proc_task tk = { .pid = 5, .tid = 5, .ppid = 1, .pgid = 5, .sid = 5,
				    .state = 'R', .comm = "a b)", .nthreads = 3 };
	struct proc_host_stat hs;
	const char *host = "123 (x) S 1 1 1 0 -1 4194560 10 0 2 0 7 8 0 0 20 0 1 0 50 "
			   "4096000 250 18446744073709551615 1 2 3 0 0 0 0 0 0 0 0 0 17 1 0 0 "
			   "0 0 0 100 200 300 400 500 600 700 0\n";
	assert_int_equal(proc_host_stat_parse(host, &hs), 0);
	assert_int_equal(hs.utime, 7);
	assert_int_equal(hs.stime, 8);
	assert_int_equal(hs.vsize, 4096000);
	assert_int_equal(hs.rss, 250);
	assert_int_equal(hs.processor, 1);
	struct proc_buf b = { 0 };
	proc_render_stat(&b, &tk, &hs, 42);
	assert_int_equal(strncmp(b.data, "5 (a b)) R 1 5 5 0 0 ", 21), 0);
	unsigned long f[52];
	const char *p = strrchr(b.data, ')') + 2;
	int n = 0;
	for (; *p && n < 52; n++) {
		while (*p == ' ')
			p++;
		if (n == 0) {
			p++;
			f[n] = 0;
			continue;
		}
		f[n] = strtoul(p, (char **)&p, 10);
	}
	/* f[i] is field i + 3 */
	assert_int_equal(f[14 - 3], 7);
	assert_int_equal(f[20 - 3], 3);
	assert_int_equal(f[22 - 3], 42);
	assert_int_equal(f[23 - 3], 4096000);
	proc_buf_free(&b);
}

static void test_permissions(void **state)
{
	struct tctx t;
	char buf[256];
	setup(&t);
	tctx_user(&t, 2000, 2000);
	assert_int_equal(get_file(&t, "/proc/9/environ", buf, sizeof(buf)), -EACCES);
	assert_true(get_file(&t, "/proc/9/status", buf, sizeof(buf)) > 0);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/proc/9/comm", O_WRONLY, 0, 0, &f, NULL),
			 -EACCES);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/proc/sys/kernel/hostname", O_WRONLY, 0, 0,
				    &f, NULL),
			 -EACCES);
	tctx_user(&t, 1000, 1000);
	assert_int_equal(get_file(&t, "/proc/9/environ", buf, sizeof(buf)), 0);
	struct stat st;
	assert_int_equal(stat_path(&t, "/proc/9", &st), 0);
	assert_int_equal(st.st_uid, 1000);
	teardown(&t);
}

static void test_fd_and_revalidate(void **state)
{
	struct tctx t;
	char buf[512];
	setup(&t);
	assert_int_equal(put_file(&t, "/data", "x", 0644), 0);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/data", O_RDONLY, 0, 0, &f, NULL), 0);
	int fd = vfs_fdtable_install(t.fdt, f, 3, true);
	vfs_file_put(f);
	assert_int_equal(fd, 3);
	assert_true(list_dir(&t, "/proc/self/fd", buf, sizeof(buf)) == 1 && listed(buf, "3"));
	ssize_t n = vfs_readlinkat(&t.c, AT_FDCWD, "/proc/self/fd/3", buf, sizeof(buf));
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "/data", 5);
	assert_true(get_file(&t, "/proc/self/fdinfo/3", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "pos:\t0\nflags:\t02100000\n"));
	struct stat st;
	assert_int_equal(vfs_statat(&t.c, AT_FDCWD, "/proc/self/fd/3", AT_SYMLINK_NOFOLLOW, &st), 0);
	assert_int_equal(st.st_mode, S_IFLNK | 0500);
	/* following the link reaches the file (by path text or as a magic link) */
	assert_true(get_file(&t, "/proc/self/fd/3", buf, sizeof(buf)) == 1);
	/* mounts */
	assert_true(get_file(&t, "/proc/self/mounts", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "proc /proc proc rw,relatime 0 0\n"));
	assert_non_null(strstr(buf, "sysfs /sys sysfs rw"));
	/* a closed fd and a dead pid disappear from the cache */
	struct vfs_path p;
	assert_int_equal(vfs_walk(&t.c, AT_FDCWD, "/proc/9/status", 0, &p, NULL), 0);
	vfs_path_put(&p);
	pid9_alive = false;
	assert_int_equal(stat_path(&t, "/proc/9/status", &st), -ENOENT);
	assert_int_equal(stat_path(&t, "/proc/9", &st), -ENOENT);
	assert_true(list_dir(&t, "/proc", buf, sizeof(buf)) > 0);
	assert_false(listed(buf, "9"));
	struct vfs_fdtable *old = t.fdt;
	t.fdt = vfs_fdtable_new();
	t.c.fdt = t.fdt;
	vfs_fdtable_put(old);
	assert_int_equal(stat_path(&t, "/proc/self/fdinfo/3", &st), -ENOENT);
	teardown(&t);
}

#ifdef VFS_HAVE_GET_LINK
/* Magic links: a deleted file and a pipe are reached through fd/N, never by text. */
static void test_magic_links(void **state)
{
	struct tctx t;
	char buf[64];
	struct vfs_file *f, *pp[2];
	setup(&t);
	assert_int_equal(put_file(&t, "/gone", "abc", 0644), 0);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/gone", O_RDONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_fdtable_install(t.fdt, f, 3, false), 3);
	vfs_file_put(f);
	assert_int_equal(vfs_unlinkat(&t.c, AT_FDCWD, "/gone", 0), 0);
	assert_int_equal(get_file(&t, "/proc/self/fd/3", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(vfs_pipe_create(0, 0, 0, pp), 0);
	assert_int_equal(vfs_fdtable_install(t.fdt, pp[0], 4, false), 4);
	vfs_file_put(pp[0]);
	assert_int_equal(vfs_file_write(pp[1], "xy", 2), 2);
	assert_int_equal(get_file(&t, "/proc/self/fd/4", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "xy");
	vfs_file_put(pp[1]);
	teardown(&t);
}
#else
static void test_magic_links(void **state)
{
	skip();
}
#endif

static void test_writes(void **state)
{
	struct tctx t;
	struct vfs_file *f;
	setup(&t);
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/proc/7/status", O_WRONLY, 0, 0, &f, NULL), 0);
	assert_int_equal(vfs_file_write(f, "x", 1), -EINVAL);
	vfs_file_put(f);
	/* O_TRUNC on a proc file is accepted (shell redirections) */
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/proc/7/oom_score_adj", O_WRONLY | O_TRUNC, 0,
				    0, &f, NULL),
			 0);
	assert_int_equal(vfs_file_write(f, "5000\n", 5), -EINVAL); /* no provider op, range */
	vfs_file_put(f);
	teardown(&t);
}

static void test_sysfs(void **state)
{
	struct tctx t;
	char buf[512];
	setup(&t);
	assert_true(get_file(&t, "/sys/devices/system/cpu/online", buf, sizeof(buf)) > 0);
	assert_true(buf[0] == '0');
	assert_true(get_file(&t, "/sys/kernel/mm/transparent_hugepage/enabled", buf,
			     sizeof(buf)) > 0);
	assert_non_null(strchr(buf, '['));
	assert_true(get_file(&t, "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", buf,
			     sizeof(buf)) > 0);
	assert_true(strtoul(buf, NULL, 10) > 0);
	assert_int_equal(list_dir(&t, "/sys/fs/cgroup", buf, sizeof(buf)), 0);
	assert_int_equal(list_dir(&t, "/sys/class/net", buf, sizeof(buf)), 0);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&t.c, AT_FDCWD, "/sys/fs/cgroup/x", O_WRONLY | O_CREAT, 0644, 0,
				    &f, NULL),
			 -EPERM);
	teardown(&t);
}

static bool fake_resolve(void *arg, const char *host_path, dev_t dev, uint64_t ino, char *out,
			 size_t size)
{
	const char *root = arg;
	size_t rl = strlen(root);
	if (strncmp(host_path, root, rl) || host_path[rl] != '/')
		return false;
	snprintf(out, size, "%s", host_path + rl);
	return true;
}

static void test_maps_translate(void **state)
{
	char in[2048];
	snprintf(in, sizeof(in),
		 "55d0c0000000-55d0c0001000 r--p 00000000 fe:00 1234                       "
		 "/srv/root/usr/bin/cat\n"
		 "55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0                          [heap]\n"
		 "%llx-%llx r-xp 00000000 00:01 77                         /memfd:cvisor-stub "
		 "(deleted)\n"
		 "7f0000000000-7f0000001000 rw-s 00000000 00:01 78                         "
		 "/memfd:tmpfs (deleted)\n"
		 "7f0000002000-7f0000003000 r--p 00000000 fe:00 99                         "
		 "/home/secret/lib.so\n"
		 "7f0000004000-7f0000005000 rw-p 00000000 00:00 0 \n"
		 "garbage\n",
		 (unsigned long long)STUB_LOADER_BASE, (unsigned long long)STUB_LOADER_BASE + 0x1000);
	struct proc_buf b = { 0 };
	proc_maps_translate(&b, in, strlen(in), fake_resolve, "/srv/root");
	assert_non_null(strstr(b.data, " /usr/bin/cat\n"));
	assert_null(strstr(b.data, "/srv/root"));
	assert_non_null(strstr(b.data, "[heap]\n"));
	assert_null(strstr(b.data, "cvisor-stub"));
	assert_null(strstr(b.data, "7e0000000000"));
	assert_non_null(strstr(b.data, " /memfd:tmpfs (deleted)\n"));
	assert_null(strstr(b.data, "/home/secret"));
	assert_non_null(strstr(b.data, " /lib.so (deleted)\n"));
	assert_non_null(strstr(b.data, "7f0000004000-7f0000005000 rw-p 00000000 00:00 0 \n"));
	assert_null(strstr(b.data, "garbage"));
	int lines = 0;
	for (char *p = b.data; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 5);
	proc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_listing), cmocka_unit_test(test_self_links),
		cmocka_unit_test(test_stat_status),  cmocka_unit_test(test_render_stat),
		cmocka_unit_test(test_permissions),  cmocka_unit_test(test_fd_and_revalidate),
		cmocka_unit_test(test_magic_links), cmocka_unit_test(test_writes),	     cmocka_unit_test(test_sysfs),
		cmocka_unit_test(test_maps_translate), cmocka_unit_test(test_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
