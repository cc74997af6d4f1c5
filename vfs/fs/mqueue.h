/* vfs/fs/mqueue.h - POSIX message queues (mq_overview(7)): the queue table of a
 * namespace, queues and their messages, queue descriptors (files), notification
 * registrations, and the "mqueue" filesystem that shows a table's queues as files.
 *
 * One table per IPC namespace (the Sentry's struct ipc_ns holds it; mq_ns_default is the
 * sandbox's initial namespace's); every operation takes its struct mq_ns. Queue descriptors are files whose
 * ops are mq_file_ops: read(2) gives Linux's "QSIZE:... NOTIFY:... SIGNO:...
 * NOTIFY_PID:..." line, poll/epoll report EPOLLIN (a message) and EPOLLOUT (room).
 * Nothing here blocks: a full or empty queue answers -EAGAIN and the handler
 * (sentry/syscalls/sys_mqueue.c) parks on mq_waitq. Notifications are recorded here and
 * handed back to the handler that must deliver them (the VFS sends no signals).
 *
 * References: a table is counted (its IPC namespace and each mqueue superblock showing it
 * hold one; the last put unlinks what is left); it holds one on each linked queue
 * (dropped by unlink); each queue descriptor and each mqueue-fs inode holds one on its
 * queue (a queue does not hold its table: it only needs it while linked). A queue's bytes
 * are charged to its creator's uid (RLIMIT_MSGQUEUE, sandbox-wide as Linux's per-user
 * count) until it is freed. Must not include sentry headers. */
#ifndef CVISOR_VFS_FS_MQUEUE_H
#define CVISOR_VFS_FS_MQUEUE_H
#include <stdbool.h>
#include <stdint.h>
#include "common/list.h"
#include "common/waitq.h"
#include "vfs/internal.h"

#define MQ_PRIO_MAX 32768
#define MQ_HARD_MSGMAX 65536
#define MQ_HARD_MSGSIZEMAX (16 * 1024 * 1024)
#define MQ_NAME_MAX 255

/* Linux's struct mq_attr. */
struct mq_attr_k {
	long mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
	long reserved[4];
};

struct mq_user {
	uint32_t uid;
	uint64_t bytes;
};

/* A queue table (an IPC namespace's), with /proc/sys/fs/mqueue's limits. */
struct mq_ns {
	int refs;
	struct list_head queues;
	int nqueues;
	unsigned queues_max, msg_max, msgsize_max, msg_default, msgsize_default;
};

/* Who asks (the handler fills it from the task). */
struct mq_caller {
	const struct vfs_cred *cred;
	mode_t umask;
	bool cap_sys_resource;
	uint64_t rlimit_msgqueue;
	int pid;	   /* the caller's process (notification owner) */
	int64_t pid_start; /* its start time: a reused pid is another process */
};

/* A notification to deliver (mq_send's answer): signal @signo to process @pid (if it is
 * still the one that started at @pid_start) with @value, si_code SI_MESGQ. */
struct mq_notification {
	bool pending;
	int pid;
	int64_t pid_start;
	int signo;
	uint64_t value;
};

/* Linux's struct sigevent, as far as mq_notify reads it. */
struct mq_sigevent {
	uint64_t value;
	int signo;
	int notify; /* SIGEV_SIGNAL 0, SIGEV_NONE 1, SIGEV_THREAD 2 */
};

extern const struct vfs_file_ops mq_file_ops;
extern long mq_live_queues, mq_live_msgs; /* unit tests' leak checks */

/* The sandbox's initial IPC namespace's table (created on first use; borrowed);
 * mq_ns_reset drops it and the RLIMIT_MSGQUEUE counts (unit tests; every queue must be
 * unlinked and closed). */
struct mq_ns *mq_ns_default(void);
void mq_ns_reset(void);
/* A new table with Linux's default limits (one reference; a new IPC namespace's), NULL
 * on ENOMEM; get/put (the last put unlinks its queues and frees it). */
struct mq_ns *mq_ns_new(void);
void mq_ns_get(struct mq_ns *ns);
void mq_ns_put(struct mq_ns *ns);

