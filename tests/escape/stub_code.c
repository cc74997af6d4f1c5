/* tests/escape/stub_code.c - attacking the stub's own machinery: writing the injection
 * gadget and the loader through /proc/self/mem, unmapping it, then asking for calls the
 * Sentry serves by injecting into this process (file mmap). The Sentry must answer with
 * errors or work, never hang or die: the driver runs a second command afterwards. */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define GADGET 0x7e0000000000UL /* platform/stub_layout.h */

static int file_mmap_works(void)
{
	int fd = open("/bin/busybox", O_RDONLY);
	if (fd < 0)
		return -1;
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	int ok = !memcmp(p, "\177ELF", 4);
	munmap(p, 4096);
	return ok;
}

int main(void)
{
	unsigned char trap[4] = {0xcc, 0xcc, 0xcc, 0xcc};
	int fd = open("/proc/self/mem", O_RDWR);
	if (fd >= 0) {
		ssize_t n = pwrite(fd, trap, sizeof(trap), (off_t)GADGET);
		tap(1,
		    n == (ssize_t)sizeof(trap) ? "gadget overwritten through /proc/self/mem"
					       : "gadget write through /proc/self/mem refused",
		    NULL);
		close(fd);
	} else {
		tap(1, "/proc/self/mem cannot be opened for writing", NULL);
	}
	int r = file_mmap_works();
	tap(r >= 0, "after the gadget write, a file mmap (injected) answers", "open failed");
	tap(syscall(SYS_getpid) > 0, "after the gadget write, the Sentry still serves calls",
	    "getpid failed");
	int m = munmap((void *)GADGET, 0x5000);
	r = file_mmap_works();
	tap(r >= 0,
	    m == 0 ? "with the loader unmapped, a file mmap answers (an error)"
		   : "the loader cannot be unmapped",
	    "open failed");
	void *p = mmap((void *)GADGET, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p != MAP_FAILED) {
		memset(p, 0x90, 4096); /* nops: an injection would run into our code */
		r = file_mmap_works();
		tap(r >= 0, "with our own code at the gadget, a file mmap answers", "open failed");
	}
	tap(syscall(SYS_getpid) > 0, "the Sentry still serves this process", "getpid failed");
	return tap_end();
}
