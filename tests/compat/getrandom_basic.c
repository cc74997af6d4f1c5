/* getrandom_basic.c - getrandom fills the buffer; two calls differ; flags; EINVAL, EFAULT. */
/* syscalls: getrandom */
#include "tap.h"
#include <sys/random.h>
#include <sys/syscall.h>

int main(void)
{
	unsigned char a[64], b[64];

	TAP_PLAN(5);
	TAP_OK(getrandom(a, sizeof(a), 0) == 64, "64 bytes");
	TAP_OK(getrandom(b, sizeof(b), GRND_NONBLOCK) == 64 && memcmp(a, b, 64) != 0, "second call differs");
	TAP_OK(getrandom(b, 16, GRND_INSECURE) == 16 || errno == EINVAL, "GRND_INSECURE");
	TAP_ERRNO(getrandom(a, 8, 0x100), EINVAL, "bad flags -> EINVAL");
	TAP_ERRNO(syscall(SYS_getrandom, tap_badptr(), 8, 0), EFAULT, "bad buffer -> EFAULT");
	return TAP_DONE();
}