/* mq_open(2): opens queue @name (no '/'; glibc strips the leading one) of @ns with
 * @oflag (O_RDONLY/O_WRONLY/O_RDWR, O_CREAT, O_EXCL, O_NONBLOCK, O_CLOEXEC ignored);
 * with O_CREAT, @mode and @attr (NULL: the defaults). Returns 0 and a new file in *@out,
 * or -EACCES, -EEXIST, -EINVAL, -EMFILE (RLIMIT_MSGQUEUE), -ENAMETOOLONG, -ENOENT,
 * -ENOSPC (queues_max), -ENOMEM. */
int mq_open_queue(struct mq_ns *ns, const struct mq_caller *c, const char *name, int oflag,
		  mode_t mode, const struct mq_attr_k *attr, struct vfs_file **out);
/* mq_unlink(2): 0, -ENOENT, -EACCES, -ENAMETOOLONG. */
int mq_unlink_queue(struct mq_ns *ns, const struct mq_caller *c, const char *name);
/* Is @f a queue descriptor? */
bool mq_file_is(struct vfs_file *f);
/* Queues a message (mq_timedsend): 0, -EBADF (not open for writing), -EMSGSIZE,
 * -EINVAL (priority), -EAGAIN (full). A notification due is returned in @n (and the
 * registration removed); @sender_pid is shown to nobody but kept for si_pid. */
int mq_send_msg(struct vfs_file *f, const void *msg, size_t len, unsigned prio,
		struct mq_notification *n);
/* Takes the oldest message of the highest priority (mq_timedreceive) into @buf: its
 * length, -EBADF, -EMSGSIZE (@len below mq_msgsize), -EAGAIN (empty). */
long mq_receive_msg(struct vfs_file *f, void *buf, size_t len, unsigned *prio);
/* The queue a blocked sender (@send) or receiver parks on. */
struct waitq *mq_waitq(struct vfs_file *f, bool send);
/* mq_notify(2) for caller @c: @ev NULL removes the caller's registration; else
 * registers SIGEV_SIGNAL / SIGEV_NONE (-EBUSY when a process is registered, -EINVAL
 * for a bad signal or kind). */
int mq_notify_set(struct vfs_file *f, const struct mq_caller *c, const struct mq_sigevent *ev);
/* mq_getsetattr(2): fills @old (may be NULL), applies @new's O_NONBLOCK (may be NULL;
 * -EINVAL for other flags). */
int mq_getsetattr(struct vfs_file *f, const struct mq_attr_k *new, struct mq_attr_k *old);
/* mount -t mqueue: a superblock (one reference, with a root) showing @ns's queues. */
int mqueue_create_sb(unsigned long flags, const char *data, struct vfs_sb **out);

/* ---- shared by mqueue.c and mqueue_fs.c ---- */
struct mq_queue;
/* The queue @name of @ns (borrowed) or NULL. */
struct mq_queue *mq_lookup(struct mq_ns *ns, const char *name, size_t len);
void mq_queue_get(struct mq_queue *q);
void mq_queue_put(struct mq_queue *q);
bool mq_queue_linked(const struct mq_queue *q);
const char *mq_queue_name(const struct mq_queue *q);
/* Fills @st's mode, owner, times, ino of @q. */
void mq_queue_stat(const struct mq_queue *q, struct stat *st);
/* Sets @f (a file being opened) up as a descriptor of @q (takes a reference). */
void mq_file_attach(struct vfs_file *f, struct mq_queue *q);
/* Applies chmod/chown to @q. */
void mq_queue_setattr(struct mq_queue *q, const struct vfs_iattr *ia);
/* The first linked queue of @ns whose creation number is >= @seq (readdir) or NULL. */
struct mq_queue *mq_next(struct mq_ns *ns, uint64_t seq, uint64_t *qseq);
uint64_t mq_queue_ino(const struct mq_queue *q);
/* open(O_CREAT) in an mqueue mount: a queue with the defaults (queues_max checked). */
int mq_create_default(struct mq_ns *ns, const char *name, size_t len, mode_t mode, uint32_t uid,
		      uint32_t gid, struct mq_queue **out);
/* unlink(2) in an mqueue mount (the VFS checked the sticky directory). */
void mq_unlink_linked(struct mq_queue *q);

#endif
