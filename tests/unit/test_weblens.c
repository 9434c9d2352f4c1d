/*
 * test_weblens.c - a tab's screen turned into attention (web_lens): in
 * view medium, loaded low, hidden tab low, pinned high, a hover high that
 * lapses TTL after the pointer leaves and is renewed while it stays, keys
 * dropped when unloaded, and a report naming too many keys refused whole;
 * the number writers of what goes to the page (web_json).
 */
#include <math.h>
#include <string.h>

#include "sp_wire.h"
#include "unit.h"
#include "web_json.h"
#include "web_lens.h"

#define MS 1000000ull

static struct web_lens L;
static struct web_report R;
static struct web_op ops[WEB_LENS_MAX_KEYS];

static void rep(uint64_t now)
{
	CU_ASSERT_EQUAL(web_lens_report(&L, &R, now), 0);
}

static const struct web_op *op_for(uint32_t n, uint64_t s)
{
	for (uint32_t i = 0; i < n; i++)
		if (ops[i].sensor == s)
			return &ops[i];
	return NULL;
}

static void test_levels(void)
{
	uint32_t n;

	web_lens_init(&L, 1000);
	memset(&R, 0, sizeof(R));
	R.nloaded = 3;
	R.loaded[0][0] = 1; R.loaded[1][0] = 2; R.loaded[2][0] = 3;
	for (int i = 0; i < 3; i++)
		R.loaded[i][1] = 7;
	R.nvisible = 1; R.visible[0][0] = 2; R.visible[0][1] = 7;
	R.npinned = 1; R.pinned[0][0] = 3; R.pinned[0][1] = 7;
	rep(0);
	n = web_lens_plan(&L, 0, ops, WEB_LENS_MAX_KEYS);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(op_for(n, 1)->level, WEB_LOW);
	CU_ASSERT_EQUAL(op_for(n, 2)->level, WEB_MEDIUM);
	CU_ASSERT_EQUAL(op_for(n, 3)->level, WEB_HIGH);
	CU_ASSERT_EQUAL(op_for(n, 3)->ttl_ms, 0);
	/* the same report again: nothing to change */
	rep(10 * MS);
	CU_ASSERT_EQUAL(web_lens_plan(&L, 10 * MS, ops, WEB_LENS_MAX_KEYS), 0);
	/* hidden tab: the one in view goes low, the pinned one stays */
	R.hidden = 1;
	rep(20 * MS);
	n = web_lens_plan(&L, 20 * MS, ops, WEB_LENS_MAX_KEYS);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(op_for(n, 2)->level, WEB_LOW);
	R.hidden = 0;
	/* unloaded: removed, then forgotten */
	R.nloaded = 2;
	rep(30 * MS);
	n = web_lens_plan(&L, 30 * MS, ops, WEB_LENS_MAX_KEYS);
	CU_ASSERT_EQUAL(op_for(n, 3)->level, WEB_NONE);
	CU_ASSERT_EQUAL(op_for(n, 2)->level, WEB_MEDIUM);
	CU_ASSERT_EQUAL(L.n, 2);
}

static void test_hover_lapses_after_leaving(void)
{
	uint32_t n;

	web_lens_init(&L, 1000);
	memset(&R, 0, sizeof(R));
	R.nloaded = R.nvisible = 1;
	R.loaded[0][0] = R.visible[0][0] = 5;
	R.loaded[0][1] = R.visible[0][1] = 1;
	R.has_focus = 1; R.focus[0] = 5; R.focus[1] = 1;
	rep(0);
	n = web_lens_plan(&L, 0, ops, WEB_LENS_MAX_KEYS);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_HIGH);
	/* the dataplane's TTL is the safety net: a second past ours */
	CU_ASSERT_EQUAL(ops[0].ttl_ms, 2000);
	/* renewed while it stays: still high past one TTL, renewed there */
	rep(900 * MS);
	n = web_lens_plan(&L, 900 * MS, ops, WEB_LENS_MAX_KEYS);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(web_lens_level(&L, 5, 1, 1500 * MS), WEB_HIGH);
	/* left at 1 s: high until 2 s, then medium (it is still in view) */
	R.has_focus = 0;
	rep(1000 * MS);
	web_lens_plan(&L, 1000 * MS, ops, WEB_LENS_MAX_KEYS);
	CU_ASSERT_EQUAL(web_lens_plan(&L, 1999 * MS, ops, WEB_LENS_MAX_KEYS),
			0);
	n = web_lens_plan(&L, 2001 * MS, ops, WEB_LENS_MAX_KEYS);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_MEDIUM);
	CU_ASSERT_EQUAL(ops[0].ttl_ms, 0);
}

