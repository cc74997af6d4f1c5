/* capset_bounding.c - what runc does to the container's capabilities: drop from the
 * bounding set (PR_CAPBSET_DROP), capset the other sets within it, raise ambient caps,
 * and keep them over setuid + execve to a non-root user (capabilities(7)). */
/* syscalls: capset capget prctl setresuid execve */
#include "tap.h"
#include <stdint.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static int get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	return syscall(SYS_capget, &h, d);
}

static int set(uint32_t eff, uint32_t per, uint32_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { eff, per, inh }, { 0, 0, 0 } };
	return syscall(SYS_capset, &h, d);
}

#define B(c) (1u << (c))
#define CHECK(c) (ok |= (c) ? bit : 0, bit <<= 1)

int main(int argc, char **argv)
{
	if (argc == 2) {
		/* after setuid(65534) + execve: only the ambient set is left */
		struct __user_cap_data_struct d[2];
		if (get(d))
			_exit(2);
		uint32_t want = B(CAP_KILL) | B(CAP_NET_BIND_SERVICE);
		_exit(d[0].effective == want && d[0].permitted == want && d[0].inheritable == want &&
			      !d[1].effective && !d[1].permitted
		      ? 0
		      : 3);
	}
	TAP_PLAN(9);
	pid_t pid = fork();
	if (pid == 0) {
		uint32_t amb = B(CAP_KILL) | B(CAP_NET_BIND_SERVICE);
		uint32_t keep = amb | B(CAP_SETUID) | B(CAP_SETGID);
		/* runc's order: keep caps over the uid change (which clears the ambient set
		 * anyway), then capset and raise the ambient caps */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN, 0, 0) == 0 ||
		    set(keep, keep, amb) || prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0) ||
		    setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) ||
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0) != 0 ||
		    set(amb, amb, amb) ||
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0) ||
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0))
			_exit(100);
		char *av[] = { argv[0], "exec", NULL };
		execv("/proc/self/exe", av);
		_exit(101);
	}
	int st = tap_wait(pid);
	/* the exec'd child's code: 0 when only ambient caps remain */
	TAP_OK(tap_exited(st, 0),
	       "setuid clears the ambient set; raised again, it is all a non-root execve keeps "
	       "(status %#x)",
	       st);
	/* run the in-child checks again in a fresh child, reporting each as a TAP line */
	int p[2];
	pipe(p);
	pid = fork();
	if (pid == 0) {
		int ok = 0, bit = 1;
		CHECK(prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) == 1 &&
		      prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0) == 0 &&
		      prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) == 0);
		CHECK(prctl(PR_CAPBSET_DROP, 64, 0, 0, 0) == -1 && errno == EINVAL);
		struct __user_cap_data_struct d[2];
		CHECK(get(d) == 0 && (d[0].permitted & B(CAP_NET_RAW)));
		uint32_t keep = B(CAP_KILL) | B(CAP_NET_BIND_SERVICE) | B(CAP_SETPCAP);
		CHECK(set(keep, keep, keep | B(CAP_NET_RAW)) == -1 && errno == EPERM);
		CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0) == -1 &&
		      errno == EPERM);
		CHECK(set(keep, keep, keep) == 0 &&
		      prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0) == 0 &&
		      prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0) == 1);
		CHECK(set(keep, keep, B(CAP_NET_BIND_SERVICE)) == 0 &&
		      prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0) == 0);
		CHECK(set(0, 0, 0) == 0 && prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0) == -1 &&
		      errno == EPERM);
		write(p[1], &ok, sizeof(ok));
		_exit(0);
	}
	close(p[1]);
	int ok = 0;
	read(p[0], &ok, sizeof(ok));
	tap_wait(pid);
	TAP_OK(ok & 1, "PR_CAPBSET_DROP removes a cap from the bounding set");
	TAP_OK(ok & 2, "PR_CAPBSET_DROP of an invalid cap: EINVAL");
	TAP_OK(ok & 4, "a bounding drop leaves the permitted set alone");
	TAP_OK(ok & 8, "capset cannot add a cap outside the bounding set to inheritable: EPERM");
	TAP_OK(ok & 16, "PR_CAP_AMBIENT_RAISE of a cap not inheritable: EPERM");
	TAP_OK(ok & 32, "raise once permitted and inheritable; IS_SET reports it");
	TAP_OK(ok & 64, "dropping it from inheritable lowers the ambient cap");
	TAP_OK(ok & 128, "without CAP_SETPCAP, PR_CAPBSET_DROP: EPERM");
	return TAP_DONE();
}
