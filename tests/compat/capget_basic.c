/* capget_basic.c - capget: root has CAP_SYS_ADMIN effective; capset drops in a child. */
/* syscalls: capget capset */
#include "tap.h"
#include <linux/capability.h>
#include <sys/syscall.h>

int main(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	pid_t pid;

	TAP_PLAN(4);
	TAP_OK(syscall(SYS_capget, &h, d) == 0, "capget v3");
	TAP_OK(d[0].effective & (1u << CAP_CHOWN), "CAP_CHOWN effective");
	h.version = 0x1234;
	TAP_OK(syscall(SYS_capget, &h, d) == -1 && errno == EINVAL && h.version == _LINUX_CAPABILITY_VERSION_3,
	       "bad version -> EINVAL and the preferred version written back");
	pid = fork();
	if (pid == 0) {
		h.version = _LINUX_CAPABILITY_VERSION_3;
		syscall(SYS_capget, &h, d);
		d[0].effective &= ~(1u << CAP_CHOWN);
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(2);
		_exit(chown("/proc/self/exe", 1, 1) == -1 && errno == EPERM ? 0 : 1);
	}
	TAP_OK(tap_exited(tap_wait(pid), 0), "capset drops CAP_CHOWN: chown -> EPERM");
	return TAP_DONE();
}