static void test_too_many_keys(void)
{
	static struct web_report big;

	web_lens_init(&L, 1000);
	memset(&big, 0, sizeof(big));
	big.nloaded = WEB_LENS_MAX_KEYS;
	for (uint32_t i = 0; i < WEB_LENS_MAX_KEYS; i++) {
		big.loaded[i][0] = i + 1;
		big.loaded[i][1] = 1;
	}
	CU_ASSERT_EQUAL(web_lens_report(&L, &big, 0), 0);
	big.loaded[0][0] = 999999;       /* one more key than it keeps */
	CU_ASSERT_EQUAL(web_lens_report(&L, &big, 1), -1);
	CU_ASSERT_EQUAL(L.n, WEB_LENS_MAX_KEYS);
}

static const char *disp(double v)
{
	static char b[40];

	b[web_json_display(b, v)] = '\0';
	return b;
}

/* The page's numbers: exact integers, 6 decimals for display, odd values
 * as sp_json writes them. */
static void test_numbers(void)
{
	char b[40];

	b[web_json_u64(b, 0)] = '\0';
	CU_ASSERT_STRING_EQUAL(b, "0");
	b[web_json_u64(b, UINT64_MAX)] = '\0';
	CU_ASSERT_STRING_EQUAL(b, "18446744073709551615");
	CU_ASSERT_STRING_EQUAL(disp(72.5), "72.5");
	CU_ASSERT_STRING_EQUAL(disp(-0.125), "-0.125");
	CU_ASSERT_STRING_EQUAL(disp(3), "3");
	CU_ASSERT_STRING_EQUAL(disp(1.0000004), "1");
	CU_ASSERT_STRING_EQUAL(disp(0.0015), "0.0015");
	CU_ASSERT_STRING_EQUAL(disp(0.001), "0.001");
	CU_ASSERT_STRING_EQUAL(disp(999999.9999996), "1000000");
	CU_ASSERT_STRING_EQUAL(disp(0), "0");
	CU_ASSERT_STRING_EQUAL(disp(-0.0), "-0.0");
	CU_ASSERT_STRING_EQUAL(disp(1e-9), "1e-09");
	CU_ASSERT_STRING_EQUAL(disp(2e15), "2e+15");
	CU_ASSERT_STRING_EQUAL(disp(NAN), "\"NaN\"");
	CU_ASSERT_STRING_EQUAL(disp(-INFINITY), "\"-Infinity\"");
	{
		uint8_t v[8];
		int64_t neg = INT64_MIN;

		sp_values_encode(SP_VT_I64, 1, &neg, v);
		b[web_json_value(b, v, SP_VT_I64, 0)] = '\0';
		CU_ASSERT_STRING_EQUAL(b, "-9223372036854775808");
	}
}

void suite_weblens(void)
{
	static const CU_TestInfo t[] = {
		{ "levels from the screen", test_levels },
		{ "hover lapses after leaving", test_hover_lapses_after_leaving },
		{ "too many keys", test_too_many_keys },
		{ "the page's numbers", test_numbers },
		CU_TEST_INFO_NULL,
	};
	unit_add("weblens", t);
}
