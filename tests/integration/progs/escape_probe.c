/* escape_probe.c - run inside a sandbox: tries to reach the Sentry or the host and prints
 * one line per attempt: "<name> blocked" or "<name> ESCAPED". Built static so it runs in
 * a bare busybox rootfs. Argument: the Sentry's host pid, a host file outside the root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *secret_base;

static void report(const char *name, int escaped)
{
	printf("%s %s\n", name, escaped ? "ESCAPED" : "blocked");
}

static int can_read_secret(const char *path)
{
	char buf[64] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	int n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, "host-secret") != NULL;
}

int main(int argc, char **argv)
{
	pid_t sentry = argc > 1 ? atoi(argv[1]) : 1;
	const char *secret = argc > 2 ? argv[2] : "/tmp/secret"; /* host path */
	char path[8192];
	secret_base = strrchr(secret, '/') + 1;

	report("read host path directly", can_read_secret(secret));
	snprintf(path, sizeof(path), "/../../../../../../..%s", secret);
	report("dotdot above root", can_read_secret(path));
	unlink("/tmp/l");
	if (symlink(secret, "/tmp/l") == 0)
		report("absolute symlink", can_read_secret("/tmp/l"));
	unlink("/tmp/l2");
	snprintf(path, sizeof(path), "../../../../../../../..%s", secret);
	if (symlink(path, "/tmp/l2") == 0)
		report("relative symlink climbing", can_read_secret("/tmp/l2"));
	snprintf(path, sizeof(path), "/proc/self/root/../../..%s", secret);
	report("/proc/self/root/..", can_read_secret(path));
	snprintf(path, sizeof(path), "/proc/1/root%s", secret);
	report("/proc/1/root", can_read_secret(path));
	int dfd = open("/", O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/../../..%s", dfd, secret);
	report("/proc/self/fd/N/..", can_read_secret(path));
	snprintf(path, sizeof(path), "../../../..%s", secret);
	report("openat dirfd /..", openat(dfd, path, O_RDONLY) >= 0 &&
					   can_read_secret(path));
	report("chroot then ..", 0 == chroot("/tmp") && (chdir("../../..") == 0) &&
					 can_read_secret(secret));
	errno = 0;
	report("ptrace the sentry", ptrace(PTRACE_ATTACH, sentry, 0, 0) == 0);
	char b;
	struct iovec l = {&b, 1}, r = {(void *)0x400000, 1};
	report("process_vm_readv of the sentry", process_vm_readv(sentry, &l, 1, &r, 1, 0) == 1);
	report("kill the sentry's host pid", kill(sentry, 0) == 0 && sentry > 100);
	snprintf(path, sizeof(path), "/proc/%d/mem", sentry);
	report("/proc/<sentry>/mem", open(path, O_RDONLY) >= 0);
	report("int 0x80 (i386 ABI) getpid", ({
		       long ret;
		       __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20) : "memory");
		       ret > 0;
	       }));
	report("x32 ABI getpid", syscall(39 | 0x40000000) > 0);
	report("io_uring_setup", syscall(425, 1, NULL) >= 0);
	return 0;
}
