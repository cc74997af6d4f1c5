/* proc_oom_score_adj.c - /proc/<pid>/oom_score_adj and the legacy oom_adj: writes stick
 * (-1000..1000, oom_adj -17..15 scaled), EINVAL outside; the value is inherited over fork
 * and kept over execve; without CAP_SYS_RESOURCE a process may not go below the floor a
 * privileged writer set (oom_adj: below the current value): EACCES. */
/* syscalls: openat read write fork execve setresuid prctl */
#include "tap.h"
#include <sys/prctl.h>

static int read_int(const char *path)
{
	char buf[32] = { 0 };
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -99999;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -99999;
}

/* Writes @s to @path: 0 or -1 with errno. */
static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	int err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static bool has_cap_sys_resource(void)
{
	char line[128];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	return eff & (1ULL << 24);
}

#define ADJ "/proc/self/oom_score_adj"
#define LEGACY "/proc/self/oom_adj"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
		return read_int(ADJ) == 321 ? 0 : 1; /* after execve */

	int v0 = read_int(ADJ);
	if (v0 > 0)
		TAP_SKIP_ALL("oom_score_adj already raised: its floor is unknown");
	bool res = has_cap_sys_resource();
	TAP_PLAN(13);
	TAP_OK(write_str(LEGACY, "4") == 0 && read_int(ADJ) == 235 && read_int(LEGACY) == 3,
	       "oom_adj 4 is oom_score_adj 235 (4 * 1000 / 17), read back as 3");
	TAP_OK(write_str(LEGACY, "15") == 0 && read_int(ADJ) == 1000 && read_int(LEGACY) == 15,
	       "oom_adj 15 is the maximum, 1000");
	TAP_OK(write_str(ADJ, " 500\n") == 0 && read_int(ADJ) == 500 && read_int(LEGACY) == 8,
	       "a write to oom_score_adj sticks; oom_adj shows it scaled (8)");
	TAP_ERRNO(write_str(ADJ, "1001"), EINVAL, "1001 is out of range");
	TAP_ERRNO(write_str(ADJ, "-1001"), EINVAL, "-1001 is out of range");
	TAP_ERRNO(write_str(ADJ, "12ab"), EINVAL, "not a number");
	TAP_ERRNO(write_str(LEGACY, "16"), EINVAL, "oom_adj 16 is out of range");
	if (res)
		TAP_OK(write_str(LEGACY, "-17") == 0 && read_int(ADJ) == -1000,
		       "with CAP_SYS_RESOURCE oom_adj may go down: -17 is -1000");
	else
		TAP_ERRNO(write_str(LEGACY, "-17"), EACCES,
			  "without CAP_SYS_RESOURCE oom_adj may not go down");
	write_str(ADJ, "500");

	write_str(ADJ, "321");
	pid_t pid = fork();
	if (pid == 0)
		_exit(read_int(ADJ) == 321 ? 0 : 1);
	TAP_OK(tap_exited(tap_wait(pid), 0), "inherited over fork");
	pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "exec-child", (char *)NULL);
		_exit(2);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "kept over execve");

	/* a writer with CAP_SYS_RESOURCE sets the floor (200) with the value */
	write_str(ADJ, "200");
	pid = fork();
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		prctl(PR_SET_DUMPABLE, 1); /* its /proc/self files are its own again */
		int ok = write_str(ADJ, "300") == 0 && read_int(ADJ) == 300;
		ok |= (write_str(ADJ, "200") == 0 && read_int(ADJ) == 200) << 1;
		if (res)
			ok |= (write_str(ADJ, "199") == -1 && errno == EACCES &&
			       read_int(ADJ) == 200) << 2;
		else
			ok |= (write_str(ADJ, "199") == 0 && read_int(ADJ) == 199) << 2;
		/* legacy: below the current value is refused */
		write_str(ADJ, "600");
		ok |= (write_str(LEGACY, "5") == -1 && errno == EACCES) << 3;
		ok |= (write_str(LEGACY, "15") == 0 && read_int(ADJ) == 1000) << 4;
		_exit(ok);
	}
	int st = tap_wait(pid);
	TAP_OK(WIFEXITED(st) && (WEXITSTATUS(st) & 3) == 3,
	       "unprivileged: may raise, and go back down to the floor (%#x)", WEXITSTATUS(st));
	TAP_OK(WIFEXITED(st) && (WEXITSTATUS(st) & 0x4),
	       res ? "but not below the floor root set (EACCES)"
		   : "below it too: a writer without CAP_SYS_RESOURCE set no floor");
	TAP_OK(WIFEXITED(st) && (WEXITSTATUS(st) & 0x18) == 0x18,
	       "oom_adj: not below the current value (EACCES), up to 15");
	return TAP_DONE();
}
