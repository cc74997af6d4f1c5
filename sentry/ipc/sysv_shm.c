/* sentry/ipc/sysv_shm.c - System V shared memory segments (shmget(2), shmctl(2), the
 * bookkeeping of shmat(2)/shmdt(2)) of one namespace, and each process's attachments.
 * A segment's memory is a host memfd the Sentry owns; the handlers map it into the stub
 * (MAP_SHARED, as file mappings are: sys_mmap.c). A segment removed while attached
 * (SHM_DEST, key IPC_PRIVATE) lives until its last detach. Must not know about tasks or
 * guest memory. */
#include "sentry/ipc/sysv.h"
#include "vfs/fs/procfs.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

struct shm_seg {
	struct sysv_perm perm; /* first: the table's view */
	struct list_head attaches; /* struct shm_attach.seg_link */
	int refs;              /* the table's (while linked) and one per attachment */
	struct sysv_ns *ns;    /* NULL once unlinked */
	uint64_t size;
	int fd, rofd;          /* the memfd; a read-only reopening (-1 until asked) */
	int64_t atime, dtime, ctime;
	int cpid, lpid;
	uint64_t nattch;
};

struct shm_attach {
	struct list_head link;     /* in its process's list */
	struct list_head seg_link; /* in its segment's */
	struct shm_seg *seg;       /* a reference */
	struct sysv_proc *proc;
	uint64_t addr, len;
};

bool (*sysv_shm_mapped)(void *owner, uint64_t addr, uint64_t len, int fd);

int sysv_sandbox_segs; /* every namespace's live segments: SYSV_SANDBOX_SHM_SEGS */

static uint64_t pages(uint64_t size)
{
	return size / SYSV_PAGE + (size % SYSV_PAGE != 0);
}

void shm_seg_put(struct shm_seg *seg)
{
	if (!seg || --seg->refs > 0)
		return;
	close(seg->fd);
	if (seg->rofd >= 0)
		close(seg->rofd);
	sysv_sandbox_segs--;
	free(seg);
}

/* Unlinks @seg from its namespace (its memory stays while attachments hold it). */
static void shm_destroy(struct shm_seg *seg)
{
	if (!seg->ns)
		return;
	sysv_unlink(seg->ns, SYSV_SHM, &seg->perm);
	seg->ns->shm_tot -= pages(seg->size);
	seg->ns = NULL;
	shm_seg_put(seg);
}

/* Whether the host could ever back @npages (Linux's overcommit guess refuses more than
 * RAM + swap for one segment: ENOMEM). */
static bool host_has_room(uint64_t npages)
{
	struct sysinfo si;
	if (sysinfo(&si) < 0)
		return true;
	uint64_t total = ((uint64_t)si.totalram + si.totalswap) * si.mem_unit / SYSV_PAGE;
	return npages <= total;
}

static int shm_new(struct sysv_ns *ns, const struct sysv_caller *c, int32_t key, uint64_t size,
		   int flg)
{
	uint64_t npages = pages(size);
	if (size < 1 || size > ns->shm_ctlmax)
		return -EINVAL;
	if (ns->shm_tot + npages < ns->shm_tot || ns->shm_tot + npages > ns->shm_ctlall)
		return -ENOSPC;
	if (ns->ids[SYSV_SHM].in_use >= ns->shm_ctlmni || sysv_sandbox_segs >= SYSV_SANDBOX_SHM_SEGS)
		return -ENOSPC;
	if (!host_has_room(npages))
		return -ENOMEM;
	struct shm_seg *seg = calloc(1, sizeof(*seg));
	if (!seg)
		return -ENOMEM;
	char name[32];
	snprintf(name, sizeof(name), "SYSV%08x", (unsigned)key);
	seg->fd = memfd_create(name, MFD_CLOEXEC);
	seg->rofd = -1;
	if (seg->fd < 0 || ftruncate(seg->fd, (off_t)size) < 0) {
		int err = errno == EMFILE || errno == ENFILE ? -ENFILE : -ENOMEM;
		if (seg->fd >= 0)
			close(seg->fd);
		free(seg);
		return err;
	}
	sysv_sandbox_segs++;
	seg->refs = 1;
	list_init(&seg->attaches);
	seg->size = size;
	seg->cpid = c->pid;
	seg->ctime = sysv_now();
	int err = sysv_link(ns, SYSV_SHM, &seg->perm, c, key, flg, ns->shm_ctlmni);
	if (err) {
		shm_seg_put(seg);
		return err;
	}
	seg->ns = ns;
	ns->shm_tot += npages;
	return seg->perm.id;
}

int shm_get(struct sysv_ns *ns, const struct sysv_caller *c, int32_t key, uint64_t size,
	    int flg)
{
	struct shm_seg *seg = key == IPC_PRIVATE ? NULL : sysv_find_key(ns, SYSV_SHM, key);
	if (seg && !((flg & IPC_CREAT) && (flg & IPC_EXCL)) && seg->size < size)
		return -EINVAL;
	int err = sysv_get_check(c, seg ? &seg->perm : NULL, key == IPC_PRIVATE ? IPC_CREAT : flg);
	if (err <= 0)
		return err ? err : seg->perm.id;
	return shm_new(ns, c, key, size, flg);
}

