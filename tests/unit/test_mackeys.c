/*
 * test_keys.c - the MAC key file: lookups, comments, errors with lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_mackeys.h"
#include "unit.h"

static void test_load_lookup(void)
{
	char err[256];
	const char *p = unit_tmpfile(
		"# keys\n"
		"300 000102030405060708090a0b0c0d0e0f\n"
		"\n"
		"7 ffffffffffffffffffffffffffffffff  # trailing comment\n"
		"0x10 00000000000000000000000000000001\n");
	struct sp_mackeys *k = sp_mackeys_load(p, err, sizeof(err));
	const uint8_t *key, *keys[SP_MAX_SENSOR_KEYS];

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(sp_mackeys_count(k), 3);
	key = sp_mackeys_key(k, 300);
	CU_ASSERT_PTR_NOT_NULL_FATAL(key);
	CU_ASSERT_EQUAL(key[15], 0x0f);
	CU_ASSERT_EQUAL(sp_mackeys_lookup(k, 300, keys), 1);
	CU_ASSERT_PTR_EQUAL(keys[0], key);
	CU_ASSERT_PTR_NOT_NULL(sp_mackeys_key(k, 7));
	CU_ASSERT_PTR_NOT_NULL(sp_mackeys_key(k, 16));
	CU_ASSERT_PTR_NULL(sp_mackeys_key(k, 8));
	CU_ASSERT_PTR_NULL(sp_mackeys_key(k, 301));
	CU_ASSERT_PTR_NULL(sp_mackeys_key(NULL, 300));
	CU_ASSERT_EQUAL(sp_mackeys_lookup(NULL, 300, keys), 0);
	sp_mackeys_free(k);
	sp_mackeys_free(NULL);
	remove(p);
}

static void test_many(void)
{
	char err[256], path[] = "/tmp/sp-keys-XXXXXX";
	FILE *f = fdopen(mkstemp(path), "w");
	struct sp_mackeys *k;

	for (int i = 5000; i > 0; i--)
		fprintf(f, "%d %032x\n", i * 3, i);
	fclose(f);
	k = sp_mackeys_load(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(sp_mackeys_count(k), 5000);
	for (int i = 1; i <= 5000; i++) {
		const uint8_t *key = sp_mackeys_key(k, (uint64_t)i * 3);

		CU_ASSERT_PTR_NOT_NULL(key);
		if (key)
			CU_ASSERT_EQUAL(key[15], (uint8_t)i);
		CU_ASSERT_PTR_NULL(sp_mackeys_key(k, (uint64_t)i * 3 + 1));
	}
	sp_mackeys_free(k);
	remove(path);
}

static void expect_error(const char *text, const char *what)
{
	char err[256];
	const char *p = unit_tmpfile(text);

	CU_ASSERT_PTR_NULL(sp_mackeys_load(p, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, what));
	remove(p);
}

static void test_errors(void)
{
	expect_error("1 0011\n", ":1:");
	expect_error("1 000102030405060708090a0b0c0d0e0f\n2 zz0102030405060708"
		     "090a0b0c0d0e0f\n", ":2:");
	expect_error("0 000102030405060708090a0b0c0d0e0f\n", ":1:");
	expect_error("\n\n5 000102030405060708090a0b0c0d0e0f extra\n", ":3:");
	expect_error("5 000102030405060708090a0b0c0d0e0f\n"
		     "5 000102030405060708090a0b0c0d0e0f\n", "two lines");
	expect_error("5 000102030405060708090a0b0c0d0e0f 00 \n", ":1:");
	expect_error("5 000102030405060708090a0b0c0d0e0f "
		     "000102030405060708090a0b0c0d0e0f "
		     "000102030405060708090a0b0c0d0e0f\n", ":1:");
	expect_error("-5 000102030405060708090a0b0c0d0e0f\n", ":1:");
	{
		/* a comment longer than a line buffer is an error, not two
		 * lines */
		char text[600];

		memset(text, '#', 500);
		strcpy(text + 500, " 5 000102030405060708090a0b0c0d0e0f\n");
		expect_error(text, "longer than");
	}
}

/* A file with no key at all (only comments, or empty) is a table of none:
 * its reader once passed qsort a null array (fuzz_files, UBSan). */
static void test_empty(void)
{
	const uint8_t *keys[SP_MAX_SENSOR_KEYS];
	char err[256];
	const char *texts[] = { "", "# nothing yet\n\n" };

	for (int i = 0; i < 2; i++) {
		const char *p = unit_tmpfile(texts[i]);
		struct sp_mackeys *k = sp_mackeys_load(p, err, sizeof(err));

		CU_ASSERT_PTR_NOT_NULL_FATAL(k);
		CU_ASSERT_EQUAL(sp_mackeys_count(k), 0);
		CU_ASSERT_EQUAL(sp_mackeys_lookup(k, 5, keys), 0);
		sp_mackeys_free(k);
		remove(p);
	}
}

/* A rotation: two keys on a line, the one to sign with first. */
static void test_rotation(void)
{
	char err[256];
	const char *p = unit_tmpfile(
		"9 0101010101010101010101010101010a "
		"0202020202020202020202020202020b\n"
		"10 0303030303030303030303030303030c\n");
	struct sp_mackeys *k = sp_mackeys_load(p, err, sizeof(err));
	const uint8_t *keys[SP_MAX_SENSOR_KEYS];

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(sp_mackeys_count(k), 2);
	CU_ASSERT_EQUAL(sp_mackeys_lookup(k, 9, keys), 2);
	CU_ASSERT_EQUAL(keys[0][15], 0x0a);
	CU_ASSERT_EQUAL(keys[1][15], 0x0b);
	CU_ASSERT_EQUAL(sp_mackeys_key(k, 9)[15], 0x0a);
	CU_ASSERT_EQUAL(sp_mackeys_lookup(k, 10, keys), 1);
	CU_ASSERT_EQUAL(keys[0][15], 0x0c);
	sp_mackeys_free(k);
	remove(p);
}

void suite_keys(void)
{
	static const CU_TestInfo tests[] = {
		{ "load and look up", test_load_lookup },
		{ "5000 keys, every one found", test_many },
		{ "errors name the line", test_errors },
		{ "two keys during a rotation", test_rotation },
		{ "a file with no key", test_empty },
		CU_TEST_INFO_NULL,
	};
	unit_add("keys", tests);
}
