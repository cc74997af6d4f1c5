/* proc_sys_ip_forward.c - /proc/sys/net/ipv4/ip_forward belongs to the network namespace:
 * a new one inherits the initial namespace's value (Linux's devconf_inherit_init_net 0:
 * the test runs in it), writing 1 turns conf/all/forwarding and conf/default/forwarding
 * on with it, writing 0 to conf/all/forwarding turns ip_forward off, garbage is EINVAL,
 * and a namespace made after that inherits the initial one's value again, not ours. Runs
 * in namespaces of its own (the initial namespace's value is never touched). */
/* syscalls: unshare open read write */
#include "tap.h"
#include "ns_util.h"
#include <sched.h>

#define FWD "/proc/sys/net/ipv4/ip_forward"
#define ALL "/proc/sys/net/ipv4/conf/all/forwarding"
#define DFLT "/proc/sys/net/ipv4/conf/default/forwarding"

/* The integer in @path, or -1. */
static int read_int(const char *path)
{
	char b[32] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof(b) - 1);
	close(fd);
	return n > 0 ? atoi(b) : -1;
}

int main(void)
{
	TAP_PLAN(7);
	int init = read_int(FWD);
	if (unshare(CLONE_NEWNET)) {
		TAP_SKIP_ALL("unshare(CLONE_NEWNET) refused (not root?)");
	}
	TAP_OK(init >= 0 && read_int(FWD) == init && read_int(ALL) == init,
	       "a new namespace inherits the initial one's ip_forward");
	TAP_OK(ns_write(FWD, "1\n") == 0 && read_int(FWD) == 1, "ip_forward takes 1");
	TAP_OK(read_int(ALL) == 1 && read_int(DFLT) == 1,
	       "conf/all and conf/default/forwarding follow");
	TAP_ERRNO(ns_write(FWD, "yes\n"), EINVAL, "a value that is no integer");
	TAP_OK(read_int(FWD) == 1, "and the value stays");
	TAP_OK(ns_write(ALL, "0") == 0 && read_int(FWD) == 0, "conf/all/forwarding 0 turns it off");
	TAP_OK(ns_write(FWD, init ? "0" : "1") == 0 && unshare(CLONE_NEWNET) == 0 &&
		       read_int(FWD) == init,
	       "a namespace made after that inherits the initial one's, not ours");
	return TAP_DONE();
}