/* Resident bytes of @seg's memory (the host's count of its pages). */
static uint64_t rss_bytes(const struct shm_seg *seg)
{
	struct stat st;
	return fstat(seg->fd, &st) < 0 ? 0 : (uint64_t)st.st_blocks * 512;
}

static void shm_stat(const struct shm_seg *seg, struct sysv_shmid_abi *st)
{
	memset(st, 0, sizeof(*st));
	sysv_perm_export(&seg->perm, &st->perm);
	st->segsz = seg->size;
	st->atime = seg->atime;
	st->dtime = seg->dtime;
	st->ctime = seg->ctime;
	st->cpid = seg->cpid;
	st->lpid = seg->lpid;
	st->nattch = seg->nattch;
}

static bool shm_validate(struct shm_seg *seg);

static int shm_info(struct sysv_ns *ns, int cmd, void *buf)
{
	if (cmd == IPC_INFO) {
		struct sysv_shminfo_abi *si = buf;
		memset(si, 0, sizeof(*si));
		si->shmmax = ns->shm_ctlmax;
		si->shmmin = 1;
		si->shmmni = si->shmseg = (uint64_t)ns->shm_ctlmni;
		si->shmall = ns->shm_ctlall;
	} else {
		struct sysv_shm_info_abi *si = buf;
		memset(si, 0, sizeof(*si));
		si->used_ids = ns->ids[SYSV_SHM].in_use;
		si->shm_tot = ns->shm_tot;
		struct shm_seg *seg;
		sysv_for_each(ns, SYSV_SHM, seg, i)
			si->shm_rss += rss_bytes(seg) / SYSV_PAGE;
	}
	int max = sysv_max_idx(ns, SYSV_SHM);
	return max < 0 ? 0 : max;
}

static int shm_ctl_set(const struct sysv_caller *c, struct shm_seg *seg, int cmd, void *buf)
{
	switch (cmd) {
	case IPC_SET: {
		const struct sysv_shmid_abi *in = buf;
		if (!sysv_is_owner(c, &seg->perm))
			return -EPERM;
		sysv_perm_set(&seg->perm, in->perm.uid, in->perm.gid, in->perm.mode);
		seg->ctime = sysv_now();
		return 0;
	}
	case IPC_RMID:
		if (!sysv_is_owner(c, &seg->perm))
			return -EPERM;
		if (!seg->nattch) {
			shm_destroy(seg);
		} else {
			seg->perm.mode |= SYSV_SHM_DEST;
			seg->perm.key = IPC_PRIVATE;
		}
		return 0;
	default: /* SHM_LOCK, SHM_UNLOCK */
		if (!c->cap_ipc_lock && c->euid != seg->perm.uid && c->euid != seg->perm.cuid)
			return -EPERM;
		if (cmd == SHM_LOCK)
			seg->perm.mode |= SYSV_SHM_LOCKED;
		else
			seg->perm.mode &= ~(uint32_t)SYSV_SHM_LOCKED;
		return 0;
	}
}

int shm_ctl(struct sysv_ns *ns, const struct sysv_caller *c, int id, int cmd, void *buf)
{
	struct shm_seg *seg;
	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		return shm_info(ns, cmd, buf);
	case SHM_STAT:
	case SHM_STAT_ANY:
		seg = sysv_at(ns, SYSV_SHM, id);
		if (!seg || !shm_validate(seg))
			return -EINVAL;
		if (cmd == SHM_STAT && !sysv_may(c, &seg->perm, 4))
			return -EACCES;
		shm_stat(seg, buf);
		return seg->perm.id;
	case IPC_STAT: case IPC_SET: case IPC_RMID: case SHM_LOCK: case SHM_UNLOCK:
		break;
	default:
		return -EINVAL;
	}
	seg = sysv_find(ns, SYSV_SHM, id);
	if (!seg || ((cmd == IPC_STAT || cmd == IPC_RMID) && !shm_validate(seg)))
		return -EINVAL;
	if (cmd != IPC_STAT)
		return shm_ctl_set(c, seg, cmd, buf);
	if (!sysv_may(c, &seg->perm, 4))
		return -EACCES;
	shm_stat(seg, buf);
	return 0;
}

void shm_ns_gone(struct sysv_ns *ns)
{
	struct shm_seg *seg;
	sysv_for_each(ns, SYSV_SHM, seg, i)
		shm_destroy(seg);
}

/* A read-only descriptor of @seg's memory (so that mprotect cannot make a SHM_RDONLY
 * attachment writable); the read-write one when /proc cannot reopen it. */
