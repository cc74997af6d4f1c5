/* platform/guest_mem.h - the only way the Sentry touches an app's memory.
 *
 * A struct guest_mem names one address space (a stub process). Every access copies;
 * no guest address is ever turned into a Sentry pointer. Addresses are uint64_t *_gaddr.
 * All functions return 0 (or a count) on success and -EFAULT when any byte is not
 * accessible in the guest. */
#ifndef CVISOR_PLATFORM_GUEST_MEM_H
#define CVISOR_PLATFORM_GUEST_MEM_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct guest_mem {
	pid_t host_tid;  /* any thread of the address space */
	int mem_fd;      /* /proc/<tid>/mem, opened lazily for the fallback; -1 if not */
};

void guest_mem_init(struct guest_mem *m, pid_t host_tid);
void guest_mem_release(struct guest_mem *m);

int guest_copy_in(struct guest_mem *m, void *dst, uint64_t src_gaddr, size_t len);
int guest_copy_out(struct guest_mem *m, uint64_t dst_gaddr, const void *src, size_t len);
/* Writes even to read-only guest pages (used by the ELF loader). */
int guest_copy_out_force(struct guest_mem *m, uint64_t dst_gaddr, const void *src, size_t len);
/* Copies a NUL-terminated string of at most @max bytes including the NUL.
 * Returns its length (without NUL), -EFAULT, or -ENAMETOOLONG if no NUL within @max. */
long guest_strncpy_in(struct guest_mem *m, char *dst, uint64_t src_gaddr, size_t max);
/* Zero-fills @len bytes at @dst_gaddr. */
int guest_clear(struct guest_mem *m, uint64_t dst_gaddr, size_t len);

#endif
