/* sentry/ipc/sysv.h - System V IPC (svipc(7)): message queues, semaphore sets and shared
 * memory segments, one set of tables per IPC namespace (struct sysv_ns, hanging off
 * struct ipc_ns's @sysv), with the namespace's limits (/proc/sys/kernel/{shmmax,shmall,
 * shmmni,msgmax,msgmnb,msgmni,sem}).
 *
 * The core here (sysv_ids.c, sysv_msg.c, sysv_sem.c, sysv_shm.c, sysv_procfs.c) knows no
 * task: a caller is described by struct sysv_caller (ids, the capabilities that matter,
 * its pid), filled through sysv_task.c by the handlers in sentry/syscalls/sys_{msg,sem,
 * shm}.c, which also copy arguments in and out of guest memory and park. Blocking is the
 * handlers': an operation that must wait answers -EAGAIN (semop: 1) and names the wait
 * queue to park on.
 *
 * Ownership: a namespace's tables hold every object (the object's table reference); a
 * removed (IPC_RMID) semaphore set or message queue is freed at once after waking its
 * waiters (they re-run, find the id gone and answer EIDRM); a shared memory segment is
 * reference counted: the table holds one while it is linked, each attachment (struct
 * shm_attach, per process) one. A process's SysV state (struct sysv_proc: attachments and
 * semaphore undo records) is its thread group's (tg->sysv). Undo records are linked both
 * to their process and to their set, so removing a set drops them. */
#ifndef CVISOR_SENTRY_IPC_SYSV_H
#define CVISOR_SENTRY_IPC_SYSV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/list.h"
#include "common/waitq.h"

/* ---- the x86-64 kernel ABI (uapi ipc64_perm, msqid64_ds, semid64_ds, shmid64_ds...) ---- */
struct sysv_perm_abi {
	int32_t key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;
	uint16_t seq, pad2;
	uint64_t unused1, unused2;
};

struct sysv_msqid_abi {
	struct sysv_perm_abi perm;
	int64_t stime, rtime, ctime;
	uint64_t cbytes, qnum, qbytes;
	int32_t lspid, lrpid;
	uint64_t unused4, unused5;
};

struct sysv_semid_abi {
	struct sysv_perm_abi perm;
	int64_t otime;
	uint64_t unused1;
	int64_t ctime;
	uint64_t unused2;
	uint64_t nsems;
	uint64_t unused3, unused4;
};

struct sysv_shmid_abi {
	struct sysv_perm_abi perm;
	uint64_t segsz;
	int64_t atime, dtime, ctime;
	int32_t cpid, lpid;
	uint64_t nattch;
	uint64_t unused4, unused5;
};

struct sysv_msginfo_abi {
	int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
	uint16_t msgseg;
};

struct sysv_seminfo_abi {
	int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};

struct sysv_shminfo_abi {
	uint64_t shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};