static int ro_fd(struct shm_seg *seg)
{
	if (seg->rofd < 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", seg->fd);
		seg->rofd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return seg->rofd >= 0 ? seg->rofd : seg->fd;
}

int shm_attach_prepare(struct sysv_ns *ns, const struct sysv_caller *c, int id, bool rdonly,
		       bool exec, struct shm_seg **out, uint64_t *size, int *fd)
{
	struct shm_seg *seg = sysv_find(ns, SYSV_SHM, id);
	if (!seg)
		return -EINVAL;
	if (!sysv_may(c, &seg->perm, (rdonly ? 4 : 6) | (exec ? 1 : 0)))
		return -EACCES;
	seg->refs++;
	*out = seg;
	*size = seg->size;
	*fd = rdonly ? ro_fd(seg) : seg->fd;
	return 0;
}

static void attach_add(struct sysv_proc *proc, struct shm_attach *a, int pid)
{
	a->proc = proc;
	list_add_tail(&a->link, &proc->attaches);
	list_add_tail(&a->seg_link, &a->seg->attaches);
	a->seg->nattch++;
	a->seg->atime = sysv_now();
	a->seg->lpid = pid;
}

static void attach_drop(struct shm_attach *a, int pid);

int shm_attach_commit(struct sysv_proc *proc, struct shm_seg *seg, uint64_t addr,
		      uint64_t len, int pid, bool replaced)
{
	struct shm_attach *a = calloc(1, sizeof(*a)), *o, *tmp;
	if (!a) {
		shm_seg_put(seg);
		return -ENOMEM;
	}
	a->seg = seg;
	a->addr = addr;
	a->len = len;
	attach_add(proc, a, pid);
	if (replaced)
		list_for_each_entry_safe(o, tmp, &proc->attaches, link)
			if (o != a && o->addr >= addr && o->addr + o->len <= addr + len)
				attach_drop(o, pid);
	return 0;
}

static void attach_drop(struct shm_attach *a, int pid)
{
	struct shm_seg *seg = a->seg;
	list_del(&a->link);
	list_del(&a->seg_link);
	seg->nattch--;
	seg->dtime = sysv_now();
	seg->lpid = pid;
	if (!seg->nattch && (seg->perm.mode & SYSV_SHM_DEST))
		shm_destroy(seg);
	shm_seg_put(seg);
	free(a);
}

/* Drops the attachments of @seg whose mapping is gone (munmap(2) runs natively: it is
 * noticed here, when shm_nattch is looked at). Returns false when that destroyed @seg
 * (the caller answers as if it were not there). */
static bool shm_validate(struct shm_seg *seg)
{
	struct shm_attach *a, *tmp;
	if (!sysv_shm_mapped)
		return true;
	seg->refs++;
	list_for_each_entry_safe(a, tmp, &seg->attaches, seg_link)
		if (!sysv_shm_mapped(a->proc->owner, a->addr, a->len, seg->fd))
			attach_drop(a, a->proc->pid);
	bool alive = seg->ns != NULL;
	shm_seg_put(seg);
	return alive;
}

int shm_detach(struct sysv_proc *proc, uint64_t addr, uint64_t *len, int pid)
{
	struct shm_attach *a;
	list_for_each_entry(a, &proc->attaches, link) {
		if (a->addr == addr) {
			*len = a->len;
			attach_drop(a, pid);
			return 0;
		}
	}
	return -EINVAL;
}

struct sysv_proc *sysv_proc_new(void)
{
	struct sysv_proc *proc = calloc(1, sizeof(*proc));
	if (!proc)
		return NULL;
	list_init(&proc->attaches);
	list_init(&proc->undos);
	return proc;
}

int sysv_proc_fork(struct sysv_proc *child, const struct sysv_proc *parent, int pid)
{
	struct shm_attach *a;
	list_for_each_entry(a, &parent->attaches, link) {
		struct shm_attach *n = calloc(1, sizeof(*n));
		if (!n)
			return -ENOMEM;
		*n = *a;
		n->seg->refs++;
		attach_add(child, n, pid);
	}
	return 0;
}

void sysv_proc_detach_all(struct sysv_proc *proc, int pid)
{
	while (!list_empty(&proc->attaches))
		attach_drop(list_first_entry(&proc->attaches, struct shm_attach, link), pid);
}

void shm_procfs_lines(struct sysv_ns *ns, struct proc_buf *b, const struct sysv_view *v)
{
	struct shm_seg *seg;
	sysv_for_each(ns, SYSV_SHM, seg, i) {
		if (!shm_validate(seg))
			continue;
		proc_buf_printf(b,
				"%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10lld %10lld "
				"%10lld %21lu %21lu\n",
				seg->perm.key, seg->perm.id, seg->perm.mode,
				(unsigned long)seg->size, v->pid(v->arg, seg->cpid),
				v->pid(v->arg, seg->lpid), (unsigned long)seg->nattch,
				v->uid(v->arg, seg->perm.uid), v->gid(v->arg, seg->perm.gid),
				v->uid(v->arg, seg->perm.cuid), v->gid(v->arg, seg->perm.cgid),
				(long long)seg->atime, (long long)seg->dtime, (long long)seg->ctime,
				(unsigned long)rss_bytes(seg), 0UL);
	}
}
