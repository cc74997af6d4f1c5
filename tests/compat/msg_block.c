/* msg_block.c - blocking message queue calls across processes: a receiver parked on an
 * empty queue gets the message a sender sends; a sender parked on a full queue proceeds
 * when a message is taken; a signal with a handler ends a wait with EINTR; removing the
 * queue wakes its waiters with EIDRM; permissions (EACCES, EPERM) for another user. */
/* syscalls: msgget msgsnd msgrcv msgctl */
#include "sysv_setup.h"

struct m8 {
	long type;
	char text[8];
};

static int qnum(int q)
{
	struct msqid_ds ds;
	return msgctl(q, IPC_STAT, &ds) < 0 ? -1 : (int)ds.msg_qnum;
}

int main(void)
{
	sysv_setup();
	TAP_PLAN(10);
	int q = msgget(IPC_PRIVATE, 0600);
	struct m8 m = { .type = 9 };

	/* a parked receiver */
	pid_t p = fork();
	if (p == 0) {
		struct m8 r;
		ssize_t n = msgrcv(q, &r, sizeof(r.text), 9, 0);
		_exit(n == 3 && !strcmp(r.text, "hi") ? 0 : 1);
	}
	usleep(50000);
	strcpy(m.text, "hi");
	TAP_OK(msgsnd(q, &m, 3, 0) == 0, "send to a waiting receiver");
	TAP_OK(tap_exited(tap_wait(p), 0), "the parked receiver got the message");

	/* a parked sender */
	struct msqid_ds ds;
	msgctl(q, IPC_STAT, &ds);
	ds.msg_qbytes = 8;
	msgctl(q, IPC_SET, &ds);
	msgsnd(q, &m, 8, 0);
	p = fork();
	if (p == 0)
		_exit(msgsnd(q, &m, 8, 0) == 0 ? 0 : 1);
	usleep(50000);
	TAP_OK(qnum(q) == 1, "the second sender waits on the full queue");
	struct m8 r;
	msgrcv(q, &r, sizeof(r.text), 0, 0);
	TAP_OK(tap_exited(tap_wait(p), 0) && qnum(q) == 1, "taking one lets the sender through");
	msgrcv(q, &r, sizeof(r.text), 0, 0);

	/* EINTR */
	struct sigaction sa = { .sa_handler = sysv_noop_handler };
	sigaction(SIGUSR1, &sa, NULL);
	p = fork();
	if (p == 0) {
		ssize_t n = msgrcv(q, &r, sizeof(r.text), 0, 0);
		_exit(n < 0 && errno == EINTR ? 0 : 1);
	}
	usleep(50000);
	kill(p, SIGUSR1);
	TAP_OK(tap_exited(tap_wait(p), 0), "a signal with a handler: EINTR");

	/* EIDRM for a receiver and a sender */
	int q2 = msgget(IPC_PRIVATE, 0600);
	pid_t pr = fork();
	if (pr == 0) {
		ssize_t n = msgrcv(q2, &r, sizeof(r.text), 0, 0);
		_exit(n < 0 && errno == EIDRM ? 0 : 1);
	}
	usleep(50000);
	TAP_OK(msgctl(q2, IPC_RMID, NULL) == 0 && tap_exited(tap_wait(pr), 0),
	       "IPC_RMID wakes a receiver with EIDRM");

	/* another user */
	int priv = msgget(0x777, IPC_CREAT | 0600);
	int open_q = msgget(0x778, IPC_CREAT | 0622);
	fflush(stdout);
	p = fork();
	if (p == 0) {
		int bits = 0;
		if (sysv_drop_ids() < 0)
			_exit(100);
		bits |= (msgget(0x777, 0400) < 0 && errno == EACCES && msgget(0x777, 0) == priv) << 0;
		bits |= (msgget(0x778, 0200) == open_q) << 1;
		bits |= (msgsnd(open_q, &m, 1, IPC_NOWAIT) == 0) << 2;
		bits |= (msgrcv(open_q, &r, 8, 0, IPC_NOWAIT) < 0 && errno == EACCES) << 3;
		bits |= (msgctl(open_q, IPC_RMID, NULL) < 0 && errno == EPERM) << 4;
		bits |= (msgctl(priv, IPC_STAT, &ds) < 0 && errno == EACCES) << 5;
		_exit(bits);
	}
	int st = tap_wait(p);
	int bits = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	TAP_OK((bits & 0x21) == 0x21, "mode 0600 of another uid: EACCES (msgget asking for read, IPC_STAT); asking for nothing finds it");
	TAP_OK((bits & 0x6) == 0x6, "write permission lets another uid send");
	TAP_OK(bits & 0x8, "no read permission: msgrcv EACCES");
	TAP_OK(bits & 0x10, "IPC_RMID by a non-owner: EPERM");
	return TAP_DONE();
}
