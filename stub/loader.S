/* stub/loader.S - the image every stub process execs into (see platform/stub_layout.h).
 * It does nothing by itself: the Sentry stops the process at exec, maps the app's ELF
 * and stack with injected system calls through the gadget below, and jumps to the app.
 * If it ever runs on its own, it exits with status 127. */
#include "platform/stub_layout.h"

	.section .text.gadget, "ax"
	.globl _start
gadget:
	syscall
	int3
_start:
	mov $231, %eax		/* exit_group(127) */
	mov $127, %edi
	syscall
	hlt

	.section .bss.scratch, "aw", @nobits
	.balign 4096
scratch:
	.skip STUB_SCRATCH_SIZE
