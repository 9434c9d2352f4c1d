/*
 * test_webagg.c - the gateway as one viewer (web_agg): a key's level is
 * the max over the tabs that have it, kept as they change and close, and
 * asked of the dataplane once per change (coalesced), with a TTL only
 * while hovers alone hold it high; the fan-out gives each tab its own
 * level: high at once, medium and low at most one message a gap (the
 * newest held, older ones conflated), `all` keys at once; held messages
 * are released exactly once.
 */
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "web_agg.h"

#define MS 1000000ull
#define T0 (1000000ull * MS)   /* a clock well past zero */

struct got {
	void *tab;
	uintptr_t msg;
	uint8_t level;
};

static struct got got[256];
static unsigned int ngot;
static long holds, releases;

static void deliver(void *ctx, void *tab, void *msg, uint8_t level)
{
	(void)ctx;
	if (ngot < 256)
		got[ngot++] = (struct got){ tab, (uintptr_t)msg, level };
}

static void hold(void *ctx, void *msg)
{
	(void)ctx; (void)msg;
	holds++;
}

static void release(void *ctx, void *msg)
{
	(void)ctx; (void)msg;
	releases++;
}

static const struct web_agg_io io = { deliver, hold, release, NULL };
static int A, B, C;   /* three tabs: their addresses */

static struct web_agg *fresh(int passthrough)
{
	ngot = 0;
	holds = releases = 0;
	return web_agg_create(&io, passthrough);
}

/* the messages tab @p tab got, in order, into @p out */
static unsigned int got_by(void *tab, uintptr_t *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ngot; i++)
		if (got[i].tab == tab)
			out[n++] = got[i].msg;
	return n;
}

static void test_max_of_tabs(void)
{
	struct web_agg *a = fresh(0);
	struct web_agg_op ops[8];
	struct web_agg_stats st;

	CU_ASSERT_EQUAL(web_agg_set(a, &A, 7, 3, WEB_LOW, 0, 0, T0), 0);
	CU_ASSERT_EQUAL(web_agg_set(a, &B, 7, 3, WEB_MEDIUM, 0, 0, T0), 0);
	CU_ASSERT_EQUAL(web_agg_level(a, 7, 3), WEB_MEDIUM);
	CU_ASSERT_EQUAL(web_agg_tab_level(a, &A, 7, 3), WEB_LOW);
	CU_ASSERT_EQUAL(web_agg_pending(a), 1);
	/* one op for the key, at the max */
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 1);
	CU_ASSERT_EQUAL(ops[0].sensor, 7);
	CU_ASSERT_EQUAL(ops[0].attr, 3);
	CU_ASSERT_EQUAL(ops[0].level, WEB_MEDIUM);
	CU_ASSERT_EQUAL(ops[0].ttl_ms, 0);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 0);
	/* a tab at a lower level changes nothing the dataplane sees */
	web_agg_set(a, &C, 7, 3, WEB_LOW, 0, 0, T0);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 0);
	/* B (the medium one) closes: the key is lowered to low */
	web_agg_set(a, &B, 7, 3, WEB_NONE, 0, 0, T0);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_LOW);
	/* a tab raises it to high (a pin: no TTL) */
	web_agg_set(a, &A, 7, 3, WEB_HIGH, 0, 0, T0);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_HIGH);
	CU_ASSERT_EQUAL(ops[0].ttl_ms, 0);
	/* the last tabs go: none, and the key is forgotten */
	web_agg_set(a, &A, 7, 3, WEB_NONE, 0, 0, T0);
	web_agg_set(a, &C, 7, 3, WEB_NONE, 0, 0, T0);
	CU_ASSERT_EQUAL(web_agg_level(a, 7, 3), WEB_NONE);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_NONE);
	web_agg_stats(a, &st);
	CU_ASSERT_EQUAL(st.keys, 0);
	CU_ASSERT_EQUAL(st.subs, 0);
	web_agg_free(a);
}

