/*
 * test_allow.c - the re-request allow list: CIDR entries and bare
 * addresses match what they cover and nothing else, /0 is everyone, an
 * empty list nobody, and a bad entry is refused by name.
 */
#include <string.h>

#include "dp_allow.h"
#include "unit.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static void test_match(void)
{
	struct dp_allow a;
	char err[128];

	CU_ASSERT_EQUAL_FATAL(dp_allow_parse(&a, "10.0.0.0/8,192.168.1.7",
					     err, sizeof(err)), 0);
	CU_ASSERT(dp_allow_match(&a, IP(10, 0, 0, 1)));
	CU_ASSERT(dp_allow_match(&a, IP(10, 255, 255, 255)));
	CU_ASSERT(!dp_allow_match(&a, IP(11, 0, 0, 0)));
	CU_ASSERT(dp_allow_match(&a, IP(192, 168, 1, 7)));
	CU_ASSERT(!dp_allow_match(&a, IP(192, 168, 1, 8)));
	CU_ASSERT_EQUAL_FATAL(dp_allow_parse(&a, "0.0.0.0/0", err,
					     sizeof(err)), 0);
	CU_ASSERT(dp_allow_match(&a, IP(1, 2, 3, 4)));
	CU_ASSERT_EQUAL_FATAL(dp_allow_parse(&a, "", err, sizeof(err)), 0);
	CU_ASSERT(!dp_allow_match(&a, IP(10, 0, 0, 1)));
	/* an address with host bits under its mask still names its net */
	CU_ASSERT_EQUAL_FATAL(dp_allow_parse(&a, "172.16.5.9/12", err,
					     sizeof(err)), 0);
	CU_ASSERT(dp_allow_match(&a, IP(172, 31, 0, 1)));
	CU_ASSERT(!dp_allow_match(&a, IP(172, 32, 0, 1)));
}

static void test_bad(void)
{
	static const char *const bad[] = { "10.0.0.0/33", "10.0.0/8",
					   "hello", "10.0.0.0/",
					   "1.2.3.4/-1", "300.1.1.1" };
	struct dp_allow a;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(dp_allow_parse(&a, bad[i], err, sizeof(err)),
				-1);
		CU_ASSERT(err[0] != '\0');
	}
	CU_ASSERT_EQUAL(dp_allow_parse(&a, "10.0.0.0/8,hello", err,
				       sizeof(err)), -1);
	CU_ASSERT(strstr(err, "hello") != NULL);
}

void suite_allow(void)
{
	static const CU_TestInfo tests[] = {
		{ "networks and addresses match what they cover", test_match },
		{ "bad entries refused by name", test_bad },
		CU_TEST_INFO_NULL,
	};

	unit_add("allow", tests);
}
