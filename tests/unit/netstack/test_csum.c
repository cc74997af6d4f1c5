/* Unit tests for netstack/csum.c: RFC 1071's example, a real IPv4 header, odd lengths,
 * the pseudo-header, and sums split across buffers. */
#include "tests/unit/netstack/core_test.h"

static void test_rfc1071_example(void **state)
{
	/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2: checksum 220d */
	const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint16_t c = inet_csum_fold(inet_csum_add(0, b, 8));
	const uint8_t *cb = (const uint8_t *)&c;
	assert_int_equal(cb[0], 0x22);
	assert_int_equal(cb[1], 0x0d);
}

static void test_ip_header(void **state)
{
	/* a captured header whose checksum is b861 */
	uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	assert_int_equal(inet_csum_fold(inet_csum_add(0, h, 20)), 0);
	h[10] = h[11] = 0;
	uint16_t c = inet_csum_fold(inet_csum_add(0, h, 20));
	memcpy(h + 10, &c, 2);
	assert_int_equal(h[10], 0xb8);
	assert_int_equal(h[11], 0x61);
}

static void test_odd_and_split(void **state)
{
	uint8_t b[301];
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 13 + 5);
	uint32_t whole = inet_csum_add(0, b, sizeof(b));
	/* even-length first parts can be summed separately */
	uint32_t split = inet_csum_add(inet_csum_add(inet_csum_add(0, b, 100), b + 100, 64),
				       b + 164, sizeof(b) - 164);
	assert_int_equal(inet_csum_fold(whole), inet_csum_fold(split));
	/* an odd last byte is the high half of a word: 0x0100 in memory order */
	uint8_t one = 1, two[2] = {1, 0};
	assert_int_equal(inet_csum_fold(inet_csum_add(0, &one, 1)),
			 inet_csum_fold(inet_csum_add(0, two, 2)));
}

static void test_pseudo_header(void **state)
{
	/* a UDP datagram 192.168.0.1:1000 -> 192.168.0.199:2000, "hi", checksum computed
	 * by the rule and checked the way a receiver does */
	uint8_t u[10] = {0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0a, 0, 0, 'h', 'i'};
	uint32_t s = ip("192.168.0.1"), d = ip("192.168.0.199");
	uint16_t c = inet_csum_fold(inet_csum_add(inet_pseudo_sum(s, d, IPPROTO_UDP, 10), u, 10));
	memcpy(u + 6, &c, 2);
	assert_int_equal(inet_csum_fold(inet_csum_add(inet_pseudo_sum(s, d, IPPROTO_UDP, 10), u, 10)),
			 0);
	/* by hand: c0a8+0001+c0a8+00c7+0011+000a + 03e8+07d0+000a+6869 folds to f65f:
	 * checksum 09a0 */
	assert_int_equal(u[6], 0x09);
	assert_int_equal(u[7], 0xa0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc1071_example),
	    cmocka_unit_test(test_ip_header),
	    cmocka_unit_test(test_odd_and_split),
	    cmocka_unit_test(test_pseudo_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