static void test_coalesced(void)
{
	struct web_agg *a = fresh(0);
	struct web_agg_op ops[8];
	struct web_agg_stats st;

	/* up and down before the dataplane is asked: asked once, at the
	 * last level */
	web_agg_set(a, &A, 1, 1, WEB_HIGH, 0, 0, T0);
	web_agg_set(a, &A, 1, 1, WEB_MEDIUM, 0, 0, T0);
	web_agg_set(a, &A, 1, 1, WEB_LOW, 0, 0, T0);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_LOW);
	/* on and off again in between: nothing to ask */
	web_agg_set(a, &B, 2, 1, WEB_MEDIUM, 0, 0, T0);
	web_agg_set(a, &B, 2, 1, WEB_NONE, 0, 0, T0);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 0);
	web_agg_stats(a, &st);
	CU_ASSERT_EQUAL(st.keys, 1);   /* only 1/1 is left */
	/* more changes than room: the rest next time, none lost */
	for (uint64_t s = 10; s < 30; s++)
		web_agg_set(a, &A, s, 2, WEB_MEDIUM, 0, 0, T0);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 8);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 8);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 4);
	CU_ASSERT_EQUAL(ops[3].sensor, 29);
	CU_ASSERT_EQUAL(web_agg_pending(a), 0);
	web_agg_free(a);
}

static void test_hover_ttl(void)
{
	struct web_agg *a = fresh(0);
	struct web_agg_op ops[8];

	/* a hover alone: high with its TTL (and a second to spare) */
	web_agg_set(a, &A, 5, 1, WEB_HIGH, 1000, 0, T0);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0), 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_HIGH);
	CU_ASSERT_EQUAL(ops[0].ttl_ms, 2000);
	/* renewed later: asked again, the TTL from the new deadline */
	web_agg_set(a, &A, 5, 1, WEB_HIGH, 1000, 0, T0 + 300 * MS);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0 + 300 * MS), 1);
	CU_ASSERT_EQUAL(ops[0].ttl_ms, 2000);
	/* a pin too: high without a TTL, then the renewals ask nothing */
	web_agg_set(a, &B, 5, 1, WEB_HIGH, 0, 0, T0 + 400 * MS);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0 + 400 * MS), 0);
	web_agg_set(a, &A, 5, 1, WEB_HIGH, 1000, 0, T0 + 600 * MS);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0 + 600 * MS), 0);
	/* the pin goes: the hover alone again, with its TTL */
	web_agg_set(a, &B, 5, 1, WEB_NONE, 0, 0, T0 + 700 * MS);
	web_agg_set(a, &A, 5, 1, WEB_HIGH, 1000, 0, T0 + 800 * MS);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0 + 800 * MS), 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_HIGH);
	CU_ASSERT_EQUAL(ops[0].ttl_ms, 2000);
	/* the hover lapses in the tab: medium, no TTL */
	web_agg_set(a, &A, 5, 1, WEB_MEDIUM, 0, 0, T0 + 1800 * MS);
	CU_ASSERT_EQUAL(web_agg_changes(a, ops, 8, T0 + 1800 * MS), 1);
	CU_ASSERT_EQUAL(ops[0].level, WEB_MEDIUM);
	CU_ASSERT_EQUAL(ops[0].ttl_ms, 0);
	web_agg_free(a);
}

static void test_fan_levels(void)
{
	struct web_agg *a = fresh(0);
	struct web_agg_stats st;
	uintptr_t m[16];

	web_agg_set(a, &A, 9, 4, WEB_HIGH, 0, 0, T0);
	web_agg_set(a, &B, 9, 4, WEB_MEDIUM, 0, 0, T0);
	web_agg_set(a, &C, 9, 4, WEB_LOW, 0, 0, T0);
	/* the first goes to everyone, each at its level */
	web_agg_fan(a, 9, 4, (void *)1, T0);
	CU_ASSERT_EQUAL(ngot, 3);
	for (unsigned int i = 0; i < ngot; i++)
		CU_ASSERT_EQUAL(got[i].level, got[i].tab == (void *)&A ?
				WEB_HIGH : got[i].tab == (void *)&B ?
				WEB_MEDIUM : WEB_LOW);
	/* 10 and 20 ms later: high at once, the others hold the newest */
	web_agg_fan(a, 9, 4, (void *)2, T0 + 10 * MS);
	web_agg_fan(a, 9, 4, (void *)3, T0 + 20 * MS);
	CU_ASSERT_EQUAL(got_by(&A, m), 3);
	CU_ASSERT_EQUAL(got_by(&B, m), 1);
	CU_ASSERT_EQUAL(got_by(&C, m), 1);
	/* not yet the medium gap */
	web_agg_tick(a, T0 + 30 * MS);
	CU_ASSERT_EQUAL(got_by(&B, m), 1);
	/* the medium gap passed: B gets the newest (3), not 2 */
	web_agg_tick(a, T0 + 38 * MS);
	CU_ASSERT_EQUAL(got_by(&B, m), 2);
	CU_ASSERT_EQUAL(m[1], 3);
	CU_ASSERT_EQUAL(got_by(&C, m), 1);
	/* a message after B's gap (from its last, at 38) goes at once */
	web_agg_fan(a, 9, 4, (void *)4, T0 + 80 * MS);
	CU_ASSERT_EQUAL(got_by(&B, m), 3);
	CU_ASSERT_EQUAL(m[2], 4);
	/* the low gap passed: C gets the newest (4) */
	web_agg_tick(a, T0 + 150 * MS);
	CU_ASSERT_EQUAL(got_by(&C, m), 2);
	CU_ASSERT_EQUAL(m[1], 4);
	web_agg_stats(a, &st);
	CU_ASSERT_EQUAL(st.conflated, 3);   /* B: 2; C: 2, 3 */
	/* every hold released once: nothing left held */
	CU_ASSERT_EQUAL(holds, releases);
	web_agg_free(a);
}

