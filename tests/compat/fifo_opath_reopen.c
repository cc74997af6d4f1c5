/* fifo_opath_reopen.c - runc's exec fifo: a fifo held by an O_PATH fd is reopened for
 * writing through /proc/self/fd/N, which blocks until a reader opens it ("runc start"),
 * and O_PATH fds work as *at dirfds and with fchdir but not for I/O. */
/* syscalls: mknodat openat read write fchdir fstat fchmod */
#include "tap.h"

int main(void)
{
	char path[256], link[64], b = 0;

	TAP_PLAN(7);
	snprintf(path, sizeof(path), "%s/exec.fifo", tap_tmpdir());
	TAP_OK(mkfifo(path, 0622) == 0, "mkfifo");
	int pfd = open(path, O_PATH | O_CLOEXEC);
	TAP_OK(pfd >= 0, "open(O_PATH) of a fifo does not block");
	int sync[2];
	pipe(sync);
	pid_t pid = fork();
	if (pid == 0) {
		/* the container's init: blocks here until "runc start" opens the fifo */
		snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
		int w = open(link, O_WRONLY | O_CLOEXEC);
		if (w < 0)
			_exit(2);
		write(sync[1], "x", 1);
		_exit(write(w, "0", 1) == 1 ? 0 : 3);
	}
	close(sync[1]);
	usleep(100 * 1000);
	struct stat st;
	TAP_OK(waitpid(pid, NULL, WNOHANG) == 0 && fstat(pfd, &st) == 0 && S_ISFIFO(st.st_mode),
	       "the writer's open waits for a reader");
	int r = open(path, O_RDONLY | O_CLOEXEC);
	TAP_OK(r >= 0 && read(r, &b, 1) == 1 && b == '0', "a reader releases it and reads its byte");
	TAP_OK(tap_exited(tap_wait(pid), 0), "the writer finished");

	int dfd = open(tap_tmpdir(), O_PATH | O_DIRECTORY);
	int cwd = open(".", O_PATH | O_DIRECTORY);
	TAP_OK(fstatat(dfd, "exec.fifo", &st, 0) == 0 && fchdir(dfd) == 0 &&
		       access("exec.fifo", F_OK) == 0 && fchdir(cwd) == 0,
	       "an O_PATH dir fd serves *at calls and fchdir");
	TAP_OK(read(dfd, &b, 1) == -1 && errno == EBADF && fchmod(pfd, 0600) == -1 &&
		       errno == EBADF,
	       "but not read or fchmod (EBADF)");
	return TAP_DONE();
}
