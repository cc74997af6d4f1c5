/* tests/unit/sentry/test_sysv.c - the SysV IPC core (sentry/ipc/): ids and keys, the
 * get(2) rules and permissions, message selection, semaphore atomicity, undo and the
 * wait-queue counts, shared memory attach counts and deferred destruction, the
 * /proc/sys/kernel parser, /proc/sysvipc. Every test frees its namespace and checks that
 * the sandbox-wide counters and the host fds are back where they were. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <cmocka.h>
#include "sentry/ipc/sysv.h"
#include "vfs/fs/mqueue.h"
#include "vfs/fs/procfs.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

static const struct sysv_caller root = { .euid = 0, .egid = 0, .cap_ipc_owner = true,
					 .cap_sys_admin = true, .cap_sys_resource = true,
					 .cap_ipc_lock = true, .pid = 1 };
static const struct sysv_caller user = { .euid = 1000, .egid = 1000, .pid = 2 };

static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static int fds_before;

static int setup(void **state)
{
	fds_before = open_fds();
	*state = sysv_ns_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	sysv_ns_free(*state);
	assert_int_equal(sysv_sandbox_msg_bytes, 0);
	assert_int_equal(sysv_sandbox_sems, 0);
	assert_int_equal(sysv_sandbox_undo_bytes, 0);
	assert_int_equal(sysv_sandbox_segs, 0);
	assert_int_equal(open_fds(), fds_before);
	return 0;
}

static void test_ids_and_keys(void **state)
{
	struct sysv_ns *ns = *state;
	assert_int_equal(msg_get(ns, &root, 5, 0600), -ENOENT);
	int a = msg_get(ns, &root, 5, IPC_CREAT | 0600);
	int b = msg_get(ns, &root, IPC_PRIVATE, 0600);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(msg_get(ns, &root, 5, 0), a);
	assert_int_equal(msg_get(ns, &root, 5, IPC_CREAT | IPC_EXCL), -EEXIST);
	/* removed ids are not handed out again at once: the next index, then a new seq */
	assert_int_equal(msg_ctl(ns, &root, a, IPC_RMID, NULL), 0);
	int c = msg_get(ns, &root, IPC_PRIVATE, 0600);
	assert_int_equal(c, 2);
	assert_null(sysv_find(ns, SYSV_MSG, a));
	/* with few ids in use the cycle is 64 indexes: then the sequence number moves on */
	for (int i = 3; i < 64; i++) {
		int id = msg_get(ns, &root, IPC_PRIVATE, 0600);
		assert_int_equal(id, i);
		assert_int_equal(msg_ctl(ns, &root, id, IPC_RMID, NULL), 0);
	}
	assert_int_equal(msg_get(ns, &root, IPC_PRIVATE, 0600), SYSV_IPCMNI + 0);
	assert_int_equal(sysv_max_idx(ns, SYSV_MSG), 2);
	ns->msg_ctlmni = 3;
	assert_int_equal(msg_get(ns, &root, IPC_PRIVATE, 0600), -ENOSPC);
}

static void test_permissions(void **state)
{
	struct sysv_ns *ns = *state;
	struct sysv_caller owner = user;
	int id = msg_get(ns, &owner, 9, IPC_CREAT | 0640);
	struct sysv_perm *p = sysv_find(ns, SYSV_MSG, id);
	struct sysv_caller other = { .euid = 2000, .egid = 1000, .pid = 3 };
	struct sysv_caller stranger = { .euid = 3000, .egid = 3000, .pid = 4 };
	uint32_t groups[] = { 1000 };
	struct sysv_caller member = { .euid = 3000, .egid = 3000, .ngroups = 1,
				      .groups = groups };
	assert_true(sysv_may(&owner, p, 6));
	assert_true(sysv_may(&other, p, 4));
	assert_false(sysv_may(&other, p, 2));
	assert_true(sysv_may(&member, p, 4));
	assert_false(sysv_may(&stranger, p, 4));
	assert_true(sysv_may(&root, p, 6)); /* CAP_IPC_OWNER */
	assert_int_equal(msg_get(ns, &stranger, 9, 0400), -EACCES);
	assert_int_equal(msg_get(ns, &stranger, 9, 0), id);
	assert_int_equal(msg_ctl(ns, &other, id, IPC_RMID, NULL), -EPERM);
	assert_int_equal(msg_ctl(ns, &owner, id, IPC_RMID, NULL), 0);
}