static void test_fan_all_and_close(void)
{
	struct web_agg *a = fresh(0);
	uintptr_t m[16];

	/* an `all` key at low: every message, at once */
	web_agg_set(a, &A, 3, 2, WEB_LOW, 0, 1, T0);
	for (uintptr_t i = 1; i <= 5; i++)
		web_agg_fan(a, 3, 2, (void *)i, T0 + i * MS);
	CU_ASSERT_EQUAL(got_by(&A, m), 5);
	/* a held message of a tab that closes is released */
	web_agg_set(a, &B, 4, 2, WEB_LOW, 0, 0, T0);
	web_agg_fan(a, 4, 2, (void *)10, T0);
	web_agg_fan(a, 4, 2, (void *)11, T0 + MS);
	CU_ASSERT_EQUAL(holds - releases, 1);
	web_agg_set(a, &B, 4, 2, WEB_NONE, 0, 0, T0 + 2 * MS);
	CU_ASSERT_EQUAL(holds, releases);
	web_agg_tick(a, T0 + 500 * MS);
	CU_ASSERT_EQUAL(got_by(&B, m), 1);
	/* a key no tab has is counted, given to none */
	web_agg_fan(a, 99, 1, (void *)12, T0);
	{
		struct web_agg_stats st;

		web_agg_stats(a, &st);
		CU_ASSERT_EQUAL(st.unwanted, 1);
	}
	/* held at free: released */
	web_agg_set(a, &C, 5, 2, WEB_MEDIUM, 0, 0, T0);
	web_agg_fan(a, 5, 2, (void *)20, T0);
	web_agg_fan(a, 5, 2, (void *)21, T0 + MS);
	web_agg_free(a);
	CU_ASSERT_EQUAL(holds, releases);
}

static void test_passthrough_and_many(void)
{
	struct web_agg *a = fresh(1);
	struct web_agg_stats st;
	uintptr_t m[16];

	/* the plain fan-out: everything at once, whatever the level */
	web_agg_set(a, &A, 1, 1, WEB_LOW, 0, 0, T0);
	for (uintptr_t i = 1; i <= 4; i++)
		web_agg_fan(a, 1, 1, (void *)i, T0 + i * MS);
	CU_ASSERT_EQUAL(got_by(&A, m), 4);
	CU_ASSERT_EQUAL(holds, 0);
	web_agg_free(a);
	/* many keys and tabs: the table grows, every level right */
	a = fresh(0);
	for (uint64_t s = 1; s <= 5000; s++) {
		CU_ASSERT_EQUAL_FATAL(web_agg_set(a, &A, s, 1, WEB_LOW, 0, 0,
						  T0), 0);
		if (s % 2)
			web_agg_set(a, &B, s, 1, WEB_HIGH, 0, 0, T0);
	}
	web_agg_stats(a, &st);
	CU_ASSERT_EQUAL(st.keys, 5000);
	CU_ASSERT_EQUAL(st.subs, 7500);
	CU_ASSERT_EQUAL(web_agg_level(a, 4001, 1), WEB_HIGH);
	CU_ASSERT_EQUAL(web_agg_level(a, 4002, 1), WEB_LOW);
	CU_ASSERT_EQUAL(web_agg_level(a, 5001, 1), WEB_NONE);
	web_agg_free(a);
}

void suite_webagg(void)
{
	static const CU_TestInfo t[] = {
		{ "the max over tabs", test_max_of_tabs },
		{ "changes coalesced", test_coalesced },
		{ "a hover's TTL", test_hover_ttl },
		{ "fan-out at each tab's level", test_fan_levels },
		{ "all keys, closing tabs", test_fan_all_and_close },
		{ "passthrough, many keys", test_passthrough_and_many },
		CU_TEST_INFO_NULL,
	};
	unit_add("webagg", t);
}
