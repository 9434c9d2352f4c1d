/*
 * test_siphash.c - SipHash-2-4 against the reference vectors of the SipHash
 * paper (key 00..0f, message 00..n-1), n = 0..28: every tail length and
 * several whole blocks.
 */
#include <stdint.h>

#include "sp_siphash.h"
#include "unit.h"

static const uint64_t vectors[] = {
	0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull, 0x0d6c8009d9a94f5aull,
	0x85676696d7fb7e2dull, 0xcf2794e0277187b7ull, 0x18765564cd99a68dull,
	0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull, 0x93f5f5799a932462ull,
	0x9e0082df0ba9e4b0ull, 0x7a5dbbc594ddb9f3ull, 0xf4b32f46226bada7ull,
	0x751e8fbc860ee5fbull, 0x14ea5627c0843d90ull, 0xf723ca908e7af2eeull,
	0xa129ca6149be45e5ull, 0x3f2acc7f57c29bdbull, 0x699ae9f52cbe4794ull,
	0x4bc1b3f0968dd39cull, 0xbb6dc91da77961bdull, 0xbed65cf21aa2ee98ull,
	0xd0f2cbb02e3b67c7ull, 0x93536795e3a33e88ull, 0xa80c038ccd5ccec8ull,
	0xb8ad50c6f649af94ull, 0xbce192de8a85b8eaull, 0x17d835b85bbb15f3ull,
	0x2f2e6163076bcfadull, 0xde4daaaca71dc9a5ull,
};

static void test_reference_vectors(void)
{
	uint8_t key[16], msg[64];

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (size_t n = 0; n < sizeof(vectors) / sizeof(vectors[0]); n++)
		CU_ASSERT_EQUAL(sp_siphash24(key, msg, n), vectors[n]);
}

static void test_key_matters(void)
{
	uint8_t k1[16] = { 0 }, k2[16] = { 0 };

	k2[15] = 1;
	CU_ASSERT_NOT_EQUAL(sp_siphash24(k1, "abc", 3),
			    sp_siphash24(k2, "abc", 3));
}

void suite_siphash(void)
{
	static const CU_TestInfo tests[] = {
		{ "reference vectors 0..28", test_reference_vectors },
		{ "key changes the tag", test_key_matters },
		CU_TEST_INFO_NULL,
	};
	unit_add("siphash", tests);
}
