/* tests/escape/host_pids.c - reaching host processes from inside: signals, ptrace,
 * process_vm_*, pidfds, /proc/<pid>/mem, scheduler calls on a host pid (argv[1], a process
 * outside the sandbox that the driver checks is still alive afterwards). */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t host = argc > 1 ? atoi(argv[1]) : 1;
	char buf[64], path[64];
	struct iovec l = {buf, sizeof(buf)}, r = {(void *)0x400000, sizeof(buf)};
	cpu_set_t set;
	long ret;

	if (host <= 1)
		return 2;
	errno = 0;
	tap_errno(kill(host, 0), ESRCH, ESRCH, "kill(host pid, 0): no such process");
	tap_errno(kill(host, SIGKILL), ESRCH, ESRCH, "kill(host pid, SIGKILL)");
	tap_errno(syscall(SYS_tgkill, host, host, SIGKILL), ESRCH, ESRCH, "tgkill(host pid)");
	tap_errno(syscall(SYS_tkill, host, SIGKILL), ESRCH, ESRCH, "tkill(host pid)");
	tap_fails(ptrace(PTRACE_ATTACH, host, 0, 0), "ptrace(PTRACE_ATTACH, host pid) fails");
	tap_fails(ptrace(PTRACE_SEIZE, host, 0, 0), "ptrace(PTRACE_SEIZE, host pid) fails");
	tap_fails(process_vm_readv(host, &l, 1, &r, 1, 0), "process_vm_readv(host pid) fails");
	tap_fails(process_vm_writev(host, &l, 1, &r, 1, 0), "process_vm_writev(host pid) fails");
	ret = syscall(SYS_pidfd_open, host, 0);
	tap(ret < 0, "pidfd_open(host pid)", "got a pidfd");
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)host);
	tap_errno(open(path, O_RDWR), ENOENT, EACCES, "open /proc/<host pid>/mem");
	snprintf(path, sizeof(path), "/proc/%d/root/", (int)host);
	tap_errno(open(path, O_RDONLY | O_DIRECTORY), ENOENT, EACCES, "open /proc/<host pid>/root");
	tap_errno(sched_getaffinity(host, sizeof(set), &set), ESRCH, ESRCH,
		  "sched_getaffinity(host pid)");
	tap_errno(sched_setaffinity(host, sizeof(set), &set), ESRCH, ESRCH,
		  "sched_setaffinity(host pid)");
	tap_errno(syscall(SYS_setpriority, 0 /* PRIO_PROCESS */, host, 19), ESRCH, ESRCH,
		  "setpriority(host pid)");
	/* everything the sandbox may signal: none of it is on the host (checked outside) */
	signal(SIGTERM, SIG_IGN);
	kill(-1, SIGTERM);
	tap(1, "kill(-1, SIGTERM) returned (host processes checked by the driver)", NULL);
	return tap_end();
}
