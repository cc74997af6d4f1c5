/* sentry/ipc/sysv_procfs.c - what /proc shows of a namespace's SysV IPC: /proc/sysvipc/
 * {msg,sem,shm} (Linux's headers; each kind's file writes its lines) and the limits of
 * /proc/sys/kernel (shmmax shmall shmmni msgmax msgmnb msgmni sem), read and written with
 * Linux's ranges; also the POSIX queue limits of /proc/sys/fs/mqueue, which share the
 * syntax. procfs reaches this through the Sentry's vfs_proc_ops (procinfo.c). */
#include "sentry/ipc/sysv.h"
#include "vfs/fs/mqueue.h"
#include "vfs/fs/procfs.h"
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sysv_procfs_render(struct sysv_ns *ns, enum sysv_kind kind, struct proc_buf *b,
			const struct sysv_view *v)
{
	switch (kind) {
	case SYSV_MSG:
		proc_buf_printf(b, "       key      msqid perms      cbytes       qnum lspid lrpid   "
				   "uid   gid  cuid  cgid      stime      rtime      ctime\n");
		msg_procfs_lines(ns, b, v);
		break;
	case SYSV_SEM:
		proc_buf_printf(b, "       key      semid perms      nsems   uid   gid  cuid  cgid"
				   "      otime      ctime\n");
		sem_procfs_lines(ns, b, v);
		break;
	default:
		proc_buf_printf(b, "       key      shmid perms                  size  cpid  lpid "
				   "nattch   uid   gid  cuid  cgid      atime      dtime      ctime  "
				   "                 rss                  swap\n");
		shm_procfs_lines(ns, b, v);
		break;
	}
}

int sysv_sysctl_show(struct sysv_ns *ns, const char *name, char *buf, size_t size)
{
	if (!strcmp(name, "shmmax"))
		snprintf(buf, size, "%llu\n", (unsigned long long)ns->shm_ctlmax);
	else if (!strcmp(name, "shmall"))
		snprintf(buf, size, "%llu\n", (unsigned long long)ns->shm_ctlall);
	else if (!strcmp(name, "shmmni"))
		snprintf(buf, size, "%d\n", ns->shm_ctlmni);
	else if (!strcmp(name, "msgmax"))
		snprintf(buf, size, "%d\n", ns->msg_ctlmax);
	else if (!strcmp(name, "msgmnb"))
		snprintf(buf, size, "%d\n", ns->msg_ctlmnb);
	else if (!strcmp(name, "msgmni"))
		snprintf(buf, size, "%d\n", ns->msg_ctlmni);
	else if (!strcmp(name, "sem"))
		snprintf(buf, size, "%d\t%d\t%d\t%d\n", ns->sem_ctls[0], ns->sem_ctls[1],
			 ns->sem_ctls[2], ns->sem_ctls[3]);
	else
		return -ENOENT;
	return 0;
}

/* Up to @max whitespace-separated decimal numbers of @buf (proc_dointvec's syntax). The
 * count, or -EINVAL (none, junk, a sign where @is_unsigned, overflow). */
static int parse_nums(const char *buf, size_t len, long long *out, int max, bool is_unsigned)
{
	char text[128];
	int n = 0;
	if (len >= sizeof(text))
		return -EINVAL;
	memcpy(text, buf, len);
	text[len] = 0;
	char *p = text;
	while (n < max) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (is_unsigned && *p == '-')
			return -EINVAL;
		char *end;
		errno = 0;
		if (is_unsigned) {
			unsigned long long v = strtoull(p, &end, 10);
			out[n] = (long long)v;
		} else {
			out[n] = strtoll(p, &end, 10);
		}
		if (end == p || errno || (*end && !isspace((unsigned char)*end)))
			return -EINVAL;
		n++;
		p = end;
	}
	return n ? n : -EINVAL;
}

long sysv_sysctl_write(struct sysv_ns *ns, const char *name, const char *buf, size_t len)
{
	long long v[4];
	bool ulong = !strcmp(name, "shmmax") || !strcmp(name, "shmall");
	int n = parse_nums(buf, len, v, !strcmp(name, "sem") ? 4 : 1, ulong);
	if (n < 0)
		return n;
	if (ulong) {
		*(!strcmp(name, "shmmax") ? &ns->shm_ctlmax : &ns->shm_ctlall) = (uint64_t)v[0];
		return (long)len;
	}
	int *field = NULL, hi = INT32_MAX;
	if (!strcmp(name, "shmmni"))
		field = &ns->shm_ctlmni, hi = SYSV_IPCMNI;
	else if (!strcmp(name, "msgmax"))
		field = &ns->msg_ctlmax;
	else if (!strcmp(name, "msgmnb"))
		field = &ns->msg_ctlmnb;
	else if (!strcmp(name, "msgmni"))
		field = &ns->msg_ctlmni, hi = SYSV_IPCMNI;
	else if (!strcmp(name, "sem")) {
		for (int i = 0; i < n; i++)
			if (v[i] < INT32_MIN || v[i] > INT32_MAX || (i == 3 && (v[i] < 0 ||
									 v[i] > SYSV_IPCMNI)))
				return -EINVAL;
		for (int i = 0; i < n; i++)
			ns->sem_ctls[i] = (int)v[i];
		return (long)len;
	} else
		return -ENOENT;
	if (v[0] < 0 || v[0] > hi)
		return -EINVAL;
	*field = (int)v[0];
	return (long)len;
}

/* /proc/sys/fs/mqueue: each file's field and Linux's range (ipc/mq_sysctl.c). */
static const struct {
	const char *name;
	size_t off;
	long lo, hi;
} mq_files[] = {
	{ "msg_default", offsetof(struct mq_ns, msg_default), 1, MQ_HARD_MSGMAX },
	{ "msg_max", offsetof(struct mq_ns, msg_max), 1, MQ_HARD_MSGMAX },
	{ "msgsize_default", offsetof(struct mq_ns, msgsize_default), 128, MQ_HARD_MSGSIZEMAX },
	{ "msgsize_max", offsetof(struct mq_ns, msgsize_max), 128, MQ_HARD_MSGSIZEMAX },
	{ "queues_max", offsetof(struct mq_ns, queues_max), INT32_MIN, INT32_MAX }, /* -1: none */
};

static unsigned *mq_field(struct mq_ns *mq, const char *name, long *lo, long *hi)
{
	for (size_t i = 0; i < sizeof(mq_files) / sizeof(mq_files[0]); i++) {
		if (!strcmp(mq_files[i].name, name)) {
			*lo = mq_files[i].lo;
			*hi = mq_files[i].hi;
			return (unsigned *)((char *)mq + mq_files[i].off);
		}
	}
	return NULL;
}

int mq_sysctl_show(struct mq_ns *mq, const char *name, char *buf, size_t size)
{
	long lo, hi;
	unsigned *f = mq_field(mq, name, &lo, &hi);
	if (!f)
		return -ENOENT;
	snprintf(buf, size, "%d\n", (int)*f); /* proc_dointvec's view of the unsigned field */
	return 0;
}

long mq_sysctl_write(struct mq_ns *mq, const char *name, const char *buf, size_t len)
{
	long lo, hi;
	long long v;
	unsigned *f = mq_field(mq, name, &lo, &hi);
	if (!f)
		return -ENOENT;
	int n = parse_nums(buf, len, &v, 1, false);
	if (n < 0)
		return n;
	if (v < lo || v > hi)
		return -EINVAL;
	*f = (unsigned)v;
	return (long)len;
}
