/* seccomp_action_avail.c - SECCOMP_GET_ACTION_AVAIL knows the filter actions and refuses
 * unknown ones (EOPNOTSUPP); SECCOMP_GET_NOTIF_SIZES reports the structure sizes; bad
 * pointers EFAULT, flags EINVAL; PR_GET_SECCOMP is 0 without a filter. */
/* syscalls: seccomp prctl */
#include "tap.h"
#include <stdint.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static long avail(uint32_t action)
{
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
}

int main(void)
{
	static const struct {
		uint32_t action;
		const char *name;
	} known[] = {
	    {SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS"},
	    {SECCOMP_RET_KILL_THREAD, "KILL_THREAD"},
	    {SECCOMP_RET_TRAP, "TRAP"},
	    {SECCOMP_RET_ERRNO, "ERRNO"},
	    {SECCOMP_RET_TRACE, "TRACE"},
	    {SECCOMP_RET_LOG, "LOG"},
	    {SECCOMP_RET_ALLOW, "ALLOW"},
	};
	struct seccomp_notif_sizes sz;
	uint32_t a = SECCOMP_RET_ALLOW;

	TAP_PLAN(13);
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		TAP_OK(avail(known[i].action) == 0, "%s is available", known[i].name);
	TAP_ERRNO(avail(0x12340000), EOPNOTSUPP, "an unknown action");
	TAP_ERRNO(syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, tap_badptr()), EFAULT,
		  "bad pointer");
	TAP_ERRNO(syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 1, &a), EINVAL, "flags");
	memset(&sz, 0, sizeof(sz));
	TAP_OK(syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0 &&
		   sz.seccomp_data == sizeof(struct seccomp_data) &&
		   sz.seccomp_notif >= sizeof(struct seccomp_notif) &&
		   sz.seccomp_notif_resp >= sizeof(struct seccomp_notif_resp),
	       "GET_NOTIF_SIZES");
	TAP_ERRNO(syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, tap_badptr()), EFAULT,
		  "GET_NOTIF_SIZES to a bad pointer");
	TAP_OK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0, "PR_GET_SECCOMP without a filter is 0");
	return TAP_DONE();
}
