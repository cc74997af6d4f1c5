/* sysv_ns_limits.c - SysV IPC per IPC namespace: a new namespace sees none of its
 * parent's objects and has its own limits (/proc/sys/kernel/{msgmni,msgmax,msgmnb,shmmni,
 * shmmax,shmall,sem}), which are enforced (ENOSPC, EINVAL) and validated on write;
 * /proc/sysvipc lists the namespace's objects; IPC_INFO/MSG_INFO/SEM_INFO/SHM_INFO and
 * the *_STAT commands. */
/* syscalls: msgget msgctl semget semctl shmget shmctl unshare setns */
#include "sysv_setup.h"

static long sysctl_read(const char *name)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	return tap_read_long(path);
}

static int sysctl_write(const char *name, const char *val)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	return tap_write_file(path, val);
}

/* Whether /proc/sysvipc/@kind has a line for @id. */
static bool listed(const char *kind, int id)
{
	char path[64], buf[8192];
	snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind);
	if (tap_read_file(path, buf, sizeof(buf)) < 0)
		return false;
	for (char *l = strchr(buf, '\n'); l; l = strchr(l + 1, '\n')) {
		int key, lid;
		if (sscanf(l + 1, "%d %d", &key, &lid) == 2 && lid == id)
			return true;
	}
	return false;
}

int main(void)
{
	sysv_setup();
	TAP_PLAN(21);
	int outer_ns = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	int q = msgget(0x600, IPC_CREAT | 0600), s = semget(0x600, 2, IPC_CREAT | 0600);
	int m = shmget(0x600, 8192, IPC_CREAT | 0600);
	TAP_OK(q >= 0 && s >= 0 && m >= 0, "one object of each kind");
	TAP_OK(listed("msg", q) && listed("sem", s) && listed("shm", m),
	       "/proc/sysvipc lists them");
	char head[256];
	tap_read_file("/proc/sysvipc/shm", head, sizeof(head));
	TAP_OK(!strncmp(head, "       key      shmid perms                  size  cpid  lpid nattch", 65),
	       "/proc/sysvipc/shm has Linux's header");

	struct msginfo mi;
	struct seminfo si;
	struct shminfo shi;
	struct shm_info shu;
	int r1 = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
	TAP_OK(r1 >= 0 && mi.msgpool == 1 && mi.msgmni == 32000 && mi.msgmax == 8192,
	       "MSG_INFO: one queue in use, the limits");
	union semun arg = { .__buf = &si };
	TAP_OK(semctl(0, 0, SEM_INFO, arg) >= 0 && si.semusz == 1 && si.semaem == 2 &&
		       si.semmsl == 32000 && si.semopm == 500,
	       "SEM_INFO: one set, two semaphores, the limits");
	TAP_OK(shmctl(0, IPC_INFO, (struct shmid_ds *)&shi) >= 0 && shi.shmmni == 4096 &&
		       shmctl(0, SHM_INFO, (struct shmid_ds *)&shu) >= 0 && shu.used_ids == 1 &&
		       shu.shm_tot == 2,
	       "IPC_INFO/SHM_INFO: shmmni, one segment of two pages");
	struct shmid_ds sds;
	int idx = shmctl(0, IPC_INFO, (struct shmid_ds *)&shi);
	TAP_OK(shmctl(idx, SHM_STAT, &sds) == m && sds.shm_segsz == 8192,
	       "SHM_STAT by index returns the id");

	TAP_OK(sysctl_write("msgmni", "1") == 0 && sysctl_read("msgmni") == 1,
	       "msgmni is writable");
	TAP_ERRNO(msgget(IPC_PRIVATE, 0600), ENOSPC, "past msgmni: ENOSPC");
	TAP_OK(sysctl_write("msgmax", "16") == 0 && sysctl_read("msgmax") == 16, "msgmax");
	struct {
		long type;
		char text[32];
	} msg = { 1, "" };
	TAP_ERRNO(msgsnd(q, &msg, 17, IPC_NOWAIT), EINVAL, "a message above msgmax: EINVAL");
	TAP_OK(sysctl_write("shmmax", "4096") == 0, "shmmax");
	TAP_ERRNO(shmget(IPC_PRIVATE, 4097, 0600), EINVAL, "a segment above shmmax: EINVAL");
	TAP_OK(sysctl_write("sem", "250 32000 32 2") == 0 && sysctl_read("sem") == 250,
	       "sem takes four values");
	TAP_ERRNO(semget(IPC_PRIVATE, 251, 0600), EINVAL, "more than semmsl: EINVAL");
	TAP_ERRNO(sysctl_write("msgmni", "40000"), EINVAL, "msgmni above IPCMNI: EINVAL");
	TAP_ERRNO(sysctl_write("shmmni", "abc"), EINVAL, "not a number: EINVAL");

	/* a new namespace */
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		int bits = 0;
		if (unshare(CLONE_NEWIPC) < 0)
			_exit(100);
		bits |= (msgget(0x600, 0) < 0 && errno == ENOENT) << 0;
		bits |= (shmget(0x600, 0, 0) < 0 && semget(0x600, 0, 0) < 0) << 1;
		bits |= (!listed("msg", q) && !listed("shm", m)) << 2;
		bits |= (sysctl_read("msgmni") == 32000 && sysctl_read("shmmax") > 4096) << 3;
		int mine = msgget(0x601, IPC_CREAT | 0600);
		bits |= (mine >= 0 && setns(outer_ns, CLONE_NEWIPC) == 0 &&
			 msgget(0x600, 0) == q && msgget(0x601, 0) < 0) << 4;
		_exit(bits);
	}
	int st = tap_wait(p);
	int bits = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	TAP_OK((bits & 3) == 3, "a new IPC namespace sees none of its parent's objects");
	TAP_OK((bits & 0xc) == 0xc, "nor its /proc/sysvipc lines or limits");
	TAP_OK(bits & 0x10, "setns back finds the parent's objects, not the child's");

	/* objects die with their namespace: 10 namespaces of 1000 segments (and a semaphore
	 * set, a queue with a message) one after another; cvisor holds 8192 segments at once */
	int made = 0;
	for (int n = 0; n < 10; n++) {
		fflush(stdout);
		p = fork();
		if (p == 0) {
			int k = 0;
			if (unshare(CLONE_NEWIPC) < 0)
				_exit(0);
			while (k < 1000 && shmget(IPC_PRIVATE, 4096, 0600) >= 0)
				k++;
			int q2 = msgget(IPC_PRIVATE, 0600);
			semget(IPC_PRIVATE, 100, 0600);
			msgsnd(q2, &msg, 8, 0);
			_exit(k / 10);
		}
		st = tap_wait(p);
		made += WIFEXITED(st) ? WEXITSTATUS(st) * 10 : 0;
	}
	TAP_OK(made == 10000, "objects die with their namespace (%d segments made)", made);
	return TAP_DONE();
}
