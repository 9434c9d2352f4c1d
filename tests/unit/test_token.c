/*
 * test_token.c - the node API token: the file's checks (mode, length,
 * characters) and the comparison.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sp_token.h"
#include "unit.h"

static void test_load(void)
{
	char tok[SP_TOKEN_MAX + 1], err[256];
	const char *p = unit_tmpfile("0123456789abcdef-token\nsecond line\n");

	chmod(p, 0600);
	CU_ASSERT_EQUAL(sp_token_load(p, tok, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(tok, "0123456789abcdef-token");
	/* readable by others: refused, the token not in the message */
	chmod(p, 0644);
	CU_ASSERT_EQUAL(sp_token_load(p, tok, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "readable by others"));
	CU_ASSERT_PTR_NULL(strstr(err, "0123456789abcdef"));
	remove(p);
	p = unit_tmpfile("short\n");
	chmod(p, 0600);
	CU_ASSERT_EQUAL(sp_token_load(p, tok, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "16 to 128"));
	remove(p);
	p = unit_tmpfile("has a space in the token\n");
	chmod(p, 0600);
	CU_ASSERT_EQUAL(sp_token_load(p, tok, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(strstr(err, "has a space in"));
	remove(p);
	CU_ASSERT_EQUAL(sp_token_load("/nonexistent/tok", tok, err,
				      sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/tok"));
}

static void test_equal(void)
{
	CU_ASSERT_TRUE(sp_token_equal("0123456789abcdef", "0123456789abcdef"));
	CU_ASSERT_FALSE(sp_token_equal("0123456789abcdef", "0123456789abcdeg"));
	CU_ASSERT_FALSE(sp_token_equal("0123456789abcdef", "0123456789abcde"));
	CU_ASSERT_FALSE(sp_token_equal("0123456789abcdef",
				       "0123456789abcdef0"));
	CU_ASSERT_FALSE(sp_token_equal("0123456789abcdef", ""));
}

void suite_token(void)
{
	static const CU_TestInfo tests[] = {
		{ "load: mode, length, characters", test_load },
		{ "equal: every difference", test_equal },
		CU_TEST_INFO_NULL,
	};
	unit_add("token", tests);
}
