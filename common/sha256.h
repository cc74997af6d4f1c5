/* common/sha256.h - SHA-256 (FIPS 180-4) of a buffer, for identifiers Linux derives from
 * it (a bpf program's tag: its first 8 bytes, since Linux 6.17). Not for secrets. */
#ifndef CVISOR_COMMON_SHA256_H
#define CVISOR_COMMON_SHA256_H
#include <stddef.h>
#include <stdint.h>

/* The 32-byte digest of @len bytes at @data into @out. */
void sha256(const void *data, size_t len, uint8_t out[32]);

#endif
