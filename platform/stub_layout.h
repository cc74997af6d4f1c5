/* platform/stub_layout.h - fixed addresses and fd numbers inside every stub process.
 *
 * Every stub runs the tiny loader image (stub/loader.S) mapped at STUB_LOADER_BASE: its
 * first page holds the syscall gadget (`syscall; int3`) the Sentry uses to inject host
 * system calls, its data page is the Sentry's scratch area for injected calls' arguments.
 * The app's own code never needs them; the app cannot use the gadget to bypass the filter
 * (a syscall made from it is filtered and trapped like any other). */
#ifndef CVISOR_PLATFORM_STUB_LAYOUT_H
#define CVISOR_PLATFORM_STUB_LAYOUT_H

#define STUB_LOADER_BASE 0x7e0000000000
#define STUB_GADGET_ADDR STUB_LOADER_BASE           /* syscall; int3 */
/* rip after the loader's entry int3 (gadget is 3 bytes, entry int3 is 1 byte) */
#define STUB_LOADER_TRAP_RIP (STUB_LOADER_BASE + 4)
#define STUB_SCRATCH_ADDR (STUB_LOADER_BASE + 0x1000) /* 4 pages, read-write */
#define STUB_SCRATCH_SIZE 0x4000

/* Host fds every stub holds. The app's fd numbers are virtual and never reach these. */
#define STUB_CHANNEL_FD 1021 /* unix socket: the Sentry passes host fds with SCM_RIGHTS */
#define STUB_LOADER_FD 1022  /* memfd of the loader image, for execveat */

#endif
