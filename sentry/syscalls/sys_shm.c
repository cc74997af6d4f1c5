/* sentry/syscalls/sys_shm.c - System V shared memory: shmget(2), shmat(2), shmdt(2),
 * shmctl(2). A segment's memory is a host memfd the Sentry owns (sentry/ipc/sysv_shm.c);
 * shmat installs it in the stub for one injected MAP_SHARED mmap, as file mappings are
 * made (sys_mmap.c), and shmdt injects the munmap. Attachments are the process's: forks
 * inherit them, exec and exit drop them (sentry/ipc/sysv_task.c). */
#include "sentry/ipc/sysv_task.h"
#include "sentry/task.h"
#include <errno.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define SHMLBA_X86 4096ULL

/* implements shmget(2) */
long sys_shmget(struct task *t, const struct syscall_args *a)
{
	struct sysv_caller c;
	struct sysv_ns *ns = task_sysv(t, &c);
	return ns ? shm_get(ns, &c, (int32_t)a->a[0], a->a[1], (int)a->a[2]) : -ENOMEM;
}

/* implements shmat(2): SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC */
long sys_shmat(struct task *t, const struct syscall_args *a)
{
	int id = (int)a->a[0], flg = (int)a->a[2];
	uint64_t addr = a->a[1];
	struct sysv_caller c;
	struct sysv_ns *ns;
	long r = sysv_enter(t, &c, &ns, id < 0);
	if (r)
		return r;
	if (addr & (SHMLBA_X86 - 1)) {
		if (!(flg & SHM_RND))
			return -EINVAL;
		addr &= ~(SHMLBA_X86 - 1);
		if (!addr && (flg & SHM_REMAP))
			return -EINVAL;
	} else if (!addr && (flg & SHM_REMAP)) {
		return -EINVAL;
	}
	struct sysv_proc *proc = tg_sysv(t->tg);
	if (!proc)
		return -ENOMEM;
	bool rdonly = flg & SHM_RDONLY, exec = flg & SHM_EXEC;
	struct shm_seg *seg;
	uint64_t size;
	int host;
	int err = shm_attach_prepare(ns, &c, id, rdonly, exec, &seg, &size, &host);
	if (err)
		return err;
	uint64_t len = (size + 4095) & ~4095ULL;
	if (addr && !(flg & SHM_REMAP) && addr + len < addr) {
		shm_seg_put(seg);
		return -EINVAL;
	}
	int prot = PROT_READ | (rdonly ? 0 : PROT_WRITE) | (exec ? PROT_EXEC : 0);
	int mflags = MAP_SHARED | (addr ? ((flg & SHM_REMAP) ? MAP_FIXED : MAP_FIXED_NOREPLACE) : 0);
	int sfd = stub_install_fd(t, host);
	if (sfd < 0) {
		shm_seg_put(seg);
		return sfd;
	}
	r = stub_inject(t, SYS_mmap, addr, size, (uint64_t)prot, (uint64_t)mflags,
			     (uint64_t)sfd, 0);
	stub_close_fd(t, sfd);
	if (r < 0 && r > -4096) {
		shm_seg_put(seg);
		return r == -EEXIST ? -EINVAL : r; /* overlaps a mapping, without SHM_REMAP */
	}
	err = shm_attach_commit(proc, seg, (uint64_t)r, len, t->tg->vpid, flg & SHM_REMAP);
	if (err) {
		stub_inject(t, SYS_munmap, (uint64_t)r, len, 0, 0, 0, 0);
		return err;
	}
	return r;
}

/* implements shmdt(2) */
long sys_shmdt(struct task *t, const struct syscall_args *a)
{
	uint64_t addr = a->a[0], len;
	if (addr & 4095)
		return -EINVAL;
	if (!t->tg->sysv || shm_detach(t->tg->sysv, addr, &len, t->tg->vpid))
		return -EINVAL;
	long r = stub_inject(t, SYS_munmap, addr, len, 0, 0, 0, 0);
	return r < 0 ? r : 0;
}

static const struct sysv_ctl_abi shm_abi = {
	.ds_size = sizeof(struct sysv_shmid_abi),
	.ipc_info_size = sizeof(struct sysv_shminfo_abi),
	.info_size = sizeof(struct sysv_shm_info_abi),
	.info_cmd = SHM_INFO, .stat_cmd = SHM_STAT, .stat_any_cmd = SHM_STAT_ANY,
};

/* implements shmctl(2): IPC_STAT IPC_SET IPC_RMID IPC_INFO SHM_INFO SHM_STAT SHM_STAT_ANY
 * SHM_LOCK SHM_UNLOCK */
long sys_shmctl(struct task *t, const struct syscall_args *a)
{
	int id = (int)a->a[0], cmd = (int)a->a[1];
	union {
		struct sysv_shmid_abi ds;
		struct sysv_shminfo_abi info;
		struct sysv_shm_info_abi sinfo;
	} u = { 0 };
	struct sysv_caller c;
	struct sysv_ns *ns;
	long r = sysv_enter(t, &c, &ns, id < 0 || cmd < 0);
	if (!r)
		r = sysv_ctl_in(t, &shm_abi, cmd, a->a[2], &u.ds);
	if (!r)
		r = shm_ctl(ns, &c, id, cmd, &u);
	if (r >= 0 && sysv_ctl_is_stat(&shm_abi, cmd)) {
		u.ds.cpid = sysv_pid_to_user(t, u.ds.cpid);
		u.ds.lpid = sysv_pid_to_user(t, u.ds.lpid);
	}
	return sysv_ctl_out(t, &shm_abi, cmd, a->a[2], &u, r);
}
