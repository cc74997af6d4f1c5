/* execveat_memfd.c - runc's other cloned-binary path: copy /proc/self/exe into a sealed
 * memfd (sendfile), execveat(memfd, "", AT_EMPTY_PATH); the new image's /proc/self/exe is
 * that memfd, with its seals, named "/memfd:<name> (deleted)". */
/* syscalls: memfd_create sendfile fcntl execveat readlink */
#include "tap.h"
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

int main(int argc, char **argv)
{
	if (argc == 2) {
		char link[256] = { 0 };
		int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fcntl(fd, F_GET_SEALS) != SEALS)
			_exit(2);
		if (readlink("/proc/self/exe", link, sizeof(link) - 1) < 0 ||
		    strcmp(link, "/memfd:runc_cloned:/proc/self/exe (deleted)"))
			_exit(3);
		_exit(0);
	}
	TAP_PLAN(4);
	int mfd = memfd_create("runc_cloned:/proc/self/exe", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	fstat(exe, &st);
	off_t done = 0;
	while (done < st.st_size) {
		ssize_t n = sendfile(mfd, exe, NULL, st.st_size - done);
		if (n <= 0)
			break;
		done += n;
	}
	TAP_OK(mfd >= 0 && done == st.st_size, "sendfile copies the binary into a memfd");
	TAP_OK(fcntl(mfd, F_ADD_SEALS, SEALS) == 0 && fcntl(mfd, F_GET_SEALS) == SEALS,
	       "seal it");
	pid_t pid = fork();
	if (pid == 0) {
		char *av[] = { argv[0], "child", NULL }, *ev[] = { NULL };
		syscall(SYS_execveat, mfd, "", av, ev, AT_EMPTY_PATH);
		_exit(99);
	}
	int s = tap_wait(pid);
	TAP_OK(tap_exited(s, 0),
	       "the new image's /proc/self/exe is the sealed memfd (status %#x)", s);
	TAP_ERRNO(write(mfd, "x", 1), EPERM, "a sealed memfd refuses writes");
	return TAP_DONE();
}
