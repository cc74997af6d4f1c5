/* msg_basic.c - System V message queues: msgget keys (IPC_PRIVATE, IPC_CREAT|IPC_EXCL,
 * ENOENT), msgsnd/msgrcv by type (0, > 0, < 0, MSG_EXCEPT), MSG_NOERROR and E2BIG,
 * IPC_NOWAIT (ENOMSG, EAGAIN on a full queue), MSG_COPY, msgctl IPC_STAT/IPC_SET/IPC_RMID
 * and the argument errors (EINVAL, EFAULT). */
/* syscalls: msgget msgsnd msgrcv msgctl */
#include "sysv_setup.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct m64 {
	long type;
	char text[64];
};

static int snd(int q, long type, const char *s)
{
	struct m64 m = { .type = type };
	snprintf(m.text, sizeof(m.text), "%s", s);
	return msgsnd(q, &m, strlen(s) + 1, IPC_NOWAIT);
}

/* The type of the message msgrcv(@type, @flg) takes, or -errno. */
static long rcv_type(int q, long type, int flg)
{
	struct m64 m;
	ssize_t n = msgrcv(q, &m, sizeof(m.text), type, flg | IPC_NOWAIT);
	return n < 0 ? -errno : m.type;
}

int main(void)
{
	sysv_setup();
	TAP_PLAN(33);
	struct m64 m;
	struct msqid_ds ds;

	TAP_ERRNO(msgget(0x1234, 0600), ENOENT, "msgget of a missing key without IPC_CREAT");
	int q = msgget(0x1234, IPC_CREAT | 0600);
	TAP_OK(q >= 0, "msgget(IPC_CREAT) creates a queue");
	TAP_OK(msgget(0x1234, 0600) == q, "the key finds it again");
	TAP_ERRNO(msgget(0x1234, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "IPC_CREAT|IPC_EXCL: EEXIST");
	int p1 = msgget(IPC_PRIVATE, 0600), p2 = msgget(IPC_PRIVATE, 0600);
	TAP_OK(p1 >= 0 && p2 >= 0 && p1 != p2 && p1 != q, "IPC_PRIVATE makes a new queue each time");

	TAP_OK(snd(q, 3, "three") == 0 && snd(q, 1, "one") == 0 && snd(q, 2, "two") == 0 &&
		       snd(q, 1, "uno") == 0,
	       "four messages sent");
	TAP_OK(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 4 &&
		       ds.__msg_cbytes == 6 + 4 + 4 + 4 && ds.msg_lspid == getpid() &&
		       ds.msg_perm.mode == 0600 && ds.msg_perm.uid == getuid() &&
		       ds.msg_perm.__key == 0x1234 && ds.msg_qbytes == 16384,
	       "IPC_STAT: qnum, cbytes, lspid, mode, uid, key, qbytes");
	TAP_OK(rcv_type(q, 2, 0) == 2, "type > 0 takes that type");
	TAP_OK(rcv_type(q, 1, MSG_EXCEPT) == 3, "MSG_EXCEPT takes the first of another type");
	ssize_t n = msgrcv(q, &m, sizeof(m.text), -5, IPC_NOWAIT);
	TAP_OK(n == 4 && m.type == 1 && !strcmp(m.text, "one"),
	       "type < 0 takes the lowest type, oldest first");
	TAP_OK(rcv_type(q, 0, 0) == 1, "type 0 takes the oldest");
	TAP_ERRNO(msgrcv(q, &m, sizeof(m.text), 0, IPC_NOWAIT), ENOMSG, "empty queue: ENOMSG");
	TAP_OK(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0 && ds.__msg_cbytes == 0 &&
		       ds.msg_lrpid == getpid() && ds.msg_rtime > 0,
	       "IPC_STAT after receiving: empty, lrpid, rtime");

	snd(q, 7, "a long message");
	TAP_ERRNO(msgrcv(q, &m, 4, 0, IPC_NOWAIT), E2BIG, "a short buffer: E2BIG");
	TAP_OK(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 1, "E2BIG leaves the message queued");
	memset(&m, 0, sizeof(m));
	n = msgrcv(q, &m, 4, 0, IPC_NOWAIT | MSG_NOERROR);
	TAP_OK(n == 4 && !memcmp(m.text, "a lo", 4) && m.text[4] == 0,
	       "MSG_NOERROR truncates and takes it");

	snd(q, 5, "first");
	snd(q, 6, "second");
	n = msgrcv(q, &m, sizeof(m.text), 1, IPC_NOWAIT | MSG_COPY);
	TAP_OK(n == 7 && m.type == 6 && !strcmp(m.text, "second"),
	       "MSG_COPY copies the message at an index");
	TAP_ERRNO(msgrcv(q, &m, sizeof(m.text), 2, IPC_NOWAIT | MSG_COPY), ENOMSG,
		  "MSG_COPY past the end: ENOMSG");
	TAP_ERRNO(msgrcv(q, &m, sizeof(m.text), 0, MSG_COPY), EINVAL,
		  "MSG_COPY without IPC_NOWAIT: EINVAL");
	TAP_OK(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 2, "MSG_COPY leaves the queue as is");
	msgrcv(q, &m, sizeof(m.text), 0, IPC_NOWAIT);
	msgrcv(q, &m, sizeof(m.text), 0, IPC_NOWAIT);

	/* a full queue */
	ds.msg_qbytes = 100;
	TAP_OK(msgctl(q, IPC_SET, &ds) == 0, "IPC_SET lowers msg_qbytes");
	memset(&m, 'x', sizeof(m));
	m.type = 1;
	TAP_OK(msgsnd(q, &m, 60, IPC_NOWAIT) == 0, "a message fits");
	TAP_ERRNO(msgsnd(q, &m, 60, IPC_NOWAIT), EAGAIN, "a full queue with IPC_NOWAIT: EAGAIN");
	ds.msg_perm.mode = 0640;
	TAP_OK(msgctl(q, IPC_SET, &ds) == 0 && msgctl(q, IPC_STAT, &ds) == 0 &&
		       ds.msg_perm.mode == 0640 && ds.msg_qbytes == 100,
	       "IPC_SET changes the mode");

	/* argument errors */
	m.type = 0;
	TAP_ERRNO(msgsnd(q, &m, 1, IPC_NOWAIT), EINVAL, "mtype 0: EINVAL");
	m.type = 1;
	TAP_ERRNO(msgsnd(q, &m, 8193, IPC_NOWAIT), EINVAL, "msgsz above msgmax: EINVAL");
	TAP_ERRNO(msgsnd(q, tap_badptr(), 1, IPC_NOWAIT), EFAULT, "bad buffer: EFAULT");
	TAP_ERRNO(msgsnd(q + 1000, &m, 1, IPC_NOWAIT), EINVAL, "unknown id: EINVAL");
	TAP_ERRNO(msgrcv(-1, &m, 1, 0, IPC_NOWAIT), EINVAL, "negative id: EINVAL");
	TAP_ERRNO(msgctl(q, 12345, &ds), EINVAL, "unknown command: EINVAL");
	TAP_ERRNO(msgctl(q, IPC_STAT, tap_badptr()), EFAULT, "IPC_STAT to a bad buffer: EFAULT");

	TAP_OK(msgctl(q, IPC_RMID, NULL) == 0, "IPC_RMID removes it");
	TAP_ERRNO(msgctl(q, IPC_STAT, &ds), EINVAL, "the removed id is gone: EINVAL");
	return TAP_DONE();
}