struct sysv_shm_info_abi {
	int32_t used_ids;
	uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

struct sysv_sembuf_abi {
	uint16_t num;
	int16_t op;
	int16_t flg;
};

/* ---- limits (Linux's defaults, include/uapi/linux/{msg,sem,shm}.h) ---- */
#define SYSV_IPCMNI 32768 /* ids per table; an id is seq * 32768 + index */
#define SYSV_MSGMNI 32000
#define SYSV_MSGMAX 8192
#define SYSV_MSGMNB 16384
#define SYSV_SEMMSL 32000
#define SYSV_SEMMNS 1024000000
#define SYSV_SEMOPM 500
#define SYSV_SEMMNI 32000
#define SYSV_SEMVMX 32767
#define SYSV_SHMMNI 4096
#define SYSV_SHMMAX (UINT64_MAX - (1ULL << 24))
#define SYSV_SHMALL (UINT64_MAX - (1ULL << 24))
#define SYSV_PAGE 4096ULL
/* Sandbox-wide bounds on what the Sentry holds for all namespaces together (Linux's
 * defaults alone would let one app pin tens of GiB of the Sentry's memory or all its fds):
 * past them msgsnd and the undo records answer ENOMEM, semget and shmget ENOSPC. */
#define SYSV_SANDBOX_MSG_BYTES (256L << 20) /* message texts and headers */
#define SYSV_SANDBOX_SEMS (4L << 20)        /* semaphores */
#define SYSV_SANDBOX_UNDO_BYTES (64L << 20) /* SEM_UNDO records */
#define SYSV_SANDBOX_SHM_SEGS 8192          /* segments (each holds Sentry host fds) */
/* What is held now against those bounds (the unit tests check they return to 0). */
extern long sysv_sandbox_msg_bytes, sysv_sandbox_sems, sysv_sandbox_undo_bytes;
extern int sysv_sandbox_segs;
/* The mode bits the tables keep beyond 0777 (as Linux's shm_perm.mode). */
#define SYSV_SHM_DEST 01000
#define SYSV_SHM_LOCKED 02000

/* Commands and flags older libc headers lack (linux/msg.h, sem.h, shm.h). */
#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif
#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif

enum sysv_kind { SYSV_MSG, SYSV_SEM, SYSV_SHM, SYSV_KINDS };

/* Who is asking: kernel (sandbox) ids and what its capabilities give it over the
 * namespace's objects (ns_capable in the namespace's owning user namespace). */
struct sysv_caller {
	uint32_t euid, egid;
	uint32_t ngroups;
	const uint32_t *groups;
	bool cap_ipc_owner, cap_sys_admin, cap_sys_resource, cap_ipc_lock;
	int pid; /* sandbox-level pid (the handlers translate for the app) */
};

/* What every object starts with (Linux's kern_ipc_perm). */
struct sysv_perm {
	int32_t key;
	int id;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;
	uint16_t seq;
};

/* One table of ids: a growing array of objects indexed by id % SYSV_IPCMNI. */
struct sysv_ids {
	void **slot;      /* struct sysv_perm * (first member of each object) or NULL */
	int nslots;
	int in_use;
	int last_idx;     /* the index last handed out (-1: none yet) */
	uint16_t seq;     /* the current sequence number */
};

struct sysv_ns {
	struct sysv_ids ids[SYSV_KINDS];
	/* limits (/proc/sys/kernel) */
	uint64_t shm_ctlmax, shm_ctlall;
	int shm_ctlmni;
	int msg_ctlmax, msg_ctlmnb, msg_ctlmni;
	int sem_ctls[4]; /* semmsl, semmns, semopm, semmni */
	/* usage */
	uint64_t shm_tot;    /* pages of existing segments */
	long msg_bytes, msg_hdrs;
	long used_sems;
};

/* ---- namespaces and ids (sysv_ids.c) ---- */
/* A namespace's tables with Linux's default limits; NULL on ENOMEM. */
struct sysv_ns *sysv_ns_new(void);
/* Destroys every object of @ns (waking waiters; segments still attached live on
 * detached from it) and frees it. NULL is fine. */
void sysv_ns_free(struct sysv_ns *ns);
/* Whether @c may access @p for @want (a mask of 4 read, 2 write; Linux's ipcperms). */
bool sysv_may(const struct sysv_caller *c, const struct sysv_perm *p, int want);
/* Whether @c owns @p (uid or cuid) or has CAP_SYS_ADMIN (IPC_SET, IPC_RMID). */
bool sysv_is_owner(const struct sysv_caller *c, const struct sysv_perm *p);
/* The object with id @id of @kind; NULL when there is none (the caller answers EINVAL). */
void *sysv_find(struct sysv_ns *ns, enum sysv_kind kind, int id);
/* The object whose key is @key (not IPC_PRIVATE); NULL when there is none. */
void *sysv_find_key(struct sysv_ns *ns, enum sysv_kind kind, int32_t key);
/* The first object of @kind at an index above *@idx (start with -1; *@idx becomes its
 * index), or NULL when there is none. */
void *sysv_next(struct sysv_ns *ns, enum sysv_kind kind, int *idx);
#define sysv_for_each(ns, kind, obj, idx)                                                   \
	for (int idx = -1; ((obj) = sysv_next((ns), (kind), &idx));)
/* The object at index @idx (the *_STAT commands); NULL when the slot is empty. */
void *sysv_at(struct sysv_ns *ns, enum sysv_kind kind, int idx);
/* Links @p (mode bits taken from @flg & 0777, ids from @c) into a free slot below @max
 * objects; sets p->id. Returns 0 or -ENOSPC / -ENOMEM. */
int sysv_link(struct sysv_ns *ns, enum sysv_kind kind, struct sysv_perm *p,
	      const struct sysv_caller *c, int32_t key, int flg, int max);
/* Removes @p from its table (its id is gone from now on). */
void sysv_unlink(struct sysv_ns *ns, enum sysv_kind kind, struct sysv_perm *p);
/* The highest index in use, or -1 (IPC_INFO's return value, as ipc_get_maxidx). */
int sysv_max_idx(const struct sysv_ns *ns, enum sysv_kind kind);
/* The get(2) part common to every kind, after the lookup by @key: -ENOENT without
 * IPC_CREAT, -EEXIST with IPC_CREAT|IPC_EXCL, -EACCES when @flg's mode asks for more than
 * @p grants. @p NULL: 1 (the caller creates), else 0. */
int sysv_get_check(const struct sysv_caller *c, struct sysv_perm *p, int flg);
/* Copies @p into the ABI form. The ids are kernel ids (the handlers translate them). */
void sysv_perm_export(const struct sysv_perm *p, struct sysv_perm_abi *out);
/* IPC_SET of uid, gid and mode's low 9 bits (kernel ids). */
void sysv_perm_set(struct sysv_perm *p, uint32_t uid, uint32_t gid, uint32_t mode);
/* Wakes every waiter of @wq and unlinks them all (the queue is about to be freed). */
void sysv_waitq_release(struct waitq *wq);
/* CLOCK_REALTIME seconds. */
int64_t sysv_now(void);

/* ---- message queues (sysv_msg.c) ---- */
struct msg_queue;
int msg_get(struct sysv_ns *ns, const struct sysv_caller *c, int32_t key, int flg);
/* Sends @len bytes of @text with type @type. -EAGAIN with *@wq set: the queue is full
 * (the caller parks on *@wq unless IPC_NOWAIT). */
int msg_send(struct sysv_ns *ns, const struct sysv_caller *c, int id, long type,
	     const void *text, size_t len, struct waitq **wq);
/* A received message, owned by the caller (free()). */
struct msg_taken {
	long type;
	size_t len;
	char text[];
};
/* Receives per msgrcv(2) (@flg: MSG_NOERROR, MSG_EXCEPT, MSG_COPY; IPC_NOWAIT is the
 * caller's): 0 and *@out, -E2BIG, -ENOMSG (MSG_COPY: no such message), -EAGAIN with *@wq
 * (no message: the caller answers ENOMSG under IPC_NOWAIT, else parks), -EACCES,
 * -EINVAL, -ENOMEM. */
int msg_receive(struct sysv_ns *ns, const struct sysv_caller *c, int id, size_t maxlen,
		long type, int flg, struct msg_taken **out, struct waitq **wq);
/* msgctl(2) commands: @buf is the ABI struct to copy out (STAT) or in (SET). Returns
 * >= 0 (IPC_INFO/MSG_INFO: the max index; MSG_STAT: the id) or -errno. */
int msg_ctl(struct sysv_ns *ns, const struct sysv_caller *c, int id, int cmd, void *buf);
void msg_free_queue(struct sysv_ns *ns, struct msg_queue *q);

/* ---- semaphores (sysv_sem.c) ---- */
struct sem_set;
struct sysv_proc;
int sem_get(struct sysv_ns *ns, const struct sysv_caller *c, int32_t key, int nsems, int flg);
/* Runs the @nsops operations atomically, in order (semop(2)); SEM_UNDO adjustments are
 * recorded in @proc. 0; 1 with *@wq when the call must wait (the caller parks on *@wq,
 * the queue of the semaphore whose operation blocked: it counts in semncnt/semzcnt);
 * -EAGAIN when that operation has IPC_NOWAIT; -EFBIG, -ERANGE, -EACCES, -EINVAL (no such
 * set), -ENOMEM (undo records). The caller checked nsops (EINVAL, E2BIG). */
int sem_op(struct sysv_ns *ns, const struct sysv_caller *c, struct sysv_proc *proc, int id,
	   const struct sysv_sembuf_abi *ops, unsigned nsops, struct waitq **wq);
/* semctl(2): @arg is the 4th argument's value for SETVAL; @buf the in/out data (the ABI
 * struct, or the unsigned short array of GETALL/SETALL, sized by sem_nsems). Returns >= 0
 * or -errno. */
int sem_ctl(struct sysv_ns *ns, const struct sysv_caller *c, int id, int semnum, int cmd,
	    long arg, void *buf);
/* The number of semaphores of set @id, or -EINVAL (GETALL/SETALL size their buffer). */
int sem_nsems(struct sysv_ns *ns, int id);
void sem_free_set(struct sysv_ns *ns, struct sem_set *s);

/* ---- shared memory (sysv_shm.c) ---- */
struct shm_seg;
int shm_get(struct sysv_ns *ns, const struct sysv_caller *c, int32_t key, uint64_t size,
	    int flg);
int shm_ctl(struct sysv_ns *ns, const struct sysv_caller *c, int id, int cmd, void *buf);
/* For shmat(2): checks access (@rdonly: read only; @exec: also execute) and returns the
 * segment with a new reference in *@out, its size in *@size and a host fd of its memory
 * (owned by the segment; read-only when @rdonly) in *@fd. */
int shm_attach_prepare(struct sysv_ns *ns, const struct sysv_caller *c, int id, bool rdonly,
		       bool exec, struct shm_seg **out, uint64_t *size, int *fd);
/* Records the mapping of @seg at [@addr, @addr + @len) in @proc (consumes the reference
 * shm_attach_prepare gave). @replaced (SHM_REMAP): attachments the new mapping covered
 * are gone (detached after the new one is counted, as Linux). 0 or -ENOMEM (the caller
 * unmaps). */
int shm_attach_commit(struct sysv_proc *proc, struct shm_seg *seg, uint64_t addr,
		      uint64_t len, int pid, bool replaced);
/* The namespace dies: its segments are unlinked (attached ones live on, nameless). */
void shm_ns_gone(struct sysv_ns *ns);
/* Drops a reference shm_attach_prepare gave when the mapping failed. */
void shm_seg_put(struct shm_seg *seg);
/* shmdt(2): the attachment of @proc at @addr is removed; its length in *@len (the caller
 * unmaps). -EINVAL when none starts there. */
int shm_detach(struct sysv_proc *proc, uint64_t addr, uint64_t *len, int pid);

/* ---- per process: attachments (sysv_shm.c), undo records (sysv_sem.c) ---- */
struct sysv_proc {
	struct list_head attaches; /* struct shm_attach */
	struct list_head undos;    /* struct sem_undo.proc_link */
	struct sysv_ns *undo_ns;   /* the namespace the undo records are of */
	void *owner;               /* the process, for sysv_shm_mapped (not a reference) */
	int pid;                   /* its pid (lpid of a detach noticed later) */
};
/* Whether the process @owner still maps the segment's memory @fd somewhere in
 * [@addr, @addr + @len) (munmap(2) runs natively, unseen): the Sentry's answer, asked
 * when shm_nattch is looked at (IPC_STAT, the STAT commands, IPC_RMID, /proc/sysvipc).
 * NULL: every attachment counts until shmdt, exec or exit. */
extern bool (*sysv_shm_mapped)(void *owner, uint64_t addr, uint64_t len, int fd);
/* A new, empty one; NULL on ENOMEM. */
struct sysv_proc *sysv_proc_new(void);
/* fork without CLONE_VM: @child gets @parent's attachments (nattch counts them; lpid
 * @pid). No undo records (Linux: CLONE_SYSVSEM shares them, threads here share the
 * group's). Returns 0 or -ENOMEM. */
int sysv_proc_fork(struct sysv_proc *child, const struct sysv_proc *parent, int pid);
/* exec: the address space is gone, every attachment with it. */
void sysv_proc_detach_all(struct sysv_proc *proc, int pid);
/* Applies and drops the undo records (exit, unshare/setns of the IPC namespace). */
void sysv_proc_undo(struct sysv_proc *proc, int pid);
/* exit: both, then frees @proc (sysv_ids.c). NULL is fine. */
void sysv_proc_free(struct sysv_proc *proc, int pid);

/* ---- /proc (sysv_procfs.c; the lines: each kind's file) ---- */
struct proc_buf;
/* How the reader sees kernel ids and sandbox-level pids. */
struct sysv_view {
	uint32_t (*uid)(void *arg, uint32_t kid);
	uint32_t (*gid)(void *arg, uint32_t kid);
	int (*pid)(void *arg, int pid);
	void *arg;
};
/* /proc/sysvipc/{msg,sem,shm} of @ns (@kind) in @b: the header, then one line each. */
void sysv_procfs_render(struct sysv_ns *ns, enum sysv_kind kind, struct proc_buf *b,
			const struct sysv_view *v);
void msg_procfs_lines(struct sysv_ns *ns, struct proc_buf *b, const struct sysv_view *v);
void sem_procfs_lines(struct sysv_ns *ns, struct proc_buf *b, const struct sysv_view *v);
void shm_procfs_lines(struct sysv_ns *ns, struct proc_buf *b, const struct sysv_view *v);
/* /proc/sys/kernel/@name (shmmax shmall shmmni msgmax msgmnb msgmni sem): its text (0, or
 * -ENOENT for another name) and a write of it (bytes consumed, -EINVAL on bad text or a
 * value out of range). */
int sysv_sysctl_show(struct sysv_ns *ns, const char *name, char *buf, size_t size);
long sysv_sysctl_write(struct sysv_ns *ns, const char *name, const char *buf, size_t len);
/* The same for /proc/sys/fs/mqueue/@name (msg_default msg_max msgsize_default
 * msgsize_max queues_max) of an IPC namespace's POSIX queue table (Linux's ranges). */
struct mq_ns;
int mq_sysctl_show(struct mq_ns *mq, const char *name, char *buf, size_t size);
long mq_sysctl_write(struct mq_ns *mq, const char *name, const char *buf, size_t len);

#endif
