/* stub/loader.S - the image every stub process execs into (see platform/stub_layout.h).
 * It does nothing by itself: its entry traps (int3) so that the Sentry finds it stopped
 * with clean registers, maps the app's ELF and stack with system calls injected through
 * the gadget below, and jumps to the app. Run on its own, it exits with status 127. */
#include "platform/stub_layout.h"

	.section .text.gadget, "ax"
	.globl _start
gadget:
	syscall
	int3
_start:
	int3			/* STUB_LOADER_TRAP_ADDR: the Sentry takes over here */
	mov $231, %eax		/* exit_group(127) */
	mov $127, %edi
	syscall
	hlt

	.section .bss.scratch, "aw", @nobits
	.balign 4096
scratch:
	.skip STUB_SCRATCH_SIZE
