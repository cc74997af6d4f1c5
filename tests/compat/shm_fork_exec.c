/* shm_fork_exec.c - attachments over fork, exec and exit: a child inherits them
 * (shm_nattch counts it), writes through its copy reach the parent, exit and exec drop
 * them, so does a child's munmap(2) of its copy, a segment removed while attached dies
 * with the last process holding it. */
/* syscalls: shmget shmat shmdt shmctl execve */
#include "sysv_setup.h"
#include <sys/mman.h>

static int nattch(int id)
{
	struct shmid_ds ds;
	return shmctl(id, IPC_STAT, &ds) < 0 ? -1 : (int)ds.shm_nattch;
}

int main(int argc, char **argv)
{
	if (argc == 3) /* the exec'd child: report, then wait to be told to go */
		return read(atoi(argv[2]), argv[1], 1) == 1 ? 0 : 1;
	sysv_setup();
	TAP_PLAN(7);
	int id = shmget(IPC_PRIVATE, 4096, 0600);
	char *a = shmat(id, NULL, 0);
	int go[2], done[2];
	pipe(go);
	pipe(done);
	pid_t p = fork();
	if (p == 0) {
		char c;
		a[0] = 'c';
		write(done[1], "x", 1);
		read(go[0], &c, 1);
		_exit(0);
	}
	char c;
	read(done[0], &c, 1);
	TAP_OK(a[0] == 'c' && nattch(id) == 2, "a forked child shares the attachment (nattch 2)");
	write(go[1], "x", 1);
	tap_wait(p);
	TAP_OK(nattch(id) == 1, "its exit detaches it");

	p = fork();
	if (p == 0) {
		char fd[16];
		snprintf(fd, sizeof(fd), "%d", go[0]);
		execl("/proc/self/exe", argv[0], "x", fd, (char *)NULL);
		_exit(127);
	}
	TAP_OK(SYSV_WAIT_FOR(nattch(id) == 1), "exec drops the inherited attachment");
	write(go[1], "x", 1);
	TAP_OK(tap_exited(tap_wait(p), 0), "the exec'd child ran");

	p = fork();
	if (p == 0) {
		munmap(a, 4096);
		write(done[1], "x", 1);
		read(go[0], &c, 1);
		_exit(0);
	}
	read(done[0], &c, 1);
	TAP_OK(nattch(id) == 1, "a child's munmap of its inherited attachment detaches it");
	write(go[1], "x", 1);
	tap_wait(p);

	shmctl(id, IPC_RMID, NULL);
	p = fork();
	if (p == 0) {
		char c;
		read(go[0], &c, 1);
		_exit(a[0] == 'c' ? 0 : 1);
	}
	shmdt(a);
	TAP_OK(SYSV_WAIT_FOR(nattch(id) == 1), "a removed segment stays while the child holds it");
	write(go[1], "x", 1);
	int st = tap_wait(p);
	struct shmid_ds ds;
	TAP_OK(tap_exited(st, 0) && shmctl(id, IPC_STAT, &ds) < 0 && errno == EINVAL,
	       "and goes with the last holder's exit");
	return TAP_DONE();
}
