/* platform/seccomp_trap/slot.h - the shared-memory slot protocol between a stub thread's
 * SIGSYS handler (stub/loader.S) and the Sentry. Offsets are platform/stub_layout.h's.
 *
 * One word, SLOT_STATE, carries the hand-shake:
 *   stub:   0 -> 1 (request posted; wakes the Sentry if HDR_SLEEPING), spins, then
 *           1 -> 2 (cmpxchg) and FUTEX_WAIT on 2;
 *   Sentry: 1|2 -> 3 (xchg, after writing registers and SLOT_CMD); FUTEX_WAKE if it was 2;
 *   stub:   3 -> 0 after copying the reply into its signal frame.
 * The slot is writable by every thread of the app: the Sentry treats what it reads as the
 * app's input (registers the app could have set itself), never as its own state.
 * Pure functions here, so that the protocol is unit-tested without a stub. */
#ifndef CVISOR_PLATFORM_SECCOMP_TRAP_SLOT_H
#define CVISOR_PLATFORM_SECCOMP_TRAP_SLOT_H
#include "platform/stub_layout.h"
#include <linux/futex.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

enum { SLOT_RUNNING = 0, SLOT_REQUEST = 1, SLOT_REQUEST_ASLEEP = 2, SLOT_REPLY = 3 };
enum { SLOT_CMD_RETURN = 0, SLOT_CMD_HANDOFF = 1, SLOT_CMD_RETRACE = 2 };

/* ucontext gregs indices (REG_* of <sys/ucontext.h>, which needs _GNU_SOURCE names) */
enum { G_R8, G_R9, G_R10, G_R11, G_R12, G_R13, G_R14, G_R15, G_RDI, G_RSI, G_RBP, G_RBX, G_RDX,
       G_RAX, G_RCX, G_RSP, G_RIP, G_EFL, G_CSGSFS, G_ERR, G_TRAPNO, G_OLDMASK, G_CR2, G_N };

static inline volatile uint32_t *slot_state(void *slot)
{
	return (volatile uint32_t *)((char *)slot + SLOT_STATE);
}

static inline uint64_t *slot_gregs(void *slot)
{
	return (uint64_t *)((char *)slot + SLOT_GREGS);
}

static inline uint64_t slot_u64(void *slot, unsigned off)
{
	return *(volatile uint64_t *)((char *)slot + off);
}

static inline void slot_set_u64(void *slot, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)((char *)slot + off) = v;
}

/* A posted request (the state is read once: the app may change it under us). */
static inline bool slot_has_request(void *slot)
{
	uint32_t s = __atomic_load_n(slot_state(slot), __ATOMIC_ACQUIRE);
	return s == SLOT_REQUEST || s == SLOT_REQUEST_ASLEEP;
}

/* The registers of a request as a ptrace seccomp stop shows them: orig_rax = the call,
 * rax = -ENOSYS, rip after the syscall instruction. */
static inline void slot_regs_load(void *slot, struct user_regs_struct *r)
{
	const uint64_t *g = slot_gregs(slot);
	r->r8 = g[G_R8], r->r9 = g[G_R9], r->r10 = g[G_R10], r->r11 = g[G_R11];
	r->r12 = g[G_R12], r->r13 = g[G_R13], r->r14 = g[G_R14], r->r15 = g[G_R15];
	r->rdi = g[G_RDI], r->rsi = g[G_RSI], r->rbp = g[G_RBP], r->rbx = g[G_RBX];
	r->rdx = g[G_RDX], r->rcx = g[G_RCX], r->rsp = g[G_RSP], r->rip = g[G_RIP];
	r->eflags = g[G_EFL];
	r->orig_rax = slot_u64(slot, SLOT_NR);
	r->rax = (uint64_t)-38; /* -ENOSYS */
	r->cs = 0x33, r->ss = 0x2b;
	r->fs_base = slot_u64(slot, SLOT_FSBASE);
}

/* The reply's registers; rax carries the result. fs/gs bases and segments are not the
 * slot's: they change only through ptrace (a hand-off). */
static inline void slot_regs_store(void *slot, const struct user_regs_struct *r)
{
	uint64_t *g = slot_gregs(slot);
	g[G_R8] = r->r8, g[G_R9] = r->r9, g[G_R10] = r->r10, g[G_R11] = r->r11;
	g[G_R12] = r->r12, g[G_R13] = r->r13, g[G_R14] = r->r14, g[G_R15] = r->r15;
	g[G_RDI] = r->rdi, g[G_RSI] = r->rsi, g[G_RBP] = r->rbp, g[G_RBX] = r->rbx;
	g[G_RDX] = r->rdx, g[G_RAX] = r->rax, g[G_RCX] = r->rcx, g[G_RSP] = r->rsp;
	g[G_RIP] = r->rip, g[G_EFL] = r->eflags;
	/* the retrace command runs orig_rax: keep it where the stub looks for it */
	slot_set_u64(slot, SLOT_NR, r->orig_rax);
}

/* Posts the reply: the stub copies the registers into its frame and returns. Returns
 * true when the stub had gone to sleep and needs a FUTEX_WAKE. */
static inline bool slot_reply(void *slot, uint32_t cmd)
{
	*(volatile uint32_t *)((char *)slot + SLOT_CMD) = cmd;
	uint32_t old = __atomic_exchange_n(slot_state(slot), SLOT_REPLY, __ATOMIC_SEQ_CST);
	return old == SLOT_REQUEST_ASLEEP;
}

static inline void slot_wake(void *slot)
{
	syscall(SYS_futex, slot_state(slot), FUTEX_WAKE, 1, NULL, NULL, 0);
}

#endif