static long take(struct sysv_ns *ns, int q, long type, int flg, size_t max, int *err)
{
	struct msg_taken *m = NULL;
	struct waitq *wq = NULL;
	*err = msg_receive(ns, &root, q, max, type, flg, &m, &wq);
	long t = m ? m->type : 0;
	free(m);
	return t;
}

static void test_msg_selection(void **state)
{
	struct sysv_ns *ns = *state;
	struct waitq *wq = NULL;
	int err, q = msg_get(ns, &root, IPC_PRIVATE, 0600);
	long types[] = { 4, 2, 3, 2, 1 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(msg_send(ns, &root, q, types[i], "abcdef", 6, &wq), 0);
	assert_int_equal(take(ns, q, 3, MSG_COPY, 64, &err), 2);
	assert_int_equal(take(ns, q, 2, MSG_EXCEPT, 64, &err), 4);
	assert_int_equal(take(ns, q, -3, 0, 64, &err), 1);
	assert_int_equal(take(ns, q, -3, 0, 64, &err), 2);
	assert_int_equal(take(ns, q, 3, 0, 4, &err), 0);
	assert_int_equal(err, -E2BIG);
	assert_int_equal(take(ns, q, 3, MSG_NOERROR, 4, &err), 3);
	assert_int_equal(take(ns, q, 0, 0, 64, &err), 2);
	assert_int_equal(take(ns, q, 0, 0, 64, &err), 0);
	assert_int_equal(err, -EAGAIN);
	assert_int_equal(take(ns, q, 9, MSG_COPY, 64, &err), 0);
	assert_int_equal(err, -ENOMSG);
	/* a full queue names the senders' queue; messages left are freed with the ns */
	struct sysv_msqid_abi ds = { .qbytes = 10 };
	assert_int_equal(msg_ctl(ns, &root, q, IPC_SET, &ds), 0);
	assert_int_equal(msg_send(ns, &root, q, 1, "0123456789", 10, &wq), 0);
	wq = NULL;
	assert_int_equal(msg_send(ns, &root, q, 1, "x", 1, &wq), -EAGAIN);
	assert_non_null(wq);
	assert_true(sysv_sandbox_msg_bytes > 0);
	struct sysv_caller plain = user;
	ds.qbytes = 100000;
	assert_int_equal(msg_ctl(ns, &plain, q, IPC_SET, &ds), -EPERM);
}

static void count_fn(struct waiter *w, uint32_t ev)
{
	(*(int *)w->priv)++;
}

static void test_sem_ops_and_undo(void **state)
{
	struct sysv_ns *ns = *state;
	struct sysv_proc *proc = sysv_proc_new();
	struct waitq *wq = NULL;
	int s = sem_get(ns, &root, IPC_PRIVATE, 2, 0600);
	assert_int_equal(sem_get(ns, &root, IPC_PRIVATE, 0, 0600), -EINVAL);
	struct sysv_sembuf_abi up[] = { { 0, 2, SEM_UNDO }, { 1, 1, SEM_UNDO } };
	assert_int_equal(sem_op(ns, &root, proc, s, up, 2, &wq), 0);
	/* all or nothing: the second op would block, the first is rolled back */
	struct sysv_sembuf_abi two[] = { { 0, -1, 0 }, { 1, -5, 0 } };
	assert_int_equal(sem_op(ns, &root, proc, s, two, 2, &wq), 1);
	assert_int_equal(sem_ctl(ns, &root, s, 0, GETVAL, 0, NULL), 2);
	/* a parked waiter on the blocking op's queue is what GETNCNT counts */
	int woken = 0;
	struct waiter w;
	waiter_init(&w, count_fn, &woken);
	waiter_add(wq, &w, 0);
	assert_int_equal(sem_ctl(ns, &root, s, 1, GETNCNT, 0, NULL), 1);
	assert_int_equal(sem_ctl(ns, &root, s, 0, GETNCNT, 0, NULL), 0);
	struct sysv_sembuf_abi nowait = { 1, -5, IPC_NOWAIT };
	assert_int_equal(sem_op(ns, &root, proc, s, &nowait, 1, &wq), -EAGAIN);
	struct sysv_sembuf_abi big = { 0, 32767, 0 };
	assert_int_equal(sem_op(ns, &root, proc, s, &big, 1, &wq), -ERANGE);
	struct sysv_sembuf_abi far = { 2, 1, 0 };
	assert_int_equal(sem_op(ns, &root, proc, s, &far, 1, &wq), -EFBIG);
	/* undo applies what this process did, and wakes the waiter */
	sysv_proc_undo(proc, 1);
	assert_int_equal(sem_ctl(ns, &root, s, 0, GETVAL, 0, NULL), 0);
	assert_int_equal(sem_ctl(ns, &root, s, 1, GETVAL, 0, NULL), 0);
	assert_true(woken > 0);
	waiter_remove(&w);
	/* SETVAL clears pending adjustments; removing the set drops the records */
	assert_int_equal(sem_op(ns, &root, proc, s, up, 1, &wq), 0);
	assert_int_equal(sem_ctl(ns, &root, s, 0, SETVAL, 7, NULL), 0);
	assert_int_equal(sem_ctl(ns, &root, s, 0, SETVAL, 32768, NULL), -ERANGE);
	sysv_proc_undo(proc, 1);
	assert_int_equal(sem_ctl(ns, &root, s, 0, GETVAL, 0, NULL), 7);
	assert_int_equal(sem_op(ns, &root, proc, s, up, 1, &wq), 0);
	assert_true(sysv_sandbox_undo_bytes > 0);
	assert_int_equal(sem_ctl(ns, &root, s, 0, IPC_RMID, 0, NULL), 0);
	assert_int_equal(sysv_sandbox_undo_bytes, 0);
	assert_int_equal(sem_ctl(ns, &root, s, 0, GETVAL, 0, NULL), -EINVAL);
	sysv_proc_free(proc, 1);
}

static void test_shm_attach_counts(void **state)
{
	struct sysv_ns *ns = *state;
	struct sysv_proc *a = sysv_proc_new(), *b = sysv_proc_new();
	assert_int_equal(shm_get(ns, &root, 7, 0, IPC_CREAT | 0600), -EINVAL);
	int id = shm_get(ns, &root, 7, 5000, IPC_CREAT | 0600);
	assert_true(id >= 0);
	assert_int_equal(shm_get(ns, &root, 7, 5001, 0600), -EINVAL);
	assert_int_equal(ns->shm_tot, 2);
	struct shm_seg *seg;
	uint64_t size, len;
	int fd;
	assert_int_equal(shm_attach_prepare(ns, &root, id, false, false, &seg, &size, &fd), 0);
	assert_true(fd >= 0);
	assert_int_equal(size, 5000);
	assert_int_equal(shm_attach_commit(a, seg, 0x10000, 8192, 1, false), 0);
	assert_int_equal(sysv_proc_fork(b, a, 1), 0);
	struct sysv_shmid_abi ds;
	assert_int_equal(shm_ctl(ns, &root, id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.nattch, 2);
	assert_int_equal(shm_ctl(ns, &root, id, IPC_RMID, NULL), 0);
	assert_int_equal(shm_ctl(ns, &root, id, IPC_STAT, &ds), 0);
	assert_true(ds.perm.mode & SYSV_SHM_DEST);
	assert_int_equal(ds.perm.key, IPC_PRIVATE);
	assert_int_equal(shm_detach(a, 0x20000, &len, 1), -EINVAL);
	assert_int_equal(shm_detach(a, 0x10000, &len, 1), 0);
	assert_int_equal(len, 8192);
	assert_int_equal(shm_ctl(ns, &root, id, IPC_STAT, &ds), 0);
	sysv_proc_free(b, 2); /* the last holder's exit destroys it */
	assert_int_equal(shm_ctl(ns, &root, id, IPC_STAT, &ds), -EINVAL);
	assert_int_equal(ns->shm_tot, 0);
	ns->shm_ctlall = 1;
	assert_int_equal(shm_get(ns, &root, IPC_PRIVATE, 4097, 0600), -ENOSPC);
	sysv_proc_free(a, 1);
}

/* SHM_REMAP over the last attachment of a removed segment: the new one is counted before
 * the replaced one goes, so the segment survives. */
static void test_shm_remap(void **state)
{
	struct sysv_ns *ns = *state;
	struct sysv_proc *a = sysv_proc_new();
	int id = shm_get(ns, &root, IPC_PRIVATE, 8192, 0600);
	struct shm_seg *seg;
	uint64_t size;
	int fd;
	struct sysv_shmid_abi ds;
	assert_int_equal(shm_attach_prepare(ns, &root, id, false, false, &seg, &size, &fd), 0);
	assert_int_equal(shm_attach_commit(a, seg, 0x10000, 8192, 1, false), 0);
	assert_int_equal(shm_ctl(ns, &root, id, IPC_RMID, NULL), 0);
	assert_int_equal(shm_attach_prepare(ns, &root, id, false, false, &seg, &size, &fd), 0);
	assert_int_equal(shm_attach_commit(a, seg, 0x10000, 8192, 1, true), 0);
	assert_int_equal(shm_ctl(ns, &root, id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.nattch, 1);
	sysv_proc_free(a, 1);
	assert_int_equal(shm_ctl(ns, &root, id, IPC_STAT, &ds), -EINVAL);
}

static void test_shm_outlives_namespace(void **state)
{
	struct sysv_ns *ns = sysv_ns_new();
	struct sysv_proc *a = sysv_proc_new();
	int id = shm_get(ns, &root, IPC_PRIVATE, 4096, 0600);
	struct shm_seg *seg;
	uint64_t size;
	int fd;
	assert_int_equal(shm_attach_prepare(ns, &root, id, true, false, &seg, &size, &fd), 0);
	assert_int_equal(shm_attach_commit(a, seg, 0x10000, 4096, 1, false), 0);
	sysv_ns_free(ns);
	assert_int_equal(sysv_sandbox_segs, 1); /* still attached */
	sysv_proc_free(a, 1);
	assert_int_equal(sysv_sandbox_segs, 0);
}

static void test_sysctl(void **state)
{
	struct sysv_ns *ns = *state;
	char buf[96];
	assert_int_equal(sysv_sysctl_show(ns, "sem", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "32000\t1024000000\t500\t32000\n");
	assert_int_equal(sysv_sysctl_write(ns, "msgmni", "12\n", 3), 3);
	assert_int_equal(ns->msg_ctlmni, 12);
	assert_int_equal(sysv_sysctl_write(ns, "msgmni", "40000", 5), -EINVAL);
	assert_int_equal(sysv_sysctl_write(ns, "msgmax", "-1", 2), -EINVAL);
	assert_int_equal(sysv_sysctl_write(ns, "shmmax", "-1", 2), -EINVAL);
	assert_int_equal(sysv_sysctl_write(ns, "shmall", "12x", 3), -EINVAL);
	assert_int_equal(sysv_sysctl_write(ns, "sem", "1 2", 3), 3);
	assert_int_equal(ns->sem_ctls[0], 1);
	assert_int_equal(ns->sem_ctls[1], 2);
	assert_int_equal(ns->sem_ctls[2], 500);
	assert_int_equal(sysv_sysctl_write(ns, "sem", "1 2 3 99999", 11), -EINVAL);
	assert_int_equal(sysv_sysctl_show(ns, "nope", buf, sizeof(buf)), -ENOENT);
	/* /proc/sys/fs/mqueue of a queue table */
	struct mq_ns *mq = mq_ns_new();
	assert_int_equal(mq_sysctl_show(mq, "msgsize_max", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "8192\n");
	assert_int_equal(mq_sysctl_write(mq, "msg_max", "0", 1), -EINVAL);
	assert_int_equal(mq_sysctl_write(mq, "msgsize_max", "127", 3), -EINVAL);
	assert_int_equal(mq_sysctl_write(mq, "msg_default", "65537", 5), -EINVAL);
	assert_int_equal(mq_sysctl_write(mq, "queues_max", "-1\n", 3), 3);
	assert_int_equal(mq_sysctl_show(mq, "queues_max", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-1\n");
	assert_int_equal(mq_sysctl_show(mq, "shmmax", buf, sizeof(buf)), -ENOENT);
	mq_ns_put(mq);
}

static uint32_t same_id(void *arg, uint32_t id)
{
	return id;
}

static int same_pid(void *arg, int pid)
{
	return pid;
}

static void test_procfs(void **state)
{
	struct sysv_ns *ns = *state;
	struct sysv_view v = { same_id, same_id, same_pid, NULL };
	struct proc_buf b = { 0 };
	int id = sem_get(ns, &user, 0x1f, 4, IPC_CREAT | 0640);
	sysv_procfs_render(ns, SYSV_SEM, &b, &v);
	assert_non_null(strstr(b.data, "       key      semid perms      nsems   uid   gid  cuid  "
				       "cgid      otime      ctime\n"));
	char line[128];
	snprintf(line, sizeof(line), "        31 %10d   640          4  1000  1000  1000  1000 ", id);
	assert_non_null(strstr(b.data, line));
	proc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ids_and_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sem_ops_and_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shm_attach_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shm_remap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shm_outlives_namespace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procfs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
