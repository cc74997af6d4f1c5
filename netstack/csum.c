/* netstack/csum.c - the Internet checksum (RFC 1071) and the TCP/UDP pseudo-header sum.
 *
 * Sums are kept the way Linux keeps them: 16-bit words added as they lie in memory, so a
 * running sum is "in network byte order" and the folded checksum is stored into a header
 * as is. A packet whose stored checksum is right folds to 0.
 *
 * Owns: arithmetic only. Must not: know any header layout beyond the pseudo-header. */
#include "netstack/ip4.h"
#include <arpa/inet.h>
#include <string.h>

/* Adds @len bytes at @buf to a running sum. Only the last buffer of a sum may have an odd
 * length (its last byte is the first half of a 16-bit word). */
uint32_t inet_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint64_t s = sum;
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		s += (w & 0xffffffffu) + (w >> 32);
		b += 8;
		len -= 8;
	}
	while (len >= 2) {
		uint16_t w;
		memcpy(&w, b, 2);
		s += w;
		b += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = {b[0], 0};
		uint16_t w;
		memcpy(&w, last, 2);
		s += w;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/* Returns the one's complement of the folded sum: the checksum to store as is. */
uint16_t inet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The pseudo-header sum: source, destination, zero, protocol, L4 length (RFC 793/768). */
uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint8_t ph[12];
	uint16_t l = htons(len);
	memcpy(ph, &src, 4);
	memcpy(ph + 4, &dst, 4);
	ph[8] = 0;
	ph[9] = proto;
	memcpy(ph + 10, &l, 2);
	return inet_csum_add(0, ph, sizeof(ph));
}
